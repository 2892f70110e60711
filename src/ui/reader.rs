//! The reader pane: the selected article laid out by `app::reader::layout`, from the scroll
//! position update keeps, with the position shown on the border and, in the header, how far
//! the instrument the story is about has moved since it was published. Wraps; never fetches.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

use crate::app::data_state::QuoteState;
use crate::app::reader::{ArticleStatus, LineKind, ReaderLine, header_rows};
use crate::app::{App, Focus, MoveSince};
use crate::format::{number, time};
use crate::message::Viewport;
use crate::ui::fit;
use crate::ui::theme::Theme;

pub fn render(app: &App, theme: &Theme, viewport: &Viewport, buf: &mut Buffer) {
    let area = viewport.reader;
    let text_area = viewport.reader_text();
    let border = if app.focus() == Focus::Reader {
        theme.focused_border
    } else {
        theme.border
    };
    let mut block = Block::bordered().title(" Article ").border_style(border);
    if let Some(moved) = app.headlines().selected().and_then(|h| app.move_since(h)) {
        let room = usize::from(area.width.saturating_sub(12));
        let (text, style) = move_since(&moved, app, theme);
        block = block.title(Line::styled(fit(&text, room).into_owned(), style).right_aligned());
    }
    let Some(article) = app.selected_article() else {
        block.render(area, buf);
        if !text_area.is_empty() {
            Line::styled(
                fit("nothing selected", usize::from(text_area.width)).into_owned(),
                theme.dim,
            )
            .render(text_area, buf);
        }
        return;
    };
    let reader = app.reader();
    let height = usize::from(text_area.height);
    let lines = reader.lines_shown(&article, usize::from(text_area.width), app.tz(), height);
    let header = header_rows(&lines, height);
    let (title, body) = lines.split_at(header);
    let rows = height - header;
    let scroll = reader.scroll().min(body.len().saturating_sub(rows));
    if let Some(position) = position(scroll, rows, body.len()) {
        block = block.title_bottom(Line::from(position).right_aligned());
    }
    if let Some(id) = app.headlines().selected().map(|h| h.id.as_str()) {
        // Room for the position on the right.
        let room = usize::from(area.width.saturating_sub(10));
        match reader.status(id) {
            ArticleStatus::Loading => {
                block = block.title_bottom(Line::styled(
                    fit(" fetching the article… ", room).into_owned(),
                    theme.dim,
                ));
            }
            ArticleStatus::Failed(reason) => {
                let text = format!(" summary only: {reason} ");
                block =
                    block.title_bottom(Line::styled(fit(&text, room).into_owned(), theme.warning));
            }
            ArticleStatus::Settled => {}
        }
    }
    block.render(area, buf);
    let pinned = title.iter();
    for (row, line) in pinned
        .chain(body.iter().skip(scroll).take(rows))
        .enumerate()
    {
        render_line(line, theme, text_area, row, buf);
    }
}

/// ` FTSE 100 +0.42% since 09:14 `, coloured by direction and marked stale as the tape is.
fn move_since(moved: &MoveSince, app: &App, theme: &Theme) -> (String, Style) {
    let percent = number::percent(moved.percent);
    let since = time::clock_minutes(moved.since, app.tz());
    let mut text = format!(" {} {percent} since {since} ", moved.name);
    if let QuoteState::StaleSince(received) = moved.state {
        let _ = write!(
            text,
            "stale {} ",
            time::span(app.now().duration_since(received))
        );
    }
    let style = if moved.state != QuoteState::Live {
        theme.stale
    } else if number::rounds_to_zero(moved.percent, 2) {
        theme.flat
    } else if moved.percent > 0.0 {
        theme.rise
    } else {
        theme.fall
    };
    (text, style)
}

/// One laid-out line at `row` of the text area, styled by its kind.
fn render_line(line: &ReaderLine, theme: &Theme, text_area: Rect, row: usize, buf: &mut Buffer) {
    let style = match line.kind {
        LineKind::Title => theme.title,
        LineKind::Meta => theme.dim,
        LineKind::Heading => theme.heading,
        LineKind::Quote => theme.quote,
        LineKind::Body | LineKind::ListItem | LineKind::Blank => ratatui::style::Style::new(),
    };
    let y = text_area.y + u16::try_from(row).unwrap_or(u16::MAX);
    Line::styled(line.text.as_str(), style).render(
        Rect {
            y,
            height: 1,
            ..text_area
        },
        buf,
    );
}

/// Where the view is, as `less` says it: `All`, `Top`, `Bot` or a percentage through.
fn position(scroll: usize, rows: usize, total: usize) -> Option<String> {
    if rows == 0 {
        return None;
    }
    let word = if total <= rows {
        "All".to_owned()
    } else if scroll == 0 {
        "Top".to_owned()
    } else if scroll + rows >= total {
        "Bot".to_owned()
    } else {
        format!("{}%", (scroll + rows) * 100 / total)
    };
    Some(format!(" {word} "))
}

#[cfg(test)]
mod tests {
    use super::position;
    use crate::app::update::update;
    use crate::fixtures::{app_from_snapshot, now};
    use crate::message::{Message, Scroll, Step};
    use crate::ui::tests::screen;

    /// Scrolled to the end of a long article, the reader still shows its whole title, wrapped,
    /// pinned above the text; the text still reaches its last line.
    #[test]
    fn the_title_stays_pinned_while_the_text_scrolls() {
        let mut app = app_from_snapshot(60, 24);
        while app.headlines().selected().unwrap().id != "sample-h1-2024-markets-review" {
            update(&mut app, Message::Move(Step::Down), now());
        }
        update(&mut app, Message::ScrollReader(Scroll::Bottom), now());
        let title = app.headlines().selected().unwrap().title.to_string();
        let reader = app.viewport().reader_text();
        let terminal = screen(&app, 60, 24);
        let buf = terminal.backend().buffer();
        let row = |y: u16| -> String {
            (reader.x..reader.x + reader.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_owned()
        };
        let header: Vec<String> = (reader.y..reader.y + 2).map(row).collect();
        assert_eq!(
            header.join(" "),
            title,
            "title over two lines at 58 columns"
        );
        assert_ne!(row(reader.y + 2), "", "the text follows the title");
        let bottom = format!("{}", terminal.backend());
        assert!(bottom.contains(" Bot "), "{bottom}");
    }

    #[test]
    fn position_reads_like_less() {
        assert_eq!(position(0, 10, 5).as_deref(), Some(" All "));
        assert_eq!(position(0, 10, 50).as_deref(), Some(" Top "));
        assert_eq!(position(10, 10, 50).as_deref(), Some(" 40% "));
        assert_eq!(position(40, 10, 50).as_deref(), Some(" Bot "));
        assert_eq!(position(0, 0, 50), None);
    }
}
