//! The quote poller against a real HTTP server on 127.0.0.1 (wiremock), serving the shapes Yahoo
//! and CoinGecko really send: what one round asks for, what it makes of each kind of answer, how
//! it paces the next rounds, and what the screen shows when the round reaches the app.
//!
//! Time is never slept through: each round gets an explicit `now`, as the poller's task would
//! pass it, so "60 s later" costs nothing.

#![expect(
    clippy::float_cmp,
    reason = "a price parsed from a fixture must be exactly the number written there"
)]

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tickertape::app::{Mode, Settings};
use tickertape::config::Config;
use tickertape::domain::{Instrument, Provider, Quote};
use tickertape::market::Market;
use tickertape::message::{Failure, Message, SourceId, SymbolFailure};
use tickertape::sanitize::SafeText;
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tickertape::ui::theme::Theme;
use tokio::time::Instant;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    BTC_GBP, BTC_GBP_PATH, COINGECKO_PATH, FTSE, FTSE_PATH, GBPUSD, GBPUSD_PATH, SPARK, asked_for,
    chart, closed_port, hits, json, screen_rows, serve_bitcoin, serve_chart, server_answering,
    spark,
};

const UNKNOWN_SYMBOL: &[u8] = include_bytes!("../fixtures/yahoo/chart_unknown_symbol.json");
const TRUNCATED: &[u8] = include_bytes!("../fixtures/yahoo/chart_truncated.json");
pub(crate) const OUTAGE_PAGE: &[u8] = include_bytes!("../fixtures/yahoo/outage.html");

const REFRESH: Duration = Duration::from_secs(15);

/// Friday 28 Jun 2024, 11:00 in London: London, FX and crypto all trading.
pub(crate) fn friday_morning() -> Timestamp {
    "2024-06-28T10:00:00Z".parse().expect("a valid time")
}

/// Saturday 29 Jun 2024, noon: London shut, crypto trading.
fn saturday_noon() -> Timestamp {
    "2024-06-29T12:00:00Z".parse().expect("a valid time")
}

pub(crate) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub(crate) fn at(unix_secs: i64) -> Timestamp {
    Timestamp::from_second(unix_secs).expect("a time in range")
}

fn yahoo(symbol: &str, name: &str) -> Instrument {
    Instrument {
        symbol: symbol.to_owned(),
        name: SafeText::new(name),
        market: Market::for_symbol(symbol),
        provider: Provider::Yahoo,
        aliases: Vec::new(),
    }
}

pub(crate) fn the_three() -> Vec<Instrument> {
    vec![
        yahoo("^FTSE", "FTSE 100"),
        yahoo("GBPUSD=X", "GBP/USD"),
        yahoo("BTC-GBP", "Bitcoin GBP"),
    ]
}

pub(crate) fn html(status: u16, body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_vec(), "text/html; charset=utf-8")
}

/// Serves the three Yahoo fixtures at their encoded paths, and spark's prices for them.
pub(crate) async fn serve_charts(server: &MockServer) {
    for (encoded, body) in [
        (FTSE_PATH, FTSE),
        (GBPUSD_PATH, GBPUSD),
        (BTC_GBP_PATH, BTC_GBP),
    ] {
        serve_chart(server, encoded, json(body)).await;
    }
    spark().respond_with(json(SPARK)).mount(server).await;
}

fn poller_with(
    client: reqwest::Client,
    yahoo_hosts: Vec<String>,
    coingecko: String,
    instruments: Vec<Instrument>,
    now: Instant,
) -> QuotePoller {
    let endpoints = Endpoints {
        yahoo: yahoo_hosts,
        coingecko,
    };
    QuotePoller::new(client, endpoints, instruments, REFRESH, now)
}

/// A poller whose every provider is `server`, with the production client.
pub(crate) fn poller(
    server: &MockServer,
    instruments: Vec<Instrument>,
    now: Instant,
) -> QuotePoller {
    let client = tickertape::sources::client().expect("the HTTP client");
    poller_with(client, vec![server.uri()], server.uri(), instruments, now)
}

/// The one `QuotesArrived` a round must produce, unpacked.
pub(crate) struct Round {
    pub(crate) source: SourceId,
    pub(crate) quotes: BTreeMap<String, Quote>,
    pub(crate) failed: BTreeMap<String, Failure>,
    pub(crate) fetched_at: Timestamp,
}

