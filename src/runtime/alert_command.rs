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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Desktop;

    fn notification(argv: &[&str]) -> Notification {
        Notification {
            message: SafeText::new("FTSE 100 above 8,400.00 at 8,401.25"),
            bell: false,
            desktop: Desktop::Off,
            command: argv.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// What the command's watcher says on the status line, if anything.
    async fn notice_after(argv: &[&str]) -> Option<String> {
        let (outbox, mut inbox) = mpsc::channel(4);
        run(&notification(argv), &outbox);
        drop(outbox);
        match inbox.recv().await {
            Some(Message::Notice(text)) => Some(text.to_string()),
            Some(other) => panic!("unexpected {other:?}"),
            None => None,
        }
    }

    #[tokio::test]
    async fn a_command_that_succeeds_is_silent_and_failures_are_said() {
        assert_eq!(notice_after(&[]).await, None, "no command, nothing run");
        assert_eq!(notice_after(&["true"]).await, None);
        let failed = notice_after(&["false"]).await.unwrap();
        assert!(
            failed.starts_with("alert command: false failed (exit status: 1)"),
            "{failed}"
        );
        let missing = notice_after(&["/nonexistent/notifier", "{message}"])
            .await
            .unwrap();
        assert!(
            missing.starts_with("alert command: cannot start /nonexistent/notifier"),
            "{missing}"
        );
    }

    /// The clock is paused, so the 10 s pass at once when nothing else is due.
    #[tokio::test(start_paused = true)]
    async fn a_command_that_hangs_is_stopped() {
        let stopped = notice_after(&["sleep", "600"]).await.unwrap();
        assert_eq!(
            stopped,
            "alert command: sleep took over 10s and was stopped"
        );
    }
}
