//! Watching the config file: each change that leaves different text behind is parsed (off the
//! UI task) and sent as `ConfigReloaded` or `ConfigFailed`. The directory is watched, not the
//! file, so editors that save by writing a temporary file and renaming it over are seen too;
//! text equal to the last seen (a touch) or to what the program itself last wrote there (a
//! watchlist or alert change) is no change, so nothing loops and no reload is announced.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::config;
use crate::config::edit::ConfigFile;
use crate::message::Message;
use crate::sanitize::SafeText;

/// Editors write in bursts (truncate, write, rename, chmod): the file is read once they settle.
const SETTLE: Duration = Duration::from_millis(150);

/// Keeps watching while held; dropping it stops the watch.
pub struct ConfigWatch {
    _watcher: RecommendedWatcher,
}

/// Starts watching `path`, whose text at load was `loaded_text`; `own` is the same file as the
/// program writes it.
pub fn watch(
    path: PathBuf,
    loaded_text: Option<String>,
    own: Option<Arc<Mutex<ConfigFile>>>,
    outbox: mpsc::Sender<Message>,
) -> anyhow::Result<ConfigWatch> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = path.file_name().map(ToOwned::to_owned);
    let (events, mut changed) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let is_ours = event.is_ok_and(|event| {
            event
                .paths
                .iter()
                .any(|p| p.file_name().map(ToOwned::to_owned) == name)
        });
        if is_ours {
            let _ = events.send(());
        }
    })
    .context("cannot watch the config file")?;
    watcher
        .watch(&dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", dir.display()))?;
    tokio::spawn(async move {
        let mut last_text = loaded_text;
        while changed.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while changed.try_recv().is_ok() {}
            // Mid-rename the file may be missing for a moment: the rename's event follows.
            let Ok(text) = tokio::fs::read_to_string(&path).await else {
                continue;
            };
            let is_own_write = own.as_ref().is_some_and(|file| {
                file.lock().unwrap_or_else(PoisonError::into_inner).text() == text
            });
            if is_own_write || last_text.as_deref() == Some(text.as_str()) {
                last_text = Some(text);
                continue;
            }
            let message = match config::parse(&text, &path) {
                Ok(config) => Message::ConfigReloaded(Box::new(config)),
                Err(error) => Message::ConfigFailed(SafeText::new(&error.to_string())),
            };
            tracing::info!(path = %path.display(), ok = matches!(message, Message::ConfigReloaded(_)), "config changed");
            last_text = Some(text);
            if outbox.send(message).await.is_err() {
                return;
            }
        }
    });
    Ok(ConfigWatch { _watcher: watcher })
}
