//! The quote board: the latest quote per symbol, where the numbers came from, which symbols are
//! failing, and the tape entries built from them.

use std::collections::HashMap;

use jiff::Timestamp;

use super::data_state::{Freshness, Origin, QuoteState};
use super::tape::TapeEntry;
use crate::domain::{Instrument, Quote};
use crate::message::{Failure, SourceId, SymbolFailure};

#[derive(Clone, Debug, PartialEq)]
pub struct QuoteBoard {
    quotes: HashMap<String, Quote>,
    origin: Origin,
    /// When each symbol last arrived from a live source: what staleness is measured from.
    received: HashMap<String, Timestamp>,
    /// Symbols whose last attempt failed, and why; cleared by their next success.
    failures: HashMap<String, Failure>,
}

impl QuoteBoard {
    pub fn new(quotes: Vec<Quote>, origin: Origin) -> Self {
        let mut board = Self {
            quotes: HashMap::new(),
            origin,
            received: HashMap::new(),
            failures: HashMap::new(),
        };
        board.merge(quotes);
        board
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn get(&self, symbol: &str) -> Option<&Quote> {
        self.quotes.get(symbol)
    }

    /// Symbols a source did not mention keep their last value.
    pub fn merge(&mut self, quotes: Vec<Quote>) {
        for quote in quotes {
            self.quotes.insert(quote.symbol.clone(), quote);
        }
    }

    /// Applies one poll round: successes replace values and clear their failures; failures
    /// are remembered per symbol and leave the last value in place. "Updated" is when the
    /// figures last changed: a round that repeats them (a closed market) changes nothing on
    /// screen, so an idle ticker stays silent; whether fetching works is the health's to say.
    /// Returns whether the figures changed, i.e. whether they are worth saving.
    pub fn apply_round(
        &mut self,
        quotes: Vec<Quote>,
        failed: Vec<SymbolFailure>,
        source: SourceId,
        fetched_at: Timestamp,
    ) -> bool {
        let was_live = matches!(self.origin, Origin::Live { .. });
        let is_news = quotes
            .iter()
            .any(|quote| self.quotes.get(&quote.symbol) != Some(quote));
        let has_changed = !quotes.is_empty() && (is_news || !was_live);
        if has_changed {
            self.origin = Origin::Live { source, fetched_at };
        }
        for quote in &quotes {
            self.received.insert(quote.symbol.clone(), fetched_at);
            self.failures.remove(&quote.symbol);
        }
        self.merge(quotes);
        for SymbolFailure { symbol, failure } in failed {
            self.failures.insert(symbol, failure);
        }
        has_changed
    }

    /// Symbols whose last attempt failed, in a stable order.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &Failure)> {
        let mut failures: Vec<_> = self.failures.iter().map(|(s, f)| (s.as_str(), f)).collect();
        failures.sort_by_key(|(symbol, _)| *symbol);
        failures.into_iter()
    }

    pub fn failure(&self, symbol: &str) -> Option<&Failure> {
        self.failures.get(symbol)
    }

    pub fn received(&self, symbol: &str) -> Option<Timestamp> {
        self.received.get(symbol).copied()
    }

    pub fn all(&self) -> impl Iterator<Item = &Quote> {
        self.quotes.values()
    }

