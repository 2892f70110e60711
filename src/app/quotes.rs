//! The quote board: the latest quote per symbol, where the numbers came from, and the tape
//! entries built from them. Entries are plain strings here so update can measure the tape for
//! wrap-around and draw only has to colour them.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use unicode_width::UnicodeWidthStr;

use crate::domain::{Instrument, Quote};
use crate::format::{number, time};
use crate::message::{Failure, SourceId, SymbolFailure};
use crate::sanitize::SafeText;

/// Refreshes a trading quote may miss before it is marked stale.
const MISSED_REFRESHES: u32 = 3;

/// Between tape entries; its width is part of the tape's loop length.
pub const SEPARATOR: &str = " │ ";

/// Where the numbers on the tape came from, which decides how they may be presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The bundled close of a past day: useful, never current.
    Snapshot { taken_at: Timestamp },
    /// Saved by an earlier run.
    Cache { saved_at: Timestamp },
    /// Arrived from a running source in this session.
    Live {
        source: SourceId,
        fetched_at: Timestamp,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Unchanged,
    /// No previous close: the move is unknown, which is not the same as zero.
    Unknown,
}

/// One instrument as the tape shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TapeEntry {
    pub name: SafeText,
    pub price: String,
    /// Arrow, signed change and percent, e.g. `▼-15.56 (-0.19%)`.
    pub movement: String,
    pub direction: Direction,
    /// The number is not from a live source in this session (snapshot or cache).
    pub is_stale: bool,
}

impl TapeEntry {
    pub fn width(&self) -> usize {
        self.name.as_str().width() + 1 + self.price.width() + 1 + self.movement.width()
    }
}

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

    pub fn price(&self, symbol: &str) -> Option<f64> {
        self.get(symbol).map(|quote| quote.price)
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
    pub fn tape_entries(
        &self,
        instruments: &[Instrument],
        freshness: &Freshness,
    ) -> Vec<TapeEntry> {
        instruments
            .iter()
            .map(|instrument| match self.get(&instrument.symbol) {
                Some(quote) => {
                    let mut entry = entry(instrument, quote, true);
                    match self.stale_since(instrument, freshness) {
                        Staleness::Fresh => entry.is_stale = false,
                        Staleness::NotLive => {}
                        Staleness::Since(received) => {
                            let age = time::span(freshness.now.duration_since(received));
                            let movement = if entry.movement.is_empty() {
                                format!("stale {age}")
                            } else {
                                format!("{} stale {age}", entry.movement)
                            };
                            entry.movement = movement;
                        }
                    }
                    entry
                }
                None => TapeEntry {
                    name: instrument.name.clone(),
                    price: "—".to_owned(),
                    movement: String::new(),
                    direction: Direction::Unknown,
                    is_stale: true,
                },
            })
            .collect()
    }
}

fn entry(instrument: &Instrument, quote: &Quote, is_stale: bool) -> TapeEntry {
    let price = number::price(quote.price, quote.decimals);
    let (movement, direction) = match (quote.change(), quote.change_pct()) {
        (Some(change), Some(pct)) => {
            let change_text = number::change(change, quote.decimals);
            let direction = match change_text.as_bytes().first() {
                Some(b'+') => Direction::Up,
                Some(b'-') => Direction::Down,
                _ => Direction::Unchanged,
            };
            let arrow = match direction {
                Direction::Up => "▲",
                Direction::Down => "▼",
                Direction::Unchanged | Direction::Unknown => "",
            };
            (
                format!("{arrow}{change_text} ({})", number::percent(pct)),
                direction,
            )
        }
        _ => (String::new(), Direction::Unknown),
    };
    TapeEntry {
        name: instrument.name.clone(),
        price,
        movement,
        direction,
        is_stale,
    }
}

/// What decides whether a live number is still current.
pub struct Freshness<'a> {
    pub now: Timestamp,
    /// The configured refresh interval: three missed refreshes make a trading quote stale.
    pub refresh: Duration,
    pub is_trading: &'a dyn Fn(&Instrument) -> bool,
}

enum Staleness {
    Fresh,
    /// From the snapshot or cache, or never fetched in this session: dimmed, and the status line
    /// says where it came from.
    NotLive,
    /// Live once, but its source is failing or silent since this time.
    Since(Timestamp),
}

impl QuoteBoard {
    fn stale_since(&self, instrument: &Instrument, freshness: &Freshness) -> Staleness {
        let Some(received) = self.received(&instrument.symbol) else {
            return Staleness::NotLive;
        };
        let limit = freshness.refresh * MISSED_REFRESHES;
        let is_overdue = freshness.now.duration_since(received).as_secs_f64() > limit.as_secs_f64()
            && (freshness.is_trading)(instrument);
        if self.failure(&instrument.symbol).is_some() || is_overdue {
            Staleness::Since(received)
        } else {
            Staleness::Fresh
        }
    }
}

/// The column where entry `index` starts within one loop of the tape.
pub fn entry_start(entries: &[TapeEntry], index: usize) -> usize {
    loop_width(&entries[..index.min(entries.len())])
}

/// Display columns of one loop of the tape, separators included.
pub fn loop_width(entries: &[TapeEntry]) -> usize {
    entries
        .iter()
        .map(|entry| entry.width() + SEPARATOR.width())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(board.price("A"), Some(1.5));
        assert_eq!(board.price("B"), Some(2.0));
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
