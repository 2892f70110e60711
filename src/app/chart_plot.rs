//! A price series made ready to draw, once per fetch: unbroken runs of points (a missing close
//! is a gap between runs, never a bridge or a zero), the axes' bounds and labels in the
//! instrument's number format and the exchange's time zone. Also where a moment falls on a
//! series, which headline marks and "moved since" both ask. Pure: no clock, no terminal.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::{Direction, Quote};
use crate::format::number;
use crate::message::ChartRange;

/// Labels on each axis; draw shows every other one where the chart is small.
pub const LABELS: usize = 5;

/// One series as the chart draws it. The x axis is the bar's index, so nights and weekends
/// take no room and the line stays readable.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    /// Each unbroken run of closes as (index, close).
    pub runs: Vec<Vec<(f64, f64)>>,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    /// Prices at evenly spaced heights, bottom to top.
    pub y_labels: Vec<String>,
    /// Times at evenly spaced positions, left to right; empty when the bars have no times.
    pub x_labels: Vec<String>,
    /// Drawn as a level line on the 1D chart.
    pub previous_close: Option<f64>,
    pub direction: Direction,
    /// Each bar's time (empty without times): where headline marks go.
    times: Vec<Timestamp>,
}

impl Plot {
    /// `None` when the series holds no price at all.
    pub fn new(quote: &Quote, range: ChartRange, tz: &TimeZone) -> Option<Self> {
        let runs = runs(&quote.series);
        let closes = runs.iter().flatten().map(|point| point.1);
        let low = closes.clone().reduce(f64::min)?;
        let high = closes.clone().reduce(f64::max)?;
        let previous_close = quote.previous_close.filter(|_| range == ChartRange::Day);
        let (low, high) =
            previous_close.map_or((low, high), |level| (low.min(level), high.max(level)));
        let padding = ((high - low) * 0.05).max(f64::EPSILON * high.abs().max(1.0));
        let y_bounds = [low - padding, high + padding];
        let last = quote.series.len().saturating_sub(1);
        let y_labels = (0..LABELS)
            .map(|k| number::price(between(y_bounds, k), quote.decimals))
            .collect();
        let times = quote.series_times.clone();
        let x_labels = if times.len() == quote.series.len() {
            (0..LABELS)
                .filter_map(|k| times.get(last * k / (LABELS - 1)))
                .map(|at| time_label(*at, range, tz))
                .collect()
        } else {
            Vec::new()
        };
        let direction = match range {
            ChartRange::Day => quote.direction(),
            _ => direction_over(&runs, quote.decimals),
        };
        Some(Self {
            runs,
            x_bounds: [0.0, position(last.max(1))],
            y_bounds,
            y_labels,
            x_labels,
            previous_close,
            direction,
            times,
        })
    }

    /// Where a moment falls on the x axis: at the last bar at or before it. `None` before the
    /// first bar or after `now`: a chart never places what it has no bar for.
    pub fn x_of(&self, at: Timestamp, now: Timestamp) -> Option<f64> {
        let bar = bar_at(&self.times, at, now)?;
        Some(position(bar))
    }
}

/// The index of the last bar at or before `at`, if `at` lies within the series (between its
/// first bar and `now`).
pub fn bar_at(times: &[Timestamp], at: Timestamp, now: Timestamp) -> Option<usize> {
    if at > now || *times.first()? > at {
        return None;
    }
    Some(times.partition_point(|time| *time <= at) - 1)
}

/// The move in percent from the close of the last real bar at or before `at` to the latest
/// price. Nothing for a moment before the series, after `now`, or with only gaps before it:
/// never an extrapolation.
pub fn percent_since(quote: &Quote, at: Timestamp, now: Timestamp) -> Option<f64> {
    let bar = bar_at(&quote.series_times, at, now)?;
    let base = quote.series.get(..=bar)?.iter().rev().find_map(|c| *c)?;
    (base > 0.0).then(|| (quote.price - base) / base * 100.0)
}

