//! The soak: the real quote and feed pollers against a real HTTP server on 127.0.0.1 for
//! thousands of refresh cycles, through the faults providers really produce (the server going
//! away and coming back, 429 storms, malformed bodies), with every message applied to a real
//! app and every save to a real cache in a temporary directory.
//!
//! The clock is explicit, as the pollers' own task would pass it: each cycle jumps to the time
//! the next poll is due, so weeks of polling take seconds and backoffs are never slept.
//!
//! - `cargo test --test soak`: the short form, 1,000 cycles (part of the normal test run).
//! - `cargo test --release --test soak -- --ignored --nocapture`: the full 10,000.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tickertape::app::data_state::Origin;
use tickertape::app::quotes::QuoteBoard;
use tickertape::app::update::update;
use tickertape::app::{App, Mode, Settings, Startup};
use tickertape::cache::Cache;
use tickertape::config::Feed;
use tickertape::domain::{Instrument, Provider};
use tickertape::market::Market;
use tickertape::message::{Command, Message, SourceId};
use tickertape::sanitize::SafeText;
use tickertape::sources::feed_poller::FeedPoller;
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tickertape::ui;
use tickertape::ui::theme::Theme;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

const QUOTE_REFRESH: Duration = Duration::from_secs(15);
const FEED_REFRESH: Duration = Duration::from_mins(1);
const MAX_HEADLINES: usize = 60;
/// The longest any poll may wait once the server is back: the backoff caps of
/// `schedule::Policy` (5 min after failures, 15 min after rate limits) plus the poller's 2 s
/// gathering of nearly-due instruments. Recovery is at the first attempt after the return.
const FAILURE_CAP: Duration = Duration::from_secs(5 * 60 + 2);
const RATE_LIMIT_CAP: Duration = Duration::from_secs(15 * 60 + 2);
/// The issue's budget for memory growth after warm-up.
const MAX_RSS_GROWTH_KB: u64 = 1024;

/// Soaks share one process's memory figures, so they never run side by side.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn soak_short() {
    soak(1_000).await;
}

#[tokio::test]
#[ignore = "the full 10,000-cycle soak; run with --release -- --ignored"]
async fn soak_full() {
    soak(10_000).await;
}

/// What the server does this phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Normal,
    /// Not listening at all: connections are refused.
    Down,
    /// Every request answered 429, with or without `Retry-After`.
    Storm,
    /// 200s and 5xxs whose bodies are not what was asked for.
    Malformed,
}

/// The soak repeats these stretches, in cycles. A normal stretch lasts until the app has
/// recovered from the fault before it, however long that takes (the check that it takes no
/// longer than the backoff caps is separate), so every fault starts from live data.
const SCHEDULE: [(Phase, usize); 6] = [
    (Phase::Normal, 100),
    (Phase::Down, 25),
    (Phase::Normal, 20),
    (Phase::Storm, 20),
    (Phase::Normal, 20),
    (Phase::Malformed, 15),
];

const YAHOO_SYMBOLS: [(&str, &str, f64); 6] = [
    ("^FTSE", "FTSE 100", 8164.12),
    ("^FTMC", "FTSE 250", 20286.03),
    ("GBPUSD=X", "GBP/USD", 1.2648),
    ("^GSPC", "S&P 500", 5460.48),
    ("BZ=F", "Brent", 85.0),
    ("BTC-USD", "Bitcoin USD", 61000.0),
];

fn instruments() -> Vec<Instrument> {
    let mut all: Vec<Instrument> = YAHOO_SYMBOLS
        .iter()
        .map(|(symbol, name, _)| Instrument {
            symbol: (*symbol).to_owned(),
            name: SafeText::new(name),
            market: Market::for_symbol(symbol),
            provider: Provider::Yahoo,
            aliases: vec![(*name).to_owned()],
        })
        .collect();
    all.push(Instrument {
        symbol: "BTC-GBP".to_owned(),
        name: SafeText::new("Bitcoin"),
        market: Market::for_symbol("BTC-GBP"),
        provider: Provider::CoinGecko {
            id: "bitcoin".to_owned(),
            vs: "gbp".to_owned(),
        },
        aliases: vec!["bitcoin".to_owned()],
    });
    all
}

/// The server's state, shared with every connection: the phase and how many answers it gave,
/// from which each answer's prices and stories follow.
struct Shared {
    phase: AtomicU8,
    answers: AtomicU64,
    /// Wall seconds at the start of the soak; quote times count up from here.
    start_secs: i64,
}

