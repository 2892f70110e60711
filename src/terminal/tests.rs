//! What `Quiet` writes, read back through a terminal emulator (`vt100`): whatever it leaves out
//! or shortens, the screen must come out exactly as ratatui drew it, cell by cell and attribute
//! by attribute.

use std::cell::RefCell;
use std::num::NonZeroU16;
use std::rc::Rc;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::{TerminalOptions, Viewport};
use rstest::rstest;
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::app::update::update;
use crate::app::{App, Mode, Settings};
use crate::config::Config;
use crate::fixtures::{london, now};
use crate::message::{Message, SourceId};
use crate::sanitize::SafeText;
use crate::sources::demo::DemoMarket;
use crate::ui;
use crate::ui::theme::Theme;

/// Everything that reaches the "terminal", in order.
#[derive(Clone, Default)]
struct Written(Rc<RefCell<Vec<u8>>>);

impl Written {
    fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// What was written since the last call.
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_frame_that_changes_nothing_writes_nothing() {
    let out = Written::default();
    let written = || out.len();
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 20, 2)),
    };
    let backend = Quiet::new(CrosstermBackend::new(out.clone()), RowShift::Off);
    let mut terminal = Terminal::with_options(backend, options).unwrap();
    let draw = |text: &'static str| {
        move |frame: &mut ratatui::Frame| {
            frame.render_widget(Line::raw(text), frame.area());
        }
    };
    terminal.draw(draw("FTSE 100")).unwrap();
    let first = written();
    assert!(first > 0);
    terminal.draw(draw("FTSE 100")).unwrap();
    assert_eq!(written(), first);
    terminal.draw(draw("FTSE 250")).unwrap();
    let changed = written() - first;
    // The one changed cell, a move to it and the colour reset; no cursor hiding again.
    assert!(changed > 0 && changed < 40, "{changed} bytes");
}

/// crossterm's own encoding into [`Written`], in a terminal whose size the test sets: a test
/// has no tty to ask.
struct Pty {
    backend: CrosstermBackend<Written>,
    size: Rc<RefCell<Size>>,
}

impl Write for Pty {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.backend.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.backend)
    }
}

impl Backend for Pty {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.backend.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.backend.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.backend.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.backend.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.backend.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.backend.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(*self.size.borrow())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size()?,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.backend)
    }
}

/// The program's terminal (`Quiet` over crossterm) feeding a terminal emulator.
struct Emulated {
    terminal: Terminal<Quiet<Pty>>,
    out: Written,
    size: Rc<RefCell<Size>>,
    emulator: vt100::Parser,
    /// The frame drawn last, as the runtime keeps it.
    shown: crate::runtime::Shown,
}

impl Emulated {
    fn new(width: u16, height: u16, row_shift: RowShift) -> Self {
        let out = Written::default();
        let size = Rc::new(RefCell::new(Size::new(width, height)));
        let pty = Pty {
            backend: CrosstermBackend::new(out.clone()),
            size: Rc::clone(&size),
        };
        Self {
            terminal: Terminal::new(Quiet::new(pty, row_shift)).unwrap(),
            out,
            size,
            emulator: vt100::Parser::new(nonzero(height), nonzero(width), 0),
            shown: crate::runtime::Shown::default(),
        }
    }

    /// Draws `app`, feeds what was written to the emulator and compares its screen with the
    /// frame ratatui drew: what was written, or where the two differ. The frame, not the
    /// `TestBackend` buffer: that is only the cells sent laid over the last frame, and keeps a
    /// wide glyph whose second half a later glyph overwrote where a terminal shows a blank.
    /// After tape steps alone (`is_step_only`) the frame is drawn as the runtime draws it then.
    fn draw(&mut self, app: &App, theme: &Theme, is_step_only: bool) -> Result<Vec<u8>, String> {
        crate::runtime::draw_frame(
            &mut self.terminal,
            app,
            theme,
            &mut self.shown,
            is_step_only,
        )
        .unwrap();
        let bytes = self.out.take();
        self.emulator.process(&bytes);
        match difference(self.emulator.screen(), self.shown.frame()) {
            None => Ok(bytes),
            Some(difference) => Err(format!(
                "{difference}\nemulator:\n{}\nratatui:\n{:?}",
                self.emulator.screen().contents(),
                self.shown.frame()
            )),
        }
    }

    /// As the runtime does on a resize event: the backend is told.
    fn resize(&mut self, width: u16, height: u16) {
        self.terminal
            .backend_mut()
            .resized(Size::new(width, height));
        *self.size.borrow_mut() = Size::new(width, height);
        self.emulator.set_size(nonzero(height), nonzero(width));
    }
}

