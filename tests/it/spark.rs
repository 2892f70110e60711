//! Yahoo's spark beside chart in the real quote poller, against real HTTP servers on 127.0.0.1:
//! a brief spark price between full chart requests, completed from the last chart quote, and
//! chart standing in (in the same round) whenever spark fails, changes shape or leaves a symbol
//! out; a rate limit on spark waits like any other.

#![expect(
    clippy::float_cmp,
    reason = "a price parsed from a fixture must be exactly the number written there"
)]

use tickertape::message::Failure;
use tickertape::sanitize::SafeText;
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::QuotePoller;
use tokio::time::Instant;
use wiremock::{MockServer, ResponseTemplate};

use crate::sources::{
    OUTAGE_PAGE, Round, at, friday_morning, html, poller, secs, single, symbols, the_three,
    total_hits, two_hosts,
};
use crate::support::{
    BTC_GBP, BTC_GBP_PATH, FTSE, FTSE_PATH, GBPUSD, GBPUSD_PATH, SPARK, SPARK_PATH, closed_port,
    json, serve_chart, spark, symbols_asked,
};

const CHANGED_SHAPE: &[u8] = include_bytes!("../fixtures/yahoo/spark_changed_shape.json");
const SPARK_ERROR: &[u8] = include_bytes!("../fixtures/yahoo/spark_error.json");

/// Chart for the three symbols, and spark answering `response`.
async fn server_with_spark(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    for (encoded, body) in [
        (FTSE_PATH, FTSE),
        (GBPUSD_PATH, GBPUSD),
        (BTC_GBP_PATH, BTC_GBP),
    ] {
        serve_chart(&server, encoded, json(body)).await;
    }
    spark().respond_with(response).mount(&server).await;
    server
}

/// The spark fixture without `symbol`'s entry.
fn spark_without(symbol: &str) -> Vec<u8> {
    let mut answer: serde_json::Value = serde_json::from_slice(SPARK).expect("the fixture");
    answer.as_object_mut().expect("an object").remove(symbol);
    answer.to_string().into_bytes()
}

/// (path, symbols asked) of each request from the `from`th on, sorted, as are the symbols.
async fn requests_since(server: &MockServer, from: usize) -> Vec<(String, Vec<String>)> {
    let requests = server.received_requests().await.expect("recording is on");
    let mut asked: Vec<(String, Vec<String>)> = requests[from..]
        .iter()
        .map(|r| {
            let mut symbols = symbols_asked(r);
            symbols.sort();
            (r.url.path().to_owned(), symbols)
        })
        .collect();
    asked.sort();
    asked
}

fn spark_of_three() -> (String, Vec<String>) {
    let three = ["BTC-GBP", "GBPUSD=X", "^FTSE"].map(str::to_owned).to_vec();
    (SPARK_PATH.to_owned(), three)
}

fn charts(paths: &[&str], symbols: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut asked: Vec<_> = paths
        .iter()
        .zip(symbols)
        .map(|(path, symbol)| ((*path).to_owned(), vec![(*symbol).to_owned()]))
        .collect();
    asked.sort();
    asked
}

/// A poller after its first round (chart for each symbol), and that round.
struct Started {
    poller: QuotePoller,
    t0: Instant,
    first: Round,
    /// When the last round ran.
    last: Instant,
}

async fn after_first_round(server: &MockServer) -> Started {
    let t0 = Instant::now();
    let mut poller = poller(server, the_three(), t0);
    let first = single(poller.round(t0, friday_morning()).await);
    assert_eq!(first.quotes["^FTSE"].price, 8171.35, "chart first");
    assert_eq!(total_hits(server).await, 3);
    Started {
        poller,
        t0,
        first,
        last: t0,
    }
}

impl Started {
    /// The next round, when the poller says it is due.
    async fn next_round(&mut self) -> Round {
        let due = self.poller.next_due().expect("something to poll");
        self.round_at(due).await
    }

    /// A round once every symbol is due again, whatever its jitter.
    async fn full_refresh(&mut self) -> Round {
        self.round_at(self.last + secs(17)).await
    }

    async fn round_at(&mut self, now: Instant) -> Round {
        self.last = now;
        let wall = friday_morning() + (now - self.t0);
        single(self.poller.round(now, wall).await)
    }
}

#[tokio::test]
async fn one_spark_request_refreshes_every_symbol_and_keeps_what_only_chart_says() {
    let server = server_with_spark(json(SPARK)).await;
    let mut started = after_first_round(&server).await;
    let round = started.next_round().await;
    assert!(round.failed.is_empty(), "{:#?}", round.failed);
    assert_eq!(
        requests_since(&server, 3).await,
        [spark_of_three()],
        "one spark request, every symbol riding along"
    );
    let ftse = &round.quotes["^FTSE"];
    let was = &started.first.quotes["^FTSE"];
    // Spark's: the price, its bar's time, the series and the previous close.
    assert_eq!(ftse.price, 8160.08);
    assert_eq!(ftse.time, at(1_719_561_000));
    assert_eq!(ftse.series.len(), 11);
    assert_eq!(ftse.previous_close, Some(8179.68));
    // Chart's, which spark lacks: currency, precision, names, exchange and trading windows.
    assert_eq!(ftse.currency, Some(SafeText::new("GBP")));
    assert_eq!(ftse.decimals, 2);
    assert_eq!(ftse.short_name, Some(SafeText::new("FTSE 100")));
    assert_eq!(ftse.exchange, Some(SafeText::new("FTSE Index")));
    assert!(ftse.session.is_some());
    assert_eq!(ftse.session, was.session);
    // The day's range widens to take in the new price.
    assert_eq!((ftse.day_low, ftse.day_high), (Some(8160.08), Some(8182.4)));
    let cable = &round.quotes["GBPUSD=X"];
    assert_eq!((cable.price, cable.decimals), (1.26471, 4));
    assert_eq!(cable.currency, Some(SafeText::new("USD")));
    // Its forming bar has no close yet: the last close stands, with chart's later time.
    let bitcoin = &round.quotes["BTC-GBP"];
    assert_eq!(
        (bitcoin.price, bitcoin.time),
        (47_912.55, at(1_719_568_800))
    );
}

