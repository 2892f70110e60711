//! The tape: its entries as text (built once per message by update, so draw only colours
//! them), their geometry (separator, entry starts, loop width), how far it has scrolled, whether
//! it moves, and how fast. Apart from `ui::tape` so speed and wrap-around are testable without a
//! buffer. No clock: the runtime's timer fires `TapeStep` at [`Tape::step_interval`].

use std::time::Duration;

use jiff::Timestamp;
use unicode_width::UnicodeWidthStr;

use super::data_state::QuoteState;
use crate::domain::{Direction, Instrument, Quote};
use crate::format::{number, time};
use crate::sanitize::SafeText;

/// Between tape entries; its width is part of the tape's loop length.
pub const SEPARATOR: &str = " │ ";

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
    /// A quote in words; a stale one says for how long.
    pub fn new(instrument: &Instrument, quote: &Quote, state: QuoteState, now: Timestamp) -> Self {
        let direction = quote.direction();
        let arrow = match direction {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Unchanged | Direction::Unknown => "",
        };
        let mut movement = number::movement(quote)
            .map(|text| format!("{arrow}{text}"))
            .unwrap_or_default();
        if let QuoteState::StaleSince(received) = state {
            let age = time::span(now.duration_since(received));
            movement = if movement.is_empty() {
                format!("stale {age}")
            } else {
                format!("{movement} stale {age}")
            };
        }
        Self {
            name: instrument.display_name(Some(quote)).clone(),
            price: number::price(quote.price, quote.decimals),
            movement,
            direction,
            is_stale: state != QuoteState::Live,
        }
    }

    /// An instrument without a quote yet shows a dash.
    pub fn missing(instrument: &Instrument) -> Self {
        Self {
            name: instrument.name.clone(),
            price: "—".to_owned(),
            movement: String::new(),
            direction: Direction::Unknown,
            is_stale: true,
        }
    }

    pub fn width(&self) -> usize {
        self.name.as_str().width() + 1 + self.price.width() + 1 + self.movement.width()
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

/// Speeds offered by `+`/`-`, in columns per second. Bounded so the slowest still moves
/// visibly and the fastest stays readable.
const SPEEDS: [u8; 11] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tape {
    /// Columns scrolled so far, modulo the tape's width at the time of each step; the tape
    /// keeps its place when values (and so widths) change.
    offset_cols: usize,
    is_paused: bool,
    speed_cols_per_sec: u8,
    /// The entries as of the last message: what draw shows and the step wraps at.
    entries: Vec<TapeEntry>,
    /// The app's time when the entries were built.
    built_at: Option<Timestamp>,
}

impl Tape {
    pub fn new(speed_cols_per_sec: u8) -> Self {
        Self {
            offset_cols: 0,
            is_paused: false,
            speed_cols_per_sec: SPEEDS[0],
            entries: Vec::new(),
            built_at: None,
        }
        .with_speed(speed_cols_per_sec)
    }

    pub fn entries(&self) -> &[TapeEntry] {
        &self.entries
    }

    pub fn set_entries(&mut self, entries: Vec<TapeEntry>, at: Timestamp) {
        self.entries = entries;
        self.built_at = Some(at);
    }

    /// Whether the entries were built before `at` (or never).
    pub fn is_built_before(&self, at: Timestamp) -> bool {
        self.built_at.is_none_or(|built| built < at)
    }

    /// Display columns of one loop of the current entries.
    pub fn loop_width(&self) -> usize {
        loop_width(&self.entries)
    }

    /// Puts entry `index` at the left edge (to show a chosen instrument).
    pub fn show_entry(&mut self, index: usize) {
        self.offset_cols = entry_start(&self.entries, index);
    }

    /// The first entry that starts in view: the one chosen when the tape is held.
    pub fn first_entry_in_view(&self) -> usize {
        (0..self.entries.len())
            .find(|&index| entry_start(&self.entries, index) >= self.offset_cols)
            .unwrap_or(0)
    }

    /// The entry drawn at `column` of the tape's row (a click), `None` on a separator.
    pub fn entry_at(&self, column: usize) -> Option<usize> {
        let total = self.loop_width();
        if total == 0 {
            return None;
        }
        let at = (self.offset_cols + column) % total;
        (0..self.entries.len()).find(|&index| {
            let start = entry_start(&self.entries, index);
            (start..start + self.entries[index].width()).contains(&at)
        })
    }

    pub fn offset_cols(&self) -> usize {
        self.offset_cols
    }

    pub fn is_moving(&self) -> bool {
        !self.is_paused
    }

    pub fn speed_cols_per_sec(&self) -> u8 {
        self.speed_cols_per_sec
    }

    /// One column per step: the smoothest a character grid allows, and one frame per column.
    pub fn step_interval(&self) -> Duration {
        Duration::from_secs(1) / u32::from(self.speed_cols_per_sec)
    }

    /// Advances one column, wrapping at `content_cols` so the loop is seamless.
    pub fn step(&mut self, content_cols: usize) {
        if content_cols == 0 {
            self.offset_cols = 0;
        } else {
            self.offset_cols = (self.offset_cols + 1) % content_cols;
        }
    }

    pub fn toggle_pause(&mut self) {
        self.is_paused = !self.is_paused;
    }

    /// A speed from the config (a reload); the offset stays, so the tape keeps its place.
    pub fn set_speed(&mut self, speed_cols_per_sec: u8) {
        self.speed_cols_per_sec = speed_cols_per_sec.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
    }

    fn with_speed(mut self, speed_cols_per_sec: u8) -> Self {
        self.set_speed(speed_cols_per_sec);
        self
    }

    pub fn faster(&mut self) {
        if let Some(next) = SPEEDS.iter().find(|s| **s > self.speed_cols_per_sec) {
            self.speed_cols_per_sec = *next;
        }
    }

    pub fn slower(&mut self) {
        if let Some(next) = SPEEDS.iter().rev().find(|s| **s < self.speed_cols_per_sec) {
            self.speed_cols_per_sec = *next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_wrap_at_the_content_width() {
        let mut tape = Tape::new(5);
        for _ in 0..7 {
            tape.step(5);
        }
        assert_eq!(tape.offset_cols(), 2);
        tape.step(0);
        assert_eq!(tape.offset_cols(), 0);
    }

    #[test]
    fn a_narrower_tape_keeps_the_offset_in_range() {
        let mut tape = Tape::new(5);
        for _ in 0..90 {
            tape.step(100);
        }
        tape.step(50);
        assert_eq!(tape.offset_cols(), 41);
    }

    #[test]
    fn speed_moves_through_the_levels_and_stops_at_the_ends() {
        let mut tape = Tape::new(5);
        tape.faster();
        assert_eq!(tape.speed_cols_per_sec(), 6);
        assert_eq!(tape.step_interval(), Duration::from_nanos(166_666_666));
        for _ in 0..20 {
            tape.faster();
        }
        assert_eq!(tape.speed_cols_per_sec(), 20);
        for _ in 0..20 {
            tape.slower();
        }
        assert_eq!(tape.speed_cols_per_sec(), 1);
        assert_eq!(Tape::new(7).speed_cols_per_sec(), 7);
        assert_eq!(Tape::new(99).speed_cols_per_sec(), 20);
    }

    #[test]
    fn pause_stops_motion() {
        let mut tape = Tape::new(5);
        tape.toggle_pause();
        assert!(!tape.is_moving());
        tape.toggle_pause();
        assert!(tape.is_moving());
    }
}
