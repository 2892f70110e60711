//! Sole owner of the tty: raw mode, the alternate screen, mouse capture, the cursor, the panic
//! hook and the signals that must end the program cleanly. Whatever `init` turns on, `restore`
//! turns off, on every path out: quit, error, panic (the hook) and SIGTERM/SIGHUP/SIGINT
//! (turned into a quit message, so the normal path runs).

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Frames are written through a buffer big enough for a full frame, so one frame is one write.
pub type Tty = Terminal<Quiet<CrosstermBackend<BufWriter<Stdout>>>>;

const FRAME_BUFFER_BYTES: usize = 64 * 1024;

static PANIC_HOOK: Once = Once::new();

/// Puts the terminal into TUI mode. Call [`restore`] on every way out; [`Guard`] does that.
pub fn init() -> io::Result<(Tty, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = Guard;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    )?;
    let backend = CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER_BYTES, io::stdout()));
    Ok((Terminal::new(Quiet::new(backend))?, guard))
}

/// A backend that writes nothing for a frame that changes nothing. Ratatui itself resets the
/// colours after every diff, empty or not, and hides the cursor on every frame: about 30 bytes
/// a wake-up, which a tmux pane or an SSH link would carry all day for no change on screen.
pub struct Quiet<B> {
    inner: B,
    /// `None` until first set, so the first frame always says what it wants.
    is_cursor_hidden: Option<bool>,
}

impl<B> Quiet<B> {
    pub fn new(inner: B) -> Self {
        Self {
            inner,
            is_cursor_hidden: None,
        }
    }
}

impl<B: Backend> Backend for Quiet<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut content = content.peekable();
        if content.peek().is_none() {
            return Ok(());
        }
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        if self.is_cursor_hidden != Some(true) {
            self.inner.hide_cursor()?;
            self.is_cursor_hidden = Some(true);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        if self.is_cursor_hidden != Some(false) {
            self.inner.show_cursor()?;
            self.is_cursor_hidden = Some(false);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

/// Undoes everything [`init`] did. Safe to call twice (the panic hook and the guard may both).
pub fn restore() -> io::Result<()> {
    let mut stdout = io::stdout();
    let screen = execute!(
        stdout,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let raw = disable_raw_mode();
    stdout.flush()?;
    screen.and(raw)
}

/// Restores the terminal when dropped, so an early `?` return cannot leave it raw.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        // Nothing useful can be done with a failure to restore while already leaving.
        let _ = restore();
    }
}

/// Restore first, then let the previous hook print the panic onto a usable screen. With
/// `panic = "abort"` no destructor runs after this, so this is the only restore a panic gets.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

/// The signals that mean "leave now": a closed SSH session (HUP), `kill` (TERM), and INT from
/// outside (raw mode turns the user's own Ctrl-C into a key instead).
pub struct QuitSignals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
}

impl QuitSignals {
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use ratatui::TerminalOptions;
    use ratatui::Viewport;
    use ratatui::layout::Rect;
    use ratatui::text::Line;

    use super::*;

    /// Counts what reaches the "terminal".
    #[derive(Clone, Default)]
    struct Written(Rc<RefCell<usize>>);

    impl Write for Written {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            *self.0.borrow_mut() += bytes.len();
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_that_changes_nothing_writes_nothing() {
        let out = Written::default();
        let written = || *out.0.borrow();
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 20, 2)),
        };
        let backend = Quiet::new(CrosstermBackend::new(out.clone()));
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
}
