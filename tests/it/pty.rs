//! The real binary in a real pseudo-terminal: what it draws (read back through a vt100
//! emulator), how it takes keys, resizes and signals, and that it always gives the terminal
//! back. Every wait has a deadline and fails with the screen as it was.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

use crate::support::{Dirs, write_file};

mod alerts;

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Generous: a loaded two-core CI machine runs these tests in parallel, on debug builds (one
/// search, add, remove and undo round once took over 10 s with four builds beside it).
const DEADLINE: Duration = Duration::from_secs(20);
const EXIT_DEADLINE: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(20);
/// crossterm tells a lone Esc from the start of an Alt-key or escape sequence by the pause
/// after it.
const ESC_SETTLE: Duration = Duration::from_millis(100);
/// Longer than several tape steps (200 ms each at the default speed).
const QUIET: Duration = Duration::from_millis(600);

const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// The bundled snapshot's date, on the status line while offline without a cache.
const SNAPSHOT_DATE: &str = "28 Jun 2024";
/// The first entry of the default watchlist as the snapshot has it, at the tape's start.
const FTSE_ENTRY: &str = "FTSE 100 8,164.12";
const UNREAD: char = '•';

// The 120x40 layout: status line, tape, then the list (40% of the width) beside the reader,
// both bordered, and the footer on the last row.
const STATUS_ROW: u16 = 0;
const TAPE_ROW: u16 = 1;
const PANES_TOP: u16 = 2;
const FIRST_ITEM_ROW: u16 = PANES_TOP + 1;
/// Below 236 columns the list spans the width, above the reader.
const LIST_COLS: Range<u16> = 0..COLS;
const READER_TEXT_COLS: Range<u16> = 1..COLS - 1;
const FOOTER_ROW: u16 = ROWS - 1;

/// Everything the program wrote, raw and as a screen.
struct Output {
    raw: Vec<u8>,
    parser: vt100::Parser,
    /// Every distinct text the tape row has shown, in order: the tape moves faster than a
    /// poll can be sure to see, so tests look back through this instead.
    tape_history: Vec<String>,
    /// The master side reported end of file (or an error): the child and its tty are gone.
    closed: bool,
}

impl Output {
    fn record(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        self.parser.process(bytes);
        let tape = row_text(self.parser.screen(), TAPE_ROW, 0..u16::MAX);
        if self.tape_history.last() != Some(&tape) {
            self.tape_history.push(tape);
        }
    }
}

/// One run of the program, offline, in a pty of its own.
struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
}

impl Session {
    fn start(dirs: &Dirs) -> Self {
        Self::start_with(dirs, &[])
    }

    fn start_with(dirs: &Dirs, extra_env: &[(&str, &str)]) -> Self {
        Self::launch(dirs, extra_env, &["--offline"])
    }

    /// With the network: for sources served on 127.0.0.1.
    fn start_live(dirs: &Dirs) -> Self {
        Self::launch(dirs, &[], &[])
    }