/// The first cell where the emulator's screen differs from ratatui's frame, described.
fn difference(screen: &vt100::Screen, want: &Buffer) -> Option<String> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    if (cols, rows) != (want.area.width, want.area.height) {
        return Some(format!("screen {cols}x{rows}, ratatui {:?}", want.area));
    }
    (0..rows)
        .flat_map(|y| (0..cols).map(move |x| (x, y)))
        .find_map(|(x, y)| cell_difference(screen, want, x, y))
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

fn cell_difference(screen: &vt100::Screen, want: &Buffer, x: u16, y: u16) -> Option<String> {
    let got = screen.cell(y, x)?;
    let is_covered = x > 0 && want[(x - 1, y)].symbol().width() > 1;
    if got.is_wide_continuation() || is_covered {
        // Drawn by the wide glyph to its left, compared there.
        return (got.is_wide_continuation() != is_covered)
            .then(|| format!("({x}, {y}): covered by a wide glyph on one screen only"));
    }
    let cell = &want[(x, y)];
    let symbol = match got.contents() {
        "" => " ",
        text => text,
    };
    let modifier = |m| cell.modifier.contains(m);
    // vt100 keeps one intensity, so a cell both bold and dim reads as whichever came last.
    let intensity = match (modifier(Modifier::BOLD), modifier(Modifier::DIM)) {
        (true, true) => got.bold() || got.dim(),
        (bold, dim) => (got.bold(), got.dim()) == (bold, dim),
    };
    let attributes = [
        (got.italic(), modifier(Modifier::ITALIC)),
        (got.underline(), modifier(Modifier::UNDERLINED)),
        (got.inverse(), modifier(Modifier::REVERSED)),
    ];
    let is_same = if symbol == " " && cell.symbol() == " " {
        // What a blank shows: a terminal blanks the other half of an overwritten wide glyph
        // in whichever colours and emphasis it likes, and ratatui's diff counts on only
        // these being visible.
        got.bgcolor() == emulated(cell.bg) && attributes[1..].iter().all(|(got, want)| got == want)
    } else {
        symbol == cell.symbol()
            && intensity
            && got.fgcolor() == emulated(cell.fg)
            && got.bgcolor() == emulated(cell.bg)
            && attributes.iter().all(|(got, want)| got == want)
    };
    (!is_same).then(|| {
        format!(
            "({x}, {y}): emulator {symbol:?} fg {:?} bg {:?} bold {} dim {} italic/underline/\
             inverse {:?}; ratatui {cell:?}",
            got.fgcolor(),
            got.bgcolor(),
            got.bold(),
            got.dim(),
            attributes.map(|(got, _)| got),
        )
    })
}

