//! tickertape: a live market ticker tape and financial news reader for the terminal.
//!
//! The shape: sources (tokio tasks) send [`message::Message`]s into one inbox; the runtime
//! applies each with [`app::update::update`] and draws with [`ui::draw`]. `run` wires it up in
//! the order that keeps a broken config from ever touching the terminal: config, logs, cache,
//! then the terminal.
#![forbid(unsafe_code)]

pub mod app;
pub mod bundled;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
#[cfg(test)]
mod fixtures;
pub mod format;
pub mod keymap;
pub mod logging;
pub mod market;
pub mod message;
pub mod output;
pub mod portfolio;
pub mod runtime;
pub mod sanitize;
pub mod sources;
pub mod terminal;
pub mod ui;
pub mod zones;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use jiff::Timestamp;
use tokio::sync::mpsc;

pub use app::initial_app;
use app::{Mode, Settings};
use cache::Cache;
use cli::Cli;

/// Messages waiting for the UI; sources wait (not drop) when it is full.
const INBOX_CAPACITY: usize = 256;

/// What `main` should do after the work is done.
pub enum Exit {
    /// The TUI ran and was quit.
    Quit,
    /// `--once` printed the watchlist.
    Printed,
    /// `--once` had nothing at all to print.
    NothingToPrint,
    /// `--init-config` wrote this file.
    ConfigWritten(PathBuf),
}

pub fn run(cli: &Cli) -> anyhow::Result<Exit> {
    let env = |key: &str| std::env::var_os(key);
    if let Some(shell) = cli.completions {
        output::print(&cli::completions(shell))?;
        return Ok(Exit::Printed);
    }
    if cli.init_config {
        let path = match &cli.config {
            Some(path) => path.clone(),
            None => config::default_config_path(&env).ok_or(config::ConfigError::NoHome)?,
        };
        config::init_config(&path)?;
        return Ok(Exit::ConfigWritten(path));
    }
    let loaded = config::load(cli.config.as_deref(), &env)?;
    if cli.print_config {
        output::print(&config::to_toml(&loaded.config))?;
        return Ok(Exit::Printed);
    }
    if cli.print_keys {
        output::print(&loaded.config.keys.to_toml())?;
        return Ok(Exit::Printed);
    }
    logging::init(cli.log_file.as_deref())?;
    tracing::info!(config = ?loaded.path, "starting");
    let cache = config::cache_dir(&env).map(Cache::new);
    if cli.once {
        return output::run_once(cli, &loaded.config, cache.as_ref());
    }
    let mode = match (cli.offline, cli.demo) {
        (true, _) => Mode::Offline,
        (false, true) => Mode::Demo,
        (false, false) => Mode::Live,
    };
    // Read once, so the watchlist saver and the config watcher start from the same text: a
    // later hand edit is noticed before a watchlist change is written.
    let config_text = (loaded.path.as_ref()).and_then(|path| std::fs::read_to_string(path).ok());
    let config_file = (loaded.path.clone())
        .zip(config_text.clone())
        .map(|(path, text)| Arc::new(Mutex::new(config::edit::ConfigFile::new(path, text))));
    let settings = Settings::new(&loaded.config, mode, zones::local());
    let app = initial_app(settings, cache.as_ref(), Timestamp::now())?;
    let styling = runtime::Styling {
        config: loaded.config.clone(),
        no_color: std::env::var_os("NO_COLOR"),
    };
    // The file in use, else where one would be looked for: creating it applies it too.
    let watched = (loaded.path.clone())
        .or_else(|| config::default_config_path(&env))
        .filter(|path| path.parent().is_some_and(Path::is_dir));

    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tokio.block_on(async {
        let (outbox, inbox) = mpsc::channel(INBOX_CAPACITY);
        let mut tasks = tokio::task::JoinSet::new();
        // Without a file at start-up there is no text: the default path did not exist.
        let _watch = watched.and_then(|path| {
            let own = config_file.clone();
            sources::config_watch::watch(path, config_text, own, outbox.clone())
                .inspect_err(|error| tracing::warn!(%error, "config not watched"))
                .ok()
        });
        let row_shift = if loaded.config.ticker.is_shift_on {
            terminal::RowShift::On
        } else {
            terminal::RowShift::Off
        };
        let (mut terminal, _guard) =
            terminal::init(row_shift).context("cannot set up the terminal")?;
        // The sources start after the first frame: building the HTTP client reads the
        // system's certificates, which the first frame need not wait for. A reloaded config
        // with another watchlist or other feeds starts them again.
        let start = |config: &config::Config| {
            tasks.abort_all();
            let effects = sources::spawn(cli, config, cache.clone(), outbox.clone(), &mut tasks)?;
            Ok(runtime::Effects {
                config_file: config_file.clone(),
                ..effects
            })
        };
        runtime::run(app, styling, &mut terminal, inbox, start).await?;
        tasks.abort_all();
        Ok::<_, anyhow::Error>(())
    })?;
    tracing::info!("quit");
    Ok(Exit::Quit)
}