    /// The tape in watchlist order; instruments without a quote yet show a dash.
    pub fn tape_entries<'a>(
        &self,
        instruments: impl IntoIterator<Item = &'a Instrument>,
        freshness: &Freshness,
    ) -> Vec<TapeEntry> {
        instruments
            .into_iter()
            .map(|instrument| match self.get(&instrument.symbol) {
                Some(quote) => {
                    let state = QuoteState::of(
                        self.received(&instrument.symbol),
                        self.failure(&instrument.symbol).is_some(),
                        || (freshness.is_trading)(instrument),
                        freshness.now,
                        freshness.refresh,
                    );
                    TapeEntry::new(instrument, quote, state, freshness.now)
                }
                None => TapeEntry::missing(instrument),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::Direction;
    use crate::fixtures::instrument;

    fn quote(symbol: &str, price: f64, previous_close: Option<f64>, decimals: u8) -> Quote {
        Quote {
            previous_close,
            ..Quote::new(symbol, price, decimals, Timestamp::UNIX_EPOCH)
        }
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    fn freshness(now: Timestamp, is_trading: &dyn Fn(&Instrument) -> bool) -> Freshness<'_> {
        Freshness {
            now,
            refresh: Duration::from_secs(15),
            is_trading,
        }
    }

    fn live_board(quotes: Vec<Quote>, fetched_at: Timestamp) -> QuoteBoard {
        let mut board = QuoteBoard::new(Vec::new(), Origin::Snapshot { taken_at: at(0) });
        board.apply_round(quotes, Vec::new(), SourceId::Yahoo, fetched_at);
        board
    }

    #[test]
    fn updated_moves_only_when_a_round_changes_the_figures() {
        let ftse = |price| quote("^FTSE", price, Some(8179.68), 2);
        let mut board = live_board(vec![ftse(8164.12)], at(10));
        board.apply_round(vec![ftse(8164.12)], Vec::new(), SourceId::Yahoo, at(25));
        let updated = |board: &QuoteBoard| match board.origin() {
            Origin::Live { fetched_at, .. } => *fetched_at,
            other => panic!("not live: {other:?}"),
        };
        assert_eq!(updated(&board), at(10));
        assert_eq!(
            board.received("^FTSE"),
            Some(at(25)),
            "still counts as fresh"
        );
        board.apply_round(vec![ftse(8170.0)], Vec::new(), SourceId::Yahoo, at(40));
        assert_eq!(updated(&board), at(40));
    }

    #[test]
    fn entries_carry_arrow_sign_and_direction() {
        let board = live_board(
            vec![
                quote("^FTSE", 8164.12, Some(8179.68), 2),
                quote("GBPUSD=X", 1.2648, Some(1.2642), 4),
                quote("FLAT", 10.0, Some(10.0), 2),
                quote("NOPREV", 10.0, None, 2),
            ],
            at(0),
        );
        let entries = board.tape_entries(
            &[
                instrument("^FTSE", "FTSE 100"),
                instrument("GBPUSD=X", "GBP/USD"),
                instrument("FLAT", "Flat"),
                instrument("NOPREV", "No prev"),
                instrument("MISSING", "Missing"),
            ],
            &freshness(at(10), &|_| true),
        );
        let shown: Vec<_> = entries
            .iter()
            .map(|e| (e.price.as_str(), e.movement.as_str(), e.direction))
            .collect();
        assert_eq!(
            shown,
            [
                ("8,164.12", "▼-15.56 (-0.19%)", Direction::Down),
                ("1.2648", "▲+0.0006 (+0.05%)", Direction::Up),
                ("10.00", "0.00 (0.00%)", Direction::Unchanged),
                ("10.00", "", Direction::Unknown),
                ("—", "", Direction::Unknown),
            ]
        );
        assert!(!entries[0].is_stale);
        assert!(entries[4].is_stale);
        assert_eq!(
            entries[0].width(),
            "FTSE 100 8,164.12 ▼-15.56 (-0.19%)".len() - 2
        );
    }

    #[test]
    fn snapshot_numbers_are_stale_and_merge_keeps_unmentioned_symbols() {
        let mut board = QuoteBoard::new(
            vec![quote("A", 1.0, Some(1.0), 2), quote("B", 2.0, Some(2.0), 2)],
            Origin::Snapshot {
                taken_at: Timestamp::UNIX_EPOCH,
            },
        );
        let fresh = freshness(at(0), &|_| true);
        assert!(board.tape_entries(&[instrument("A", "A")], &fresh)[0].is_stale);
        board.apply_round(
            vec![quote("A", 1.5, Some(1.0), 2)],
            Vec::new(),
            SourceId::Demo,
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(board.get("A").map(|q| q.price), Some(1.5));
        assert_eq!(board.get("B").map(|q| q.price), Some(2.0));
        let entries = board.tape_entries(&[instrument("A", "A"), instrument("B", "B")], &fresh);
        assert!(!entries[0].is_stale);
        assert!(entries[1].is_stale, "B never came from a live source");
    }

    #[test]
    fn trading_quotes_go_stale_after_three_missed_refreshes_closed_ones_do_not() {
        let board = live_board(vec![quote("^FTSE", 8164.12, Some(8179.68), 2)], at(0));
        let ftse = [instrument("^FTSE", "FTSE 100")];
        let trading = |now| {
            board
                .tape_entries(&ftse, &freshness(at(now), &|_| true))
                .remove(0)
        };
        assert!(!trading(45).is_stale);
        let late = trading(46 + 4 * 60);
        assert!(late.is_stale);
        assert_eq!(late.movement, "▼-15.56 (-0.19%) stale 4m");
        let closed = board
            .tape_entries(&ftse, &freshness(at(3600), &|_| false))
            .remove(0);
        assert!(!closed.is_stale);
    }

    #[test]
    fn a_failed_symbol_keeps_its_value_marked_stale_until_it_succeeds() {
        let mut board = live_board(vec![quote("^FTSE", 8164.12, Some(8179.68), 2)], at(0));
        let ftse = [instrument("^FTSE", "FTSE 100")];
        let failed = SymbolFailure {
            symbol: "^FTSE".to_owned(),
            failure: Failure::Timeout,
        };
        board.apply_round(Vec::new(), vec![failed], SourceId::Yahoo, at(15));
        let entry = board
            .tape_entries(&ftse, &freshness(at(20), &|_| true))
            .remove(0);
        assert_eq!((entry.price.as_str(), entry.is_stale), ("8,164.12", true));
        assert_eq!(entry.movement, "▼-15.56 (-0.19%) stale 20s");
        board.apply_round(
            vec![quote("^FTSE", 8170.0, Some(8179.68), 2)],
            Vec::new(),
            SourceId::Yahoo,
            at(30),
        );
        let entry = board
            .tape_entries(&ftse, &freshness(at(31), &|_| true))
            .remove(0);
        assert!(!entry.is_stale);
        assert_eq!(board.failure("^FTSE"), None);
    }
}
