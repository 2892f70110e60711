//! Sole owner of the tty: raw mode, the alternate screen, mouse capture, the cursor, the panic
//! hook and the signals that must end the program cleanly. Whatever `init` turns on, `restore`
//! turns off, on every path out: quit, error, panic (the hook) and SIGTERM/SIGHUP/SIGINT
//! (turned into a quit message, so the normal path runs). What a frame writes is kept small
//! here too ([`Quiet`], with [`shift`] for rows that only moved sideways), and so are fired
//! alerts' bell and desktop notifications ([`notify`]).

mod notify;
mod shift;

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

use shift::{RowDraw, Screen};

/// Frames are written through a buffer big enough for a full frame, so one frame is one write.
pub type Tty = Terminal<Quiet<CrosstermBackend<BufWriter<Stdout>>>>;

const FRAME_BUFFER_BYTES: usize = 64 * 1024;

static PANIC_HOOK: Once = Once::new();

/// Whether a row that only moved sideways is redrawn by deleting characters at its start
/// (`ticker.shift`); off for a terminal that mishandles delete-character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowShift {
    On,
    Off,
}

/// Puts the terminal into TUI mode. Call [`restore`] on every way out; [`Guard`] does that.
pub fn init(row_shift: RowShift) -> io::Result<(Tty, Guard)> {
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
    Ok((Terminal::new(Quiet::new(backend, row_shift))?, guard))
}

/// A backend that writes as little as a frame needs: nothing for a frame that changes nothing,
/// and for a row that only moved sideways, a delete-character and the cells that came in.
/// Ratatui itself resets the colours after every diff, empty or not, hides the cursor on every
/// frame and rewrites a scrolled row whole: bytes a tmux pane or an SSH link would carry all day.
pub struct Quiet<B> {
    inner: B,
    /// `None` until first set, so the first frame always says what it wants.
    is_cursor_hidden: Option<bool>,
    row_shift: RowShift,
    /// What the screen shows, while rows may be shifted and the screen can be followed; `None`
    /// after appended lines or a partial clear, until the next full clear.
    screen: Option<Screen>,
    /// The size as last asked or told: ratatui asks before every frame, and crossterm answers
    /// by opening `/dev/tty` each time. Resize events keep it current ([`Self::resized`]).
    size: Option<Size>,
}

impl<B: Backend> Quiet<B> {
    pub fn new(inner: B, row_shift: RowShift) -> Self {
        let size = inner.size().ok();
        let mut quiet = Self {
            inner,
            is_cursor_hidden: None,
            row_shift,
            screen: None,
            size,
        };
        quiet.assume_blank_screen();
        quiet
    }

    /// The terminal is now `size`, as a resize event says.
    pub fn resized(&mut self, size: Size) {
        self.size = Some(size);
    }

    /// After a full clear (and at the start, on a fresh alternate screen) the screen is blank.
    fn assume_blank_screen(&mut self) {
        self.screen = match self.row_shift {
            RowShift::On => self.inner.size().ok().map(Screen::blank),
            RowShift::Off => None,
        };
    }
}

impl<B> Backend for Quiet<B>
where
    B: Backend + Write,
    B::Error: From<io::Error>,
{
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let updates: Vec<_> = content.collect();
        if updates.is_empty() {
            return Ok(());
        }
        let Some(rows) = self
            .screen
            .as_mut()
            .and_then(|screen| screen.plan(&updates))
        else {
            self.screen = None;
            return self.inner.draw(updates.into_iter());
        };
        // Every deletion goes before any cell is drawn; ratatui's draw ends with the colours
        // reset, so the columns a deletion brings in are blank in the default colours.
        let mut cells = Vec::with_capacity(updates.len());
        for row in &rows {
            match row {
                RowDraw::AsIs(updates) => cells.extend_from_slice(updates),
                RowDraw::Shifted {
                    at,
                    cols,
                    shifted,
                    next,
                } => {
                    queue!(self.inner, cursor::MoveTo(at.x, at.y))?;
                    match cols {
                        1 => self.inner.write_all(b"\x1b[P")?,
                        _ => write!(self.inner, "\x1b[{cols}P")?,
                    }
                    cells.extend(shifted.diff_iter(next));
                }
            }
        }
        self.inner.draw(cells.into_iter())
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.screen = None;
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
        self.inner.clear()?;
        self.assume_blank_screen();
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)?;
        match clear_type {
            ClearType::All => self.assume_blank_screen(),
            _ => self.screen = None,
        }
        Ok(())
    }

    fn size(&self) -> Result<Size, Self::Error> {
        match self.size {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Backend::flush(&mut self.inner)
    }
}

/// Rings and notifies for each fired alert, between frames: the sequences move no cursor and
/// change no cell, so the screen ratatui knows stays true.
pub fn notify(
    terminal: &mut Tty,
    notifications: &[crate::message::Notification],
) -> io::Result<()> {
    let writer = &mut terminal.backend_mut().inner;
    for notification in notifications {
        writer.write_all(&notify::sequence(notification))?;
    }
    Write::flush(writer)
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

/// Keys, mouse and resizes, read on a thread of their own that blocks until the terminal has
/// input. crossterm's `EventStream` instead polls its reader on every turn of the loop, which
/// costs a lock spin (a burst of `sched_yield`) on each tape step; here an idle terminal costs
/// nothing. The thread ends after a read error (sent first) or when the receiver is gone; at
/// quit it is left blocked and ends with the process.
pub fn events() -> io::Result<mpsc::Receiver<io::Result<crossterm::event::Event>>> {
    let (sender, receiver) = mpsc::channel(64);
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let event = crossterm::event::read();
                let failed = event.is_err();
                if sender.blocking_send(event).is_err() || failed {
                    break;
                }
            }
        })?;
    Ok(receiver)
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
mod tests;
