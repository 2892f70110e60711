//! "Is this number live?": the one place that answers it, for the screen as a whole
//! ([`DataState`], the status line's first word) and for each quote ([`QuoteState`], the tape's
//! dimming and "stale 4m"). The widgets only put these into words and colours, so the rules are
//! tested here without a buffer.

use std::time::Duration;

use jiff::Timestamp;

use crate::message::SourceId;

/// Refreshes a trading quote may miss before it is marked stale.
const MISSED_REFRESHES: u32 = 3;

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

/// How current the numbers are, taken together. A number that is not from a working live
/// source never reads as live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataState {
    Offline,
    Demo,
    /// Live once, but a quote source is failing now.
    Stale,
    /// A quote source is failing and nothing live ever arrived.
    NotLive,
    Live,
    /// Pollers are running and nothing has come back yet.
    Connecting,
}

impl DataState {
    /// A failing feed does not make prices stale; only a failing quote source does, which is
    /// what `are_quotes_failing` says.
    pub fn of(mode: Mode, origin: &Origin, are_quotes_failing: bool) -> Self {
        let is_live = matches!(origin, Origin::Live { .. });
        match (mode, are_quotes_failing, is_live) {
            (Mode::Offline, ..) => Self::Offline,
            (Mode::Demo, ..) => Self::Demo,
            (Mode::Live, true, true) => Self::Stale,
            (Mode::Live, true, false) => Self::NotLive,
            (Mode::Live, false, true) => Self::Live,
            (Mode::Live, false, false) => Self::Connecting,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Demo => "demo",
            Self::Stale => "stale",
            Self::NotLive => "not live",
            Self::Live => "live",
            Self::Connecting => "connecting",
        }
    }
}

/// Whether one quote is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteState {
    Live,
    /// From the snapshot or cache, or never fetched in this session: dimmed, and the status line
    /// says where it came from.
    NotLive,
    /// Live once, but its source is failing or silent since this time.
    StaleSince(Timestamp),
}

/// What decides whether a live number is still current.
pub struct Freshness<'a> {
    pub now: Timestamp,
    /// The configured refresh interval: three missed refreshes make a trading quote stale.
    pub refresh: Duration,
    pub is_trading: &'a dyn Fn(&crate::domain::Instrument) -> bool,
}

impl QuoteState {
    /// `received` is when the symbol last arrived from a live source; a quote not expected to
    /// move (its market is closed) never goes stale by silence alone.
    pub fn of(
        received: Option<Timestamp>,
        is_failing: bool,
        is_trading: impl FnOnce() -> bool,
        now: Timestamp,
        refresh: Duration,
    ) -> Self {
        let Some(received) = received else {
            return Self::NotLive;
        };
        let limit = refresh * MISSED_REFRESHES;
        let is_overdue =
            now.duration_since(received).as_secs_f64() > limit.as_secs_f64() && is_trading();
        if is_failing || is_overdue {
            Self::StaleSince(received)
        } else {
            Self::Live
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn only_a_working_live_source_reads_as_live() {
        let snapshot = Origin::Snapshot { taken_at: at(0) };
        let live = Origin::Live {
            source: SourceId::Yahoo,
            fetched_at: at(0),
        };
        assert_eq!(
            DataState::of(Mode::Offline, &live, false),
            DataState::Offline
        );
        assert_eq!(DataState::of(Mode::Demo, &snapshot, true), DataState::Demo);
        assert_eq!(
            DataState::of(Mode::Live, &snapshot, false),
            DataState::Connecting
        );
        assert_eq!(
            DataState::of(Mode::Live, &snapshot, true),
            DataState::NotLive
        );
        assert_eq!(DataState::of(Mode::Live, &live, false), DataState::Live);
        assert_eq!(DataState::of(Mode::Live, &live, true), DataState::Stale);
    }

    #[test]
    fn a_quote_goes_stale_by_failing_or_by_silence_while_its_market_trades() {
        let refresh = Duration::from_secs(15);
        let state = |received, is_failing, is_trading, now| {
            QuoteState::of(received, is_failing, || is_trading, at(now), refresh)
        };
        assert_eq!(state(None, true, true, 0), QuoteState::NotLive);
        assert_eq!(state(Some(at(0)), false, true, 45), QuoteState::Live);
        assert_eq!(
            state(Some(at(0)), false, true, 46),
            QuoteState::StaleSince(at(0))
        );
        assert_eq!(state(Some(at(0)), false, false, 3600), QuoteState::Live);
        assert_eq!(
            state(Some(at(0)), true, false, 1),
            QuoteState::StaleSince(at(0))
        );
    }
}
