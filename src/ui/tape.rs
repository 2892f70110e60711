//! The scrolling tape: one loop of entries drawn from the tape's offset, repeated to fill the
//! row, so the end of the watchlist runs seamlessly into its start. Wide characters cut by
//! either edge become spaces rather than half a glyph.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::tape::{SEPARATOR, TapeEntry};
use crate::ui::theme::Theme;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let tape = app.tape();
    let segments = segments(tape.entries(), theme, app.tape_cursor());
    let cells = window(&segments, tape.offset_cols(), usize::from(area.width));
    let mut x = area.x;
    for (grapheme, style) in cells {
        buf[(x, area.y)].set_symbol(grapheme).set_style(style);
        let width = u16::try_from(grapheme.width().max(1)).unwrap_or(1);
        // A wide glyph owns the next cell too; ratatui's diff skips it only if it is reset.
        for skip in 1..width {
            buf[(x + skip, area.y)].reset();
        }
        x += width;
    }
}

/// One loop of the tape as styled text runs, borrowed from the entries (a step allocates
/// none); the `chosen` entry is highlighted.
fn segments<'a>(
    entries: &'a [TapeEntry],
    theme: &Theme,
    chosen: Option<usize>,
) -> Vec<(&'a str, Style)> {
    let mut out = Vec::with_capacity(entries.len() * 6);
    for (index, entry) in entries.iter().enumerate() {
        let base = if chosen == Some(index) {
            theme.selected
        } else {
            Style::new()
        };
        let stale = if entry.is_stale {
            base.patch(theme.stale)
        } else {
            base
        };
        let movement = theme.direction(entry.direction);
        // The spaces inside an entry share its dimming, so a dimmed entry is one run of dim
        // text rather than an attribute switched off and on around every space (bytes a step).
        out.push((entry.name.as_str(), theme.name.patch(stale)));
        out.push((" ", stale));
        out.push((entry.price.as_str(), stale));
        out.push((" ", stale));
        out.push((entry.movement.as_str(), movement.patch(stale)));
        out.push((SEPARATOR, theme.separator));
    }
    out
}

/// The graphemes visible in `width` columns starting `offset` columns into the loop. Runs
/// wholly left of the window are skipped by their width, as the tape's geometry measures
/// them, without being cut into graphemes (sanitised text has no invisible grapheme, so the
/// two agree): a step segments only what it shows.
fn window<'a>(segments: &[(&'a str, Style)], offset: usize, width: usize) -> Vec<(&'a str, Style)> {
    let loop_width: usize = segments.iter().map(|(text, _)| text.width()).sum();
    if loop_width == 0 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(width);
    let mut skip = offset % loop_width;
    let mut used = 0;
    for (text, style) in segments.iter().cycle() {
        if used >= width {
            break;
        }
        let run_width = text.width();
        if skip >= run_width {
            skip -= run_width;
            continue;
        }
        for grapheme in text.graphemes(true) {
            let w = grapheme.width();
            if used >= width {
                break;
            }
            if w == 0 {
                continue;
            }
            if skip > 0 {
                if w > skip {
                    // The left edge cuts this glyph: blank the part still in view.
                    for _ in 0..(w - skip).min(width - used) {
                        out.push((" ", *style));
                        used += 1;
                    }
                    skip = 0;
                } else {
                    skip -= w;
                }
                continue;
            }
            if used + w > width {
                out.push((" ", *style));
                used += 1;
                continue;
            }
            out.push((grapheme, *style));
            used += w;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cells: &[(&str, Style)]) -> String {
        cells.iter().map(|(g, _)| *g).collect()
    }

    fn plain<'a>(parts: &[&'a str]) -> Vec<(&'a str, Style)> {
        parts.iter().map(|p| (*p, Style::new())).collect()
    }

    #[test]
    fn window_wraps_seamlessly_and_repeats_to_fill() {
        let segs = plain(&["ABC", " | "]);
        assert_eq!(text(&window(&segs, 0, 8)), "ABC | AB");
        assert_eq!(text(&window(&segs, 4, 8)), "| ABC | ");
        assert_eq!(text(&window(&segs, 6 + 4, 8)), "| ABC | ");
    }

    #[test]
    fn wide_characters_cut_by_an_edge_become_spaces() {
        let segs = plain(&["中文", "x"]);
        // Offset 1 cuts 中 in half on the left.
        assert_eq!(text(&window(&segs, 1, 5)), " 文x ");
        // Width 2 from offset 4: x, then 中 does not fit in the last column.
        assert_eq!(text(&window(&segs, 4, 2)), "x ");
    }
}
