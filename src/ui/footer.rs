//! The bottom line: key hints from the keymap's table, the filter or alert price being typed,
//! or a fired alert not yet seen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::App;
use crate::keymap;
use crate::ui::fit;
use crate::ui::theme::Theme;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    if let Some(notice) = app.notice() {
        let line = Line::styled(
            fit(notice.as_str(), usize::from(area.width)).into_owned(),
            theme.warning,
        );
        line.render(area, buf);
        return;
    }
    // A fired alert stays until seen (`!`), unless a price is being typed.
    if let Some((message, more)) = app
        .alerts()
        .unseen()
        .filter(|_| app.alerts().prompt().is_none())
    {
        let more = if more > 0 {
            format!(" (+{more})")
        } else {
            String::new()
        };
        let text = format!("⚑ {message}{more} · ! lists alerts");
        let line = Line::styled(
            fit(&text, usize::from(area.width)).into_owned(),
            theme.warning,
        );
        line.render(area, buf);
        return;
    }
    if let Some(prompt) = app.alerts().prompt() {
        spans.push(Span::styled(
            format!("alert {} at: ", prompt.name),
            theme.title,
        ));
        let typed = prompt.input.value();
        let (before, after) = typed.split_at(
            typed
                .char_indices()
                .nth(prompt.input.cursor())
                .map_or(typed.len(), |(at, _)| at),
        );
        spans.push(Span::raw(format!("{before}▏{after}")));
        spans.push(Span::raw("  "));
    }
    if let Some(topic) = app.headlines().topic() {
        spans.push(Span::styled(
            format!("about: {}", topic.label),
            theme.warning,
        ));
        spans.push(Span::styled(" (Esc clears) · ", theme.dim));
    }
    let filter = app.headlines().filter();
    if app.headlines().is_editing_filter() {
        spans.push(Span::styled("filter: ", theme.title));
        spans.push(Span::raw(format!("{filter}▏")));
        spans.push(Span::raw("  "));
    } else if !filter.is_empty() {
        spans.push(Span::styled(format!("filter: {filter}"), theme.warning));
        spans.push(Span::styled(" (Esc clears) · ", theme.dim));
    }
    let hints = keymap::hints(app)
        .into_iter()
        .map(|(keys, word)| format!("{keys} {word}"))
        .collect::<Vec<_>>()
        .join(" · ");
    spans.push(Span::styled(hints, theme.dim));
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if unicode_width::UnicodeWidthStr::width(text.as_str()) <= usize::from(area.width) {
        Line::from(spans).render(area, buf);
    } else {
        Line::styled(fit(&text, usize::from(area.width)).into_owned(), theme.dim).render(area, buf);
    }
}
