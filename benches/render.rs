//! Figures for drawing: one full frame at 120x40 and 250x70, the detail panel with a 5Y chart,
//! one tape step (update + frame, as
//! the scrolling tape costs every 200 ms) drawn whole and as the runtime draws it (the tape row
//! alone, the clock moving 200 ms a step), each also with an alert rule on every instrument,
//! which must cost nothing more (alerts move on quotes, not steps); and the sanitiser on 1 MB of
//! hostile text.
//! `cargo bench --bench render`.

#[path = "support/app.rs"]
mod support;

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::SignedDuration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tickertape::app::update::update;
use tickertape::config::Config;
use tickertape::message::{ChartRange, Message, Step};
use tickertape::runtime::{Shown, draw_frame};
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
    let plain = support::app_at(120, 40);
    let mut alerted = support::app_at(120, 40);
    let now = alerted.now();
    update(
        &mut alerted,
        Message::ConfigReloaded(Box::new(alert_per_instrument())),
        now,
    );
    // A key dismisses the reload's notice, so both frames show the same footer.
    update(&mut alerted, Message::Move(Step::First), now);
    assert!(alerted.notice().is_none() && alerted.alerts().rules().len() == 15);
    for (name, mut app) in [("", plain), ("_alert_per_instrument", alerted)] {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        c.bench_function(&format!("tape/step_and_frame_120x40{name}"), |b| {
            b.iter(|| {
                update(&mut app, Message::TapeStep, now);
                terminal
                    .draw(|frame| tickertape::ui::draw(&app, &Theme::colour(), frame))
                    .unwrap();
            });
        });
        let mut at = now;
        let mut shown = Shown::default();
        let theme = Theme::colour();
        draw_frame(&mut terminal, &app, &theme, &mut shown, false).unwrap();
        c.bench_function(&format!("tape/step_redrawn_120x40{name}"), |b| {
            b.iter(|| {
                at += SignedDuration::from_millis(200);
                update(&mut app, Message::TapeStep, at);
                draw_frame(&mut terminal, &app, &theme, &mut shown, true).unwrap();
            });
        });
    }
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

/// The default watchlist with one alert rule on each instrument, 1 % above its price.
fn alert_per_instrument() -> Config {
    let app = support::app_at(120, 40);
    let mut text = String::new();
    for instrument in app.instruments() {
        let price = app
            .quotes()
            .get(&instrument.symbol)
            .map_or(1.0, |q| q.price);
        let level = (price * 1.01 * 100.0).round() / 100.0;
        let symbol = &instrument.symbol;
        let _ = writeln!(
            text,
            "[[alerts.rules]]\nsymbol = {symbol:?}\nabove = {level}"
        );
    }
    tickertape::config::parse(&text, std::path::Path::new("bench.toml")).expect("valid rules")
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
