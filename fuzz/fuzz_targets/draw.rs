//! The whole screen: a first-start app (as `initial_app` builds it, optionally with quotes from a
//! cache file), driven by a fuzzer-chosen sequence of what the runtime feeds `update` (key
//! presses through the real keymap, mouse-wheel messages, resizes, tape steps, deadlines,
//! quotes, headlines, articles, failures, notices) and drawn with `ui::draw` onto a
//! `TestBackend` at sizes from 0x0 to 300x300.
//!
//! Every string comes from the fuzzer (any Unicode, plus a palette of the awkward kinds: control
//! and escape sequences, C1, bidi controls, CJK, emoji and ZWJ sequences, combining and
//! zero-width characters) but goes through the constructor the real source uses (`SafeText`,
//! the keymap for typed characters), never around it. Numbers keep the guarantees their source
//! gives: quotes arriving from a provider are finite and non-negative as the parsers ensure,
//! while quotes from the cache (a file that may be edited by hand) are any finite value.
//!
//! Property: nothing panics, no cell of any frame holds a control character or a bidi
//! control, and every frame's bytes (what the crossterm backend writes for the change since
//! the last frame) replayed through the `vt100` emulator put every cell where ratatui's buffer
//! did: no character the terminal draws wider or narrower than ratatui moves what follows it.
//! The replay and the check are `tests/it/replay.rs`, the one the corpus test uses.

#![no_main]

use arbitrary::Arbitrary;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tickertape::app::data_state::Origin;
use tickertape::app::quotes::QuoteBoard;
use tickertape::app::update::update;
use tickertape::app::{App, Mode};
use tickertape::domain::{Article, Block, Headline, Quote, TradingSession, Window};
use tickertape::message::{self, Failure, Message, Scroll, SourceId, SymbolFailure};
use tickertape::sanitize::SafeText;
use tickertape::ui::theme::Theme;

#[path = "shared/base_app.rs"]
mod shared;
use shared::{NOW, app_with, base_app};

#[path = "../../tests/it/replay.rs"]
mod replay;

/// Friday 28 Jun 2024, 16:42:07 in London, as the tests and benches use.
const MAX_SIDE: u16 = 300;
/// Frames drawn per input, past the final one: a 300x300 frame is not free.
const MAX_DRAWS: usize = 8;

const ZONES: &[&str] = &[
    "Europe/London",
    "UTC",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "America/St_Johns",
];

/// Awkward text, so the fuzzer need not find each one byte by byte.
const PIECES: &[&str] = &[
    "FTSE 100",
    "恒指收报17718.61点",
    "中国企业家",
    "日経平均",
    "한국어",
    "📈",
    "👩‍👩‍👧‍👦",
    "🇬🇧",
    "❤\u{fe0f}",
    "e\u{301}\u{302}\u{303}",
    "\u{200b}",
    "\u{200d}",
    "\u{ad}",
    "\u{fe0e}",
    "\u{1f3fd}",
    "\u{1f1e9}",
    "\u{3164}",
    "\u{115f}\u{1160}",
    "\u{600}",
    "\u{e0067}",
    "\u{17d8}",
    "\u{ff76}\u{ff9e}",
    "\u{304b}\u{3099}",
    "\u{4e2d}\u{301}",
    "\u{9a6}\u{9be}",
    "\u{915}\u{94d}\u{937}",
    "\u{378}",
    "\u{1b}[31m",
    "\u{1b}]8;;http://evil\u{7}",
    "\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\",
    "\u{9b}2J",
    "\u{85}",
    "\u{7f}",
    "\u{0}",
    "\r\n",
    "\t",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{2028}",
    "\u{feff}",
    "ｗｉｄｅ",
    "ᄀᄀᄀ각ᆨᆨ",
    "\u{e000}",
    "\u{10ffff}",
    "a",
    " ",
    "  ",
    "Supercalifragilisticexpialidocious-and-then-some-more-without-any-break-at-all",
    "[1]",
    "…",
];

#[derive(Arbitrary, Debug)]
enum Text {
    Raw(String),
    Pieces(Vec<u8>),
    Mixed(Vec<(u8, String)>),
}

