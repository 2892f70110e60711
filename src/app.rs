//! The whole state of the program, as a few sub-states each owned by its own module, behind
//! private fields: only `update` mutates it; `ui::draw` reads it through methods. It holds few
//! derived fields, each saving work every frame would repeat: the tape's entries (rebuilt by
//! update once per message), the reader's layout memo, and each headline's instrument tag
//! (kept by the list as stories arrive).

pub mod alerts;
pub mod chart_plot;
pub mod charts;
pub mod data_state;
mod detail;
pub mod headlines;
pub mod health;
pub mod portfolio_view;
pub mod quotes;
pub mod reader;
mod reload;
pub mod search;
mod settings;
mod startup;
pub mod tape;
pub mod update;
pub mod watchlist;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::bundled::Sample;
use crate::cache::FiredAlert;
use crate::config::{Appearance, Feed};
use crate::domain::{Article, Headline, Instrument};
use crate::keymap::KeyMap;
use crate::market;
use crate::message::{Failure, SourceId, Step, Viewport};
use crate::portfolio::{self, Price, Valuation};
use crate::sanitize::SafeText;
use alerts::Alerts;
pub use data_state::Mode;
use data_state::{DataState, Freshness, Origin, QuoteState};
pub use detail::MoveSince;
use headlines::HeadlineList;
use health::SourceHealth;
use portfolio_view::PortfolioView;
use quotes::QuoteBoard;
use reader::Reader;
pub use settings::Settings;
pub use startup::initial_app;
use tape::Tape;
use watchlist::Watchlist;

/// How long a removed instrument can be put back with `u`.
pub const UNDO_WINDOW: SignedDuration = SignedDuration::from_secs(10);

/// Which pane the movement keys act on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    List,
    Reader,
    /// Choosing an instrument on the tape (`cursor`, an index into the watchlist), which holds
    /// still meanwhile; the detail panel of the choice may be open over the reader.
    Tape {
        cursor: usize,
        detail_open: bool,
    },
}

/// What the first frame shows, before any source has answered.
#[derive(Clone, Debug)]
pub struct Startup {
    pub quotes: QuoteBoard,
    pub headlines: Vec<Headline>,
    pub read: HashSet<String>,
    /// The samples' full texts, by headline id.
    pub samples: HashMap<String, Sample>,
    /// Cache files that could not be read: the status line says so.
    pub cache_failure: Option<Failure>,
    /// Alert rules that had fired when the last run saved them.
    pub fired_alerts: Vec<FiredAlert>,
}

/// Fields are private: `update` (a child module) is the only code that changes them.
#[derive(Clone, Debug)]
pub struct App {
    /// The time of the last message; draw shows ages from this, never from the OS clock.
    now: Timestamp,
    settings: Settings,
    viewport: Viewport,
    quotes: QuoteBoard,
    watchlist: Watchlist,
    /// The last instrument removed, and when: `u` puts it back for [`UNDO_WINDOW`].
    undo: Option<(watchlist::Removal, Timestamp)>,
    portfolio_view: PortfolioView,
    tape: Tape,
    headlines: HeadlineList,
    reader: Reader,
    focus: Focus,
    is_help_open: bool,
    /// Rows of the help table scrolled past.
    help_scroll: u16,
    health: SourceHealth,
    is_quitting: bool,
    /// A one-line message for the user, cleared by the next key.
    notice: Option<SafeText>,
    /// The config file's mistake (`FILE:LINE:COLUMN: message`) since the last good version.
    config_error: Option<SafeText>,
    /// The symbol search box, while open (`a` on the held tape).
    search: Option<search::SearchBox>,
    alerts: Alerts,
    charts: charts::Charts,
}

