//! The whole state of the program, as a few sub-states each owned by its own module. Only
//! `update` mutates it; `ui::draw` reads it. It holds no derived fields: what can be computed
//! from it (tape entries, market status) is computed where it is needed. Two exceptions save
//! work every frame would repeat: the reader's layout memo, and each headline's instrument tag
//! (kept by the list as stories arrive).

pub mod headlines;
pub mod health;
pub mod quotes;
pub mod reader;
pub mod tape;
pub mod update;

use std::borrow::Cow;
use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::domain::{Article, Instrument};
use crate::market;
use crate::message::{SourceId, Viewport};
use crate::sanitize::SafeText;
use crate::ui::theme::Theme;
use headlines::HeadlineList;
use health::SourceHealth;
use quotes::{Origin, QuoteBoard};
use reader::Reader;
use tape::Tape;

/// Where quotes come from in this run, which decides how the status line words their state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// `--offline`: nothing will ever be fetched.
    #[default]
    Offline,
    /// `--demo`: simulated prices.
    Demo,
    /// Pollers are running.
    Live,
}

/// Which pane the movement keys act on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    List,
    Reader,
    /// Choosing an instrument on the tape, which holds still meanwhile.
    Tape,
}

#[derive(Clone, Debug)]
pub struct App {
    /// The time of the last message; draw shows ages from this, never from the OS clock.
    pub now: Timestamp,
    /// The user's zone for clock times; exchange zones come from `market`.
    pub tz: TimeZone,
    pub viewport: Viewport,
    pub instruments: Vec<Instrument>,
    pub quotes: QuoteBoard,
    pub tape: Tape,
    pub headlines: HeadlineList,
    /// Full texts by headline id; a headline without one is read from its summary.
    pub articles: HashMap<String, Article>,
    pub reader: Reader,
    pub reader_layout: reader::LayoutMemo,
    pub focus: Focus,
    /// The instrument chosen on the tape (index into `instruments`).
    pub tape_cursor: usize,
    /// The detail panel for the chosen instrument is showing.
    pub is_detail_open: bool,
    pub is_help_open: bool,
    pub health: health::SourceHealth,
    /// Chosen once at start (`NO_COLOR`); draw reads it like any other state.
    pub theme: Theme,
    pub is_quitting: bool,
    pub mode: Mode,
    /// Headlines kept at most (`news.max_items`).
    pub max_headlines: usize,
    /// Configured feed names, by `SourceId::Feed` index.
    pub feed_names: Vec<SafeText>,
    /// Why the selected headline's page could not be read, by headline id.
    pub article_failures: HashMap<String, SafeText>,
    /// Headlines whose page is being fetched.
    pub articles_loading: std::collections::HashSet<String>,
    /// A one-line message for the user, cleared by the next key.
    pub notice: Option<SafeText>,
    /// The configured quote refresh, against which live quotes go stale.
    pub quote_refresh: std::time::Duration,
}

impl App {
    pub fn new(
        instruments: Vec<Instrument>,
        quotes: QuoteBoard,
        headlines: HeadlineList,
        articles: HashMap<String, Article>,
        tape: Tape,
        now: Timestamp,
        tz: TimeZone,
    ) -> Self {
        let mut headlines = headlines;
        headlines.set_tag_terms(instruments.iter().map(|i| i.aliases.clone()).collect());
        Self {
            now,
            tz,
            viewport: Viewport::default(),
            instruments,
            quotes,
            tape,
            headlines,
            articles,
            reader: Reader::default(),
            reader_layout: reader::LayoutMemo::default(),
            focus: Focus::default(),
            tape_cursor: 0,
            is_detail_open: false,
            is_help_open: false,
            health: SourceHealth::default(),
            theme: Theme::colour(),
            is_quitting: false,
            mode: Mode::default(),
            max_headlines: 500,
            feed_names: Vec::new(),
            article_failures: HashMap::new(),
            articles_loading: std::collections::HashSet::new(),
            notice: None,
            quote_refresh: std::time::Duration::from_secs(15),
        }
    }

    /// The text for the reader: the full article when we have it, else the feed's summary.
    pub fn selected_article(&self) -> Option<Cow<'_, Article>> {
        let headline = self.headlines.selected()?;
        if let Some(article) = self.articles.get(&headline.id) {
            return Some(Cow::Borrowed(article));
        }
        Some(Cow::Owned(Article {
            title: headline.title.clone(),
            source: headline.source.clone(),
            published: headline.published,
            byline: None,
            blocks: headline.summary.clone(),
            links: Vec::new(),
        }))
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
                .feed_names
                .get(usize::from(index))
                .map_or("feed", SafeText::as_str),
        }
    }

    /// The tape moves unless paused or held still to choose from.
    pub fn is_tape_moving(&self) -> bool {
        self.tape.is_moving() && self.focus != Focus::Tape
    }

    /// The tape as it should read now, staleness included.
    pub fn tape_entries(&self) -> Vec<quotes::TapeEntry> {
        let is_trading = |instrument: &Instrument| {
            let session = self
                .quotes
                .get(&instrument.symbol)
                .and_then(|q| q.session.as_ref());
            market::status_with_session(instrument.market, session, self.now).is_open
        };
        let freshness = quotes::Freshness {
            now: self.now,
            refresh: self.quote_refresh,
            is_trading: &is_trading,
        };
        self.quotes.tape_entries(&self.instruments, &freshness)
    }

    /// Each instrument's market, open or closed now, from its live session when there is one.
    pub fn market_statuses(&self) -> Vec<(market::Market, market::MarketStatus)> {
        self.instruments
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
        // "opens in 2h 10m" ticks over each minute before the open.
        let countdown_tick = regions
            .iter()
            .filter(|status| !status.is_open)
            .filter_map(|status| status.next_change)
            .map(|opens| {
                let secs = opens.duration_since(self.now).as_secs().rem_euclid(60);
                let wait = if secs == 0 { 60 } else { secs };
                self.now + SignedDuration::from_secs(wait)
            })
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

/// The instant an age shown in whole minutes next changes.
fn next_minute_of_age(since: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let age_secs = now.duration_since(since).as_secs().max(0);
    let next = SignedDuration::from_secs((age_secs / 60 + 1) * 60);
    since.checked_add(next).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
