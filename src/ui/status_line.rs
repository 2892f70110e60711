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
use crate::market;
use crate::message::SourceId;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut left: Vec<Span> = Vec::new();
    for status in market::region_statuses(app.instruments.iter().map(|i| i.market), app.now) {
        if !left.is_empty() {
            left.push(Span::styled(" · ", theme.separator));
        }
        let (word, style) = if status.is_open {
            ("open", theme.open)
        } else {
            ("closed", theme.closed)
        };
        left.push(Span::styled(
            format!("{} markets {word}", status.region.label()),
            style,
        ));
    }
    let right = data_state(app);
    let right_width = right.width();
    let total = usize::from(area.width);
    // The data state matters most (is this number live?), so the market list yields room first.
    let left_room = total.saturating_sub(right_width + 2);
    let left_line = Line::from(left);
    let left_text: String = left_line.spans.iter().map(|s| s.content.as_ref()).collect();
    if left_text.width() <= left_room {
        left_line.render(area, buf);
    } else {
        Line::styled(super::fit(&left_text, left_room).into_owned(), theme.closed)
            .render(area, buf);
    }
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

fn data_state(app: &App) -> String {
    let mut parts = vec![match app.quotes.origin() {
        Origin::Snapshot { taken_at } => {
            format!("offline · snapshot of {}", time::date(*taken_at, &app.tz))
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
