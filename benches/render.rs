//! Figures for drawing: one full frame at 120x40 and 250x70, one tape step (update + frame, as
//! the scrolling tape costs every 200 ms) drawn whole and as the runtime draws it (the tape row
//! alone, the clock moving 200 ms a step), and the sanitiser on 1 MB of hostile text.
//! `cargo bench --bench render`.

#[path = "support/app.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::SignedDuration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tickertape::app::update::update;
use tickertape::message::Message;
use tickertape::runtime::draw_frame;
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
    let mut app = support::app_at(120, 40);
    let mut now = app.now();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut last = Buffer::empty(Rect::default());
    let theme = Theme::colour();
    draw_frame(&mut terminal, &app, &theme, &mut last, false).unwrap();
    c.bench_function("tape/step_redrawn_120x40", |b| {
        b.iter(|| {
            now += SignedDuration::from_millis(200);
            update(&mut app, Message::TapeStep, now);
            draw_frame(&mut terminal, &app, &theme, &mut last, true).unwrap();
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