/// How crossterm's SGR for a ratatui colour reads back in the emulator.
fn emulated(color: Color) -> vt100::Color {
    let index = match color {
        Color::Reset => return vt100::Color::Default,
        Color::Rgb(r, g, b) => return vt100::Color::Rgb(r, g, b),
        Color::Indexed(index) => index,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    vt100::Color::Idx(index)
}

/// The default watchlist with CJK and emoji names, so wide glyphs cross both edges of the row.
fn app_with_wide_names(width: u16, height: u16) -> App {
    let mut config = Config::default();
    for instrument in &mut config.quotes.instruments {
        let name = match instrument.symbol.as_str() {
            "^N225" => "日経平均株価",
            "^HSI" => "恒生指数",
            "BTC-GBP" => "Bitcoin 📈",
            _ => continue,
        };
        instrument.name = SafeText::new(name);
    }
    let settings = Settings::new(&config, Mode::Offline, london());
    let mut app = crate::app::initial_app(settings, None, now()).unwrap();
    let viewport = ui::viewport(Rect::new(0, 0, width, height));
    update(&mut app, Message::Resized(viewport), now());
    app
}

/// Whether a frame deleted characters (`CSI P`, one column).
fn is_shifted(frame: &[u8]) -> bool {
    frame.windows(3).any(|w| w == b"\x1b[P")
}

const STEP: Duration = Duration::from_millis(200);

/// 1,000 tape steps, prices moving every fifth, with the help overlay, the tape held (focus)
/// and a resize along the way; after every frame the emulator's screen must equal ratatui's.
/// Returns how many frames were drawn by shifting.
fn run_and_compare(
    (width, height): (u16, u16),
    theme: &Theme,
    resized: (u16, u16),
    row_shift: RowShift,
) -> usize {
    let mut app = app_with_wide_names(width, height);
    let mut market = DemoMarket::new(crate::bundled::snapshot().unwrap().quotes, 7);
    let mut terminal = Emulated::new(width, height, row_shift);
    terminal.draw(&app, theme, false).unwrap();
    let mut shifted = 0;
    for step in 1..=1000_u32 {
        let at = now() + STEP * step;
        let mut messages = vec![];
        if step.is_multiple_of(5) {
            messages.push(Message::QuotesArrived {
                source: SourceId::Demo,
                quotes: market.tick(at),
                failed: Vec::new(),
                fetched_at: at,
            });
        }
        match step {
            300 | 320 => messages.push(Message::ToggleHelp),
            600 | 640 => messages.push(Message::ToggleTapeFocus),
            610 => messages.push(Message::SelectInstrument(crate::message::Step::Down)),
            500 => {
                terminal.resize(resized.0, resized.1);
                let area = Rect::new(0, 0, resized.0, resized.1);
                messages.push(Message::Resized(ui::viewport(area)));
            }
            _ => {}
        }
        if app.is_tape_moving() {
            messages.push(Message::TapeStep);
        }
        let is_step_only = messages == [Message::TapeStep];
        for message in messages {
            update(&mut app, message, at);
        }
        match terminal.draw(&app, theme, is_step_only) {
            Ok(frame) => shifted += usize::from(is_shifted(&frame)),
            Err(difference) => panic!("step {step} ({width}x{height}): {difference}"),
        }
    }
    shifted
}

#[rstest]
#[case::wide((120, 40), Theme::colour(), (80, 24))]
#[case::no_color((57, 12), Theme::monochrome(), (133, 30))]
#[case::smallest_layout((24, 7), Theme::colour(), (31, 9))]
#[case::no_color_very_wide((203, 50), Theme::monochrome(), (24, 7))]
fn a_thousand_shifted_steps_leave_the_screen_as_ratatui_drew_it(
    #[case] size: (u16, u16),
    #[case] theme: Theme,
    #[case] resized: (u16, u16),
) {
    let shifted = run_and_compare(size, &theme, resized, RowShift::On);
    // Most steps must really have been shifted, or this proved nothing about shifting.
    assert!(shifted > 700, "{shifted} of 1,000 frames shifted");
}

/// A step writes the tape row alone, yet leaves ratatui's previous buffer holding the whole
/// frame: drawing the same state whole then finds nothing to write.
#[test]
fn after_a_step_drawn_as_a_row_ratatui_knows_the_whole_frame() {
    let theme = Theme::colour();
    let mut app = app_with_wide_names(120, 40);
    let mut terminal = Emulated::new(120, 40, RowShift::On);
    terminal.draw(&app, &theme, false).unwrap();
    for step in 1..=20 {
        update(&mut app, Message::TapeStep, now() + STEP * step);
        assert!(!terminal.draw(&app, &theme, true).unwrap().is_empty());
        assert_eq!(terminal.draw(&app, &theme, false).unwrap(), b"");
    }
}

#[test]
fn with_shifting_off_no_row_is_shifted_and_the_screen_is_still_right() {
    let shifted = run_and_compare((31, 9), &Theme::colour(), (24, 7), RowShift::Off);
    assert_eq!(shifted, 0);
}

/// Bytes per plain tape step (no price change) at 120 columns, over 200 steps.
fn step_bytes(row_shift: RowShift) -> Vec<usize> {
    let mut app = app_with_wide_names(120, 40);
    let theme = Theme::colour();
    let mut terminal = Emulated::new(120, 40, row_shift);
    terminal.draw(&app, &theme, false).unwrap();
    (0..200)
        .map(|_| {
            update(&mut app, Message::TapeStep, now());
            terminal.draw(&app, &theme, true).unwrap().len()
        })
        .collect()
}

#[test]
fn a_shifted_tape_step_writes_tens_of_bytes_where_a_rewrite_writes_hundreds() {
    let mut shifted = step_bytes(RowShift::On);
    let mut rewritten = step_bytes(RowShift::Off);
    shifted.sort_unstable();
    rewritten.sort_unstable();
    // A wide glyph leaving at the left edge cannot be shifted: a few steps rewrite the row.
    let (median, p90) = (shifted[100], shifted[180]);
    assert!(median <= 60 && p90 <= 70, "shifted: {shifted:?}");
    assert!(rewritten[0] >= 200, "rewritten: {rewritten:?}");
}
