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
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Frames are written through a buffer big enough for a full frame, so one frame is one write.
pub type Tty = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

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
    Ok((Terminal::new(backend)?, guard))
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