pub(crate) fn single(messages: Vec<Message>) -> Round {
    let [message] = <[Message; 1]>::try_from(messages)
        .unwrap_or_else(|messages| panic!("expected one message, got {messages:#?}"));
    let Message::QuotesArrived {
        source,
        quotes,
        failed,
        fetched_at,
    } = message
    else {
        panic!("expected QuotesArrived, got {message:#?}");
    };
    let count = (quotes.len(), failed.len());
    let round = Round {
        source,
        quotes: quotes.into_iter().map(|q| (q.symbol.clone(), q)).collect(),
        failed: failed
            .into_iter()
            .map(|SymbolFailure { symbol, failure }| (symbol, failure))
            .collect(),
        fetched_at,
    };
    assert_eq!(
        (round.quotes.len(), round.failed.len()),
        count,
        "a symbol appears twice in one round"
    );
    round
}

pub(crate) async fn total_hits(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .len()
}

pub(crate) fn symbols<T>(map: &BTreeMap<String, T>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

fn bad_response(detail: &str) -> Failure {
    Failure::BadResponse {
        detail: SafeText::new(detail),
    }
}

/// One round of the three fixtures on a trading Friday: the message, and the server (kept alive
/// so its request log can be read).
async fn normal_round() -> (Message, MockServer) {
    let server = MockServer::start().await;
    serve_charts(&server).await;
    let now = Instant::now();
    let mut poller = poller(&server, the_three(), now);
    let mut messages = poller.round(now, friday_morning()).await;
    assert_eq!(messages.len(), 1, "{messages:#?}");
    (messages.remove(0), server)
}

#[tokio::test]
async fn a_normal_round_asks_once_per_symbol_at_encoded_paths_and_keeps_gaps() {
    let (message, server) = normal_round().await;
    let round = single(vec![message]);
    assert_eq!(round.source, SourceId::Yahoo);
    assert_eq!(round.fetched_at, friday_morning());
    assert!(round.failed.is_empty(), "{:#?}", round.failed);
    assert_eq!(symbols(&round.quotes), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);

    let ftse = &round.quotes["^FTSE"];
    assert_eq!(ftse.price, 8171.35);
    assert_eq!(ftse.previous_close, Some(8179.68));
    assert_eq!(ftse.decimals, 2);
    assert_eq!(ftse.currency, Some(SafeText::new("GBP")));
    assert_eq!(ftse.time, at(1_719_560_832));
    assert_eq!(ftse.series.len(), 10);
    assert_eq!(ftse.series[0], Some(8176.21));
    assert_eq!(ftse.series[3], None, "a null close is a gap, never a zero");
    assert_eq!(ftse.series[9], None);

    let cable = &round.quotes["GBPUSD=X"];
    assert_eq!(cable.price, 1.2643);
    // With range=1d chartPreviousClose is the one to use, not previousClose (1.2648).
    assert_eq!(cable.previous_close, Some(1.2652));
    assert_eq!(cable.decimals, 4);
    assert_eq!(cable.series[2], None);
    assert_eq!(cable.series[7], Some(1.26433));

    let bitcoin = &round.quotes["BTC-GBP"];
    assert_eq!(bitcoin.price, 47_912.55);
    assert_eq!(bitcoin.previous_close, Some(47_395.12));
    assert_eq!(bitcoin.time, at(1_719_568_740));
    assert_eq!(bitcoin.series[5], None);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "one request per symbol per refresh");
    let mut paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    paths.sort_unstable();
    assert_eq!(paths, [FTSE_PATH, BTC_GBP_PATH, GBPUSD_PATH]);
    for request in &requests {
        let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(
            agent.starts_with("Mozilla/5.0 "),
            "library user agent {agent:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_symbol_fails_alone() {
    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE)).await;
    serve_chart(&server, GBPUSD_PATH, json(GBPUSD)).await;
    chart("/v8/finance/chart/NOPE%5EX")
        .respond_with(ResponseTemplate::new(404).set_body_raw(UNKNOWN_SYMBOL, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let instruments = vec![
        yahoo("^FTSE", "FTSE 100"),
        yahoo("NOPE^X", "Nope"),
        yahoo("GBPUSD=X", "GBP/USD"),
    ];
    let now = Instant::now();
    let round = single(
        poller(&server, instruments, now)
            .round(now, friday_morning())
            .await,
    );
    assert_eq!(round.source, SourceId::Yahoo);
    assert_eq!(symbols(&round.quotes), ["GBPUSD=X", "^FTSE"]);
    assert_eq!(round.quotes["^FTSE"].price, 8171.35);
    assert_eq!(round.quotes["GBPUSD=X"].price, 1.2643);
    let unknown = Failure::UnknownSymbol {
        detail: SafeText::new("No data found, symbol may be delisted"),
    };
    assert_eq!(
        round.failed,
        BTreeMap::from([("NOPE^X".to_owned(), unknown)])
    );
}

#[tokio::test]
async fn a_rate_limited_symbol_waits_as_long_as_retry_after_says() {
    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE)).await;
    let too_many = ResponseTemplate::new(429).insert_header("Retry-After", "120");
    serve_chart(&server, GBPUSD_PATH, too_many).await;
    let instruments = vec![yahoo("^FTSE", "FTSE 100"), yahoo("GBPUSD=X", "GBP/USD")];
    let t0 = Instant::now();
    let wall = friday_morning();
    let mut poller = poller(&server, instruments, t0);

    let first = single(poller.round(t0, wall).await);
    assert_eq!(symbols(&first.quotes), ["^FTSE"]);
    let limited = Failure::RateLimited {
        retry_after_secs: Some(120),
    };
    assert_eq!(
        first.failed,
        BTreeMap::from([("GBPUSD=X".to_owned(), limited)])
    );

    // (seconds after the first round, FTSE requests so far, GBPUSD requests so far). FTSE's
    // next due is counted from each round's `now`: fetched at +60, not due again at +65.
    let expected = [(20, 2, 1), (60, 3, 1), (65, 3, 1), (140, 4, 2)];
    for (after, ftse, cable) in expected {
        poller.round(t0 + secs(after), wall + secs(after)).await;
        assert_eq!(
            (
                hits(&server, FTSE_PATH).await,
                hits(&server, GBPUSD_PATH).await
            ),
            (ftse, cable),
            "requests (FTSE, GBPUSD) after the round at +{after}s: FTSE at its 15 s refresh, \
             GBPUSD only once Retry-After (120 s, +10% jitter at most) has passed"
        );
    }
}

