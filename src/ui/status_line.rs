//! The top line: which markets are open, and how current the numbers are ("offline · snapshot
//! of 28 Jun 2024", "demo · updated 16:42:07"), plus any failing source in a few words.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::quotes::Origin;
use crate::format::time;
use crate::market::{self, Region};
use crate::message::SourceId;
use crate::ui::theme::Theme;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let right = data_state(app);
    let total = usize::from(area.width);
    // The data state matters most (is this number live?), so the market list yields room first:
    // long words, then short ones, then cut.
    let room = total.saturating_sub(right.width() + 2);
    let statuses = market::region_statuses(app.market_statuses());
    let long = region_spans(&statuses, theme, false);
    let short = region_spans(&statuses, theme, true);
    let left = [long, short.clone()]
        .into_iter()
        .find(|line| line.width() <= room)
        .unwrap_or_else(|| {
            let text: String = short.spans.iter().map(|s| s.content.as_ref()).collect();
            Line::styled(super::fit(&text, room).into_owned(), theme.closed)
        });
    left.render(area, buf);
    let style = if app.health.failures().next().is_some() {
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

/// `UK markets open · US markets closed`, or when `is_short` `UK open · US closed`.
fn region_spans(statuses: &[market::RegionStatus], theme: &Theme, is_short: bool) -> Line<'static> {
    let mut spans = Vec::new();
    for status in statuses {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.separator));
        }
        let (word, style) = if status.is_open {
            ("open", theme.open)
        } else {
            ("closed", theme.closed)
        };
        let text = match (is_short, status.region) {
            (true, Region::Europe) => format!("EU {word}"),
            (true, region) => format!("{} {word}", region.label()),
            (false, region) => format!("{} markets {word}", region.label()),
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn data_state(app: &App) -> String {
    let mut parts = vec![match app.quotes.origin() {
        Origin::Snapshot { taken_at } => {
            format!("offline · snapshot {}", time::date(*taken_at, &app.tz))
        }
        Origin::Cache { saved_at } => format!(
            "offline · cached {} ago",
            time::age(app.now.duration_since(*saved_at))
        ),
        Origin::Live {
            source: SourceId::Demo,
            fetched_at,
        } => format!(
            "demo · simulated · updated {}",
            time::clock(*fetched_at, &app.tz)
        ),
        Origin::Live { source, fetched_at } => {
            format!(
                "{} · updated {}",
                source.label(),
                time::clock(*fetched_at, &app.tz)
            )
        }
    }];
    parts.extend(
        app.health
            .failures()
            .map(|(source, _since, failure)| format!("{}: {}", source.label(), failure.summary())),
    );
    parts.join(" · ")
}
