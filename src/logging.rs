//! Logs go to `--log-file` or nowhere: anything printed while the TUI owns the screen would
//! corrupt it.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;

pub fn init(log_file: Option<&Path>) -> anyhow::Result<()> {
    let Some(path) = log_file else {
        return Ok(());
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TICKERTAPE_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .try_init()
        .map_err(|error| anyhow::anyhow!(error))
        .context("cannot start logging")
}
