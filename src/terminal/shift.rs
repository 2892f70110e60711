//! Redrawing a row that only moved sideways, as the tape does on every step: delete-character
//! at the row's first changed column pulls the rest of it left, and only the cells that come
//! in at the right end are written: tens of bytes instead of the whole row.
//!
//! The shift is found by comparing what the screen shows (a copy of every frame drawn, kept
//! here) with the next frame, never taken from app state, so it cannot disagree with the
//! screen. A row it cannot prove shifted, or where a wide character straddles an edge of the
//! deleted columns, is drawn with ratatui's own updates. What is written for a shifted row is
//! ratatui's own diff from the shifted row to the new one, so the screen ends up exactly as
//! ratatui would have left it. No terminal I/O here: `terminal::Quiet` writes the plan.

use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::{Position, Rect, Size};

/// Further than the tape moves in a frame; a bigger jump (a chosen entry brought into view) is
/// drawn whole. It bounds the search, which runs on every changed row of every frame.
const MAX_SHIFT_COLS: usize = 8;
/// Cells of text the cursor move and delete-character cost about as much as: a shift must
/// save more than this to be used.
const SHIFT_COST_CELLS: usize = 4;

/// One update of ratatui's diff: column, row, the cell to draw there.
pub type Update<'a> = (u16, u16, &'a Cell);

/// What the screen shows: every frame drawn so far, laid over a blank screen.
pub struct Screen {
    shown: Buffer,
}

/// How one changed row is to be drawn.
pub enum RowDraw<'a> {
    /// Ratatui's own updates for the row.
    AsIs(&'a [Update<'a>]),
    /// Delete `cols` characters at `at`, then draw the diff from `shifted` (the row as the
    /// deletion leaves it) to `next`.
    Shifted {
        at: Position,
        cols: u16,
        shifted: Buffer,
        next: Buffer,
    },
}

impl Screen {
    /// A screen just cleared (or never drawn on), of the terminal's size.
    pub fn blank(size: Size) -> Self {
        Self {
            shown: Buffer::empty(Rect::from((Position::ORIGIN, size))),
        }
    }