impl Text {
    fn raw(&self) -> String {
        let piece = |i: &u8| PIECES[usize::from(*i) % PIECES.len()];
        match self {
            Self::Raw(text) => text.clone(),
            Self::Pieces(indices) => indices.iter().map(piece).collect(),
            Self::Mixed(parts) => parts
                .iter()
                .flat_map(|(i, text)| [piece(i), text.as_str()])
                .collect(),
        }
    }

    /// The way every outside string reaches the app.
    fn safe(&self) -> SafeText {
        SafeText::new(&self.raw())
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Size {
    Tiny(u8, u8),
    Any(u16, u16),
    Common(u8),
}

impl Size {
    fn get(self) -> (u16, u16) {
        match self {
            Self::Tiny(w, h) => (u16::from(w % 4), u16::from(h % 4)),
            Self::Any(w, h) => (w % (MAX_SIDE + 1), h % (MAX_SIDE + 1)),
            Self::Common(i) => [
                (1, 1),
                (80, 24),
                (120, 40),
                (40, 12),
                (24, 7),
                (99, 30),
                (100, 8),
            ][usize::from(i) % 7],
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Time {
    Now,
    Ago(u16),
    Ahead(u16),
    Offset(i32),
    Any(i64),
}

impl Time {
    fn at(self, now: Timestamp) -> Timestamp {
        let shifted = |secs: i64| {
            now.checked_add(SignedDuration::from_secs(secs))
                .unwrap_or(now)
        };
        match self {
            Self::Now => now,
            Self::Ago(secs) => shifted(-i64::from(secs)),
            Self::Ahead(secs) => shifted(i64::from(secs)),
            Self::Offset(secs) => shifted(i64::from(secs)),
            Self::Any(secs) => Timestamp::from_second(secs).unwrap_or(now),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Source {
    Cache,
    Demo,
    Yahoo,
    CoinGecko,
    Feed(u16),
    Articles,
}

impl Source {
    fn id(self) -> SourceId {
        match self {
            Self::Cache => SourceId::Cache,
            Self::Demo => SourceId::Demo,
            Self::Yahoo => SourceId::Yahoo,
            Self::CoinGecko => SourceId::CoinGecko,
            Self::Feed(index) => SourceId::Feed(index % 8),
            Self::Articles => SourceId::Articles,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum FFailure {
    Timeout,
    Unreachable(Text),
    RateLimited(Option<u64>),
    Refused(u16),
    Server(u16),
    BadResponse(Text),
    NotCached,
    UnknownSymbol(Text),
    Corrupt(Text),
    Io(Text),
}

impl FFailure {
    fn get(&self) -> Failure {
        match self {
            Self::Timeout => Failure::Timeout,
            Self::Unreachable(t) => Failure::Unreachable { detail: t.safe() },
            Self::RateLimited(secs) => Failure::RateLimited {
                retry_after_secs: *secs,
            },
            Self::Refused(status) => Failure::Refused { status: *status },
            Self::Server(status) => Failure::Server { status: *status },
            Self::BadResponse(t) => Failure::BadResponse { detail: t.safe() },
            Self::NotCached => Failure::NotCached,
            Self::UnknownSymbol(t) => Failure::UnknownSymbol { detail: t.safe() },
            Self::Corrupt(t) => Failure::Corrupt { detail: t.safe() },
            Self::Io(t) => Failure::Io { detail: t.safe() },
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FWindow {
    start: Time,
    end: Time,
}

#[derive(Arbitrary, Debug)]
struct FQuote {
    /// Which configured instrument (or, from the cache only, any symbol).
    instrument: u8,
    other_symbol: Option<String>,
    price: f64,
    previous_close: Option<f64>,
    decimals: u8,
    currency: Option<Text>,
    time: Time,
    series: Vec<Option<f64>>,
    day_low: Option<f64>,
    day_high: Option<f64>,
    exchange: Option<Text>,
    session: Option<[FWindow; 3]>,
}

fn finite(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

impl FQuote {
    /// As Yahoo's or CoinGecko's parser would hand it over: the instrument's own symbol, a
    /// finite non-negative price, only positive closes and ranges, at most 8 places, sessions
    /// whose windows do not end before they start.
    fn as_provided(&self, app: &App, now: Timestamp) -> Quote {
        let positive = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
        let window = |w: &FWindow| {
            let (start, end) = (w.start.at(now), w.end.at(now));
            (start <= end).then_some(Window { start, end })
        };
        let session = self.session.as_ref().and_then(|[pre, regular, post]| {
            Some(TradingSession {
                pre: window(pre)?,
                regular: window(regular)?,
                post: window(post)?,
            })
        });
        let text = |t: &Option<Text>| {
            t.as_ref()
                .map(|t| SafeText::new(t.safe().as_str().trim()))
                .filter(|t| !t.is_empty())
        };
        Quote {
            symbol: instrument_symbol(app, self.instrument),
            price: finite(self.price).abs(),
            previous_close: positive(self.previous_close),
            decimals: self.decimals % 9,
            currency: text(&self.currency),
            time: self.time.at(now),
            series: self
                .series
                .iter()
                .map(|v| v.filter(|v| v.is_finite() && *v >= 0.0))
                .collect(),
            day_low: positive(self.day_low),
            day_high: positive(self.day_high),
            exchange: text(&self.exchange),
            session,
            short_name: text(&self.currency),
        }
    }

    /// As serde reads it from a cache file: no checks beyond JSON's (numbers are finite).
    fn as_cached(&self, app: &App, now: Timestamp) -> Quote {
        let window = |w: &FWindow| Window {
            start: w.start.at(now),
            end: w.end.at(now),
        };
        Quote {
            symbol: match &self.other_symbol {
                Some(symbol) => symbol.clone(),
                None => instrument_symbol(app, self.instrument),
            },
            price: finite(self.price),
            previous_close: self.previous_close.map(finite),
            decimals: self.decimals,
            currency: self.currency.as_ref().map(|t| SafeText::from(t.raw())),
            time: self.time.at(now),
            series: self.series.iter().map(|v| v.map(finite)).collect(),
            day_low: self.day_low.map(finite),
            day_high: self.day_high.map(finite),
            exchange: self.exchange.as_ref().map(|t| SafeText::from(t.raw())),
            short_name: self.currency.as_ref().map(|t| SafeText::from(t.raw())),
            session: self
                .session
                .as_ref()
                .map(|[pre, regular, post]| TradingSession {
                    pre: window(pre),
                    regular: window(regular),
                    post: window(post),
                }),
        }
    }
}

fn instrument_symbol(app: &App, index: u8) -> String {
    let instruments = &app.instruments();
    instruments[usize::from(index) % instruments.len()]
        .symbol
        .clone()
}

#[derive(Arbitrary, Debug)]
enum FBlock {
    Paragraph(Text),
    Heading(Text),
    ListItem(Text),
    Quote(Text),
}

impl FBlock {
    fn get(&self) -> Block {
        match self {
            Self::Paragraph(t) => Block::Paragraph(t.safe()),
            Self::Heading(t) => Block::Heading(t.safe()),
            Self::ListItem(t) => Block::ListItem(t.safe()),
            Self::Quote(t) => Block::Quote(t.safe()),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FHeadline {
    id: Text,
    title: Text,
    source: Text,
    published: Option<Time>,
    link: Option<String>,
    summary: Vec<FBlock>,
}

impl FHeadline {
    fn get(&self, now: Timestamp) -> Headline {
        Headline {
            // Ids are keys, never drawn; any string will do.
            id: self.id.raw(),
            title: self.title.safe(),
            source: self.source.safe(),
            published: self.published.map(|t| t.at(now)),
            link: self.link.clone(),
            summary: self.summary.iter().map(FBlock::get).collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FArticle {
    title: Text,
    source: Text,
    published: Option<Time>,
    byline: Option<Text>,
    blocks: Vec<FBlock>,
    links: Vec<Text>,
}

impl FArticle {
    fn get(&self, now: Timestamp) -> Article {
        Article {
            title: self.title.safe(),
            source: self.source.safe(),
            published: self.published.map(|t| t.at(now)),
            byline: self.byline.as_ref().map(Text::safe),
            blocks: self.blocks.iter().map(FBlock::get).collect(),
            links: self.links.iter().map(Text::safe).collect(),
        }
    }
}

/// Which headline an article answer is for.
#[derive(Arbitrary, Debug)]
enum Target {
    Selected,
    Nth(u8),
    Id(String),
}

impl Target {
    fn id(&self, app: &App) -> String {
        let visible = app.headlines().visible();
        match self {
            Self::Selected => app.headlines().selected().map(|h| h.id.clone()),
            Self::Nth(n) => {
                (!visible.is_empty()).then(|| visible[usize::from(*n) % visible.len()].id.clone())
            }
            Self::Id(id) => Some(id.clone()),
        }
        .unwrap_or_default()
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Key {
    Char(char),
    /// The characters the keymap binds, so they come up often.
    Bound(u8),
    /// Characters a terminal can deliver as a key (typed, or pasted without bracketed paste)
    /// that are awkward on screen: C1 controls, bidi controls, zero-width and combining ones.
    Awkward(u8),
    Enter,
    Esc,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
    Backspace,
    Delete,
    F(u8),
}

impl Key {
    fn code(self) -> KeyCode {
        match self {
            Self::Char(c) => KeyCode::Char(c),
            Self::Bound(i) => {
                let keys = b"jkgGhltfo b/rp+=-_?q";
                KeyCode::Char(char::from(keys[usize::from(i) % keys.len()]))
            }
            Self::Awkward(i) => {
                let chars = [
                    '\u{9b}', '\u{85}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{061c}',
                    '\u{200b}', '\u{200d}', '\u{2028}', '\u{feff}', '\u{301}', '\u{ad}', '中',
                    '📈',
                ];
                KeyCode::Char(chars[usize::from(i) % chars.len()])
            }
            Self::Enter => KeyCode::Enter,
            Self::Esc => KeyCode::Esc,
            Self::Up => KeyCode::Up,
            Self::Down => KeyCode::Down,
            Self::Left => KeyCode::Left,
            Self::Right => KeyCode::Right,
            Self::Home => KeyCode::Home,
            Self::End => KeyCode::End,
            Self::PageUp => KeyCode::PageUp,
            Self::PageDown => KeyCode::PageDown,
            Self::Tab => KeyCode::Tab,
            Self::BackTab => KeyCode::BackTab,
            Self::Backspace => KeyCode::Backspace,
            Self::Delete => KeyCode::Delete,
            Self::F(n) => KeyCode::F(n % 13),
        }
    }
}

/// The key crossterm reports for a character arriving on its own: C0 controls are keys or
/// Ctrl+letter, everything else (C1 and bidi controls included) is `KeyCode::Char`.
fn pasted(c: char) -> (KeyCode, KeyModifiers) {
    match c {
        '\r' | '\n' => (KeyCode::Enter, KeyModifiers::NONE),
        '\t' => (KeyCode::Tab, KeyModifiers::NONE),
        '\u{1b}' => (KeyCode::Esc, KeyModifiers::NONE),
        '\u{7f}' | '\u{8}' => (KeyCode::Backspace, KeyModifiers::NONE),
        '\u{0}' => (KeyCode::Char(' '), KeyModifiers::CONTROL),
        '\u{1}'..='\u{1a}' => {
            let letter = char::from(b'a' - 1 + u8::try_from(c).unwrap_or(b'a'));
            (KeyCode::Char(letter), KeyModifiers::CONTROL)
        }
        c => (KeyCode::Char(c), KeyModifiers::NONE),
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Wheel {
    ReaderDown,
    ReaderUp,
    ListDown,
    ListUp,
}

#[derive(Arbitrary, Debug)]
enum Step {
    /// A key press (or repeat, or release) through `keymap::message_for`, as the runtime does.
    Key {
        key: Key,
        modifiers: u8,
        kind: u8,
    },
    /// What the runtime makes of the mouse wheel over a pane.
    Wheel(Wheel),
    /// The terminal changed size and the resize event is handled.
    Resize(Size),
    /// The terminal changed size, but a frame is drawn before the resize event is handled.
    ResizeUnseen(Size),
    TapeSteps(u8),
    Deadline,
    /// Time passes (or the wall clock jumps back).
    Clock(Time),
    Quotes {
        source: Source,
        quotes: Vec<FQuote>,
        failed: Vec<(u8, FFailure)>,
        fetched_at: Time,
    },
    Headlines {
        source: Source,
        headlines: Vec<FHeadline>,
        fetched_at: Time,
    },
    SourceFailed {
        source: Source,
        failure: FFailure,
        at: Time,
    },
    ArticleArrived {
        target: Target,
        article: FArticle,
    },
    ArticleFailed {
        target: Target,
        failure: FFailure,
    },
    Notice(Text),
    /// Text pasted into the terminal without bracketed paste: one key event per character.
    Paste(Text),
    Draw,
}

#[derive(Arbitrary, Debug)]
struct Input {
    size: Size,
    zone: u8,
    mode: u8,
    monochrome: bool,
    /// Quotes read from the cache at start, and when they were saved; else the snapshot.
    cached: Option<(Vec<FQuote>, Time)>,
    steps: Vec<Step>,
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn check(buffer: &Buffer) {
    for cell in buffer.content() {
        let symbol = cell.symbol();
        assert!(
            !symbol.chars().any(|c| c.is_control() || is_bidi_control(c)),
            "control character in cell {symbol:?}"
        );
    }
}

struct Run {
    app: App,
    theme: Theme,
    terminal: Terminal<TestBackend>,
    now: Timestamp,
    draws: usize,
    /// The emulated terminal the frames are written to, and what it was last sent; a new one
    /// whenever the size changes, as ratatui clears the screen then.
    screen: Option<(vt100::Parser, Buffer)>,
}

impl Run {
    fn update(&mut self, msg: Message) {
        update(&mut self.app, msg, self.now);
    }

    fn resize_terminal(&mut self, size: Size) -> (u16, u16) {
        let (width, height) = size.get();
        self.terminal.backend_mut().resize(width, height);
        (width, height)
    }

    fn draw(&mut self) {
        let (app, theme) = (&self.app, &self.theme);
        let frame = self
            .terminal
            .draw(|frame| tickertape::ui::draw(app, theme, frame))
            .expect("drawing to a test terminal");
        check(frame.buffer);
        let buffer = frame.buffer.clone();
        self.replay(buffer);
    }

    /// Sends the frame to the emulator as the crossterm backend would, and checks every cell.
    fn replay(&mut self, buffer: Buffer) {
        if self
            .screen
            .as_ref()
            .is_none_or(|(_, shown)| shown.area != buffer.area)
        {
            self.screen = replay::emulator(&buffer).map(|parser| {
                let blank = Buffer::empty(buffer.area);
                (parser, blank)
            });
        }
        let Some((parser, shown)) = &mut self.screen else {
            return;
        };
        parser.process(&replay::frame_bytes(shown, &buffer));
        let displaced = replay::displaced_cells(&buffer, parser.screen());
        assert!(displaced.is_empty(), "{}", displaced.join("\n"));
        *shown = buffer;
    }

    /// A key through `keymap::message_for`, as `runtime::translate` does.
    fn press(&mut self, key: Key, modifiers: u8, kind: u8) {
        let kind = match kind % 3 {
            0 => KeyEventKind::Press,
            1 => KeyEventKind::Repeat,
            _ => KeyEventKind::Release,
        };
        let modifiers = KeyModifiers::from_bits_truncate(modifiers);
        self.press_code(key.code(), modifiers, kind);
    }

    fn press_code(&mut self, code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) {
        let event = KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        };
        if let Some(msg) = tickertape::keymap::message_for(event, &self.app) {
            self.update(msg);
        }
    }

    /// One poll round of a quote source, with what its parser would let through.
    fn quotes(&mut self, source: Source, quotes: &[FQuote], failed: &[(u8, FFailure)], at: Time) {
        let now = self.now;
        let quotes = quotes
            .iter()
            .map(|q| q.as_provided(&self.app, now))
            .collect();
        let failed = failed
            .iter()
            .map(|(i, failure)| SymbolFailure {
                symbol: instrument_symbol(&self.app, *i),
                failure: failure.get(),
            })
            .collect();
        self.update(Message::QuotesArrived {
            source: source.id(),
            quotes,
            failed,
            fetched_at: at.at(now),
        });
    }

    fn step(&mut self, step: &Step) {
        let now = self.now;
        match step {
            Step::Key {
                key,
                modifiers,
                kind,
            } => self.press(*key, *modifiers, *kind),
            Step::Wheel(wheel) => {
                // `runtime::wheel`: three lines in the reader, one headline in the list.
                let msg = match wheel {
                    Wheel::ReaderDown => Message::ScrollReader(Scroll::Down(3)),
                    Wheel::ReaderUp => Message::ScrollReader(Scroll::Up(3)),
                    Wheel::ListDown => Message::Move(message::Step::Down),
                    Wheel::ListUp => Message::Move(message::Step::Up),
                };
                self.update(msg);
            }
            Step::Resize(size) => {
                let (width, height) = self.resize_terminal(*size);
                let viewport = tickertape::ui::viewport(Rect::new(0, 0, width, height));
                self.update(Message::Resized(viewport));
            }
            Step::ResizeUnseen(size) => {
                self.resize_terminal(*size);
                self.draw_if_allowed();
            }
            Step::TapeSteps(n) => {
                for _ in 0..=(n % 64) {
                    self.update(Message::TapeStep);
                }
            }
            Step::Deadline => self.update(Message::DeadlineReached),
            Step::Clock(time) => {
                self.now = time.at(now);
                self.update(Message::DeadlineReached);
            }
            Step::Quotes {
                source,
                quotes,
                failed,
                fetched_at,
            } => self.quotes(*source, quotes, failed, *fetched_at),
            Step::Headlines {
                source,
                headlines,
                fetched_at,
            } => {
                let headlines = headlines.iter().map(|h| h.get(now)).collect();
                self.update(Message::HeadlinesArrived {
                    source: source.id(),
                    headlines,
                    fetched_at: fetched_at.at(now),
                });
            }
            Step::SourceFailed {
                source,
                failure,
                at,
            } => self.update(Message::SourceFailed {
                source: source.id(),
                failure: failure.get(),
                at: at.at(now),
            }),
            Step::ArticleArrived { target, article } => {
                let id = target.id(&self.app);
                let article = article.get(now);
                self.update(Message::ArticleArrived { id, article });
            }
            Step::ArticleFailed { target, failure } => {
                let id = target.id(&self.app);
                self.update(Message::ArticleFailed {
                    id,
                    failure: failure.get(),
                });
            }
            Step::Notice(text) => self.update(Message::Notice(text.safe())),
            Step::Paste(text) => {
                for c in text.raw().chars() {
                    let (code, modifiers) = pasted(c);
                    self.press_code(code, modifiers, KeyEventKind::Press);
                }
            }
            Step::Draw => self.draw_if_allowed(),
        }
    }

    fn draw_if_allowed(&mut self) {
        if self.draws < MAX_DRAWS {
            self.draws += 1;
            self.draw();
        }
    }
}

fn run(input: &Input) {
    let now: Timestamp = NOW.parse().expect("a valid time");
    let tz = TimeZone::get(ZONES[usize::from(input.zone) % ZONES.len()])
        .expect("the bundled time zone database");
    let mode = match input.mode % 3 {
        0 => Mode::Offline,
        1 => Mode::Demo,
        _ => Mode::Live,
    };
    let theme = if input.monochrome {
        Theme::monochrome()
    } else {
        Theme::colour()
    };
    let quotes = input.cached.as_ref().map(|(quotes, saved_at)| {
        // What `initial_app` does with a quotes cache.
        let base = base_app();
        let quotes = quotes.iter().map(|q| q.as_cached(&base, now)).collect();
        let origin = Origin::Cache {
            saved_at: saved_at.at(now),
        };
        QuoteBoard::new(quotes, origin)
    });
    let app = app_with(mode, tz, quotes);
    let (width, height) = input.size.get();
    let terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    let mut run = Run {
        app,
        theme,
        terminal,
        now,
        draws: 0,
        screen: None,
    };
    // What `runtime::run` does first: the size, then a frame.
    run.update(Message::Resized(tickertape::ui::viewport(Rect::new(
        0, 0, width, height,
    ))));
    run.draw();
    for step in &input.steps {
        run.step(step);
        if run.app.is_quitting() {
            // The runtime returns without another frame.
            return;
        }
    }
    run.draw();
}

// A typed input, so `cargo fuzz fmt draw <input>` prints the steps.
fuzz_target!(|input: Input| run(&input));
