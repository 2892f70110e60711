//! A frame as a terminal receives it: the bytes ratatui's crossterm backend writes for a
//! buffer, replayed through the `vt100` emulator, and the check that every cell landed where
//! ratatui's buffer put it. Shared by the corpus test (`corpus.rs`) and the `draw` fuzz target
//! (which includes this file by path), so both hold the screen to the same invariant.

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, CellWidth};

/// What the crossterm backend writes to turn `previous` into `next`, as `Terminal::draw` does
/// (only the changed cells, a cursor move wherever the next cell is not the one after).
pub fn frame_bytes(previous: &Buffer, next: &Buffer) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut backend = CrosstermBackend::new(&mut bytes);
        backend
            .draw(previous.diff(next).into_iter())
            .expect("writing to memory never fails");
        Backend::flush(&mut backend).expect("flushing memory never fails");
    }
    bytes
}

/// A terminal of `buffer`'s size that has been sent nothing yet.
pub fn emulator(buffer: &Buffer) -> Option<vt100::Parser> {
    let rows = std::num::NonZeroU16::new(buffer.area.height)?;
    let cols = std::num::NonZeroU16::new(buffer.area.width)?;
    Some(vt100::Parser::new(rows, cols, 0))
}

/// Ratatui's cells of one row as (column, symbol, columns taken), skipping the cells a wide
/// symbol hides.
pub fn drawn_cells(buffer: &Buffer, y: u16) -> Vec<(u16, &str, u16)> {
    let mut cells = Vec::new();
    let mut x = 0;
    while x < buffer.area.width {
        let symbol = buffer[(x, y)].symbol();
        let width = symbol.cell_width().max(1);
        cells.push((x, symbol, width));
        x = x.saturating_add(width);
    }
    cells
}

/// Every cell whose text the emulator shows anywhere but where ratatui drew it, described with
/// its row. Each of ratatui's cells is compared by the columns it takes, so a symbol the
/// terminal splits over the same columns (क + ा) still matches, while one character drawn a
/// column too wide or too narrow moves the next and is reported.
pub fn displaced_cells(buffer: &Buffer, screen: &vt100::Screen) -> Vec<String> {
    let mut found = Vec::new();
    for y in 0..buffer.area.height {
        for (x, symbol, width) in drawn_cells(buffer, y) {
            let shown: String = (x..x.saturating_add(width))
                .filter_map(|col| screen.cell(y, col))
                .filter(|cell| !cell.is_wide_continuation())
                .map(|cell| match cell.contents() {
                    "" => " ",
                    text => text,
                })
                .collect();
            if shown != symbol {
                let row: String = drawn_cells(buffer, y).iter().map(|c| c.1).collect();
                found.push(format!(
                    "row {y}, column {x}: ratatui drew {symbol:?}, the terminal shows {shown:?} \
                     (row {row:?})"
                ));
            }
        }
    }
    found
}
