//! Command-line flags. Every flag is optional so that "not given" can fall back to the config
//! file and its defaults; nothing here reads files.

use std::path::PathBuf;

use clap::Parser;

/// `--version` also says how far the built-in exchange holidays reach
/// ([`crate::market::calendar::COVERED_THROUGH`]); past it the status line says so.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nexchange holidays known through 2027-12-31"
);

/// A live market ticker tape and financial news reader for the terminal.
#[derive(Debug, Parser)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each is an independent command-line switch"
)]
#[command(version, long_version = LONG_VERSION, about)]
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
    /// Print the watchlist once (fresh if possible, else cached and marked stale) and exit:
    /// 0 when something was printed, 1 when there was nothing to print.
    #[arg(long)]
    pub once: bool,
    /// With --once: print JSON instead of a table.
    #[arg(long, requires = "once")]
    pub json: bool,
    /// With --once: print the portfolio's positions, values and profit or loss instead of the
    /// watchlist.
    #[arg(long, requires = "once")]
    pub portfolio: bool,
    /// With --once: seconds to wait for fresh prices before falling back to the cache.
    #[arg(long, value_name = "SECS", requires = "once", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
    /// Write logs to this file (the screen never shows logs).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_long_version_names_the_last_day_the_holiday_calendars_cover() {
        let covered = crate::market::calendar::COVERED_THROUGH.to_string();
        assert!(super::LONG_VERSION.ends_with(&format!("through {covered}")));
    }
}
