//! The config file: any text, as `config::parse` receives it from `load`.
//! Property: never panics; errors are fine, and an error names the path it was given. A config
//! that parses keeps the promises `Config` documents (instruments never empty, symbols unique
//! and printable ASCII, http(s) base URLs without a trailing `/`), and the app starts from it
//! and draws its first frame.

#![no_main]

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tickertape::app::update::update;
use tickertape::app::{Mode, Settings};
use tickertape::config::{self, Config};
use tickertape::message::Message;
use tickertape::ui::theme::Theme;

fn check(config: &Config) {
    let quotes = &config.quotes;
    assert!(!quotes.instruments.is_empty());
    let mut symbols = HashSet::new();
    for instrument in &quotes.instruments {
        assert!(
            symbols.insert(instrument.symbol.as_str()),
            "duplicate {}",
            instrument.symbol
        );
        assert!(
            !instrument.symbol.is_empty()
                && instrument.symbol.bytes().all(|b| b.is_ascii_graphic()),
            "symbol {:?}",
            instrument.symbol
        );
    }
    for url in &quotes.base_urls {
        assert!(
            url.starts_with("http://") || url.starts_with("https://"),
            "{url}"
        );
        assert!(!url.ends_with('/'), "{url}");
    }
    for feed in &config.news.feeds {
        assert!(feed.url.starts_with("http://") || feed.url.starts_with("https://"));
    }
}

fuzz_target!(|bytes: &[u8]| {
    // `load` reads the file with `read_to_string`, so only UTF-8 text ever reaches `parse`.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let path = Path::new("/home/fuzz/.config/tickertape/config.toml");
    match config::parse(text, path) {
        Ok(config) => {
            check(&config);
            let now: Timestamp = "2024-06-28T15:42:07Z".parse().expect("a valid time");
            let settings = Settings::new(&config, Mode::Offline, TimeZone::UTC);
            let mut app =
                tickertape::initial_app(settings, None, now).expect("the bundled data loads");
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
            let viewport = tickertape::ui::viewport(Rect::new(0, 0, 80, 24));
            update(&mut app, Message::Resized(viewport), now);
            update(&mut app, Message::TapeStep, now);
            terminal
                .draw(|frame| tickertape::ui::draw(&app, &Theme::colour(), frame))
                .expect("drawing to a test terminal");
        }
        Err(error) => {
            let message = error.to_string();
            let label = path.to_str().expect("an ASCII path");
            assert!(message.starts_with(label), "{message}");
        }
    }
});