    fn launch(dirs: &Dirs, extra_env: &[(&str, &str)], args: &[&str]) -> Self {
        let pair = native_pty_system()
            .openpty(pty_size(ROWS, COLS))
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_tickertape"));
        command.args(args);
        command.env_clear();
        for (key, value) in dirs.env() {
            command.env(key, value);
        }
        command.env("TERM", "xterm-256color");
        for (key, value) in extra_env {
            command.env(key, value);
        }
        command.cwd(dirs.path("home"));
        let child = (pair.slave.spawn_command(command)).expect("tickertape starts in the pty");
        // Only the child may hold the slave side, or the master never sees end of file.
        drop(pair.slave);
        let mut reader = (pair.master.try_clone_reader()).expect("a reader for the pty");
        let writer = pair.master.take_writer().expect("a writer for the pty");
        let output = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
            tape_history: Vec::new(),
            closed: false,
        }));
        let sink = Arc::clone(&output);
        let reader = thread::spawn(move || {
            let mut buf = [0_u8; 8192];
            loop {
                // Linux reports EIO once the child's side is closed: the same as end of file.
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut out = sink.lock().expect("the output lock");
                if n == 0 {
                    out.closed = true;
                    return;
                }
                out.record(&buf[..n]);
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
        self.output.lock().expect("the output lock")
    }

    fn row(&self, row: u16, cols: Range<u16>) -> String {
        row_text(self.output().parser.screen(), row, cols)
    }

    /// A headline row of the list (0 = the first shown).
    fn list_item(&self, index: u16) -> String {
        self.row(FIRST_ITEM_ROW + index, LIST_COLS)
    }

    fn reader_first_line(&self) -> String {
        self.row(reader_text_row(), READER_TEXT_COLS)
            .trim()
            .to_owned()
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

    /// The first frame: the status line with its data state and a full list.
    fn wait_for_first_frame(&self) {
        self.wait_until("the first frame", |screen| {
            row_text(screen, STATUS_ROW, 0..COLS).contains(SNAPSHOT_DATE)
                && row_text(screen, FOOTER_ROW, 0..COLS).contains("q quit")
        });
    }

    /// Waits until the tape row has shown `text` at some point since the start.
    fn wait_for_on_tape(&self, text: &str) {
        let deadline = Instant::now() + DEADLINE;
        while !self
            .output()
            .tape_history
            .iter()
            .any(|row| row.contains(text))
        {
            assert!(
                Instant::now() < deadline,
                "the tape never showed {text:?}; it showed {:#?}\n{}",
                self.output().tape_history,
                self.describe()
            );
            thread::sleep(POLL);
        }
    }

    /// Waits until nothing has been written for [`QUIET`].
    fn wait_for_quiet(&self) {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = self.output().raw.len();
        let mut since = Instant::now();
        loop {
            thread::sleep(POLL);
            let now = self.output().raw.len();
            if now != seen {
                (seen, since) = (now, Instant::now());
            } else if since.elapsed() >= QUIET {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the program kept writing; never quiet for {QUIET:?}\n{}",
                self.describe()
            );
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        (self.writer.write_all(bytes))
            .and_then(|()| self.writer.flush())
            .expect("the program reads its keys");
    }

    fn send_esc(&mut self) {
        self.send(b"\x1b");
        thread::sleep(ESC_SETTLE);
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        // The emulator first, so the redraw the resize causes lands on a screen of its size.
        self.output().parser.set_size(nonzero(rows), nonzero(cols));
        (self.master.resize(pty_size(rows, cols))).expect("the pty resizes");
    }

    /// Waits for the child to exit and for the last of its output; panics at the deadline.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT_DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
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
            reader.join().expect("the pty reader thread");
        }
        status
    }

    /// `q`, then the exit, which must be a success that gave the terminal back.
    fn quit_cleanly(&mut self) {
        self.send(b"q");
        let status = self.wait_exit();
        assert!(
            status.success(),
            "exit status {status:?} after q\n{}",
            self.describe()
        );
        self.assert_terminal_restored();
    }

    /// The screen and the end of the raw output, for failure messages.
    fn describe(&self) -> String {
        let out = self.output();
        let screen = out.parser.screen();
        let (rows, cols) = screen.size();
        let mut text = format!("--- screen ({cols}x{rows}) ---\n");
        for row in screen.rows(0, cols.get()) {
            let _ = writeln!(text, "|{row}");
        }
        let tail = &out.raw[out.raw.len().saturating_sub(300)..];
        let _ = write!(
            text,
            "--- {} bytes of output, ending ---\n{}",
            out.raw.len(),
            tail.escape_ascii()
        );
        text
    }

    /// After it last entered the alternate screen, the program left it and showed the cursor
    /// again, and the emulator agrees.
    fn assert_terminal_restored(&self) {
        let (entered, left, shown, alternate, hidden) = {
            let out = self.output();
            let entered = rfind(&out.raw, ENTER_ALTERNATE_SCREEN);
            let after = &out.raw[entered.unwrap_or(0)..];
            (
                entered.is_some(),
                find(after, LEAVE_ALTERNATE_SCREEN).is_some(),
                find(after, SHOW_CURSOR).is_some(),
                out.parser.screen().alternate_screen(),
                out.parser.screen().hide_cursor(),
            )
        };
        let screen = self.describe();
        assert!(entered, "never entered the alternate screen\n{screen}");
        assert!(left, "did not leave the alternate screen\n{screen}");
        assert!(shown, "did not show the cursor again\n{screen}");
        assert!(!alternate, "still on the alternate screen\n{screen}");
        assert!(!hidden, "the cursor is still hidden\n{screen}");
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

/// Columns `cols` of one row (clipped to the screen), or "" past the last row.
fn row_text(screen: &vt100::Screen, row: u16, cols: Range<u16>) -> String {
    let width = screen.size().1.get();
    let end = cols.end.min(width);
    let start = cols.start.min(end);
    screen
        .rows(start, end - start)
        .nth(usize::from(row))
        .unwrap_or_default()
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a size of at least 1")
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

/// Whether the list row is drawn selected (reversed).
fn is_selected(screen: &vt100::Screen, index: u16) -> bool {
    screen
        .cell(FIRST_ITEM_ROW + index, LIST_COLS.start + 1)
        .is_some_and(vt100::Cell::inverse)
}

/// The first row of the reader's text at 120x40, from the one layout the program uses.
fn reader_text_row() -> u16 {
    tickertape::ui::viewport(ratatui::layout::Rect::new(0, 0, COLS, ROWS))
        .reader_text()
        .y
}

/// The headline's title as the list shows it, without the cut-off ellipsis.
fn listed_title(item: &str) -> String {
    // `│28 Jun • tickertape Title…│`: the one-word source label follows the time and marker.
    let after_marker: String = item.chars().skip(10).collect();
    let after_source = after_marker
        .split_once(' ')
        .map_or(after_marker.as_str(), |(_, rest)| rest)
        .trim_start()
        .trim_end_matches('│')
        .trim_end();
    after_source.trim_end_matches('…').to_owned()
}

#[test]
fn offline_start_navigate_filter_and_quit() {
    let dirs = Dirs::new();
    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    let status = session.row(STATUS_ROW, 0..COLS);
    assert!(
        status.contains("offline") && status.contains("snapshot"),
        "status line {status:?} should say the data is an offline snapshot\n{}",
        session.describe()
    );
    // The tape starts at its first entry.
    session.wait_for_on_tape(FTSE_ENTRY);

    // p pauses the tape: the program goes quiet (it draws only when something changes).
    session.send(b"p");
    session.wait_for_quiet();
    let paused = session.row(TAPE_ROW, 0..COLS);
    assert!(!paused.trim().is_empty(), "{}", session.describe());

    // j selects the second headline, and the reader follows it.
    let first_title = session.reader_first_line();
    let second_item = session.list_item(1);
    let second_title = listed_title(&second_item);
    assert!(
        second_item.contains(UNREAD) && second_title.len() > 10,
        "unexpected list row {second_item:?}\n{}",
        session.describe()
    );
    assert!(
        !first_title.is_empty() && !first_title.starts_with(&second_title),
        "the reader should show the first article, not {first_title:?}\n{}",
        session.describe()
    );
    session.send(b"j");
    session.wait_until("the second headline in the reader", |screen| {
        row_text(screen, reader_text_row(), READER_TEXT_COLS).starts_with(&second_title)
    });
    session.wait_until("the selection on the second row", |screen| {
        is_selected(screen, 1) && !is_selected(screen, 0)
    });

    // Enter marks it read and focuses the reader: the footer offers scrolling.
    session.send(b"\r");
    session.wait_until("the second headline marked read", |screen| {
        !row_text(screen, FIRST_ITEM_ROW + 1, LIST_COLS).contains(UNREAD)
    });
    session.wait_until("the reader's key hints", |screen| {
        row_text(screen, FOOTER_ROW, 0..COLS).contains("j/k scroll")
    });
    assert!(
        session.list_item(0).contains(UNREAD),
        "only the opened headline is read\n{}",
        session.describe()
    );

    // / and typing filter the list as you type.
    session.send(b"/oil");
    session.wait_until("the filtered list", |screen| {
        let contents = screen.contents();
        contents.contains("Headlines (1 of 16)")
            && row_text(screen, FOOTER_ROW, 0..COLS).contains("filter: oil")
    });
    assert!(
        session.list_item(0).contains("Oil holds nea"),
        "{}",
        session.describe()
    );

    // Esc clears the filter.
    session.send_esc();
    session.wait_for_gone("filter:");
    session.wait_for("Headlines (16)");

    // The tape is still where it was paused.
    assert_eq!(
        session.row(TAPE_ROW, 0..COLS),
        paused,
        "{}",
        session.describe()
    );

    session.quit_cleanly();
}

#[test]
fn resize_to_tiny_and_back_does_not_crash() {
    let dirs = Dirs::new();
    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();

    session.resize(1, 1);
    session.wait_until("the 1x1 screen to be redrawn", |screen| {
        screen.contents() == "t"
    });
    session.resize(3, 10);
    session.wait_until("\"terminal too small\" at 10x3", |screen| {
        screen.contents().split_whitespace().collect::<Vec<_>>() == ["terminal", "too", "small"]
    });
    session.resize(12, 40);
    session.wait_until("the panes at 40x12", |screen| {
        row_text(screen, STATUS_ROW, 0..40).contains(SNAPSHOT_DATE)
            && screen.contents().contains("Headlines (16)")
            && row_text(screen, 11, 0..40).contains("j/k move")
    });
    session.resize(ROWS, COLS);
    session.wait_until("the stacked panes at 120x40 again", |screen| {
        let top = row_text(screen, PANES_TOP, 0..COLS);
        top.contains("Headlines (16)")
            && row_text(screen, reader_text_row() - 1, 0..COLS).contains("Article")
            && row_text(screen, STATUS_ROW, 0..COLS).contains(SNAPSHOT_DATE)
            && row_text(screen, FOOTER_ROW, 0..COLS).contains("q quit")
    });

    session.quit_cleanly();
}

#[test]
fn a_panic_restores_the_terminal_and_is_printed_on_it() {
    let dirs = Dirs::new();
    let mut session = Session::start_with(&dirs, &[("TICKERTAPE_TEST_PANIC", "1")]);
    session.wait_for_first_frame();
    session.send(b"\x1b[24~"); // F12
    let status = session.wait_exit();
    assert!(!status.success(), "a panic must not look like a clean exit");
    session.assert_terminal_restored();
    let out = session.output();
    let left = rfind(&out.raw, LEAVE_ALTERNATE_SCREEN).expect("left the alternate screen");
    assert!(
        find(&out.raw[left..], b"asked for by TICKERTAPE_TEST_PANIC").is_some(),
        "the panic message is on the restored screen"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let dirs = Dirs::new();
    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();

    let pid = session.child.process_id().unwrap();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success(), "kill -TERM {pid} failed: {kill}");
    let status = session.wait_exit();
    assert!(
        status.success(),
        "SIGTERM should quit cleanly, got {status:?}\n{}",
        session.describe()
    );
    session.assert_terminal_restored();
}

#[test]
fn hostile_config_name_is_sanitised() {
    let dirs = Dirs::new();
    // TOML escapes: ESC ] 0 ; pwned BEL would set the terminal's title, ESC [ 31 m turn it red.
    write_file(
        &dirs.config_file(),
        r#"
[[quotes.symbols]]
symbol = "^FTSE"
name = "FTSE\u001b]0;pwned\u0007\u001b[31m X"
"#,
    );
    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    // The sanitiser drops ESC and BEL; what is left is harmless text.
    session.wait_for_on_tape("FTSE]0;pwned[31m X 8,164.12");
    session.quit_cleanly();

    let out = session.output();
    assert!(
        find(&out.raw, b"\x1b]0;pwned").is_none(),
        "the title-setting sequence reached the terminal"
    );
    assert!(
        find(&out.raw, b"pwned\x07").is_none(),
        "the BEL reached the terminal"
    );
    assert!(
        find(&out.raw, b"\x1b[31m X").is_none(),
        "the colour sequence reached the terminal"
    );
}

#[test]
fn a_corrupt_cache_is_reported_in_full_set_aside_and_the_next_start_is_clean() {
    let dirs = Dirs::new();
    let files = ["quotes.json", "feeds.json", "state.json"];
    for name in files {
        write_file(&dirs.cache_dir().join(name), &format!("{{not json: {name}"));
    }
    let mut session = Session::start(&dirs);
    session.wait_until("the cache problem on the status line", |screen| {
        row_text(screen, STATUS_ROW, 0..COLS).contains("cache: 3 files unreadable, set aside")
    });
    let status = session.row(STATUS_ROW, 0..COLS);
    assert!(
        status.contains("snapshot") && status.contains(SNAPSHOT_DATE),
        "the bundled snapshot should be used instead: {status:?}\n{}",
        session.describe()
    );
    session.wait_for_on_tape(FTSE_ENTRY);
    session.quit_cleanly();
    drop(session);
    for name in files {
        let aside = std::fs::read_to_string(dirs.cache_dir().join(format!("{name}.corrupt")));
        assert_eq!(aside.ok(), Some(format!("{{not json: {name}")), "{name}");
    }
    let state = std::fs::read_to_string(dirs.cache_dir().join("state.json"));
    let state = state.expect("a good read state written in place of the corrupt one");
    assert!(
        serde_json::from_str::<serde_json::Value>(&state).is_ok(),
        "{state}"
    );

    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    session.wait_for_on_tape(FTSE_ENTRY);
    let status = session.row(STATUS_ROW, 0..COLS);
    assert!(
        !status.contains("cache:"),
        "the second start should be clean: {status:?}\n{}",
        session.describe()
    );
    session.quit_cleanly();
}

#[test]
fn read_state_survives_a_restart() {
    let dirs = Dirs::new();
    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    let first = session.list_item(0);
    let second = session.list_item(1);
    assert!(
        first.contains(UNREAD) && second.contains(UNREAD),
        "everything starts unread\n{}",
        session.describe()
    );
    session.send(b"\r");
    session.wait_until("the first headline marked read", |screen| {
        !row_text(screen, FIRST_ITEM_ROW, LIST_COLS).contains(UNREAD)
    });
    session.quit_cleanly();
    drop(session);
    assert!(
        dirs.cache_dir().join("state.json").is_file(),
        "no read state saved in {}",
        dirs.cache_dir().display()
    );

    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    let (first_again, second_again) = (session.list_item(0), session.list_item(1));
    assert_eq!(
        listed_title(&first_again),
        listed_title(&first),
        "same order after the restart\n{}",
        session.describe()
    );
    assert!(
        !first_again.contains(UNREAD),
        "the read headline is unread again after a restart\n{}",
        session.describe()
    );
    assert!(
        second_again.contains(UNREAD),
        "the unread headline should stay unread\n{}",
        session.describe()
    );
    session.quit_cleanly();
}

/// An editor saves by writing a temporary file and renaming it over the config.
fn save_by_rename(path: &std::path::Path, text: &str) {
    let temporary = path.with_extension("toml.swp");
    write_file(&temporary, text);
    std::fs::rename(&temporary, path).expect("the rename");
}

/// The config is edited while the program runs: a faster tape and a new feed (served on
/// 127.0.0.1) apply; a broken save is reported with its place and changes nothing; the fix
/// applies.
#[test]
fn the_config_reloads_while_running_and_a_broken_edit_keeps_the_old_one() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let wire = Mock::given(method("GET"))
        .and(path("/wire.xml"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/rss+xml")
                .set_body_bytes(include_bytes!("../fixtures/feeds/rss2.xml").as_slice()),
        );
    let server = BackgroundServer::start(vec![wire]);
    let uri = server.uri.clone();
    let config = |speed: &str, feeds: &str| {
        format!("[quotes]\nbase_url = \"{uri}\"\n[news]\n{feeds}\n[ticker]\nspeed = {speed}\n")
    };
    let no_feeds = "feeds = []";
    let wire = format!("feeds = [{{ name = \"Wire\", url = \"{uri}/wire.xml\" }}]");
    let dirs = Dirs::new();
    let file = dirs.config_file();
    write_file(&file, &config("5", no_feeds));
    let mut session = Session::start_live(&dirs);
    session.wait_until("the first frame", |screen| {
        row_text(screen, FOOTER_ROW, 0..COLS).contains("q quit")
    });

    save_by_rename(&file, &config("12", &wire));
    session.wait_until("the new feed's stories and the reload notice", |screen| {
        screen.contents().contains("Gilts rally as central bank")
            && row_text(screen, FOOTER_ROW, 0..COLS)
                .contains("config reloaded: feeds (1), tape speed 12")
    });

    write_file(&file, &config("50", &wire));
    let wanted = format!(
        "config: {}:6:9: ticker.speed must be at most 20 (got 50)",
        file.display()
    );
    session.wait_until("the broken file's place on the status line", |screen| {
        row_text(screen, STATUS_ROW, 0..COLS).contains(&wanted)
    });
    assert!(
        session.row(FIRST_ITEM_ROW, LIST_COLS).contains("Wire"),
        "the running config's feed stays\n{}",
        session.describe()
    );

    save_by_rename(&file, &config("3", &wire));
    session.wait_until("the fix applied and the error gone", |screen| {
        !row_text(screen, STATUS_ROW, 0..COLS).contains("config:")
            && row_text(screen, FOOTER_ROW, 0..COLS).contains("config reloaded: tape speed 3")
    });
    session.quit_cleanly();
    server.stop();
}

/// A wiremock server on its own thread's runtime, answering with `mocks`, while the test
/// drives the terminal from its own thread.
struct BackgroundServer {
    uri: String,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: JoinHandle<()>,
}

impl BackgroundServer {
    fn start(mocks: Vec<wiremock::Mock>) -> Self {
        let (uri_sender, uri) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the server");
            runtime.block_on(async {
                let server = wiremock::MockServer::start().await;
                for mock in mocks {
                    server.register(mock).await;
                }
                uri_sender.send(server.uri()).expect("the test waits");
                let _ = stopped.await;
            });
        });
        let uri = uri.recv().expect("the server's address");
        Self { uri, stop, thread }
    }

    fn stop(self) {
        let _ = self.stop.send(());
        self.thread.join().expect("the server thread");
    }
}

/// The tape row, held still, starts with `text`.
fn tape_starts_with(screen: &vt100::Screen, text: &str) -> bool {
    row_text(screen, TAPE_ROW, 0..COLS).starts_with(text)
}

/// A session whose first instrument, the FTSE 100, has just been removed from the held tape.
fn remove_the_ftse(dirs: &Dirs) -> Session {
    let mut session = Session::start(dirs);
    session.wait_for_first_frame();
    session.send(b"t");
    session.wait_until("the tape held at the FTSE 100", |s| {
        tape_starts_with(s, "FTSE 100")
    });
    session.send(b"d");
    session
}

/// Waits until `path` holds text other than `old`, and returns it.
fn wait_for_change(path: &std::path::Path, old: &str, session: &Session) -> String {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).expect("the config file");
        if text != old {
            return text;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "the config was not rewritten\n{}",
            session.describe()
        );
        thread::sleep(POLL);
    }
}

