//! The help overlay, rendered from the effective key map: it has no bindings of its own.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row, Table, Widget};

use crate::keymap::KeyMap;
use crate::ui::theme::Theme;

pub fn render(keys: &KeyMap, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let rows: Vec<Row> = keys
        .help_rows()
        .map(|(context, keys, what, _)| Row::new([context.to_owned(), keys, what.to_owned()]))
        .collect();
    let height = u16::try_from(rows.len() + 4)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let width = 80.min(area.width);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    Clear.render(popup, buf);
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(" ? or Esc closes ").right_aligned())
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
    Widget::render(table, popup, buf);
}
