//! Figures for drawing: one full frame at 120x40 and 250x70, one tape step (update + frame, as
//! the scrolling tape costs every 200 ms), and the sanitiser on 1 MB of hostile text.
//! `cargo bench --bench render`.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a broken setup should stop it loudly"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{Timestamp, tz::TimeZone};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tickertape::app::App;
use tickertape::app::update::update;
use tickertape::config::Config;
use tickertape::message::Message;
use tickertape::sanitize::SafeText;

fn app(width: u16, height: u16) -> App {
    let now: Timestamp = "2024-06-28T15:42:07Z".parse().unwrap();
    let tz = TimeZone::get("Europe/London").unwrap();
    let mut app = tickertape::initial_app(&Config::default(), None, now, tz).unwrap();
    let viewport = tickertape::ui::viewport(Rect::new(0, 0, width, height));
    update(&mut app, Message::Resized(viewport), now);
    app
}

fn frames(c: &mut Criterion) {
    for (width, height) in [(120, 40), (250, 70)] {
        let app = app(width, height);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        c.bench_function(&format!("frame/full_{width}x{height}"), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| tickertape::ui::draw(&app, frame))
                    .unwrap();
            });
        });
    }
    let mut app = app(120, 40);
    let now = app.now;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("tape/step_and_frame_120x40", |b| {
        b.iter(|| {
            update(&mut app, Message::TapeStep, now);
            terminal
                .draw(|frame| tickertape::ui::draw(&app, frame))
                .unwrap();
        });
    });
}

fn sanitise(c: &mut Criterion) {
    // Headline-like text laced with escape sequences, bidi overrides and CJK.
    let chunk = "Oil slips \u{1b}[31mas\u{1b}[0m OPEC+ meets \u{202e}evil\u{202c} 恒指收报 \u{7}\t";
    let text = chunk.repeat(1_000_000 / chunk.len());
    c.bench_function("sanitize/1mb", |b| {
        b.iter(|| SafeText::new(std::hint::black_box(&text)));
    });
}

criterion_group!(benches, frames, sanitise);
criterion_main!(benches);
