//! What the detail panel adds to the app: its instrument, the headline marks on its 1D chart,
//! the messages it handles (ranges, marks, chart arrivals), and the move since a headline was
//! published that the reader shows. Apart from `update` so that stays a dispatcher.

use jiff::Timestamp;

use super::charts::Mark;
use super::data_state::{Mode, QuoteState};
use super::{App, Focus, chart_plot};
use crate::domain::{Headline, Instrument, Quote};
use crate::market::Market;
use crate::message::{ChartRange, Command, Failure, Step};
use crate::sanitize::SafeText;

/// `FTSE 100 +0.42% since 09:14`: how far an instrument has moved since a story about it.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveSince<'a> {
    pub name: &'a SafeText,
    pub percent: f64,
    pub since: Timestamp,
    /// The latest price's freshness, marked as the tape marks it.
    pub state: QuoteState,
}

impl App {
    /// The instrument whose detail panel is open.
    pub fn detail_instrument(&self) -> Option<&Instrument> {
        let cursor = self.tape_cursor().filter(|_| self.is_detail_open())?;
        self.watchlist.shown_at(cursor)
    }

    /// The detail instrument's tagged headlines published within its 1D series, oldest first.
    pub fn chart_marks(&self) -> Vec<Mark<'_>> {
        let Some(instrument) = self.detail_instrument() else {
            return Vec::new();
        };
        let plot = (self.charts.entry(&instrument.symbol, ChartRange::Day))
            .and_then(|entry| entry.plot.as_ref());
        let tag = (self.instruments().iter()).position(|i| i.symbol == instrument.symbol);
        let (Some(plot), Some(tag)) = (plot, tag) else {
            return Vec::new();
        };
        let mut marks: Vec<Mark> = (self.headlines.all().iter())
            .filter(|headline| self.headlines.tag(&headline.id) == Some(tag))
            .filter_map(|headline| {
                let x = plot.x_of(headline.published?, self.now)?;
                Some(Mark { x, headline })
            })
            .collect();
        marks.sort_by_key(|mark| mark.headline.published);
        marks
    }

    /// The move of the instrument a headline is tagged with, from the last real bar of its
    /// intraday series at or before publication to the latest price. Nothing for a story
    /// without a date, or older than the series: never an extrapolation.
    pub fn move_since(&self, headline: &Headline) -> Option<MoveSince<'_>> {
        let instrument = self.instruments().get(self.headlines.tag(&headline.id)?)?;
        let quote = self.quotes.get(&instrument.symbol)?;
        let since = headline.published?;
        Some(MoveSince {
            name: instrument.display_name(Some(quote)),
            percent: chart_plot::percent_since(quote, since, self.now)?,
            since,
            state: self.quote_state(quote),
        })
    }

    fn market_of(&self, symbol: &str) -> Market {
        (self.instruments().iter())
            .find(|i| i.symbol == symbol)
            .map_or_else(|| Market::for_symbol(symbol), |i| i.market)
    }
}

/// `1`..`7`: chart another range; one that failed is asked again.
pub fn choose_range(app: &mut App, range: ChartRange) {
    if let Some(symbol) = app.detail_instrument().map(|i| i.symbol.clone()) {
        app.charts.choose(&symbol, range);
    }
}

/// `n`/`N`: the next or previous headline mark on the 1D chart.
pub fn step_mark(app: &mut App, step: Step) {
    let marks: Vec<String> = (app.chart_marks().iter())
        .map(|mark| mark.headline.id.clone())
        .collect();
    if marks.is_empty() {
        app.notice = Some(SafeText::new(
            "no headline about this instrument falls within its 1D chart",
        ));
    }
    app.charts.step_mark(&marks, step);
}

/// `Enter` in the panel: selects the chosen mark's headline and returns `true` (the caller
/// opens it in the reader), or closes the panel when no mark is chosen.
pub fn open_mark(app: &mut App) -> bool {
    let marks = app.chart_marks();
    let chosen = app.charts.chosen_mark();
    let id = (marks.iter())
        .find(|mark| Some(mark.headline.id.as_str()) == chosen)
        .map(|mark| mark.headline.id.clone());
    if let Some(id) = id {
        return app.headlines.select_id(&id);
    }
    if let Focus::Tape { detail_open, .. } = &mut app.focus {
        *detail_open = false;
    }
    false
}

pub fn chart_arrived(app: &mut App, range: ChartRange, quote: &Quote, fetched_at: Timestamp) {
    let market = app.market_of(&quote.symbol);
    app.charts.arrived(range, quote, fetched_at, market);
}

pub fn chart_failed(app: &mut App, symbol: String, range: ChartRange, failure: Failure) {
    app.charts.failed(symbol, range, failure);
}

/// After every message: the open panel's 1D chart follows its quote, and the chosen range is
/// fetched when it has none or its series is due again. Only a live run fetches.
pub fn settle(app: &mut App) -> Option<Command> {
    let Some(symbol) = app.detail_instrument().map(|i| i.symbol.clone()) else {
        app.charts.forget_mark();
        return None;
    };
    let received = app.quotes.received(&symbol);
    if let Some(quote) = app.quotes.get(&symbol) {
        let market = app.market_of(&symbol);
        app.charts.follow_quote(quote, received, market);
    }
    if app.charts.range() == ChartRange::Day || app.settings.mode != Mode::Live {
        return None;
    }
    (app.charts.request(&symbol, received, app.now)).map(Command::FetchChart)
}