impl Shared {
    fn phase(&self) -> Phase {
        match self.phase.load(Ordering::SeqCst) {
            1 => Phase::Down,
            2 => Phase::Storm,
            3 => Phase::Malformed,
            _ => Phase::Normal,
        }
    }

    fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::SeqCst);
    }
}

/// A keep-alive HTTP/1.1 server that can go away (every socket closed, the port free) and come
/// back on the same port.
struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    async fn start(shared: Arc<Shared>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("a bound address");
        let accept = Some(tokio::spawn(accept(listener, Arc::clone(&shared))));
        Self {
            addr,
            shared,
            accept,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn stop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
            // Dropping the accept task drops its connections: every socket is closed.
            let _ = accept.await;
        }
    }

    async fn resume(&mut self) {
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("the same port again");
        self.accept = Some(tokio::spawn(accept(listener, Arc::clone(&self.shared))));
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next() => {}
        }
    }
}

async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut pending = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&pending[..end]).into_owned();
        pending.drain(..end + 4);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let response = respond(&target, &shared);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn respond(target: &str, shared: &Shared) -> Vec<u8> {
    let n = shared.answers.fetch_add(1, Ordering::SeqCst);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (status, kind, body, extra) = match shared.phase() {
        Phase::Normal | Phase::Down => normal(path, query, n, shared.start_secs),
        Phase::Storm => {
            let retry = if n.is_multiple_of(2) {
                "Retry-After: 30\r\n"
            } else {
                ""
            };
            (429, "text/plain", b"Too Many Requests".to_vec(), retry)
        }
        Phase::Malformed => malformed(path, n),
    };
    let mut response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    response
}

type Answer = (u16, &'static str, Vec<u8>, &'static str);

fn normal(path: &str, query: &str, n: u64, start_secs: i64) -> Answer {
    let walk = f64::from(u32::try_from(n % 97).unwrap_or(0)) / 10_000.0;
    let time = start_secs + i64::try_from(n).unwrap_or(0);
    if let Some(encoded) = path.strip_prefix("/v8/finance/chart/") {
        let symbol = percent_decode(encoded);
        let Some((_, _, base)) = YAHOO_SYMBOLS.iter().find(|(s, _, _)| *s == symbol) else {
            return (404, "application/json", b"{}".to_vec(), "");
        };
        let price = (base * (1.0 + walk) * 100.0).round() / 100.0;
        let body = serde_json::json!({"chart": {"result": [{
            "meta": {
                "currency": "GBP", "symbol": symbol, "exchangeName": "LOC",
                "regularMarketTime": time, "gmtoffset": 0, "timezone": "UTC",
                "exchangeTimezoneName": "UTC", "regularMarketPrice": price,
                "chartPreviousClose": base, "priceHint": 2,
                "currentTradingPeriod": {
                    "pre": {"timezone": "UTC", "start": 0, "end": 0, "gmtoffset": 0},
                    "regular": {"timezone": "UTC", "start": start_secs - 86_400,
                                "end": start_secs + 400 * 86_400, "gmtoffset": 0},
                    "post": {"timezone": "UTC", "start": 0, "end": 0, "gmtoffset": 0}
                }
            },
            "timestamp": [time - 600, time - 300, time],
            "indicators": {"quote": [{"close": [base, null, price]}]}
        }], "error": null}});
        return (200, "application/json", body.to_string().into_bytes(), "");
    }
    if path == "/v8/finance/spark" {
        let asked = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("symbols="))
            .unwrap_or_default();
        let mut body = serde_json::Map::new();
        for symbol in asked.split(',').map(percent_decode) {
            let Some((_, _, base)) = YAHOO_SYMBOLS.iter().find(|(s, _, _)| *s == symbol) else {
                continue;
            };
            let price = (base * (1.0 + walk) * 100.0).round() / 100.0;
            let entry = serde_json::json!({
                "symbol": symbol, "timestamp": [time - 600, time - 300, time],
                "close": [base, null, price], "chartPreviousClose": base, "dataGranularity": 300
            });
            body.insert(symbol, entry);
        }
        let body = serde_json::Value::Object(body).to_string().into_bytes();
        return (200, "application/json", body, "");
    }
    if path == "/api/v3/simple/price" && query.contains("ids=bitcoin") {
        let price = (47_916.38 * (1.0 + walk) * 100.0).round() / 100.0;
        let body = format!(
            r#"{{"bitcoin":{{"gbp":{price},"gbp_24h_change":1.2,"last_updated_at":{time}}}}}"#
        );
        return (200, "application/json", body.into_bytes(), "");
    }
    if path == "/feed.xml" {
        return (200, "application/rss+xml", feed(n, time).into_bytes(), "");
    }
    (404, "text/plain", b"not found".to_vec(), "")
}

