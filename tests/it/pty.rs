//! The real binary in a real pseudo-terminal: what it draws (read back through a vt100
//! emulator), how it takes keys, resizes and signals, and that it always gives the terminal
//! back. Every wait has a deadline and fails with the screen as it was.

use std::fs;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Generous: a loaded two-core CI machine runs these tests in parallel with debug builds.
const DEADLINE: Duration = Duration::from_secs(10);
const EXIT_DEADLINE: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(20);
/// crossterm tells a lone Esc from the start of an Alt-key or escape sequence by the pause
/// after it.
const ESC_SETTLE: Duration = Duration::from_millis(100);

const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

const STATUS_OFFLINE: &str = "28 Jun 2024";
const FTSE_CLOSE: &str = "8,164.12";

/// Private HOME and XDG directories, kept across restarts within one test.
struct Dirs {
    root: TempDir,
}

impl Dirs {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        for sub in ["home", "config", "cache"] {
            fs::create_dir(root.path().join(sub)).unwrap();
        }
        Self { root }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.root.path().join(sub)
    }

    fn config_file(&self) -> PathBuf {
        self.path("config").join("tickertape/config.toml")
    }

    fn cache_dir(&self) -> PathBuf {
        self.path("cache").join("tickertape")
    }
}

fn write_file(path: &Path, contents: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// Everything the program wrote, raw and as a screen.
struct Output {
    raw: Vec<u8>,
    parser: vt100::Parser,
    /// The master side reported end of file (or an error): the child and its tty are gone.
    closed: bool,
}

/// One run of the program in a pty of its own.
struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
}

impl Session {
    fn start(dirs: &Dirs) -> Self {
        let system = native_pty_system();
        let pair = system.openpty(pty_size(ROWS, COLS)).unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_tickertape"));
        command.arg("--offline");
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("TERM", "xterm-256color");
        command.env("HOME", dirs.path("home"));
        command.env("XDG_CONFIG_HOME", dirs.path("config"));
        command.env("XDG_CACHE_HOME", dirs.path("cache"));
        command.env("TZ", "UTC");
        command.cwd(dirs.path("home"));
        let child = pair.slave.spawn_command(command).unwrap();
        // Only the child may hold the slave side, or the master never sees end of file.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let output = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
            closed: false,
        }));
        let sink = Arc::clone(&output);
        let reader = thread::spawn(move || {
            let mut buf = [0_u8; 8192];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut out = sink.lock().unwrap();
                if n == 0 {
                    out.closed = true;
                    return;
                }
                out.raw.extend_from_slice(&buf[..n]);
                out.parser.process(&buf[..n]);
            }
        });
        Self {
            master: pair.master,
            writer,
            child,
            output,
            reader: Some(reader),
        }
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap()
    }

    fn screen_text(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// One screen row, or the columns `cols` of it.
    fn row(&self, row: u16, cols: std::ops::Range<u16>) -> String {
        let out = self.output();
        out.parser
            .screen()
            .rows(cols.start, cols.end - cols.start)
            .nth(usize::from(row))
            .unwrap_or_default()
    }

    /// Polls the screen until `done` holds; panics with `what` and the screen at the deadline.
    fn wait_until(&self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if done(self.output().parser.screen()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {DEADLINE:?} waiting for {what}\n{}",
                self.describe()
            );
            thread::sleep(POLL);
        }
    }

    fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contents().contains(text)
        });
    }

    fn wait_for_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} to leave the screen"), |screen| {
            !screen.contents().contains(text)
        });
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn send_esc(&mut self) {
        self.send(b"\x1b");
        thread::sleep(ESC_SETTLE);
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        // Emulator first, so the redraw the resize causes lands on a screen of the new size.
        self.output().parser.set_size(nonzero(rows), nonzero(cols));
        self.master.resize(pty_size(rows, cols)).unwrap();
    }

    fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Waits for the child to exit and for the last of its output; panics at the deadline.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT_DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit within {EXIT_DEADLINE:?}\n{}",
                self.describe()
            );
            thread::sleep(POLL);
        };
        while !self.output().closed {
            assert!(
                Instant::now() < deadline,
                "the pty was not closed within {EXIT_DEADLINE:?} of the exit\n{}",
                self.describe()
            );
            thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status
    }

    fn quit(&mut self) -> ExitStatus {
        self.send(b"q");
        self.wait_exit()
    }

    /// The screen, for failure messages.
    fn describe(&self) -> String {
        let out = self.output();
        let (rows, cols) = out.parser.screen().size();
        let mut text = format!("--- screen ({cols}x{rows}) ---\n");
        for row in out.parser.screen().rows(0, cols.get()) {
            text.push('|');
            text.push_str(&row);
            text.push('\n');
        }
        text.push_str(&format!("--- {} bytes of output ---", out.raw.len()));
        text
    }

    /// Asserts that, after it last entered the alternate screen, the program left it and showed
    /// the cursor again, and that the emulator agrees.
    fn assert_terminal_restored(&self) {
        let out = self.output();
        let context = || format!("{}\n{}", self.describe_raw_tail(&out.raw), "");
        let entered = rfind(&out.raw, ENTER_ALTERNATE_SCREEN)
            .unwrap_or_else(|| panic!("never entered the alternate screen\n{}", context()));
        let after = &out.raw[entered..];
        assert!(
            find(after, LEAVE_ALTERNATE_SCREEN).is_some(),
            "did not leave the alternate screen\n{}",
            context()
        );
        assert!(
            find(after, SHOW_CURSOR).is_some(),
            "did not show the cursor again\n{}",
            context()
        );
        assert!(
            !out.parser.screen().alternate_screen(),
            "the emulator is still on the alternate screen\n{}",
            context()
        );
        assert!(
            !out.parser.screen().hide_cursor(),
            "the emulator's cursor is still hidden\n{}",
            context()
        );
    }

    fn describe_raw_tail(&self, raw: &[u8]) -> String {
        let tail = &raw[raw.len().saturating_sub(400)..];
        format!("--- last {} bytes ---\n{}", tail.len(), tail.escape_ascii())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed test must not leave the program running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

fn pty_size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

#[test]
fn explore() {
    let dirs = Dirs::new();
    let mut s = Session::start(&dirs);
    s.wait_for(STATUS_OFFLINE);
    s.send(b"p");
    thread::sleep(Duration::from_millis(300));
    eprintln!("{}", s.describe());
    s.send(b"j");
    thread::sleep(Duration::from_millis(300));
    eprintln!("{}", s.describe());
    s.send(b"\r/oil");
    thread::sleep(Duration::from_millis(300));
    eprintln!("{}", s.describe());
    s.send_esc();
    thread::sleep(Duration::from_millis(300));
    eprintln!("{}", s.describe());
    let st = s.quit();
    eprintln!("{st:?}");
    s.assert_terminal_restored();
    let _ = s.row(0, 0..10);
    let _ = s.screen_text();
    let _ = s.pid();
    write_file(&dirs.config_file(), "");
    let _ = dirs.cache_dir();
    s.wait_for_gone("zzz");
    let _ = FTSE_CLOSE;
}
