//! Test fixtures: an app built from the bundled data with a fixed clock, time zone and size,
//! so every snapshot and update test sees the same world.

use jiff::{Timestamp, tz::TimeZone};
use ratatui::layout::Rect;

use crate::app::update::update;
use crate::app::{App, Mode, Settings};
use crate::config::Config;
use crate::domain::{Instrument, Provider};
use crate::market::Market;
use crate::message::Message;
use crate::sanitize::SafeText;
use crate::ui;

/// Friday 28 Jun 2024, 16:42:07 in London: UK and Europe open, US open, Asia closed.
pub fn now() -> Timestamp {
    "2024-06-28T15:42:07Z".parse().unwrap()
}

pub fn london() -> TimeZone {
    TimeZone::get("Europe/London").unwrap()
}

/// The first start on a new machine: snapshot quotes, sample news, nothing read.
pub fn app_from_snapshot(width: u16, height: u16) -> App {
    app_in_mode(width, height, Mode::Offline)
}

/// [`app_from_snapshot`] as a run with pollers (`Live`) or `--demo` would start.
pub fn app_in_mode(width: u16, height: u16, mode: Mode) -> App {
    app_with_config(&Config::default(), width, height, mode)
}

/// The first start with the user's `config`.
pub fn app_with_config(config: &Config, width: u16, height: u16, mode: Mode) -> App {
    let settings = Settings::new(config, mode, london());
    let mut app = crate::app::initial_app(settings, None, now()).unwrap();
    let viewport = ui::viewport(Rect::new(0, 0, width, height));
    update(&mut app, Message::Resized(viewport), now());
    app
}

/// A Yahoo instrument whose market follows from its symbol, as the config would make it.
pub fn instrument(symbol: &str, name: &str) -> Instrument {
    Instrument {
        symbol: symbol.to_owned(),
        name: SafeText::new(name),
        market: Market::for_symbol(symbol),
        provider: Provider::Yahoo,
        aliases: Vec::new(),
    }
}

/// A round from Yahoo bringing `quote`, fetched now.
pub fn yahoo_round(quote: crate::domain::Quote) -> Message {
    Message::QuotesArrived {
        source: crate::message::SourceId::Yahoo,
        quotes: vec![quote],
        failed: Vec::new(),
        fetched_at: now(),
    }
}