    /// How to draw `updates` (ratatui's diff for one frame, in screen order), which from then
    /// on count as shown. `None` if one falls outside the screen as known: the caller must stop
    /// relying on this copy.
    pub fn plan<'a>(&mut self, updates: &'a [Update<'a>]) -> Option<Vec<RowDraw<'a>>> {
        let area = self.shown.area;
        if !updates
            .iter()
            .all(|(x, y, _)| area.contains(Position::new(*x, *y)))
        {
            return None;
        }
        let width = usize::from(area.width);
        let mut rows = Vec::new();
        for row_updates in updates.chunk_by(|a, b| a.1 == b.1) {
            let y = row_updates[0].1;
            let start = self.shown.index_of(area.x, y);
            let shown = &mut self.shown.content[start..start + width];
            let mut next = row_buffer(area.x, y, with_updates(shown, area.x, row_updates));
            let shift = best_shift(shown, &next)
                .filter(|shift| shift.writes + SHIFT_COST_CELLS < row_updates.len());
            let draw = if let Some(shift) = shift {
                shown.clone_from_slice(&next.content);
                RowDraw::Shifted {
                    at: Position::new(area.x + to_u16(shift.x), y),
                    cols: to_u16(shift.cols),
                    shifted: shift.shifted,
                    next,
                }
            } else {
                shown.swap_with_slice(&mut next.content);
                RowDraw::AsIs(row_updates)
            };
            rows.push(draw);
        }
        Some(rows)
    }
}

/// The row as ratatui's diff leaves it. A wide character covers the cells after it, which the
/// diff skips, so they are blanked here as ratatui's buffer has them.
fn with_updates(shown: &[Cell], left: u16, updates: &[Update<'_>]) -> Vec<Cell> {
    let mut next = shown.to_vec();
    for (x, _, cell) in updates {
        let at = usize::from(x - left);
        next[at] = (*cell).clone();
        let covered = at + usize::from(cell.cell_width()).max(1);
        for hidden in next.iter_mut().take(covered).skip(at + 1) {
            *hidden = Cell::EMPTY;
        }
    }
    next
}

/// A deletion of `cols` columns at `x`, and what it leaves to write.
struct Shift {
    x: usize,
    cols: usize,
    /// The row as the deletion leaves it.
    shifted: Buffer,
    /// Cells of ratatui's diff from `shifted` to the next row.
    writes: usize,
}

/// The deletion at the row's first changed column that leaves the least to write: the next
/// row's first changed cell is found `cols` columns further along in `shown`. Cells that
/// changed besides the move (a price that ticked, a wide glyph coming in at the right) are
/// written after it. Never one whose edges cut a wide character, which terminals treat
/// differently.
fn best_shift(shown: &[Cell], next: &Buffer) -> Option<Shift> {
    let x = shown.iter().zip(&next.content).position(|(a, b)| a != b)?;
    if is_inside_wide(shown, x) {
        return None;
    }
    let most = MAX_SHIFT_COLS.min(shown.len() - x - 1);
    (1..=most)
        .filter(|&cols| next.content[x] == shown[x + cols] && !is_inside_wide(shown, x + cols))
        .map(|cols| {
            let shifted = row_buffer(next.area.x, next.area.y, shifted(shown, x, cols));
            let writes = shifted.diff_iter(next).count();
            Shift {
                x,
                cols,
                shifted,
                writes,
            }
        })
        .min_by_key(|shift| shift.writes)
}

/// Whether column `x` is the covered part of a wide character to its left.
fn is_inside_wide(row: &[Cell], x: usize) -> bool {
    (x.saturating_sub(MAX_SHIFT_COLS)..x).any(|left| left + usize::from(row[left].cell_width()) > x)
}

/// `shown` with `cols` columns deleted at `x`: the rest pulled left, blanks in at the right.
fn shifted(shown: &[Cell], x: usize, cols: usize) -> Vec<Cell> {
    let mut row = Vec::with_capacity(shown.len());
    row.extend_from_slice(&shown[..x]);
    row.extend_from_slice(&shown[x + cols..]);
    row.resize(shown.len(), Cell::EMPTY);
    row
}

fn row_buffer(left: u16, y: u16, cells: Vec<Cell>) -> Buffer {
    Buffer {
        area: Rect::new(left, y, to_u16(cells.len()), 1),
        content: cells,
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Style};

    use super::*;

    /// The cells written, and the deletion (where, how many columns) if the row was shifted.
    type Planned = (Vec<(u16, u16)>, Option<(Position, u16)>);

    /// A one-row screen showing `text`, and `plan` of the frame that shows `next` instead.
    fn plan_of(text: &str, next: &str) -> Planned {
        let mut screen = Screen::blank(Size::new(20, 1));
        let mut shown = Buffer::empty(Rect::new(0, 0, 20, 1));
        shown.set_string(0, 0, text, Style::new().fg(Color::Green));
        let diff = Buffer::empty(shown.area).diff(&shown);
        screen.plan(&diff).unwrap();
        let mut wanted = Buffer::empty(shown.area);
        wanted.set_string(0, 0, next, Style::new().fg(Color::Green));
        let diff = shown.diff(&wanted);
        let rows = screen.plan(&diff).unwrap();
        assert_eq!(screen.shown, wanted, "the copy follows the frame");
        match rows.as_slice() {
            [
                RowDraw::Shifted {
                    at,
                    cols,
                    shifted,
                    next,
                },
            ] => {
                let cells = shifted
                    .diff(next)
                    .iter()
                    .map(|(x, y, _)| (*x, *y))
                    .collect();
                (cells, Some((*at, *cols)))
            }
            [RowDraw::AsIs(updates)] => (updates.iter().map(|(x, y, _)| (*x, *y)).collect(), None),
            _ => panic!("one row changed"),
        }
    }

    #[test]
    fn a_row_moved_left_is_deleted_at_its_first_change_and_only_the_new_cell_written() {
        let (cells, shift) = plan_of("FTSE 100 8,164.12 ", "TSE 100 8,164.12 F");
        assert_eq!(shift, Some((Position::new(0, 0), 1)));
        assert_eq!(cells, [(17, 0)]);
        // Columns that did not move stay; the deletion starts where the row changed.
        let (cells, shift) = plan_of("AB: FTSE 100 8,164", "AB: TSE 100 8,164 ");
        assert_eq!(shift, Some((Position::new(4, 0), 1)));
        assert_eq!(cells, [(17, 0)]);
    }

    #[test]
    fn a_wide_glyph_cut_by_the_deletion_gets_the_row_drawn_whole() {
        // 中 covers columns 0 and 1: deleting column 0 would cut it.
        let (_, shift) = plan_of("中 ABCDEFGHIJKLMNO", "  ABCDEFGHIJKLMNOP");
        assert_eq!(shift, None);
        // Moved whole, a wide glyph goes along.
        let (cells, shift) = plan_of("x中 ABCDEFGHIJKLMN", "中 ABCDEFGHIJKLMNO");
        assert_eq!(shift, Some((Position::new(0, 0), 1)));
        assert_eq!(cells, [(17, 0)]);
    }

    #[test]
    fn a_row_that_changed_in_place_is_drawn_as_ratatui_would() {
        let (cells, shift) = plan_of("FTSE 100 8,164.12", "FTSE 100 8,165.00");
        assert_eq!(shift, None);
        assert_eq!(cells, [(13, 0), (15, 0), (16, 0)]);
    }

    #[test]
    fn a_frame_beyond_the_known_screen_is_refused() {
        let mut screen = Screen::blank(Size::new(4, 1));
        let cell = Cell::new("x");
        assert!(screen.plan(&[(4, 0, &cell)]).is_none());
        assert!(screen.plan(&[(0, 1, &cell)]).is_none());
    }
}
