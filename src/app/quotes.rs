//! The quote board: the latest quote per symbol, where the numbers came from, and the tape
//! entries built from them. Entries are plain strings here so update can measure the tape for
//! wrap-around and draw only has to colour them.

use std::collections::HashMap;

use jiff::Timestamp;
use unicode_width::UnicodeWidthStr;

use crate::domain::{Instrument, Quote};
use crate::format::number;
use crate::message::SourceId;
use crate::sanitize::SafeText;

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
}

impl QuoteBoard {
    pub fn new(quotes: Vec<Quote>, origin: Origin) -> Self {
        let mut board = Self {
            quotes: HashMap::new(),
            origin,
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

    pub fn merge_live(&mut self, quotes: Vec<Quote>, source: SourceId, fetched_at: Timestamp) {
        self.merge(quotes);
        self.origin = Origin::Live { source, fetched_at };
    }

    pub fn all(&self) -> impl Iterator<Item = &Quote> {
        self.quotes.values()
    }

    /// The tape in watchlist order; instruments without a quote yet show a dash.
    pub fn tape_entries(&self, instruments: &[Instrument]) -> Vec<TapeEntry> {
        let is_stale = !matches!(self.origin, Origin::Live { .. });
        instruments
            .iter()
            .map(|instrument| match self.get(&instrument.symbol) {
                Some(quote) => entry(instrument, quote, is_stale),
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
    use crate::market::Market;

    fn instrument(symbol: &str, name: &str) -> Instrument {
        Instrument {
            symbol: symbol.to_owned(),
            name: SafeText::new(name),
            market: Market::for_symbol(symbol),
        }
    }

    fn quote(symbol: &str, price: f64, previous_close: Option<f64>, decimals: u8) -> Quote {
        Quote {
            symbol: symbol.to_owned(),
            price,
            previous_close,
            decimals,
            currency: None,
            time: Timestamp::UNIX_EPOCH,
            series: Vec::new(),
        }
    }

    #[test]
    fn entries_carry_arrow_sign_and_direction() {
        let board = QuoteBoard::new(
            vec![
                quote("^FTSE", 8164.12, Some(8179.68), 2),
                quote("GBPUSD=X", 1.2648, Some(1.2642), 4),
                quote("FLAT", 10.0, Some(10.0), 2),
                quote("NOPREV", 10.0, None, 2),
            ],
            Origin::Live {
                source: SourceId::Demo,
                fetched_at: Timestamp::UNIX_EPOCH,
            },
        );
        let entries = board.tape_entries(&[
            instrument("^FTSE", "FTSE 100"),
            instrument("GBPUSD=X", "GBP/USD"),
            instrument("FLAT", "Flat"),
            instrument("NOPREV", "No prev"),
            instrument("MISSING", "Missing"),
        ]);
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
        assert!(board.tape_entries(&[instrument("A", "A")])[0].is_stale);
        board.merge_live(
            vec![quote("A", 1.5, Some(1.0), 2)],
            SourceId::Demo,
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(board.price("A"), Some(1.5));
        assert_eq!(board.price("B"), Some(2.0));
        assert!(!board.tape_entries(&[instrument("A", "A")])[0].is_stale);
    }
}
