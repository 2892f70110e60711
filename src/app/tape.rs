//! Tape motion: how far the tape has scrolled, whether it moves, and how fast. Apart from
//! `ui::tape` so speed and wrap-around are testable without a buffer. No clock: the runtime's
//! timer fires `TapeStep` at [`Tape::step_interval`].

use std::time::Duration;

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
}

impl Tape {
    pub fn new(speed_cols_per_sec: u8) -> Self {
        Self {
            offset_cols: 0,
            is_paused: false,
            speed_cols_per_sec: speed_cols_per_sec.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]),
        }
    }

    pub fn offset_cols(&self) -> usize {
        self.offset_cols
    }

    pub fn is_paused(&self) -> bool {
        self.is_paused
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

    /// Puts column `offset_cols` of the loop at the left edge (to show a chosen entry).
    pub fn show(&mut self, offset_cols: usize) {
        self.offset_cols = offset_cols;
    }

    pub fn toggle_pause(&mut self) {
        self.is_paused = !self.is_paused;
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
