//! The symbol search box, drawn over the top of the detail area: the text typed with its
//! cursor, what the box is waiting for or why it failed, and the results (symbol, name,
//! exchange, type) with the chosen one marked. Reads `App::search_box` only.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::fit_padded;
use crate::app::App;
use crate::app::search::{SearchBox, Status};
use crate::domain::SymbolMatch;
use crate::ui::theme::Theme;

/// Border, text line and status line around the results.
const CHROME_ROWS: u16 = 4;
/// As many results as the search asks the provider for.
const RESULT_ROWS: u16 = 8;
const PROMPT: &str = "› ";
const SYMBOL_COLS: usize = 12;
const EXCHANGE_COLS: usize = 12;
const KIND_COLS: usize = 10;
/// Narrower than this, a row is symbol and name only.
const FULL_ROW_COLS: usize = 56;

/// Draws the box at the top of `area`; returns where the terminal's cursor belongs.
pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let search = app.search_box()?;
    let results = u16::try_from(search.results().len()).unwrap_or(u16::MAX);
    let rows = results.clamp(1, RESULT_ROWS) + CHROME_ROWS;
    let popup = Rect {
        height: area.height.min(rows),
        ..area
    };
    Clear.render(popup, buf);
    let group = app.watchlist().group_name();
    let after = (app.tape_cursor()).and_then(|cursor| app.watchlist().shown_at(cursor));
    let title = match after {
        Some(instrument) => format!(" Add to {group} after {} ", instrument.name),
        None => format!(" Add to {group} "),
    };
    let block = Block::bordered()
        .title(super::fit(&title, usize::from(popup.width.saturating_sub(2))).into_owned())
        .title_bottom(Line::from(" Enter adds · Esc cancels ").right_aligned())
        .border_style(theme.focused_border);
    let inner = block.inner(popup);
    block.render(popup, buf);
    if inner.is_empty() {
        return None;
    }
    let cursor = render_text(search, theme, inner, buf);
    let mut rows = inner.rows().skip(1);
    if let Some(row) = rows.next() {
        status_line(search, theme).render(row, buf);
    }
    // The chosen result stays in view however few rows there are.
    let shown = usize::from(inner.height.saturating_sub(2));
    let first = search.chosen().saturating_sub(shown.saturating_sub(1));
    let results = search.results().iter().enumerate().skip(first);
    for (row, (index, found)) in rows.zip(results) {
        let style = if index == search.chosen() {
            theme.selected
        } else {
            ratatui::style::Style::default()
        };
        result_line(found, theme, usize::from(row.width))
            .style(style)
            .render(row, buf);
    }
    cursor
}

/// The typed text after the prompt, scrolled to keep the cursor in view.
fn render_text(
    search: &SearchBox,
    theme: &Theme,
    inner: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    let row = Rect { height: 1, ..inner };
    let prompt = u16::try_from(PROMPT.chars().count()).unwrap_or(u16::MAX);
    Span::styled(PROMPT, theme.title).render(row, buf);
    let field = Rect {
        x: row.x.saturating_add(prompt),
        width: row.width.saturating_sub(prompt),
        ..row
    };
    if field.is_empty() {
        return None;
    }
    let width = usize::from(field.width) - 1;
    let scroll = search.scroll_cols(width);
    Paragraph::new(search.text())
        .scroll((0, u16::try_from(scroll).unwrap_or(u16::MAX)))
        .render(field, buf);
    let cursor = search.cursor_cols().saturating_sub(scroll);
    let x = field.x
        + u16::try_from(cursor)
            .unwrap_or(u16::MAX)
            .min(field.width - 1);
    Some(Position::new(x, field.y))
}

fn status_line<'a>(search: &'a SearchBox, theme: &Theme) -> Line<'a> {
    match search.status() {
        Status::Idle if search.text().trim().is_empty() => {
            Line::styled("type a name or a symbol", theme.dim)
        }
        Status::Idle if search.results().is_empty() => Line::styled("no matches", theme.dim),
        Status::Idle => Line::styled("↑/↓ choose", theme.dim),
        Status::Searching => Line::styled("searching…", theme.dim),
        Status::Checking(instrument) => {
            Line::styled(format!("checking {}…", instrument.symbol), theme.dim)
        }
        Status::Failed(why) => Line::styled(why.as_str(), theme.warning),
        Status::NeedsNetwork => Line::styled(
            "symbol search needs the network (not with --offline or --demo)",
            theme.warning,
        ),
    }
}

/// Symbol, name, exchange and type in columns; symbol and name only when narrow.
fn result_line<'a>(found: &'a SymbolMatch, theme: &Theme, width: usize) -> Line<'a> {
    let text = |value: Option<&'a crate::sanitize::SafeText>| value.map_or("", |v| v.as_str());
    let is_full = width >= FULL_ROW_COLS;
    let tail = if is_full {
        EXCHANGE_COLS + KIND_COLS + 2
    } else {
        0
    };
    let name_cols = width.saturating_sub(SYMBOL_COLS + 1 + tail);
    let mut spans = vec![
        Span::styled(fit_padded(&found.symbol, SYMBOL_COLS), theme.name),
        Span::raw(" "),
        Span::raw(fit_padded(found.name.as_str(), name_cols)),
    ];
    if is_full {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            fit_padded(text(found.exchange.as_ref()), EXCHANGE_COLS),
            theme.dim,
        ));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            fit_padded(text(found.kind.as_ref()), KIND_COLS),
            theme.dim,
        ));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests;
