//! An article page, as the article worker handles it (src/sources/pages.rs): bytes are decoded
//! with `article::decode`, turned into an `Article` by `article::extract`, and the result is
//! shown by the real reader: `Message::ArticleArrived` for the selected headline, then
//! `ui::draw` onto a `TestBackend` at a side-by-side and a stacked size, at the top and scrolled
//! to the bottom.
//!
//! Property: nothing panics (an `Err(NoArticle)` is fine), and no cell of any frame holds a
//! control character.
//!
//! Inputs over 256 KiB are skipped: parsing and Readability are slow on big pages (the real
//! cap is 8 MiB, see `MAX_HTML_BYTES`), and big inputs only make the fuzzer slower. Run with
//! `-max_len=65536` (fuzz/run-all.sh does).

#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tickertape::app::App;
use tickertape::app::update::update;
use tickertape::message::{Message, Scroll};
use tickertape::sanitize::SafeText;
use tickertape::sources::article;
use tickertape::ui::theme::Theme;
use url::Url;

#[path = "shared/base_app.rs"]
mod shared;
use shared::{NOW, base_app};

const MAX_INPUT: usize = 256 * 1024;

/// The headers a server may send; which one is tried depends on the input's length, so the
/// seeds stay plain HTML files.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=\"Shift_JIS\""),
    Some("text/html;charset=iso-8859-1"),
    Some("text/html; charset=gb2312"),
    Some("text/html; charset=utf-16le"),
    Some("text/html; charset=bogus"),
];

/// Where the page landed: the top-level domain is chardetng's hint, the scheme decides whether
/// links resolve.
const URLS: &[&str] = &[
    "https://news.example.com/markets/2024/06/28/story.html",
    "https://www.example.co.jp/news/a",
    "http://example.cn/x?y=1#z",
    "https://127.0.0.1:8700/article",
    "file:///tmp/page.html",
];

fn draw(app: &mut App, width: u16, height: u16, now: Timestamp) {
    let viewport = tickertape::ui::viewport(Rect::new(0, 0, width, height));
    update(app, Message::Resized(viewport), now);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    for scroll in [Scroll::Top, Scroll::Bottom] {
        update(app, Message::ScrollReader(scroll), now);
        let frame = terminal
            .draw(|frame| tickertape::ui::draw(app, &Theme::colour(), frame))
            .expect("drawing to a test terminal");
        for cell in frame.buffer.content() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "control character in cell {:?}",
                cell.symbol()
            );
        }
    }
}

fuzz_target!(|body: &[u8]| {
    if body.len() > MAX_INPUT {
        return;
    }
    let url = Url::parse(URLS[body.len() % URLS.len()]).expect("a valid URL");
    // Every way of naming the charset must decode; the sniffing path (no header) is the one
    // extracted and drawn, since it is the one with the most decisions in it.
    let content_type = CONTENT_TYPES[body.len() / URLS.len() % CONTENT_TYPES.len()];
    let _ = article::decode(body, content_type, &url);
    let html = article::decode(body, None, &url);

    let now: Timestamp = NOW.parse().expect("a valid time");
    let source = SafeText::new("Example News");
    let title = SafeText::new("Fallback title from the feed");
    let Ok(article) = article::extract(&html, &url, &source, &title, Some(now)) else {
        return;
    };

    let mut app = base_app();
    let id = app
        .headlines()
        .selected()
        .expect("the sample news has a selection")
        .id
        .clone();
    update(&mut app, Message::ArticleArrived { id, article }, now);
    update(&mut app, Message::ToggleFocus, now);
    draw(&mut app, 120, 40, now);
    draw(&mut app, 60, 20, now);
});
