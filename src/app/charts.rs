//! The detail panel's charts: which range is chosen, each (symbol, range) series fetched so
//! far with its fetch time and whether a newer one is on its way or failed, and the headline
//! mark chosen on the 1D chart. The 1D chart is the quote's own intraday series (the poller
//! fetches exactly that request), so it refreshes with the quotes and works offline; the other
//! ranges come from the chart worker. Series become [`Plot`]s here, once per arrival.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use super::chart_plot::Plot;
use crate::domain::{Headline, Quote};
use crate::market::Market;
use crate::message::{ChartRange, ChartRequest, Failure, Step};

/// Daily and weekly bars change slowly: a range is fetched again at most this often.
const DAILY_MAX_AGE: SignedDuration = SignedDuration::from_hours(1);
/// Every fetch is answered well within this (each host times out sooner); one unanswered for
/// longer was lost with a restarted worker.
const LOADING_GIVE_UP: SignedDuration = SignedDuration::from_mins(2);

impl ChartRange {
    /// In key order, `1` to `7`.
    pub const ALL: [Self; 7] = [
        Self::Day,
        Self::FiveDays,
        Self::Month,
        Self::SixMonths,
        Self::YearToDate,
        Self::Year,
        Self::FiveYears,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Day => "1D",
            Self::FiveDays => "5D",
            Self::Month => "1M",
            Self::SixMonths => "6M",
            Self::YearToDate => "YTD",
            Self::Year => "1Y",
            Self::FiveYears => "5Y",
        }
    }

    /// Minute bars: refreshed with the quotes, not hourly.
    pub fn is_intraday(self) -> bool {
        matches!(self, Self::Day | Self::FiveDays)
    }
}

/// One range of one instrument.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartEntry {
    /// The last series that arrived, ready to draw; kept while a newer one loads or fails.
    pub plot: Option<Plot>,
    /// When `plot` was fetched (for 1D: when its quote arrived or was stamped).
    pub fetched_at: Option<Timestamp>,
    /// When the fetch on its way was asked for.
    pub loading_since: Option<Timestamp>,
    /// Why the last fetch of this range failed; cleared by the next arrival.
    pub failure: Option<Failure>,
}

impl ChartEntry {
    pub fn is_loading(&self) -> bool {
        self.loading_since.is_some()
    }
}

/// A headline placed on the 1D chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark<'a> {
    pub x: f64,
    pub headline: &'a Headline,
}

#[derive(Clone, Debug, Default)]
pub struct Charts {
    range: Option<ChartRange>,
    entries: HashMap<(String, ChartRange), ChartEntry>,
    /// The chosen mark, by headline id.
    mark: Option<String>,
}

impl Charts {
    pub fn range(&self) -> ChartRange {
        self.range.unwrap_or(ChartRange::Day)
    }

    pub fn entry(&self, symbol: &str, range: ChartRange) -> Option<&ChartEntry> {
        self.entries.get(&(symbol.to_owned(), range))
    }

    pub fn chosen_mark(&self) -> Option<&str> {
        self.mark.as_deref()
    }

    /// A failed range is asked again when chosen again; the others keep what they have.
    pub fn choose(&mut self, symbol: &str, range: ChartRange) {
        self.range = Some(range);
        if let Some(entry) = self.entries.get_mut(&(symbol.to_owned(), range)) {
            entry.failure = None;
        }
    }

    /// The panel is shut: the next one opens with no mark chosen.
    pub fn forget_mark(&mut self) {
        self.mark = None;
    }

    /// The next or previous mark from the chosen one (from none: the first or the last).
    /// Marks live on the 1D chart, so stepping shows it.
    pub fn step_mark(&mut self, marks: &[String], step: Step) {
        self.range = Some(ChartRange::Day);
        let current =
            (self.mark.as_deref()).and_then(|id| marks.iter().position(|mark| mark == id));
        let last = marks.len().checked_sub(1);
        let next = match (step, current) {
            (Step::Down, Some(i)) => Some((i + 1).min(last.unwrap_or(0))),
            (Step::Up, Some(i)) => Some(i.saturating_sub(1)),
            (Step::Down | Step::First, None) | (Step::First, Some(_)) => last.map(|_| 0),
            (Step::Up | Step::Last, None) | (Step::Last, Some(_)) => last,
        };
        self.mark = next.and_then(|i| marks.get(i)).cloned();
    }

    /// The 1D chart from the quote, rebuilt only when the quote is newer than the one drawn.
    pub fn follow_quote(&mut self, quote: &Quote, received: Option<Timestamp>, market: Market) {
        let stamp = received.unwrap_or(quote.time).max(quote.time);
        let entry = (self.entries)
            .entry((quote.symbol.clone(), ChartRange::Day))
            .or_default();
        if entry.fetched_at != Some(stamp) {
            entry.plot = Plot::new(quote, ChartRange::Day, &market.time_zone());
            entry.fetched_at = Some(stamp);
        }
    }

    /// The fetch `range` needs now, if any: none yet, or an intraday range older than the
    /// latest quote, or a daily one older than an hour. A range loading or failed waits.
    pub fn request(
        &mut self,
        symbol: &str,
        received: Option<Timestamp>,
        now: Timestamp,
    ) -> Option<ChartRequest> {
        let range = self.range();
        let entry = self.entries.entry((symbol.to_owned(), range)).or_default();
        // A fetch lost on the way (the sources restarted under it) is asked again.
        let is_waiting =
            (entry.loading_since).is_some_and(|asked| now.duration_since(asked) < LOADING_GIVE_UP);
        if is_waiting || entry.failure.is_some() {
            return None;
        }
        let is_due = match (entry.fetched_at, range.is_intraday()) {
            (None, _) => true,
            (Some(fetched), true) => received.is_some_and(|quote| quote > fetched),
            (Some(fetched), false) => now.duration_since(fetched) >= DAILY_MAX_AGE,
        };
        is_due.then(|| {
            entry.loading_since = Some(now);
            ChartRequest {
                symbol: symbol.to_owned(),
                range,
            }
        })
    }

    pub fn arrived(
        &mut self,
        range: ChartRange,
        quote: &Quote,
        fetched_at: Timestamp,
        market: Market,
    ) {
        let entry = (self.entries)
            .entry((quote.symbol.clone(), range))
            .or_default();
        *entry = ChartEntry {
            plot: Plot::new(quote, range, &market.time_zone()),
            fetched_at: Some(fetched_at),
            loading_since: None,
            failure: None,
        };
    }

    pub fn failed(&mut self, symbol: String, range: ChartRange, failure: Failure) {
        let entry = self.entries.entry((symbol, range)).or_default();
        entry.loading_since = None;
        entry.failure = Some(failure);
    }
}
