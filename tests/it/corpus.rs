//! Tricky text on a real terminal's terms: every sample in `tests/fixtures/text/tricky.txt`
//! (invisible and ambiguous-width characters, emoji sequences, flags, tabs, and news sentences
//! in a dozen scripts) is drawn as a headline title, an article in the reader and an instrument
//! name on the tape, at two sizes, then the tape moves. The bytes of both frames, as the
//! crossterm backend writes them, are replayed through the `vt100` crate and through tmux
//! (skipped, saying so, when tmux is not installed); each must show every cell where ratatui's
//! buffer put it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use tempfile::TempDir;
use tickertape::app::update::update;
use tickertape::app::{App, Mode, Settings};
use tickertape::domain::{Article, Block, Headline};
use tickertape::message::{Message, SourceId, Step};
use tickertape::sanitize::SafeText;

use crate::replay::{displaced_cells, drawn_cells, emulator, frame_bytes};
use crate::support::{config_with_feeds, draw, feed};

const TRICKY: &str = include_str!("../fixtures/text/tricky.txt");
/// A wide screen and a narrow one: the reader wraps differently and the list cuts titles.
const SIZES: [(u16, u16); 2] = [(120, 24), (64, 16)];
/// How long tmux may take to show one frame; far more than it needs.
const TMUX_DEADLINE: Duration = Duration::from_secs(10);
const CLEAR_SCREEN: &[u8] = b"\x1b[H\x1b[2J";
const NOW: Timestamp = Timestamp::constant(1_719_589_320, 0);

struct Sample {
    line: usize,
    class: &'static str,
    text: String,
}

/// The samples, with `\u{…}`, `\t`, `\n` and `\r` decoded.
fn samples() -> Vec<Sample> {
    TRICKY
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.is_empty())
        .map(|(index, line)| {
            let (class, text) = line.split_once('\t').expect("`class<TAB>text`");
            Sample {
                line: index + 1,
                class,
                text: unescape(text),
            }
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at..];
        if let Some(hex) = escape.strip_prefix("\\u{") {
            let end = hex.find('}').expect("a closing brace");
            let code = u32::from_str_radix(&hex[..end], 16).expect("hex digits");
            out.push(char::from_u32(code).expect("a scalar value"));
            rest = &hex[end + 1..];
        } else {
            let c = match escape.as_bytes().get(1) {
                Some(b't') => '\t',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                _ => panic!("unknown escape in {text:?}"),
            };
            out.push(c);
            rest = &escape[2..];
        }
    }
    out.push_str(rest);
    out
}

/// The app as `run` starts it with one feed, sized to `width` x `height`.
fn base_app(width: u16, height: u16) -> App {
    first_frame(width, height, None)
}

/// [`base_app`], with `first_name` (when given) as the first instrument's name.
fn first_frame(width: u16, height: u16, first_name: Option<&str>) -> App {
    let mut config = config_with_feeds(vec![feed("Tricky", "http://127.0.0.1:9/feed.xml")]);
    if let Some(name) = first_name {
        config.quotes.instruments[0].name = SafeText::new(name);
    }
    let settings = Settings::new(&config, Mode::Offline, TimeZone::UTC);
    let mut app = tickertape::initial_app(settings, None, NOW).expect("the first frame");
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    update(
        &mut app,
        Message::Resized(tickertape::ui::viewport(area)),
        NOW,
    );
    app
}

/// `base` with `text` as the first instrument's name, the only headline (selected) and its
/// article's title, byline and paragraphs.
fn app_showing(base: &App, text: &str) -> App {
    let now = NOW;
    let area = base.viewport().area;
    let mut app = first_frame(area.width, area.height, Some(text));
    let id = "tricky".to_owned();
    let headline = Headline {
        id: id.clone(),
        title: SafeText::new(text),
        source: SafeText::new("Tricky"),
        published: Some(now),
        link: None,
        summary: Vec::new(),
    };
    let arrived = Message::HeadlinesArrived {
        source: SourceId::Feed(0),
        headlines: vec![headline],
        fetched_at: now,
    };
    update(&mut app, arrived, now);
    update(&mut app, Message::Move(Step::First), now);
    let article = Article {
        title: SafeText::new(text),
        source: SafeText::new("Tricky"),
        published: Some(now),
        byline: Some(SafeText::new(text)),
        blocks: vec![
            Block::Paragraph(SafeText::new(&format!("{text} {text} {text}"))),
            Block::Quote(SafeText::new(text)),
        ],
        links: Vec::new(),
    };
    update(&mut app, Message::ArticleArrived { id, article }, now);
    assert_eq!(
        app.headlines().selected().map(|h| h.id.as_str()),
        Some("tricky"),
        "the sample's headline should be the selected one"
    );
    app
}

