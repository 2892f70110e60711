//! Drawing: a pure function of `&App` onto a frame, and the one layout ([`viewport`]) that
//! update also uses, so scroll limits and what is drawn always agree. Nothing here mutates
//! state, reads the clock or does I/O.

pub mod footer;
pub mod headlines;
pub mod help;
pub mod reader;
pub mod status_line;
pub mod tape;
pub mod theme;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::message::Viewport;

/// Below this the panes would be unreadable; a plain message says so instead.
const MIN_WIDTH: u16 = 24;
const MIN_HEIGHT: u16 = 7;
/// From this width the list and reader sit side by side.
const SIDE_BY_SIDE_WIDTH: u16 = 100;

pub fn viewport(area: Rect) -> Viewport {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Viewport {
            area,
            ..Viewport::default()
        };
    }
    let [status, tape, panes, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [list, reader] = if area.width >= SIDE_BY_SIDE_WIDTH {
        Layout::horizontal([Constraint::Percentage(40), Constraint::Fill(1)]).areas(panes)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(panes)
    };
    Viewport {
        area,
        status,
        tape,
        list,
        reader,
        footer,
    }
}

pub fn draw(app: &App, frame: &mut Frame) {
    let viewport = viewport(frame.area());
    if viewport.list.is_empty() {
        let message = Paragraph::new("terminal too small").wrap(Wrap { trim: true });
        frame.render_widget(message, viewport.area);
        return;
    }
    let buf = frame.buffer_mut();
    status_line::render(app, viewport.status, buf);
    tape::render(app, viewport.tape, buf);
    headlines::render(app, viewport.list, buf);
    reader::render(app, &viewport, buf);
    footer::render(app, viewport.footer, buf);
    if app.is_help_open {
        help::render(&app.theme, viewport.area, buf);
    }
}

/// `text` cut to `width` display columns with an ellipsis, never splitting a wide character.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let Some(room) = width.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w > room {
            break;
        }
        used += w;
        out.push_str(grapheme);
    }
    out.push('…');
    Cow::Owned(out)
}

/// [`fit`], then padded with spaces to exactly `width` columns so the next column lines up.
pub fn fit_padded(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let pad = width.saturating_sub(fitted.width());
    format!("{fitted}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_columns_and_keeps_wide_characters_whole() {
        assert_eq!(fit("FTSE 100", 8), "FTSE 100");
        assert_eq!(fit("FTSE 100", 5), "FTSE…");
        assert_eq!(fit("中国企业家", 6), "中国…");
        assert_eq!(fit("中国企业家", 5), "中国…");
        assert_eq!(fit("中国企业家", 4), "中…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_padded("中国企业家", 8), "中国企… ");
        assert_eq!(fit_padded("BBC", 5), "BBC  ");
    }

    #[test]
    fn layout_is_side_by_side_when_wide_stacked_when_narrow_and_empty_when_tiny() {
        let wide = viewport(Rect::new(0, 0, 120, 40));
        assert_eq!(wide.list.y, wide.reader.y);
        assert_eq!(
            (wide.list.width + wide.reader.width, wide.list.height),
            (120, 37)
        );
        let narrow = viewport(Rect::new(0, 0, 80, 24));
        assert_eq!(narrow.list.x, narrow.reader.x);
        assert_eq!(narrow.list.height + narrow.reader.height, 21);
        let tiny = viewport(Rect::new(0, 0, 1, 1));
        assert!(tiny.list.is_empty() && tiny.reader.is_empty() && tiny.tape.is_empty());
    }
}
