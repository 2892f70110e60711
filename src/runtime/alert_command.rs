//! The user's alert command (`alerts.command`): started without a shell, detached from the
//! screen (no stdin, its output discarded), killed if it runs too long, and any failure said on
//! the status line.

use std::process::Stdio;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::message::{Message, Notification};
use crate::sanitize::SafeText;

/// Long enough for any notifier; a command still running then is stuck.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Starts `notification.command`, if any, and watches it on a task of its own.
pub fn run(notification: &Notification, outbox: &mpsc::Sender<Message>) {
    let Some((program, args)) = notification.command.split_first() else {
        return;
    };
    let spawned = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let outbox = outbox.clone();
    let program = program.clone();
    tokio::spawn(async move {
        let failure = match spawned {
            Err(error) => Some(format!("cannot start {program}: {error}")),
            Ok(mut child) => match tokio::time::timeout(TIMEOUT, child.wait()).await {
                Ok(Ok(status)) if status.success() => None,
                Ok(Ok(status)) => Some(format!("{program} failed ({status})")),
                Ok(Err(error)) => Some(format!("{program}: {error}")),
                Err(_) => {
                    let _ = child.kill().await;
                    Some(format!(
                        "{program} took over {}s and was stopped",
                        TIMEOUT.as_secs()
                    ))
                }
            },
        };
        if let Some(failure) = failure {
            tracing::warn!(%failure, "alert command");
            let text = SafeText::new(&format!("alert command: {failure}"));
            let _ = outbox.send(Message::Notice(text)).await;
        }
    });
}
