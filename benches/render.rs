//! Figures for drawing: one full frame at 120x40 and 250x70, the detail panel with a 5Y
//! chart, one tape step (update + frame, as
//! the scrolling tape costs every 200 ms), and the sanitiser on 1 MB of hostile text.
//! `cargo bench --bench render`.

#[path = "support/app.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tickertape::app::update::update;
use tickertape::message::{ChartRange, Message};
use tickertape::sanitize::SafeText;
use tickertape::ui::theme::Theme;

fn frames(c: &mut Criterion) {
    for (width, height) in [(120, 40), (250, 70)] {
        let app = support::app_at(width, height);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        c.bench_function(&format!("frame/full_{width}x{height}"), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| tickertape::ui::draw(&app, &Theme::colour(), frame))
                    .unwrap();
            });
        });
    }
    detail_frame(c);
    let mut app = support::app_at(120, 40);
    let now = app.now();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("tape/step_and_frame_120x40", |b| {
        b.iter(|| {
            update(&mut app, Message::TapeStep, now);
            terminal
                .draw(|frame| tickertape::ui::draw(&app, &Theme::colour(), frame))
                .unwrap();
        });
    });
}

/// The detail panel over five years of weekly bars: the points are made once when the series
/// arrives, so a frame only draws them.
fn detail_frame(c: &mut Criterion) {
    let mut app = support::app_at(120, 40);
    let now = app.now();
    let body = include_bytes!("../tests/fixtures/yahoo/ranges/ftse_5y.json");
    let quote =
        tickertape::sources::yahoo::parse_chart(body, "^FTSE", now).expect("the 5Y fixture parses");
    let arrived = Message::ChartArrived {
        symbol: "^FTSE".to_owned(),
        range: ChartRange::FiveYears,
        quote: Box::new(quote),
        fetched_at: now,
    };
    for message in [
        Message::ToggleTapeFocus,
        Message::ToggleDetail,
        Message::ChooseRange(ChartRange::FiveYears),
        arrived,
    ] {
        update(&mut app, message, now);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame/detail_5y_120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| tickertape::ui::draw(&app, &Theme::colour(), frame))
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
