//! The top line: which markets are open, and how current the numbers are ("offline · snapshot
//! of 28 Jun 2024", "demo · updated 16:42:07"), plus any failing source in a few words.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::data_state::Origin;
use crate::format::time;
use crate::market::{self, Region, RegionStatus};
use crate::message::SourceId;
use crate::ui::theme::Theme;

/// The data state always gets at least this much: `offline · snapshot 28 Jun 2024`.
const RIGHT_MIN_COLS: usize = 34;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let total = usize::from(area.width);
    // A broken config file being edited matters most: the old config runs until it is fixed.
    if let Some(error) = app.config_error() {
        let text = format!("config: {error}");
        Line::styled(super::fit(&text, total).into_owned(), theme.warning).render(area, buf);
        return;
    }
    let statuses = market::region_statuses(app.market_statuses());
    // The data state matters most (is this number live?), so the market list yields room first
    // (long words, then short ones, then cut), but keeps enough to name the markets.
    let right_room = if statuses.is_empty() {
        total
    } else {
        (total * 3 / 5).max(RIGHT_MIN_COLS).min(total)
    };
    let right = super::fit(&data_state(app), right_room).into_owned();
    let room = total.saturating_sub(right.width() + 2);
    // Most telling first: countdowns in full words, then shorter, then without countdowns.
    let forms = [(false, true), (true, true), (false, false), (true, false)];
    let lines: Vec<Line> = forms
        .iter()
        .map(|(is_short, has_countdown)| {
            region_spans(&statuses, app, theme, *is_short, *has_countdown)
        })
        .collect();
    let left = lines
        .iter()
        .find(|line| line.width() <= room)
        .cloned()
        .unwrap_or_else(|| {
            let text: String = lines[3].spans.iter().map(|s| s.content.as_ref()).collect();
            Line::styled(super::fit(&text, room).into_owned(), theme.closed)
        });
    left.render(area, buf);
    let style = if app.health().failures().next().is_some() {
        theme.warning
    } else {
        theme.dim
    };
    let shown = super::fit(&right, total);
    let x_offset = u16::try_from(total.saturating_sub(shown.width())).unwrap_or(0);
    let right_area = Rect {
        x: area.x + x_offset,
        width: area.width - x_offset,
        ..area
    };
    Line::styled(shown.into_owned(), style).render(right_area, buf);
}

/// `UK markets closed (opens in 2h 10m) · US markets open`, in shorter words when `is_short`;
/// with the tape paused, `(opens 08:00)`.
fn region_spans(
    statuses: &[RegionStatus],
    app: &App,
    theme: &Theme,
    is_short: bool,
    has_countdown: bool,
) -> Line<'static> {
    let mut spans = Vec::new();
    // With more than one group the tape could be showing any of them: name it first.
    if app.watchlist().group_count() > 1 {
        spans.push(Span::styled(
            app.watchlist().group_name().to_string(),
            theme.name,
        ));
    }
    for status in statuses {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.separator));
        }
        let (word, style) = if status.is_open {
            ("open", theme.open)
        } else {
            ("closed", theme.closed)
        };
        let mut text = match (is_short, status.region) {
            (true, Region::Europe) => format!("EU {word}"),
            (true, region) => format!("{} {word}", region.label()),
            (false, region) => format!("{} markets {word}", region.label()),
        };
        if let (true, false, Some(opens)) = (has_countdown, status.is_open, status.next_change) {
            let when = if app.counts_down() {
                let wait = time::span(opens.duration_since(app.now()));
                if is_short { wait } else { format!("in {wait}") }
            } else {
                time::moment(opens, app.now(), app.tz())
            };
            text = format!("{text} (opens {when})");
        }
        spans.push(Span::styled(text, style));
    }
    // Past the holiday calendars' range a countdown may name an opening that will not happen.
    let markets = app.market_statuses();
    let is_guessing = markets
        .iter()
        .any(|(market, _)| !market::holidays_known(*market, app.now()));
    if is_guessing && !is_short && !spans.is_empty() {
        spans.push(Span::styled(" · ", theme.separator));
        spans.push(Span::styled("holidays unknown", theme.closed));
    }
    Line::from(spans)
}

/// Where the numbers come from and how current they are (in words: `app::data_state` decides),
/// then what is failing.
fn data_state(app: &App) -> String {
    // Quote sources first: they decide whether the numbers are current. One failure is named
    // in full; the rest are counted, so a dead network does not push the markets off the line.
    let mut sources: Vec<_> = app.health().failures().collect();
    sources.sort_by_key(|(source, _, _)| !matches!(source, SourceId::Yahoo | SourceId::CoinGecko));
    let mut failing: Vec<String> = sources
        .first()
        .map(|(source, since, failure)| {
            let lasted = time::span(app.now().duration_since(*since));
            format!(
                "{}: {} ({lasted})",
                app.source_label(*source),
                failure.summary()
            )
        })
        .into_iter()
        .collect();
    if sources.len() > 1 {
        failing.push(format!("+{} more", sources.len() - 1));
    }
    // A whole source failing says it all; otherwise name the odd symbol out.
    if failing.is_empty() {
        let mut symbols = app.quotes().failures();
        if let Some((symbol, failure)) = symbols.next() {
            failing.push(format!("{symbol}: {}", failure.summary()));
        }
        let more = symbols.count();
        if more > 0 {
            failing.push(format!("{more} more failing"));
        }
    }
    let (now, tz) = (app.now(), app.tz());
    let origin = match app.quotes().origin() {
        Origin::Snapshot { taken_at } => format!("snapshot {}", time::date(*taken_at, tz)),
        Origin::Cache { saved_at } => {
            format!("cached {} ago", time::age(now.duration_since(*saved_at)))
        }
        Origin::Live {
            source: SourceId::Demo,
            fetched_at,
        } => format!("simulated · updated {}", time::clock(*fetched_at, tz)),
        Origin::Live { fetched_at, .. } => format!("updated {}", time::clock(*fetched_at, tz)),
    };
    let mut parts = vec![app.data_state().word().to_owned(), origin];
    parts.extend(failing);
    parts.join(" · ")
}
