//! The help overlay, rendered from the effective key map: it has no bindings of its own. Taller
//! than the screen, it scrolls (`j`/`k`), and its bottom border says so.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row, StatefulWidget, Table, TableState, Widget};

use crate::keymap::KeyMap;
use crate::ui::theme::Theme;

/// The border's two rows and the header.
const CHROME_ROWS: u16 = 3;

/// Table rows an overlay on a screen `height` rows tall has room for.
pub fn rows_shown(height: u16) -> u16 {
    height.saturating_sub(CHROME_ROWS)
}

/// The overlay with its table scrolled `scroll` rows down (kept within the table).
pub fn render(keys: &KeyMap, theme: &Theme, scroll: u16, area: Rect, buf: &mut Buffer) {
    let rows: Vec<Row> = keys
        .help_rows()
        .map(|(context, keys, what, _)| Row::new([context.to_owned(), keys, what.to_owned()]))
        .collect();
    let count = u16::try_from(rows.len()).unwrap_or(u16::MAX);
    let height = count.saturating_add(CHROME_ROWS).min(area.height);
    let width = 80.min(area.width);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    Clear.render(popup, buf);
    let last = count.saturating_sub(rows_shown(area.height));
    let scroll = scroll.min(last);
    let closes = if last == 0 {
        " ? or Esc closes ".to_owned()
    } else {
        let below = last - scroll;
        format!(" j/k scroll ({scroll} above, {below} below) · ? or Esc closes ")
    };
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(closes).right_aligned())
        .border_style(theme.focused_border);
    let table = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Length(14),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["where", "keys", "what"]).style(theme.title))
    .block(block);
    let mut state = TableState::default().with_offset(usize::from(scroll));
    StatefulWidget::render(table, popup, buf, &mut state);
}
