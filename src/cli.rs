//! Command-line flags. Every flag is optional so that "not given" can fall back to the config
//! file and its defaults; nothing here reads files.

use std::path::PathBuf;

use clap::Parser;

/// A live market ticker tape and financial news reader for the terminal.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Config file to use instead of `$XDG_CONFIG_HOME/tickertape/config.toml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Write a fully commented default config (to --config PATH or the default place) and exit.
    #[arg(long)]
    pub init_config: bool,
    /// Never touch the network: show the cache, else the bundled snapshot.
    #[arg(long)]
    pub offline: bool,
    /// Simulate a live market (a random walk from the snapshot) instead of fetching quotes.
    #[arg(long)]
    pub demo: bool,
    /// Seed for --demo, to replay the same simulated market.
    #[arg(long, value_name = "N", requires = "demo")]
    pub seed: Option<u64>,
    /// Write logs to this file (the screen never shows logs).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}
