//! The headline list, drawn from the list's selection and the window offset update keeps; no
//! scrolling decisions are made here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, StatefulWidget, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Focus};
use crate::format::time;
use crate::ui::theme::Theme;
use crate::ui::{fit, fit_padded};

/// Source names are cut to this many columns so titles line up.
const SOURCE_COLS: usize = 10;
/// An instrument tag before a title is kept short: it marks, the title tells.
const TAG_COLS: usize = 9;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let visible = app.headlines().visible();
    let title = if app.headlines().filter().is_empty() && app.headlines().topic().is_none() {
        format!(" Headlines ({}) ", visible.len())
    } else {
        format!(
            " Headlines ({} of {}) ",
            visible.len(),
            app.headlines().len()
        )
    };
    let border = if app.focus() == Focus::List {
        theme.focused_border
    } else {
        theme.border
    };
    let block = Block::bordered()
        .title(fit(&title, usize::from(area.width.saturating_sub(2))).into_owned())
        .border_style(border);
    let inner_width = usize::from(area.width.saturating_sub(2));
    // Only the rows on screen are built: the list may hold hundreds, and this runs every frame.
    let rows = usize::from(area.height.saturating_sub(2));
    let offset = app.headlines().offset();
    let items: Vec<ListItem> = visible
        .iter()
        .skip(offset)
        .take(rows)
        .map(|headline| {
            let when = headline.published.map_or_else(
                || " ".repeat(6),
                |at| format!("{:>6}", time::headline_time(at, app.now(), app.tz())),
            );
            let (marker, marker_style) = if app.headlines().is_read(&headline.id) {
                (" ", theme.dim)
            } else {
                ("•", theme.unread)
            };
            let source = fit_padded(headline.source.as_str(), SOURCE_COLS);
            let tag = app
                .headlines()
                .tag(&headline.id)
                .and_then(|index| app.instruments().get(index))
                .map(|i| format!("[{}] ", fit(i.name.as_str(), TAG_COLS)));
            let tag = tag.unwrap_or_default();
            let used = when.width() + 1 + 1 + 1 + SOURCE_COLS + 1 + tag.width();
            let title = fit(headline.title.as_str(), inner_width.saturating_sub(used));
            ListItem::new(Line::from(vec![
                Span::styled(when, theme.dim),
                Span::raw(" "),
                Span::styled(marker, marker_style),
                Span::raw(" "),
                Span::styled(source, theme.dim),
                Span::raw(" "),
                Span::styled(tag, theme.tag),
                Span::raw(title.into_owned()),
            ]))
        })
        .collect();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected);
    let mut state = ListState::default().with_selected(
        app.headlines()
            .selected_row()
            .and_then(|row| row.checked_sub(offset)),
    );
    StatefulWidget::render(list, area, buf, &mut state);
    if empty && area.height > 2 && area.width > 2 {
        let message = if app.headlines().filter().is_empty() && app.headlines().topic().is_none() {
            "no headlines yet"
        } else {
            "no headline matches the filter"
        };
        Line::styled(fit(message, inner_width).into_owned(), theme.dim)
            .render(Rect::new(area.x + 1, area.y + 1, area.width - 2, 1), buf);
    }
}