#[test]
fn removing_undoing_and_moving_on_the_tape_is_saved_with_comments_and_kept_after_a_restart() {
    let dirs = Dirs::new();
    let original = r#"# my watchlist
[[quotes.symbols]]
symbol = "^FTSE"
name = "FTSE 100" # the big one

[[quotes.symbols]]
symbol = "^FTMC"
name = "FTSE 250"

[[quotes.symbols]]
symbol = "GBPUSD=X"
name = "GBP/USD"
"#;
    let path = dirs.config_file();
    write_file(&path, original);
    let mut session = remove_the_ftse(&dirs);
    session.wait_until("the FTSE 100 gone", |s| tape_starts_with(s, "FTSE 250"));
    let removed = wait_for_change(&path, original, &session);
    assert!(!removed.contains("^FTSE\""), "{removed}");
    session.send(b"u");
    session.wait_until("the FTSE 100 back", |s| tape_starts_with(s, "FTSE 100"));
    let restored = wait_for_change(&path, &removed, &session);
    session.send(b"J");
    let moved = wait_for_change(&path, &restored, &session);
    session.send(b"d");
    let text = wait_for_change(&path, &moved, &session);
    session.quit_cleanly();
    drop(session);
    assert!(text.starts_with("# my watchlist\n"), "{text}");
    assert!(!text.contains("FTSE 100"), "{text}");
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(at("^FTMC") < at("GBPUSD=X"), "{text}");

    let mut session = Session::start(&dirs);
    session.wait_for_first_frame();
    session.send(b"t");
    session.wait_until("the list as left", |s| {
        let tape = row_text(s, TAPE_ROW, 0..COLS);
        tape.starts_with("FTSE 250") && tape.contains("GBP/USD") && !tape.contains("FTSE 100")
    });
    session.quit_cleanly();
}