impl App {
    pub fn new(settings: Settings, startup: Startup, now: Timestamp) -> Self {
        let mut headlines = HeadlineList::new(startup.headlines, startup.read);
        headlines.set_tag_terms(&tag_terms(&settings.instruments));
        let mut health = SourceHealth::default();
        if let Some(failure) = startup.cache_failure {
            health.mark_failed(SourceId::Cache, failure, now);
        }
        let mut app = Self {
            now,
            viewport: Viewport::default(),
            quotes: startup.quotes,
            watchlist: Watchlist::new(settings.instruments.clone(), &settings.groups),
            undo: None,
            portfolio_view: PortfolioView::default(),
            tape: Tape::new(settings.tape_speed_cols_per_sec),
            headlines,
            reader: Reader::new(startup.samples),
            focus: Focus::default(),
            is_help_open: false,
            help_scroll: 0,
            health,
            is_quitting: false,
            notice: None,
            config_error: None,
            search: None,
            alerts: Alerts::new(&settings.alerts, &startup.fired_alerts),
            charts: charts::Charts::default(),
            settings,
        };
        app.refresh_tape();
        app
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn tz(&self) -> &TimeZone {
        &self.settings.tz
    }

    pub fn mode(&self) -> Mode {
        self.settings.mode
    }

    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    pub fn config_error(&self) -> Option<&SafeText> {
        self.config_error.as_ref()
    }

    pub fn appearance(&self) -> &Appearance {
        &self.settings.appearance
    }

    pub fn keymap(&self) -> &KeyMap {
        &self.settings.keys
    }

    /// Every instrument polled, in every group: what headline tags index.
    pub fn instruments(&self) -> &[Instrument] {
        self.watchlist.all()
    }

    pub fn watchlist(&self) -> &Watchlist {
        &self.watchlist
    }

    pub fn portfolio_view(&self) -> &PortfolioView {
        &self.portfolio_view
    }

    /// The positions at the board's prices, each marked stale unless its price and FX rate
    /// are live, as the tape would mark them.
    pub fn valuation(&self) -> Valuation {
        let price_of = |symbol: &str| {
            let quote = self.quotes.get(symbol)?;
            Some(Price {
                price: portfolio::decimal(quote.price)?,
                previous_close: quote.previous_close.and_then(portfolio::decimal),
                currency: quote.currency.as_ref().map(ToString::to_string),
                is_live: self.quote_state(quote) == QuoteState::Live,
            })
        };
        portfolio::value(&self.settings.portfolio, &price_of)
    }

    /// Whether one quote is live, stale or not live, by the tape's rules.
    pub fn quote_state(&self, quote: &crate::domain::Quote) -> QuoteState {
        let symbol = quote.symbol.as_str();
        let market = (self.watchlist.all().iter())
            .find(|i| i.symbol == symbol)
            .map_or_else(|| market::Market::for_symbol(symbol), |i| i.market);
        QuoteState::of(
            self.quotes.received(symbol),
            self.quotes.failure(symbol).is_some(),
            || market::status_with_session(market, quote.session.as_ref(), self.now).is_open,
            self.now,
            self.settings.quote_refresh,
        )
    }

    pub fn quotes(&self) -> &QuoteBoard {
        &self.quotes
    }

    pub fn tape(&self) -> &Tape {
        &self.tape
    }

    pub fn headlines(&self) -> &HeadlineList {
        &self.headlines
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn charts(&self) -> &charts::Charts {
        &self.charts
    }

    pub fn health(&self) -> &SourceHealth {
        &self.health
    }

    pub fn notice(&self) -> Option<&SafeText> {
        self.notice.as_ref()
    }

    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    pub fn is_help_open(&self) -> bool {
        self.is_help_open
    }

    pub fn help_scroll(&self) -> u16 {
        self.help_scroll
    }

    pub fn is_quitting(&self) -> bool {
        self.is_quitting
    }

    /// The instrument chosen on the held tape.
    pub fn tape_cursor(&self) -> Option<usize> {
        match self.focus {
            Focus::Tape { cursor, .. } => Some(cursor),
            Focus::List | Focus::Reader => None,
        }
    }

    pub fn is_detail_open(&self) -> bool {
        matches!(
            self.focus,
            Focus::Tape {
                detail_open: true,
                ..
            }
        )
    }

    /// How current the numbers are, taken together: the status line's first word.
    pub fn data_state(&self) -> DataState {
        DataState::of(
            self.settings.mode,
            self.quotes.origin(),
            self.health.are_quotes_failing(),
        )
    }

    /// The text for the reader: the full article when we have it, else the feed's summary.
    pub fn selected_article(&self) -> Option<Cow<'_, Article>> {
        Some(self.reader.text_for(self.headlines.selected()?))
    }

    /// How the status line names a source.
    pub fn source_label(&self, source: SourceId) -> &str {
        match source {
            SourceId::Cache => "cache",
            SourceId::Demo => "demo",
            SourceId::Yahoo => "yahoo",
            SourceId::CoinGecko => "coingecko",
            SourceId::Articles => "articles",
            SourceId::Feed(index) => self
                .settings
                .feeds
                .get(usize::from(index))
                .map_or("feed", |feed| feed.name.as_str()),
        }
    }

    /// How the headline list labels a story's source: its feed's `short`, else the first word
    /// of the name (cached stories may come from feeds no longer configured).
    pub fn headline_source_label<'a>(&'a self, source: &'a SafeText) -> &'a str {
        self.settings
            .feeds
            .iter()
            .find(|feed| feed.name == *source)
            .map_or_else(|| crate::config::short_label(source.as_str()), Feed::label)
    }

    /// Whether the status line counts down to a closed market's opening (`opens in 2h 10m`).
    /// Paused, the screen holds still: it gives the opening's clock time, which stays true.
    pub fn counts_down(&self) -> bool {
        self.tape.is_moving()
    }

    /// The tape moves unless paused or held still to choose from.
    pub fn is_tape_moving(&self) -> bool {
        self.tape.is_moving() && !matches!(self.focus, Focus::Tape { .. })
    }

    /// The tape as it should read now, staleness included.
    fn tape_entries(&self) -> Vec<tape::TapeEntry> {
        let is_trading = |instrument: &Instrument| {
            let session = self
                .quotes
                .get(&instrument.symbol)
                .and_then(|q| q.session.as_ref());
            market::status_with_session(instrument.market, session, self.now).is_open
        };
        let freshness = Freshness {
            now: self.now,
            refresh: self.settings.quote_refresh,
            is_trading: &is_trading,
        };
        self.quotes.tape_entries(self.watchlist.shown(), &freshness)
    }

    /// Rebuilds the tape's entries from the board as of `now`.
    fn refresh_tape(&mut self) {
        let entries = self.tape_entries();
        self.tape.set_entries(entries, self.now);
    }

    /// Each instrument's market, open or closed now, from its live session when there is one.
    pub fn market_statuses(&self) -> Vec<(market::Market, market::MarketStatus)> {
        self.watchlist
            .all()
            .iter()
            .map(|instrument| {
                let session = self
                    .quotes
                    .get(&instrument.symbol)
                    .and_then(|q| q.session.as_ref());
                let status = market::status_with_session(instrument.market, session, self.now);
                (instrument.market, status)
            })
            .collect()
    }

    /// When the screen would change by itself: a market opening or closing, or a shown age
    /// ticking over to the next minute. The runtime sleeps until then instead of polling.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        let regions = market::region_statuses(self.market_statuses());
        let market_change = regions.iter().filter_map(|status| status.next_change).min();
        // "opens in 2h 10m": when the figure changes, not every minute after `now`.
        let countdown_tick = regions
            .iter()
            .filter(|status| !status.is_open && self.counts_down())
            .filter_map(|status| status.next_change)
            .map(|opens| crate::format::time::span_changes_at(opens, self.now))
            .min();
        let age_tick = match self.quotes.origin() {
            Origin::Snapshot { .. } => None,
            Origin::Cache { saved_at: since }
            | Origin::Live {
                fetched_at: since, ..
            } => next_minute_of_age(*since, self.now),
        };
        [market_change, countdown_tick, age_tick]
            .into_iter()
            .flatten()
            .min()
    }
}