/// The sample's first frame, then the frame after the tape has moved on a few steps (a diff).
fn frames(base: &App, text: &str) -> [Buffer; 2] {
    let (width, height) = (base.viewport().area.width, base.viewport().area.height);
    let mut app = app_showing(base, text);
    let first = draw(&app, width, height).backend().buffer().clone();
    for _ in 0..3 {
        update(&mut app, Message::TapeStep, NOW);
    }
    let second = draw(&app, width, height).backend().buffer().clone();
    [first, second]
}

/// Each sample's two frames, as the terminal receives them: from a cleared screen, then a diff.
fn replays(width: u16, height: u16) -> impl Iterator<Item = (Sample, [(Vec<u8>, Buffer); 2])> {
    let base = base_app(width, height);
    samples().into_iter().map(move |sample| {
        let [first, second] = frames(&base, &sample.text);
        let blank = Buffer::empty(first.area);
        let mut opening = CLEAR_SCREEN.to_vec();
        opening.extend(frame_bytes(&blank, &first));
        let next = frame_bytes(&first, &second);
        (sample, [(opening, first), (next, second)])
    })
}

fn describe(sample: &Sample, width: u16, height: u16, frame: usize) -> String {
    format!(
        "tricky.txt:{} ({}) {:?} at {width}x{height}, frame {frame}",
        sample.line, sample.class, sample.text
    )
}

#[test]
fn the_corpus_has_every_class_and_enough_samples() {
    let samples = samples();
    assert!(samples.len() >= 150, "{} samples", samples.len());
    for class in [
        "soft hyphen",
        "zero-width",
        "word joiner",
        "BOM",
        "variation selector",
        "emoji sequence",
        "flag",
        "combining on wide",
        "ambiguous width",
        "tab",
        "German",
        "French",
        "Spanish",
        "Polish",
        "Turkish",
        "Vietnamese",
        "Arabic",
        "Hebrew",
        "Hindi",
        "Thai",
        "Chinese",
        "Japanese",
        "Korean",
        "emoji",
    ] {
        assert!(
            samples.iter().filter(|s| s.class == class).count() >= 4,
            "too few samples of {class}"
        );
    }
}

