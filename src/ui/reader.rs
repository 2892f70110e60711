//! The reader pane: the selected article laid out by `app::reader::layout`, from the scroll
//! position update keeps, with the position shown on the border. Wraps; never fetches.

use ratatui::buffer::Buffer;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

use crate::app::reader::{ArticleStatus, LineKind};
use crate::app::{App, Focus};
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
    let lines = reader.lines(&article, usize::from(text_area.width), app.tz());
    let rows = usize::from(text_area.height);
    let scroll = reader.scroll().min(lines.len().saturating_sub(rows));
    if let Some(position) = position(scroll, rows, lines.len()) {
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
    for (row, line) in lines.iter().skip(scroll).take(rows).enumerate() {
        let style = match line.kind {
            LineKind::Title => theme.title,
            LineKind::Meta => theme.dim,
            LineKind::Heading => theme.heading,
            LineKind::Quote => theme.quote,
            LineKind::Body | LineKind::ListItem | LineKind::Blank => ratatui::style::Style::new(),
        };
        let y = text_area.y + u16::try_from(row).unwrap_or(u16::MAX);
        Line::styled(line.text.as_str(), style).render(
            ratatui::layout::Rect {
                y,
                height: 1,
                ..text_area
            },
            buf,
        );
    }
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

    #[test]
    fn position_reads_like_less() {
        assert_eq!(position(0, 10, 5).as_deref(), Some(" All "));
        assert_eq!(position(0, 10, 50).as_deref(), Some(" Top "));
        assert_eq!(position(10, 10, 50).as_deref(), Some(" 40% "));
        assert_eq!(position(40, 10, 50).as_deref(), Some(" Bot "));
        assert_eq!(position(0, 0, 50), None);
    }
}