#[tokio::test]
async fn a_symbol_spark_leaves_out_is_asked_by_chart_in_the_same_round_and_after() {
    let server = server_with_spark(json(&spark_without("BTC-GBP"))).await;
    let mut started = after_first_round(&server).await;

    let round = started.next_round().await;
    assert!(round.failed.is_empty(), "{:#?}", round.failed);
    assert_eq!(symbols(&round.quotes), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
    assert_eq!(round.quotes["^FTSE"].price, 8160.08, "by spark");
    assert_eq!(round.quotes["BTC-GBP"].time, at(1_719_568_740), "by chart");
    let mut expected = charts(&[BTC_GBP_PATH], &["BTC-GBP"]);
    expected.push(spark_of_three());
    assert_eq!(requests_since(&server, 3).await, expected);

    // Spark is not asked for it again for a while: chart alone serves it.
    let round = started.full_refresh().await;
    assert_eq!(symbols(&round.quotes), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
    let spark_two = ["GBPUSD=X", "^FTSE"].map(str::to_owned).to_vec();
    let mut expected = charts(&[BTC_GBP_PATH], &["BTC-GBP"]);
    expected.push((SPARK_PATH.to_owned(), spark_two));
    assert_eq!(requests_since(&server, 5).await, expected);
}

#[tokio::test]
async fn a_failing_or_changed_spark_gives_way_to_chart_in_the_same_round_and_rests() {
    let answers = [
        ("server error", html(500, b"<h1>Internal Server Error</h1>")),
        ("outage page", html(200, OUTAGE_PAGE)),
        ("changed shape", json(CHANGED_SHAPE)),
        ("provider error", json(SPARK_ERROR)),
        ("truncated", json(&SPARK[..100])),
    ];
    let every_chart = || {
        charts(
            &[FTSE_PATH, GBPUSD_PATH, BTC_GBP_PATH],
            &["^FTSE", "GBPUSD=X", "BTC-GBP"],
        )
    };
    for (what, answer) in answers {
        let server = server_with_spark(answer).await;
        let mut started = after_first_round(&server).await;
        let round = started.next_round().await;
        assert!(round.failed.is_empty(), "{what}: {:#?}", round.failed);
        assert_eq!(
            round.quotes["^FTSE"].price, 8171.35,
            "{what}: chart's price"
        );
        let mut expected = every_chart();
        expected.push(spark_of_three());
        assert_eq!(requests_since(&server, 3).await, expected, "{what}");

        // Spark rests: the next round asks chart alone.
        let round = started.full_refresh().await;
        assert_eq!(
            symbols(&round.quotes),
            ["BTC-GBP", "GBPUSD=X", "^FTSE"],
            "{what}"
        );
        assert_eq!(requests_since(&server, 7).await, every_chart(), "{what}");
    }
}

#[tokio::test]
async fn a_rate_limited_spark_waits_as_asked_and_chart_is_not_asked_instead() {
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "120");
    let server = server_with_spark(limited).await;
    let mut started = after_first_round(&server).await;
    let asked_at = started.poller.next_due().expect("something to poll");
    let round = started.next_round().await;
    assert!(round.quotes.is_empty(), "{:#?}", round.quotes);
    let waits = Failure::RateLimited {
        retry_after_secs: Some(120),
    };
    assert_eq!(symbols(&round.failed), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
    assert!(round.failed.values().all(|failure| *failure == waits));
    assert_eq!(requests_since(&server, 3).await, [spark_of_three()]);
    let again = started.poller.next_due().expect("something to poll");
    assert!(
        again - asked_at >= secs(120),
        "asked again after {:?}",
        again - asked_at
    );
}

#[tokio::test]
async fn spark_fails_over_to_the_next_host_like_chart() {
    let good = server_with_spark(json(SPARK)).await;
    for primary in [
        closed_port(),
        server_with_spark(ResponseTemplate::new(503)).await.uri(),
    ] {
        let t0 = Instant::now();
        let wall = friday_morning();
        let mut poller = two_hosts(primary.clone(), &good, the_three(), t0);
        let first = single(poller.round(t0, wall).await);
        assert_eq!(symbols(&first.quotes), ["BTC-GBP", "GBPUSD=X", "^FTSE"]);
        let before = total_hits(&good).await;
        let mut started = Started {
            poller,
            t0,
            first,
            last: t0,
        };
        let round = started.next_round().await;
        assert!(round.failed.is_empty(), "{primary}: {:#?}", round.failed);
        assert_eq!(round.quotes["^FTSE"].price, 8160.08, "{primary}: by spark");
        assert_eq!(requests_since(&good, before).await, [spark_of_three()]);
    }
}
