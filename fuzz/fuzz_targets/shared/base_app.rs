//! The app the drawing targets start from: the first start (bundled quotes and sample news) on
//! a fixed clock, as `benches/support/app.rs` builds it, in the mode, zone and quotes an input
//! chooses.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tickertape::app::data_state::Origin;
use tickertape::app::quotes::QuoteBoard;
use tickertape::app::{App, Mode, Settings, Startup};
use tickertape::config::Config;
use tickertape::domain::{Article, Headline};

pub const NOW: &str = "2024-06-28T15:42:07Z";

type Bundled = (QuoteBoard, Vec<Headline>, HashMap<String, Article>);

thread_local! {
    /// Parsed once per thread and cloned for each input.
    static BUNDLED: Bundled = {
        let snapshot = tickertape::bundled::snapshot().expect("the bundled snapshot");
        let origin = Origin::Snapshot { taken_at: snapshot.taken_at };
        let (headlines, articles) = tickertape::bundled::sample_news().expect("the sample news");
        (QuoteBoard::new(snapshot.quotes, origin), headlines, articles)
    };
}

/// The first start in `mode` and `tz`; `quotes`, when given, as a quotes cache would set them.
#[allow(dead_code, reason = "the article target starts from base_app alone")]
pub fn app_with(mode: Mode, tz: TimeZone, quotes: Option<QuoteBoard>) -> App {
    let now: Timestamp = NOW.parse().expect("a valid time");
    BUNDLED.with(|(board, headlines, articles)| {
        let startup = Startup {
            quotes: quotes.unwrap_or_else(|| board.clone()),
            headlines: headlines.clone(),
            read: HashSet::new(),
            articles: articles.clone(),
            cache_failure: None,
        };
        App::new(Settings::new(&Config::default(), mode, tz), startup, now)
    })
}

/// Offline, in London.
pub fn base_app() -> App {
    let tz = TimeZone::get("Europe/London").expect("the bundled time zone database");
    app_with(Mode::Offline, tz, None)
}
