//! Figures for live quotes: parsing a chart response, one refresh of the default watchlist
//! against a local server (time, requests and CPU per refresh), and the time from a response
//! arriving to the updated frame. `cargo bench --bench quotes`.
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark: a broken setup should stop it loudly, and its counts are printed"
)]

use std::time::Duration;

#[path = "support/app.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tickertape::app::update::update;
use tickertape::config::Config;
use tickertape::message::{Message, SourceId};
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tickertape::sources::{client, yahoo};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Refreshes counted for the requests and CPU figures.
const ROUNDS: u32 = 500;
const CHART: &[u8] = include_bytes!("../tests/fixtures/yahoo/chart_ftse.json");

fn parse(c: &mut Criterion) {
    let now = Timestamp::now();
    c.bench_function("yahoo/parse_chart", |b| {
        b.iter(|| yahoo::parse_chart(std::hint::black_box(CHART), "^FTSE", now));
    });
}

/// CPU time this process has used, from /proc (Linux), so the figure is CPU, not wall time.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, which is 100 on every mainstream configuration.
    Some(Duration::from_millis(ticks * 10))
}

fn refresh(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("^/v8/finance/chart/"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(CHART))
            .mount(&server)
            .await;
        server
    });
    let instruments = Config::default().quotes.instruments;
    let endpoints = || Endpoints {
        yahoo: vec![server.uri()],
        coingecko: server.uri(),
    };
    let http = client().unwrap();
    let mut poller = QuotePoller::new(
        http.clone(),
        endpoints(),
        instruments.clone(),
        Duration::from_secs(15),
        tokio::time::Instant::now(),
    );
    let mut round = || {
        runtime.block_on(async {
            let now = tokio::time::Instant::now();
            poller.refresh_all(now);
            poller.round(now, Timestamp::now()).await
        })
    };
    // Counted outside criterion so its own analysis is not in the CPU figure.
    let cpu_before = cpu_time();
    for _ in 0..ROUNDS {
        round();
    }
    let cpu_after = cpu_time();
    let requests = runtime
        .block_on(server.received_requests())
        .map_or(0, |r| r.len());
    println!(
        "refresh: {:.1} requests per refresh",
        f64::from(u32::try_from(requests).unwrap()) / f64::from(ROUNDS)
    );
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        // Includes the in-process mock server's share: an upper bound for the client alone.
        println!(
            "refresh: {} µs CPU per refresh (client and local server together)",
            after.saturating_sub(before).as_micros() / u128::from(ROUNDS)
        );
    }
    c.bench_function("refresh/default_watchlist_round", |b| b.iter(&mut round));
}

fn response_to_frame(c: &mut Criterion) {
    let mut app = support::app_at(120, 40);
    let now = app.now();
    let quotes = tickertape::bundled::snapshot().unwrap().quotes;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame/response_to_updated_frame_120x40", |b| {
        b.iter(|| {
            let message = Message::QuotesArrived {
                source: SourceId::Yahoo,
                quotes: quotes.clone(),
                failed: Vec::new(),
                fetched_at: now,
            };
            update(&mut app, message, now);
            let theme = tickertape::ui::theme::Theme::colour();
            terminal
                .draw(|frame| tickertape::ui::draw(&app, &theme, frame))
                .unwrap();
        });
    });
}

criterion_group!(benches, parse, refresh, response_to_frame);
criterion_main!(benches);