/// Ten stories, one newer each time the feed is asked, so the list keeps turning over.
fn feed(n: u64, time: i64) -> String {
    let date = Timestamp::from_second(time)
        .expect("a time in range")
        .strftime("%a, %d %b %Y %H:%M:%S GMT");
    let mut items = String::new();
    for i in n..n + 10 {
        let about = ["FTSE 100", "Brent", "Bitcoin", "GBP/USD", "markets"][(i % 5) as usize];
        let _ = write!(
            items,
            "<item><title>{about} story {i}</title><link>http://127.0.0.1/a/{i}</link>\
             <guid>story-{i}</guid><pubDate>{date}</pubDate>\
             <description>Summary of story {i}.</description></item>"
        );
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title>\
         <link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    )
}

/// The bodies a provider sends when something upstream is broken; none of them is a quote or
/// a story, so nothing good may be replaced by them.
fn malformed(path: &str, n: u64) -> Answer {
    let is_feed = path == "/feed.xml";
    match n % 6 {
        0 if is_feed => (
            200,
            "application/rss+xml",
            b"<rss><channel><item><ti".to_vec(),
            "",
        ),
        0 => (
            200,
            "application/json",
            br#"{"chart":{"result":[{"meta":{"currency":"GBP","symbol":"#.to_vec(),
            "",
        ),
        1 => (
            200,
            "text/html",
            b"<html><body>Will be right back</body></html>".to_vec(),
            "",
        ),
        2 => (200, "application/json", Vec::new(), ""),
        3 => (
            200,
            "application/json",
            br#"{"chart":{"result":[],"error":null}}"#.to_vec(),
            "",
        ),
        4 => (
            503,
            "text/html",
            b"<h1>Service Unavailable</h1>".to_vec(),
            "",
        ),
        _ => (
            200,
            "application/json",
            vec![0xff, 0xfe, 0x00, 0x1b, b'['],
            "",
        ),
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The process's resident set, in kB.
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .expect("a VmRSS line")
}

fn prices(app: &App) -> BTreeMap<String, f64> {
    app.quotes()
        .all()
        .map(|quote| (quote.symbol.clone(), quote.price))
        .collect()
}

fn headline_ids(app: &App) -> HashSet<String> {
    app.headlines()
        .visible()
        .iter()
        .map(|h| h.id.clone())
        .collect()
}

/// Fresh means every instrument's last quote came in at or after `since`, and no source is
/// failing.
fn is_all_live_since(app: &App, since: Timestamp) -> bool {
    app.health().failures().next().is_none()
        && app.quotes().failures().next().is_none()
        && app.instruments().iter().all(|i| {
            app.quotes()
                .received(&i.symbol)
                .is_some_and(|at| at >= since)
        })
}

/// What was good when a fault began, to check none of it is lost while it lasts.
struct Before {
    phase: Phase,
    prices: BTreeMap<String, f64>,
    headlines: HashSet<String>,
    /// The simulated time of the last faulty round: the server is back right after it.
    last_fault_round: Timestamp,
    rounds: usize,
}

/// Once the server is back, no attempt fails: every poll waiting out the fault succeeds at
/// its first try (no stale pooled connection, no lingering rate-limit state).
fn assert_first_attempt_succeeds(cycle: usize, fault: Option<&Before>, message: &Message) {
    let Some(fault) = fault else { return };
    let failure = match message {
        Message::QuotesArrived { failed, .. } => failed.first().map(|f| format!("{f:?}")),
        Message::SourceFailed {
            source, failure, ..
        } => Some(format!("{source:?}: {failure:?}")),
        _ => None,
    };
    assert!(
        failure.is_none(),
        "cycle {cycle}: an attempt failed after the server was back from {:?}: {failure:?}",
        fault.phase
    );
}

/// One recovery, for the report.
struct Recovery {
    phase: Phase,
    after: Duration,
}

#[expect(clippy::too_many_lines, reason = "one scenario, read top to bottom")]
#[expect(clippy::print_stdout, reason = "the soak's figures are its report")]
async fn soak(cycles: usize) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let wall_start: Timestamp = "2024-06-26T10:00:00Z".parse().expect("a valid time");
    let shared = Arc::new(Shared {
        phase: AtomicU8::new(Phase::Normal as u8),
        answers: AtomicU64::new(0),
        start_secs: wall_start.as_second(),
    });
    let mut server = Server::start(Arc::clone(&shared)).await;
    let cache_dir = tempfile::tempdir().expect("a temporary directory");
    let cache = Cache::new(cache_dir.path().to_path_buf());
    let client = tickertape::sources::client().expect("the HTTP client");
    let epoch = Instant::now();
    let mut quotes = QuotePoller::new(
        client.clone(),
        Endpoints {
            yahoo: vec![server.base()],
            coingecko: server.base(),
        },
        instruments(),
        QUOTE_REFRESH,
        epoch,
    );
    let feeds = vec![Feed {
        name: SafeText::new("Local"),
        url: format!("{}/feed.xml", server.base()),
        short: None,
    }];
    let mut news = FeedPoller::new(
        client,
        feeds.clone(),
        FEED_REFRESH,
        Some(cache.clone()),
        epoch,
    );
    let settings = Settings {
        instruments: instruments(),
        groups: Vec::new(),
        feeds,
        quote_refresh: QUOTE_REFRESH,
        max_headlines: MAX_HEADLINES,
        tape_speed_cols_per_sec: 8,
        portfolio: tickertape::config::Config::default().portfolio,
        mode: Mode::Live,
        tz: TimeZone::UTC,
        keys: tickertape::keymap::KeyMap::default(),
        appearance: tickertape::config::Appearance::default(),
        alerts: tickertape::config::AlertsConfig::default(),
    };
    let startup = Startup {
        quotes: QuoteBoard::new(
            Vec::new(),
            Origin::Snapshot {
                taken_at: wall_start,
            },
        ),
        headlines: Vec::new(),
        read: HashSet::new(),
        samples: HashMap::new(),
        cache_failure: None,
        fired_alerts: Vec::new(),
    };
    let mut app = App::new(settings, startup, wall_start);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    update(
        &mut app,
        Message::Resized(ui::viewport(Rect::new(0, 0, 120, 40))),
        wall_start,
    );

    let warm_up = cycles / 5;
    let mut rss_after_warm_up = 0;
    let mut rss_peak = 0;
    let mut before: Option<Before> = None;
    let mut awaiting_recovery: Option<Before> = None;
    let mut recoveries: Vec<Recovery> = Vec::new();
    let mut wall = wall_start;
    let mut saves = 0;
    let mut faults = 0;
    let (mut step, mut cycles_left) = (0, SCHEDULE[0].1);
    for cycle in 0..cycles {
        if cycles_left == 0 && (awaiting_recovery.is_none() || step % 2 == 1) {
            step = (step + 1) % SCHEDULE.len();
            cycles_left = SCHEDULE[step].1;
        }
        cycles_left = cycles_left.saturating_sub(1);
        let phase = SCHEDULE[step].0;
        if phase != shared.phase() {
            match (shared.phase(), phase) {
                (_, Phase::Down) => server.stop().await,
                (Phase::Down, _) => server.resume().await,
                _ => {}
            }
            if phase == Phase::Normal {
                awaiting_recovery = before.take();
                faults += 1;
            } else {
                before = Some(Before {
                    phase,
                    prices: prices(&app),
                    headlines: headline_ids(&app),
                    last_fault_round: wall,
                    rounds: 0,
                });
            }
            shared.set_phase(phase);
        }

        // One refresh cycle: jump to the next quote round, running any feed round due first.
        let due = quotes.next_due().expect("instruments to poll");
        while let Some(feed_due) = news.next_due().filter(|at| *at <= due) {
            wall = wall_start + SignedDuration::try_from(feed_due - epoch).expect("in range");
            for message in news.round(feed_due, wall).await {
                assert_first_attempt_succeeds(cycle, awaiting_recovery.as_ref(), &message);
                update(&mut app, message, wall);
            }
        }
        wall = wall_start + SignedDuration::try_from(due - epoch).expect("in range");
        for message in quotes.round(due, wall).await {
            assert_first_attempt_succeeds(cycle, awaiting_recovery.as_ref(), &message);
            for command in update(&mut app, message, wall) {
                if let Command::SaveQuotes { quotes, saved_at } = command {
                    cache
                        .save_quotes(&quotes, saved_at)
                        .expect("the cache takes quotes");
                    saves += 1;
                }
            }
        }
        if cycle % 10 == 0 {
            terminal
                .draw(|frame| ui::draw(&app, &Theme::colour(), frame))
                .expect("a test terminal draws");
        }

        // Nothing good is lost while a fault lasts, on screen or on disk.
        if let Some(before) = before.as_mut() {
            before.last_fault_round = wall;
            for (symbol, price) in &before.prices {
                assert_eq!(
                    app.quotes().get(symbol).map(|q| q.price),
                    Some(*price),
                    "cycle {cycle} ({:?}): {symbol} lost its last good price",
                    before.phase
                );
            }
            let shown = headline_ids(&app);
            let missing: Vec<_> = before.headlines.difference(&shown).collect();
            assert!(
                missing.is_empty(),
                "cycle {cycle} ({:?}): headlines lost: {missing:?}",
                before.phase
            );
            before.rounds += 1;
            if before.phase == Phase::Down && before.rounds > 2 {
                assert!(
                    app.health()
                        .failures()
                        .any(|(s, _, _)| s == SourceId::Yahoo),
                    "cycle {cycle}: the server is gone but Yahoo is not shown failing"
                );
            }
        }
        if let Some(fault) = awaiting_recovery.as_ref() {
            let after = Duration::try_from(wall.duration_since(fault.last_fault_round))
                .expect("the clock only moves forward");
            let cap = if fault.phase == Phase::Storm {
                RATE_LIMIT_CAP
            } else {
                FAILURE_CAP
            };
            assert!(
                after <= cap || is_all_live_since(&app, fault.last_fault_round),
                "cycle {cycle}: not recovered from {:?} {after:?} after the server was back: \
                 failing {:?}, symbols failing {:?}, received {:?}",
                fault.phase,
                app.health().failures().collect::<Vec<_>>(),
                app.quotes().failures().collect::<Vec<_>>(),
                app.instruments()
                    .iter()
                    .map(|i| (i.symbol.as_str(), app.quotes().received(&i.symbol)))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(fault) = awaiting_recovery.as_ref()
            && is_all_live_since(&app, fault.last_fault_round)
        {
            let after = Duration::try_from(wall.duration_since(fault.last_fault_round))
                .expect("the clock only moves forward");
            let on_disk: BTreeMap<String, f64> = cache
                .load_quotes()
                .expect("a readable cache")
                .expect("quotes in the cache")
                .quotes
                .iter()
                .map(|q| (q.symbol.clone(), q.price))
                .collect();
            assert_eq!(on_disk, prices(&app), "cycle {cycle}: the cache is behind");
            recoveries.push(Recovery {
                phase: fault.phase,
                after,
            });
            awaiting_recovery = None;
        }

        // The selected story is kept even when it is the oldest.
        assert!(
            app.headlines().len() <= MAX_HEADLINES + 1,
            "cycle {cycle}: {} headlines kept",
            app.headlines().len()
        );
        let rss = rss_kb();
        if cycle == warm_up {
            rss_after_warm_up = rss;
        } else if cycle > warm_up {
            rss_peak = rss_peak.max(rss);
        }
    }
    server.stop().await;

    let growth = rss_peak.saturating_sub(rss_after_warm_up);
    let slowest: BTreeMap<String, Duration> =
        recoveries.iter().fold(BTreeMap::new(), |mut worst, r| {
            let entry = worst.entry(format!("{:?}", r.phase)).or_default();
            *entry = (*entry).max(r.after);
            worst
        });
    println!(
        "soak: {cycles} cycles, {} simulated, {} answers served, {saves} cache saves, \
         {} recoveries (slowest: {slowest:?}), RSS {rss_after_warm_up} kB after warm-up, \
         peak {rss_peak} kB (+{growth} kB)",
        wall.duration_since(wall_start),
        shared.answers.load(Ordering::SeqCst),
        recoveries.len(),
    );
    let unfinished = usize::from(awaiting_recovery.is_some());
    assert_eq!(
        recoveries.len() + unfinished,
        faults,
        "every fault was recovered from"
    );
    assert!(
        faults >= cycles / 200,
        "only {faults} faults in {cycles} cycles"
    );
    assert!(!app.headlines().is_empty(), "stories survived the soak");
    assert!(
        growth <= MAX_RSS_GROWTH_KB,
        "memory grew {growth} kB after warm-up"
    );
}