#[tokio::test]
async fn server_errors_web_pages_and_truncated_json_are_told_apart() {
    let server = MockServer::start().await;
    let error_page = html(
        500,
        b"<html><body><h1>500 Internal Server Error</h1></body></html>",
    );
    serve_chart(&server, FTSE_PATH, error_page).await;
    serve_chart(&server, GBPUSD_PATH, html(200, OUTAGE_PAGE)).await;
    serve_chart(&server, BTC_GBP_PATH, json(TRUNCATED)).await;
    let now = Instant::now();
    let round = single(
        poller(&server, the_three(), now)
            .round(now, friday_morning())
            .await,
    );
    assert!(round.quotes.is_empty(), "{:#?}", round.quotes);
    assert_eq!(
        round.failed,
        BTreeMap::from([
            ("^FTSE".to_owned(), Failure::Server { status: 500 }),
            (
                "GBPUSD=X".to_owned(),
                bad_response("answered with a web page, not data")
            ),
            (
                "BTC-GBP".to_owned(),
                bad_response("unexpected response: truncated or malformed JSON")
            ),
        ])
    );
}

#[tokio::test]
async fn a_stalled_server_times_out_without_holding_the_round() {
    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE).set_delay(secs(3))).await;
    let client = tickertape::sources::client_with_timeout(Duration::from_millis(500)).unwrap();
    let now = Instant::now();
    let mut poller = poller_with(
        client,
        vec![server.uri()],
        server.uri(),
        vec![yahoo("^FTSE", "FTSE 100")],
        now,
    );
    // The answer would come after 3 s: a timeout, not a quote, shows the round did not wait.
    let round = single(poller.round(now, friday_morning()).await);
    assert!(round.quotes.is_empty());
    assert_eq!(
        round.failed,
        BTreeMap::from([("^FTSE".to_owned(), Failure::Timeout)])
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server = MockServer::start().await;
    let mut huge = br#"{"chart":{"result":["#.to_vec();
    huge.resize(3 * 1024 * 1024, b' ');
    serve_chart(&server, FTSE_PATH, json(&huge)).await;
    let now = Instant::now();
    let instruments = vec![yahoo("^FTSE", "FTSE 100")];
    let round = single(
        poller(&server, instruments, now)
            .round(now, friday_morning())
            .await,
    );
    assert!(round.quotes.is_empty());
    assert_eq!(
        round.failed,
        BTreeMap::from([(
            "^FTSE".to_owned(),
            bad_response("response larger than 2097152 bytes")
        )])
    );
}

