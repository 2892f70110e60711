//! The symbol search box (`a` on the held tape): the text typed, what the provider found for
//! it, the chosen result, and adding it after the chosen instrument once one chart request has
//! shown the provider prices it. Drawn by `ui::search`; fetched by `sources::search_worker`.

use tui_input::{Input, InputRequest};

use super::update::{hold_tape_at, save_watchlist};
use super::{App, Focus, Mode};
use crate::domain::{Instrument, Quote, SymbolMatch};
use crate::market::Market;
use crate::message::{Command, Failure, SearchRequest, SourceId, Step};
use crate::sanitize::SafeText;

/// Longer than any name or symbol worth searching for; a paste beyond it is cut off.
const MAX_QUERY_CHARS: usize = 80;

#[derive(Clone, Debug, Default)]
pub struct SearchBox {
    input: Input,
    results: Vec<SymbolMatch>,
    chosen: usize,
    status: Status,
}

/// What the box is waiting for, or why it has nothing to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Status {
    #[default]
    Idle,
    /// The text as typed has gone to the provider.
    Searching,
    /// The chosen result is being checked before it is added as this instrument.
    Checking(Instrument),
    /// The search or the check failed; the box stays open and says why.
    Failed(SafeText),
    /// `--offline` or `--demo`: nothing may be fetched.
    NeedsNetwork,
}

impl SearchBox {
    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Where the cursor is, in display columns from the start of the text.
    pub fn cursor_cols(&self) -> usize {
        self.input.visual_cursor()
    }

    /// How far the text is scrolled to keep the cursor in a field `width` columns wide.
    pub fn scroll_cols(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    pub fn results(&self) -> &[SymbolMatch] {
        &self.results
    }

    pub fn chosen(&self) -> usize {
        self.chosen
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The query as sent: surrounding spaces ask nothing new.
    fn query(&self) -> &str {
        self.input.value().trim()
    }
}

impl App {
    pub fn search_box(&self) -> Option<&SearchBox> {
        self.search.as_ref()
    }

    /// `a` on the held tape opens the box; a run that may not fetch says so in it.
    pub(super) fn start_search(&mut self) {
        if !matches!(self.focus, Focus::Tape { .. }) {
            return;
        }
        let status = match self.settings.mode {
            Mode::Live => Status::Idle,
            Mode::Offline | Mode::Demo => Status::NeedsNetwork,
        };
        self.search = Some(SearchBox {
            status,
            ..SearchBox::default()
        });
    }

    /// Each change of the text asks again; the worker waits for typing to pause.
    pub(super) fn edit_search(&mut self, request: InputRequest) -> Option<Command> {
        let search = self.search.as_mut()?;
        let is_full = search.input.value().chars().count() >= MAX_QUERY_CHARS;
        if is_full && matches!(request, InputRequest::InsertChar(_)) {
            return None;
        }
        let before = search.query().to_owned();
        search.input.handle(request);
        if search.query() == before || search.status == Status::NeedsNetwork {
            return None;
        }
        search.results.clear();
        search.chosen = 0;
        if search.query().is_empty() {
            search.status = Status::Idle;
            return Some(Command::Search(None));
        }
        search.status = Status::Searching;
        Some(Command::Search(Some(SearchRequest::Query(
            search.query().to_owned(),
        ))))
    }

    /// Up and Down through the results, wrapping at either end.
    pub(super) fn choose_result(&mut self, step: Step) {
        let Some(search) = self.search.as_mut() else {
            return;
        };
        search.chosen = super::step_wrapping(search.chosen, search.results.len(), step);
    }

    /// Closes the box; the command cancels whatever the worker is doing for it.
    pub(super) fn close_search(&mut self) -> Option<Command> {
        self.search.take().map(|_| Command::Search(None))
    }

    pub(super) fn search_answered(
        &mut self,
        query: &str,
        outcome: Result<Vec<SymbolMatch>, Failure>,
    ) {
        let Some(search) = self.search.as_mut() else {
            return;
        };
        // An answer to text since changed is not what the box shows.
        if search.status != Status::Searching || search.query() != query {
            return;
        }
        (search.results, search.status) = match outcome {
            Ok(results) => (results, Status::Idle),
            Err(failure) => {
                let why = format!("search failed: {}", failure.summary());
                (Vec::new(), Status::Failed(SafeText::new(&why)))
            }
        };
        search.chosen = 0;
    }

    /// `Enter`: a symbol already in the group is chosen there; any other is checked first.
    pub(super) fn accept_result(&mut self) -> Vec<Command> {
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        if matches!(search.status, Status::Checking(_)) {
            return Vec::new();
        }
        let Some(found) = search.results.get(search.chosen).cloned() else {
            return Vec::new();
        };
        let existing = (self.watchlist.shown()).position(|i| i.symbol == found.symbol);
        if let Some(place) = existing {
            let name = self.watchlist.shown_at(place).map(|i| i.name.clone());
            let name = name.unwrap_or_else(|| SafeText::new(&found.symbol));
            self.search = None;
            self.notice = Some(SafeText::new(&format!("{name} is on the tape already")));
            hold_tape_at(self, place);
            return vec![Command::Search(None)];
        }
        // A symbol the user named in another group keeps that name.
        let known = self
            .watchlist
            .all()
            .iter()
            .find(|i| i.symbol == found.symbol);
        let instrument = known.cloned().unwrap_or_else(|| Instrument {
            market: Market::for_symbol(&found.symbol),
            symbol: found.symbol,
            name: found.name,
            provider: crate::domain::Provider::Yahoo,
            aliases: Vec::new(),
        });
        search.status = Status::Checking(instrument.clone());
        vec![Command::Search(Some(SearchRequest::Check(instrument)))]
    }

    /// A priced instrument is added after the chosen one, polled and saved; an unknown one is
    /// not, and the box says so.
    pub(super) fn instrument_checked(
        &mut self,
        symbol: &str,
        outcome: Result<Box<Quote>, Failure>,
    ) -> Vec<Command> {
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        let Status::Checking(instrument) = &search.status else {
            return Vec::new();
        };
        if instrument.symbol != symbol {
            return Vec::new();
        }
        let instrument = instrument.clone();
        let quote = match outcome {
            Ok(quote) => quote,
            Err(failure) => {
                let why = match failure {
                    Failure::UnknownSymbol { .. } => {
                        format!("Yahoo does not know {symbol}: not added")
                    }
                    failure => format!("cannot check {symbol} ({}): not added", failure.summary()),
                };
                search.status = Status::Failed(SafeText::new(&why));
                return Vec::new();
            }
        };
        self.search = None;
        let after = self.tape_cursor().map_or(0, |cursor| cursor + 1);
        let place = self.watchlist.add(after, instrument.clone());
        self.notice = Some(SafeText::new(&format!("added {}", instrument.name)));
        self.quotes
            .apply_round(vec![*quote], Vec::new(), SourceId::Yahoo, self.now);
        hold_tape_at(self, place);
        vec![Command::PollInstrument(instrument), save_watchlist(self)]
    }
}

#[cfg(test)]
mod tests;