/// Each unbroken run of closes is its own line, so a missing close shows as a gap.
fn runs(series: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, close) in series.iter().enumerate() {
        match (close, runs.last_mut()) {
            (Some(close), Some(run)) => run.push((position(i), *close)),
            (None, Some(run)) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// Up or down over the whole range, at the instrument's precision.
fn direction_over(runs: &[Vec<(f64, f64)>], decimals: u8) -> Direction {
    let mut closes = runs.iter().flatten().map(|point| point.1);
    let (Some(first), Some(last)) = (closes.next(), closes.next_back()) else {
        return Direction::Unknown;
    };
    let change = last - first;
    if number::rounds_to_zero(change, decimals) {
        Direction::Unchanged
    } else if change > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    }
}

/// The value `k` steps of `LABELS - 1` up from the bottom bound.
fn between(bounds: [f64; 2], k: usize) -> f64 {
    let steps = f64::from(u32::try_from(LABELS - 1).unwrap_or(1));
    let k = f64::from(u32::try_from(k).unwrap_or(0));
    bounds[0] + (bounds[1] - bounds[0]) * k / steps
}

/// A bar's time as its range reads best: the clock within a day, the date over months.
fn time_label(at: Timestamp, range: ChartRange, tz: &TimeZone) -> String {
    let format = match range {
        ChartRange::Day => "%H:%M",
        ChartRange::FiveDays => "%a %H:%M",
        ChartRange::Month | ChartRange::SixMonths | ChartRange::YearToDate | ChartRange::Year => {
            "%-d %b"
        }
        ChartRange::FiveYears => "%b %Y",
    };
    at.to_zoned_datetime(tz.clone())
        .strftime(format)
        .to_string()
}

/// A series index as a chart coordinate; no series comes near `u32::MAX` bars.
fn position(index: usize) -> f64 {
    f64::from(u32::try_from(index).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    fn quote(series: Vec<Option<f64>>, price: f64) -> Quote {
        let series_times = (0..series.len())
            .map(|i| at(1_000 + 300 * i64::try_from(i).unwrap()))
            .collect();
        Quote {
            series,
            series_times,
            previous_close: Some(100.0),
            ..Quote::new("X", price, 2, at(0))
        }
    }

    #[test]
    fn gaps_split_the_line_and_are_never_drawn_as_zero() {
        let quote = quote(vec![None, Some(1.0), Some(2.0), None, None, Some(3.0)], 3.0);
        let plot = Plot::new(&quote, ChartRange::Month, &TimeZone::UTC).unwrap();
        assert_eq!(
            plot.runs,
            vec![vec![(1.0, 1.0), (2.0, 2.0)], vec![(5.0, 3.0)]]
        );
        assert!(
            plot.y_bounds[0] > 0.8,
            "no zero pulls the scale down: {:?}",
            plot.y_bounds
        );
        assert_eq!(plot.direction, Direction::Up);
        assert_eq!(plot.previous_close, None, "a level line on 1D only");
        assert_eq!(plot.x_labels.len(), LABELS);
        assert!(
            Plot::new(
                &self::quote(vec![None, None], 1.0),
                ChartRange::Day,
                &TimeZone::UTC
            )
            .is_none()
        );
    }

    #[test]
    fn the_previous_close_is_on_the_1d_scale_and_labels_are_prices() {
        let quote = quote(vec![Some(101.0), Some(102.0)], 102.0);
        let plot = Plot::new(&quote, ChartRange::Day, &TimeZone::UTC).unwrap();
        assert_eq!(plot.previous_close, Some(100.0));
        assert!(plot.y_bounds[0] < 100.0 && plot.y_bounds[1] > 102.0);
        assert_eq!(plot.y_labels.first().map(String::as_str), Some("99.90"));
        assert_eq!(plot.y_labels.last().map(String::as_str), Some("102.10"));
        assert_eq!(plot.x_labels.first().map(String::as_str), Some("00:16"));
    }

    #[test]
    fn the_move_is_from_the_last_real_bar_at_or_before_the_moment() {
        // Bars at 1000, 1300, 1600, 1900; the one at 1600 has no trade.
        let quote = quote(vec![Some(100.0), Some(200.0), None, Some(400.0)], 250.0);
        let now = at(5_000);
        let pct = |secs| percent_since(&quote, at(secs), now);
        assert_eq!(pct(1_000), Some(150.0));
        assert_eq!(pct(1_299), Some(150.0));
        assert_eq!(pct(1_750), Some(25.0), "the null bar gives way to 1300's");
        assert_eq!(pct(1_900), Some(-37.5));
        assert_eq!(pct(999), None, "older than the series");
        assert_eq!(pct(5_001), None, "after now");
        let gaps_first = self::quote(vec![None, Some(200.0)], 250.0);
        assert_eq!(percent_since(&gaps_first, at(1_100), now), None);
        let no_times = Quote {
            series_times: Vec::new(),
            ..quote.clone()
        };
        assert_eq!(percent_since(&no_times, at(1_300), now), None);
    }
}