#[test]
fn tricky_text_lands_where_ratatui_put_it_in_vt100() {
    let mut failures = Vec::new();
    for (width, height) in SIZES {
        for (sample, frames) in replays(width, height) {
            let mut terminal = emulator(&frames[0].1).expect("a non-empty screen");
            for (index, (bytes, buffer)) in frames.iter().enumerate() {
                terminal.process(bytes);
                let displaced = displaced_cells(buffer, terminal.screen());
                if !displaced.is_empty() {
                    let what = describe(&sample, width, height, index + 1);
                    failures.push(format!("{what}:\n  {}", displaced.join("\n  ")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tricky_text_lands_where_ratatui_put_it_in_tmux() {
    let mut failures = Vec::new();
    for (width, height) in SIZES {
        let Some(mut tmux) = Tmux::start(width, height) else {
            return;
        };
        for (sample, frames) in replays(width, height) {
            for (index, (bytes, buffer)) in frames.iter().enumerate() {
                let shown = tmux.show(bytes);
                // tmux leaves off the blank end of a row it was never sent.
                let wanted: Vec<String> = (0..buffer.area.height)
                    .map(|y| {
                        let row: String = drawn_cells(buffer, y).iter().map(|c| c.1).collect();
                        row.trim_end().to_owned()
                    })
                    .collect();
                if shown != wanted {
                    let what = describe(&sample, width, height, index + 1);
                    let rows: Vec<String> = (wanted.iter().zip(&shown))
                        .filter(|(wanted, shown)| wanted != shown)
                        .map(|(wanted, shown)| format!("  ratatui {wanted:?}\n  tmux    {shown:?}"))
                        .collect();
                    failures.push(format!("{what}:\n{}", rows.join("\n")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The pages that showed the defect: soft hyphens (`&shy;` in the HTML) inside the words. Through
/// extraction, the reader and both emulators, every word reads whole.
#[test]
fn the_soft_hyphen_pages_read_whole_on_screen() {
    let sentences = [
        "Netanyahu's election-eve",
        "Vladimir Putin",
        "president",
        "l'incroyable comportement",
    ];
    let paragraphs = [
        "<p>Net&shy;an&shy;yahu's elec&shy;tion-eve speech drew a crowd of thousands in the square.</p>",
        "<p>Vla&shy;di&shy;mir Pu&shy;tin spoke for an hour about the economy and the harvest.</p>",
        "<p>The pres&shy;i&shy;dent left the summit early, aides said, without a statement.</p>",
        "<p>Un débat sur l'in&shy;croy&shy;able com&shy;porte&shy;ment des marchés ce matin.</p>",
    ];
    let filler = "<p>Filler paragraph tells the story of the day at length, with enough words \
                  that a readability scorer sees real prose here.</p>"
        .repeat(3);
    let html = format!(
        "<html><head><title>Soft hyphens</title></head><body><article>{}{filler}</article>\
         </body></html>",
        paragraphs.concat()
    );
    let url = url::Url::parse("https://news.example.com/world/soft").expect("a URL");
    let title = SafeText::new("Soft hyphens");
    let article = tickertape::sources::article::extract(&html, &url, &title, &title, Some(NOW))
        .expect("a readable article");
    // Tall enough that the narrow layout, which stacks the reader under the list, shows it all.
    for (width, height) in [(120, 30), (60, 50)] {
        let base = base_app(width, height);
        let mut app = app_showing(&base, "Soft hyphens");
        update(
            &mut app,
            Message::ArticleArrived {
                id: "tricky".to_owned(),
                article: article.clone(),
            },
            NOW,
        );
        let buffer = draw(&app, width, height).backend().buffer().clone();
        let mut bytes = CLEAR_SCREEN.to_vec();
        bytes.extend(frame_bytes(&Buffer::empty(buffer.area), &buffer));
        let mut terminal = emulator(&buffer).expect("a non-empty screen");
        terminal.process(&bytes);
        assert!(displaced_cells(&buffer, terminal.screen()).is_empty());
        // The reader wraps at spaces, so its rows are joined, without borders, to find each.
        let mut screens = vec![terminal.screen().contents()];
        if let Some(mut tmux) = Tmux::start(width, height) {
            screens.push(tmux.show(&bytes).join("\n"));
        }
        for screen in screens {
            let reader_text = screen
                .replace('│', " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            for sentence in sentences {
                assert!(
                    reader_text.contains(sentence),
                    "{sentence:?} at {width}x{height} in:\n{screen}"
                );
            }
        }
    }
}

/// `text` drawn by ratatui straight into a buffer, past the sanitiser.
fn drawn_raw(text: &str, width: u16, height: u16) -> Buffer {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    ratatui::widgets::Widget::render(ratatui::text::Line::raw(text), area, &mut buffer);
    buffer
}

/// The check can fail: a soft hyphen drawn raw (past the sanitiser, straight into a ratatui
/// span) shifts the rest of its line in tmux, which gives it a column that ratatui does not.
#[test]
fn a_raw_soft_hyphen_shifts_the_line_in_tmux() {
    let Some(mut tmux) = Tmux::start(40, 2) else {
        return;
    };
    let buffer = drawn_raw("Netan\u{ad}yahu's election-eve", 40, 2);
    let mut bytes = CLEAR_SCREEN.to_vec();
    bytes.extend(frame_bytes(&Buffer::empty(buffer.area), &buffer));
    let shown = tmux.show(&bytes);
    assert_ne!(
        shown[0], "Netan\u{ad}yahu's election-eve",
        "tmux should draw the raw soft hyphen a column wide"
    );
    assert!(shown[0].contains("Netan\u{ad}yahu"), "{shown:?}");
    let mut terminal = emulator(&buffer).expect("a non-empty screen");
    terminal.process(&bytes);
    // vt100 follows `unicode-width` (width 0) here, so only tmux shows this one.
    assert!(displaced_cells(&buffer, terminal.screen()).is_empty());
}

/// The vt100 check can fail too: an emoji ZWJ sequence is one 2-column cell to ratatui and
/// three wide characters to a terminal that draws the parts.
#[test]
fn a_raw_emoji_sequence_is_displaced_in_vt100() {
    let buffer = drawn_raw("a\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}b", 20, 1);
    let mut terminal = emulator(&buffer).expect("a non-empty screen");
    terminal.process(&frame_bytes(&Buffer::empty(buffer.area), &buffer));
    let displaced = displaced_cells(&buffer, terminal.screen());
    assert!(
        displaced.iter().any(|d| d.contains("column 1")),
        "{displaced:?}"
    );
}

/// A tmux server of our own (its socket in a temporary directory) with one pane of the given
/// size, whose tty we write frames to directly, as a program in the pane would.
struct Tmux {
    dir: TempDir,
    tty: File,
    frames: usize,
}

impl Tmux {
    /// `None`, after saying so, when tmux is not installed.
    #[expect(
        clippy::print_stderr,
        reason = "a skipped replay must say so in the test output"
    )]
    fn start(width: u16, height: u16) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut tmux = Self {
            dir,
            tty: tempfile::tempfile().expect("a placeholder file"),
            frames: 0,
        };
        let (width, height) = (width.to_string(), height.to_string());
        // `stty raw` so nothing between us and tmux rewrites the bytes; `sleep` keeps the pane.
        let started = tmux.command(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &width,
            "-y",
            &height,
            "stty raw -echo; exec sleep 600",
            ";",
            "set-option",
            "-g",
            "status",
            "off",
        ]);
        match started {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("tmux is not installed: skipping the tmux replay");
                return None;
            }
            Err(error) => panic!("running tmux: {error}"),
            Ok(output) => assert!(output.status.success(), "tmux: {output:?}"),
        }
        let size = tmux.query("#{pane_width}x#{pane_height}");
        assert_eq!(size, format!("{width}x{height}"), "the pane's size");
        let tty = tmux.query("#{pane_tty}");
        tmux.tty = OpenOptions::new()
            .write(true)
            .open(&tty)
            .unwrap_or_else(|error| panic!("{tty}: {error}"));
        Some(tmux)
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("socket")
    }

    fn command(&self, args: &[&str]) -> std::io::Result<Output> {
        Command::new("tmux")
            .arg("-S")
            .arg(self.socket())
            .arg("-u")
            .args(args)
            // tmux takes character widths from the C library, which needs a UTF-8 locale.
            .env("LC_ALL", "C.UTF-8")
            .output()
    }

    fn query(&self, format: &str) -> String {
        let output = (self.command(&["display-message", "-p", format])).expect("tmux runs");
        assert!(output.status.success(), "tmux: {output:?}");
        String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned()
    }

    /// The pane's rows, without trailing spaces, once tmux has taken in `bytes`: they are followed
    /// by a title change, and the title shows only after everything before it.
    fn show(&mut self, bytes: &[u8]) -> Vec<String> {
        self.frames += 1;
        let title = format!("frame-{}", self.frames);
        self.tty.write_all(bytes).expect("writing to the pane");
        write!(self.tty, "\x1b]2;{title}\x07").expect("writing to the pane");
        self.tty.flush().expect("writing to the pane");
        let deadline = Instant::now() + TMUX_DEADLINE;
        while self.query("#{pane_title}") != title {
            assert!(Instant::now() < deadline, "tmux did not show frame {title}");
            std::thread::sleep(Duration::from_millis(2));
        }
        let output = (self.command(&["capture-pane", "-p"])).expect("tmux runs");
        assert!(output.status.success(), "tmux: {output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|row| row.trim_end().to_owned())
            .collect()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]);
    }
}