/// The poller as it starts, with `primary` first and `good` second among Yahoo's hosts.
pub(crate) fn two_hosts(
    primary: String,
    good: &MockServer,
    instruments: Vec<Instrument>,
    now: Instant,
) -> QuotePoller {
    let client = tickertape::sources::client().expect("the HTTP client");
    poller_with(
        client,
        vec![primary, good.uri()],
        good.uri(),
        instruments,
        now,
    )
}

#[tokio::test]
async fn a_refused_first_host_gives_way_to_the_second_in_the_first_round_open_or_closed() {
    // Friday morning London is trading; Saturday noon it is shut and only crypto trades.
    for wall in [friday_morning(), saturday_noon()] {
        let good = MockServer::start().await;
        serve_charts(&good).await;
        let now = Instant::now();
        let mut poller = two_hosts(closed_port(), &good, the_three(), now);
        let round = single(poller.round(now, wall).await);
        assert!(round.failed.is_empty(), "at {wall}: {:#?}", round.failed);
        assert_eq!(symbols(&round.quotes), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
        assert_eq!(round.quotes["^FTSE"].price, 8171.35);
        assert_eq!(total_hits(&good).await, 3, "one request per symbol");
    }
}

#[tokio::test]
async fn a_stalled_first_host_gives_way_to_the_second_in_the_same_round() {
    let stalled = server_answering(json(FTSE).set_delay(secs(3))).await;
    let good = MockServer::start().await;
    serve_charts(&good).await;
    let client = tickertape::sources::client_with_timeout(Duration::from_millis(500)).unwrap();
    let now = Instant::now();
    let hosts = vec![stalled.uri(), good.uri()];
    let instruments = vec![yahoo("^FTSE", "FTSE 100")];
    let mut poller = poller_with(client, hosts, good.uri(), instruments, now);
    let round = single(poller.round(now, saturday_noon()).await);
    assert!(round.failed.is_empty(), "{:#?}", round.failed);
    assert_eq!(round.quotes["^FTSE"].price, 8171.35);
}

#[tokio::test]
async fn server_errors_and_outage_pages_fail_over_but_a_rate_limit_waits() {
    let primary = MockServer::start().await;
    serve_chart(&primary, FTSE_PATH, ResponseTemplate::new(503)).await;
    serve_chart(&primary, GBPUSD_PATH, html(200, OUTAGE_PAGE)).await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "120");
    serve_chart(&primary, BTC_GBP_PATH, limited).await;
    let good = MockServer::start().await;
    serve_charts(&good).await;
    let now = Instant::now();
    let mut poller = two_hosts(primary.uri(), &good, the_three(), now);
    let round = single(poller.round(now, friday_morning()).await);
    assert_eq!(symbols(&round.quotes), ["GBPUSD=X", "^FTSE"]);
    assert_eq!(
        round.failed,
        BTreeMap::from([(
            "BTC-GBP".to_owned(),
            Failure::RateLimited {
                retry_after_secs: Some(120)
            }
        )])
    );
    assert_eq!(
        hits(&good, BTC_GBP_PATH).await,
        0,
        "a 429 is not a failover"
    );
}

#[tokio::test]
async fn a_rate_limit_waits_for_the_retry_after_of_the_host_that_sent_it() {
    let limited = |secs: &str| ResponseTemplate::new(429).insert_header("Retry-After", secs);
    let rate_limited = |secs| Failure::RateLimited {
        retry_after_secs: Some(secs),
    };
    // The first host asks for two minutes: it is asked again then, and the second never.
    let first = MockServer::start().await;
    serve_chart(&first, FTSE_PATH, limited("120")).await;
    let second = MockServer::start().await;
    serve_charts(&second).await;
    let t0 = Instant::now();
    let mut poller = two_hosts(first.uri(), &second, vec![yahoo("^FTSE", "FTSE 100")], t0);
    let round = single(poller.round(t0, friday_morning()).await);
    assert_eq!(round.failed["^FTSE"], rate_limited(120));
    // Due after the wait asked for, plus at most 10% jitter.
    let due_within = |poller: &QuotePoller, wait: u64| {
        let due = poller.next_due().unwrap();
        let after = due - t0;
        assert!(
            after >= secs(wait) && after <= secs(wait * 11 / 10),
            "{after:?}"
        );
        due
    };
    let due = due_within(&poller, 120);
    single(poller.round(due, friday_morning() + (due - t0)).await);
    assert_eq!(
        (hits(&first, FTSE_PATH).await, total_hits(&second).await),
        (2, 0)
    );

    // With the first host refused, the second's own half a minute is what counts.
    let second = server_answering(limited("30")).await;
    let mut poller = two_hosts(closed_port(), &second, vec![yahoo("^FTSE", "FTSE 100")], t0);
    let round = single(poller.round(t0, friday_morning()).await);
    assert_eq!(round.failed["^FTSE"], rate_limited(30));
    due_within(&poller, 30);
}

