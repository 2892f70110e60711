//! What the run is configured to be: the config's values the app works from, with the mode
//! and time zone of this run.

use std::time::Duration;

use jiff::tz::TimeZone;

use super::Mode;
use crate::config::{AlertsConfig, Appearance, Config, Feed, Group, PortfolioConfig};
use crate::domain::Instrument;
use crate::keymap::KeyMap;

/// What the run is configured to be: fixed at start, replaced by a reloaded config.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Every instrument polled.
    pub instruments: Vec<Instrument>,
    /// The tape's groups, by symbol; none is one group of every instrument.
    pub groups: Vec<Group>,
    /// The configured feeds, by `SourceId::Feed` index: their names label failures.
    pub feeds: Vec<Feed>,
    /// The configured quote refresh, against which live quotes go stale.
    pub quote_refresh: Duration,
    /// Headlines kept at most (`news.max_items`).
    pub max_headlines: usize,
    pub tape_speed_cols_per_sec: u8,
    pub portfolio: PortfolioConfig,
    pub mode: Mode,
    /// The user's zone for clock times; exchange zones come from `market`.
    pub tz: TimeZone,
    /// The effective keys: defaults with the config's `[keys]` laid over.
    pub keys: KeyMap,
    /// Theme and colours; the runtime styles the screen from them.
    pub appearance: Appearance,
    pub alerts: AlertsConfig,
}

impl Settings {
    pub fn new(config: &Config, mode: Mode, tz: TimeZone) -> Self {
        Self {
            instruments: config.quotes.instruments.clone(),
            groups: config.quotes.groups.clone(),
            feeds: config.news.feeds.clone(),
            quote_refresh: config.quotes.refresh,
            max_headlines: config.news.max_items,
            tape_speed_cols_per_sec: config.ticker.speed_cols_per_sec,
            portfolio: config.portfolio.clone(),
            mode,
            tz,
            keys: config.keys.clone(),
            appearance: config.appearance,
            alerts: config.alerts.clone(),
        }
    }
}