#[test]
fn a_read_only_config_keeps_the_change_on_screen_and_says_why_it_was_not_saved() {
    use std::os::unix::fs::PermissionsExt;
    let dirs = Dirs::new();
    let original = "[[quotes.symbols]]\nsymbol = \"^FTSE\"\nname = \"FTSE 100\"\n\n\
                    [[quotes.symbols]]\nsymbol = \"^FTMC\"\nname = \"FTSE 250\"\n";
    let path = dirs.config_file();
    write_file(&path, original);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let mut session = remove_the_ftse(&dirs);
    session.wait_until("the reason on the footer", |s| {
        let footer = row_text(s, FOOTER_ROW, 0..COLS);
        footer.starts_with("watchlist not saved: ") && footer.contains("is read-only")
    });
    assert!(
        tape_starts_with(session.output().parser.screen(), "FTSE 250"),
        "the removal holds in the program\n{}",
        session.describe()
    );
    session.quit_cleanly();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}

/// Issue 12 end to end: `a` on the held tape searches (served on 127.0.0.1), `Enter` adds the
/// first result after the chosen instrument, `d` removes another and `u` puts it back; after a
/// restart the tape and the file are as left, the user's comments kept.
#[test]
fn adding_through_search_removing_and_undoing_is_saved_and_kept_after_a_restart() {
    use crate::search::{SEARCH_PATH, SEARCH_VOD, VOD_CHART, VOD_PATH};
    use crate::support::{FTSE, FTSE_PATH, chart, json};
    use wiremock::Mock;
    use wiremock::matchers::{method, path, query_param};
    let search = Mock::given(method("GET"))
        .and(path(SEARCH_PATH))
        .and(query_param("q", "vod"))
        .respond_with(json(SEARCH_VOD));
    let vodafone = chart(VOD_PATH).respond_with(json(VOD_CHART));
    let ftse = chart(FTSE_PATH).respond_with(json(FTSE));
    let server = BackgroundServer::start(vec![search, vodafone, ftse]);
    let uri = server.uri.clone();
    let dirs = Dirs::new();
    let original = format!(
        "# my watchlist\n[quotes]\nbase_url = \"{uri}\"\n[news]\nfeeds = []\n\n\
         [[quotes.symbols]]\nsymbol = \"^FTSE\"\nname = \"FTSE 100\" # the big one\n\n\
         [[quotes.symbols]]\nsymbol = \"^FTMC\"\nname = \"FTSE 250\"\n"
    );
    let file = dirs.config_file();
    write_file(&file, &original);
    let mut session = Session::start_live(&dirs);
    session.wait_until("the first frame", |screen| {
        row_text(screen, FOOTER_ROW, 0..COLS).contains("q quit")
    });
    session.send(b"t");
    session.wait_until("the tape held at the FTSE 100", |s| {
        tape_starts_with(s, "FTSE 100")
    });
    session.send(b"a");
    session.wait_for("Add to Markets after FTSE 100");
    session.send(b"vod");
    session.wait_for("VODAFONE GROUP PLC ORD USD0.20");
    session.send(b"\r");
    // The held tape shows the chosen entry, now the new one, at its left edge.
    session.wait_until("Vodafone chosen and priced, the FTSE 250 next", |s| {
        let tape = row_text(s, TAPE_ROW, 0..COLS);
        tape.starts_with("VODAFONE GROUP PLC ORD USD0.20 70.30") && tape.contains("│ FTSE 250")
    });
    let added = wait_for_change(&file, &original, &session);
    session.send(b"l");
    session.send(b"d");
    session.wait_until("the FTSE 250 removed", |s| {
        !row_text(s, TAPE_ROW, 0..COLS).contains("FTSE 250")
    });
    let removed = wait_for_change(&file, &added, &session);
    assert!(!removed.contains("^FTMC"), "{removed}");
    session.send(b"u");
    session.wait_until("the FTSE 250 back", |s| {
        row_text(s, TAPE_ROW, 0..COLS).contains("FTSE 250")
    });
    let text = wait_for_change(&file, &removed, &session);
    // The program's own writes are no reload: the watcher, which settles for 150 ms, says nothing.
    thread::sleep(Duration::from_millis(500));
    session.wait_for_quiet();
    let footer = session.row(FOOTER_ROW, 0..COLS);
    assert!(!footer.contains("config reloaded"), "{footer}");
    session.quit_cleanly();
    drop(session);
    assert!(text.starts_with("# my watchlist\n"), "{text}");
    assert!(text.contains("name = \"FTSE 100\" # the big one"), "{text}");
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(
        at("\"^FTSE\"") < at("\"VOD.L\"") && at("\"VOD.L\"") < at("\"^FTMC\""),
        "{text}"
    );
    assert!(
        text.contains("name = \"VODAFONE GROUP PLC ORD USD0.20\""),
        "{text}"
    );

    let mut session = Session::start_live(&dirs);
    session.wait_until("the first frame", |screen| {
        row_text(screen, FOOTER_ROW, 0..COLS).contains("q quit")
    });
    session.send(b"t");
    session.wait_until("the list as left", |s| {
        let tape = row_text(s, TAPE_ROW, 0..COLS);
        let vodafone = tape.find("VODAFONE GROUP PLC");
        tape.starts_with("FTSE 100") && vodafone.is_some() && tape.find("FTSE 250") > vodafone
    });
    session.quit_cleanly();
    server.stop();
}