/// A position in a list of `len` moved by `step`, wrapping at either end (`Down` is the next).
fn step_wrapping(index: usize, len: usize, step: Step) -> usize {
    let last = len.saturating_sub(1);
    match step {
        Step::Up => index.checked_sub(1).unwrap_or(last),
        Step::Down if index >= last => 0,
        Step::Down => index + 1,
        Step::First => 0,
        Step::Last => last,
    }
}

/// The instant an age shown in whole minutes next changes.
fn next_minute_of_age(since: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let age_secs = now.duration_since(since).as_secs().max(0);
    let next = SignedDuration::from_secs((age_secs / 60 + 1) * 60);
    since.checked_add(next).ok()
}

/// Each instrument's words that tag a headline as about it, by watchlist index.
fn tag_terms(instruments: &[Instrument]) -> Vec<Vec<String>> {
    instruments.iter().map(|i| i.aliases.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next deadline is the first moment a closed market's countdown shows another figure:
    /// not before (a frame that changes nothing), not a minute after the last frame.
    #[test]
    fn a_countdown_redraws_the_moment_its_figure_changes() {
        let mut app = crate::fixtures::app_from_snapshot(120, 40);
        let at = crate::fixtures::now() + SignedDuration::from_millis(400);
        update::update(&mut app, crate::message::Message::DeadlineReached, at);
        let deadline = app.next_deadline().unwrap();
        let opening: Vec<Timestamp> = market::region_statuses(app.market_statuses())
            .iter()
            .filter(|status| !status.is_open)
            .filter_map(|status| status.next_change)
            .collect();
        assert!(!opening.is_empty(), "Asia is closed at 16:42 London");
        let shown = |opens: &Timestamp, when: Timestamp| {
            crate::format::time::span(opens.duration_since(when))
        };
        let just_before = deadline - SignedDuration::from_millis(2);
        assert!(
            opening
                .iter()
                .all(|opens| shown(opens, at) == shown(opens, just_before))
        );
        assert!(
            opening
                .iter()
                .any(|opens| shown(opens, at) != shown(opens, deadline))
        );
    }

    /// Paused, the status line shows clock times: the next deadline is a market opening or
    /// closing, hours away, not a countdown's next figure.
    #[test]
    fn paused_the_next_deadline_is_a_market_changing() {
        let mut app = crate::fixtures::app_from_snapshot(120, 40);
        let at = crate::fixtures::now() + SignedDuration::from_millis(400);
        let changes = |app: &App| {
            market::region_statuses(app.market_statuses())
                .iter()
                .filter_map(|status| status.next_change)
                .min()
        };
        assert!(app.next_deadline() < changes(&app));
        update::update(&mut app, crate::message::Message::TogglePause, at);
        assert_eq!(app.next_deadline(), changes(&app));
        assert!(app.next_deadline() > Some(at + SignedDuration::from_hours(1)));
    }

    #[test]
    fn ages_tick_on_whole_minutes_after_the_update() {
        let since = Timestamp::from_second(1_000).unwrap();
        let now = Timestamp::from_second(1_130).unwrap();
        assert_eq!(
            next_minute_of_age(since, now),
            Some(Timestamp::from_second(1_180).unwrap())
        );
        assert_eq!(
            next_minute_of_age(since, since),
            Some(Timestamp::from_second(1_060).unwrap())
        );
    }
}