#[tokio::test]
async fn a_host_found_down_is_skipped_then_probed_and_leads_again() {
    // The primary fails its first request and serves from then on.
    let primary = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&primary)
        .await;
    serve_charts(&primary).await;
    let good = MockServer::start().await;
    serve_charts(&good).await;
    let t0 = Instant::now();
    let instruments = vec![yahoo("^FTSE", "FTSE 100")];
    let mut poller = two_hosts(primary.uri(), &good, instruments, t0);
    // Rounds whenever the poller says, as its task runs them, for four minutes.
    let (mut now, mut log) = (t0, Vec::new());
    while now < t0 + secs(240) {
        let round = single(poller.round(now, friday_morning() + (now - t0)).await);
        // Chart's price at first and every ten minutes, spark's (a bar later) in between.
        let price = round.quotes["^FTSE"].price;
        assert!(
            [8171.35, 8160.08].contains(&price),
            "{price} at +{:?}",
            now - t0
        );
        let hits = (total_hits(&primary).await, total_hits(&good).await);
        log.push(((now - t0).as_secs(), hits));
        now = poller.next_due().unwrap();
    }
    // Found down in the first round and skipped for its two-minute cool-down...
    let probed = log.iter().position(|&(at, _)| at >= 120).unwrap();
    for (round, &(_, (primary_hits, good_hits))) in log[..probed].iter().enumerate() {
        assert_eq!((primary_hits, good_hits), (1, round + 1), "{log:?}");
    }
    // ...then probed beside a round the second host still serves...
    assert_eq!(log[probed].1, (2, probed + 1), "{log:?}");
    // ...and, having answered, asked first again.
    let after = &log[probed + 1..];
    assert!(after.len() >= 2, "{log:?}");
    for (round, &(_, (primary_hits, good_hits))) in after.iter().enumerate() {
        assert_eq!(
            (primary_hits, good_hits),
            (round + 3, probed + 1),
            "{log:?}"
        );
    }
}

#[tokio::test]
async fn closed_markets_are_polled_less() {
    let server = MockServer::start().await;
    serve_charts(&server).await;
    let instruments = vec![yahoo("^FTSE", "FTSE 100"), yahoo("BTC-GBP", "Bitcoin GBP")];
    let t0 = Instant::now();
    let wall = saturday_noon();
    let mut poller = poller(&server, instruments, t0);

    let first = single(poller.round(t0, wall).await);
    assert_eq!(symbols(&first.quotes), ["BTC-GBP", "^FTSE"]);
    assert_eq!(
        (
            hits(&server, FTSE_PATH).await,
            hits(&server, BTC_GBP_PATH).await
        ),
        (1, 1)
    );

    let second = single(poller.round(t0 + secs(20), wall + secs(20)).await);
    assert_eq!(symbols(&second.quotes), ["BTC-GBP"]);
    assert_eq!(
        (
            asked_for(&server, "^FTSE").await,
            asked_for(&server, "BTC-GBP").await
        ),
        (1, 2),
        "London is shut on Saturday: no second request within its 10-minute cadence"
    );
}

#[tokio::test]
async fn coingecko_prices_arrive_and_are_not_asked_for_more_than_once_a_minute() {
    let server = MockServer::start().await;
    serve_bitcoin(&server).await;
    let bitcoin = Instrument {
        symbol: "BTC-GBP".to_owned(),
        name: SafeText::new("Bitcoin GBP"),
        market: Market::for_symbol("BTC-GBP"),
        provider: Provider::CoinGecko {
            id: "bitcoin".to_owned(),
            vs: "gbp".to_owned(),
        },
        aliases: Vec::new(),
    };
    let t0 = Instant::now();
    let wall = friday_morning();
    let mut poller = poller(&server, vec![bitcoin], t0);

    let round = single(poller.round(t0, wall).await);
    assert_eq!(round.source, SourceId::CoinGecko);
    assert!(round.failed.is_empty(), "{:#?}", round.failed);
    assert_eq!(symbols(&round.quotes), ["BTC-GBP"]);
    let quote = &round.quotes["BTC-GBP"];
    assert_eq!(quote.price, 47_916.38);
    assert_eq!(quote.currency, Some(SafeText::new("GBP")));
    assert_eq!(quote.time, at(1_719_576_043));
    assert_eq!(hits(&server, COINGECKO_PATH).await, 1);

    let early = poller.round(t0 + secs(20), wall + secs(20)).await;
    assert!(early.is_empty(), "{early:#?}");
    assert_eq!(
        hits(&server, COINGECKO_PATH).await,
        1,
        "asked again at +20 s"
    );

    // The floor holds even with the poller's jitter: nothing before a minute has passed.
    let minute = poller.round(t0 + secs(59), wall + secs(59)).await;
    assert!(minute.is_empty(), "{minute:#?}");
    let later = single(poller.round(t0 + secs(75), wall + secs(75)).await);
    assert_eq!(symbols(&later.quotes), ["BTC-GBP"]);
    assert_eq!(
        hits(&server, COINGECKO_PATH).await,
        2,
        "not asked again at +75 s"
    );
    assert_eq!(
        total_hits(&server).await,
        2,
        "Yahoo must not be asked for it"
    );
}

fn screen(app: &tickertape::app::App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| tickertape::ui::draw(app, &Theme::colour(), frame))
        .unwrap();
    screen_rows(&terminal)
}

#[tokio::test]
async fn a_round_reaches_the_screen_and_a_failed_one_keeps_the_last_prices() {
    use tickertape::app::update::update;

    let wall = friday_morning();
    let london = TimeZone::get("Europe/London").unwrap();
    // As `run` sets it when the pollers run.
    let settings = Settings::new(&Config::default(), Mode::Live, london);
    let mut app = tickertape::initial_app(settings, None, wall).unwrap();
    let viewport = tickertape::ui::viewport(Rect::new(0, 0, 120, 40));
    update(&mut app, Message::Resized(viewport), wall);
    let before = screen(&app);
    assert!(
        before[0]
            .trim_end()
            .ends_with(" connecting · snapshot 28 Jun 2024"),
        "{before:#?}"
    );
    assert!(before[1].starts_with("FTSE 100 8,164.12 "), "{before:#?}");

    let (message, _server) = normal_round().await;
    update(&mut app, message, wall);
    let live = screen(&app);
    assert!(
        live[1].starts_with("FTSE 100 8,171.35 ▼-8.33 (-0.10%) │ "),
        "tape row: {:?}",
        live[1]
    );
    assert!(
        live[0].trim_end().ends_with(" live · updated 11:00:00"),
        "status line: {:?}",
        live[0]
    );
    assert!(!live[0].contains("snapshot"), "status line: {:?}", live[0]);

    // The next round: every symbol times out against a stalled server.
    let stalled = server_answering(json(FTSE).set_delay(secs(3))).await;
    let client = tickertape::sources::client_with_timeout(Duration::from_millis(500)).unwrap();
    let now = Instant::now();
    let mut poller = poller_with(client, vec![stalled.uri()], stalled.uri(), the_three(), now);
    let later = wall + secs(30);
    let messages = poller.round(now, later).await;
    let failed = single(messages.clone());
    assert!(failed.quotes.is_empty());
    assert_eq!(symbols(&failed.failed), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
    assert!(failed.failed.values().all(|f| *f == Failure::Timeout));
    for message in messages {
        update(&mut app, message, later);
    }
    let stale = screen(&app);
    assert!(
        stale[1].starts_with("FTSE 100 8,171.35 ▼-8.33 (-0.10%) stale 30s │ "),
        "tape row: {:?}",
        stale[1]
    );
    assert!(
        stale[0]
            .trim_end()
            .ends_with(" stale · updated 11:00:00 · yahoo: timed out (0s)"),
        "status line: {:?}",
        stale[0]
    );
}
