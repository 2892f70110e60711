//! Requests stay polite however long the list: sixty instruments across three groups, the real
//! quote poller against a real HTTP server on 127.0.0.1 that prices any symbol by chart and by
//! spark, counting every request per endpoint.
//!
//! The clock is explicit, as the poller's own task would pass it: each round runs at the time
//! the poller says the next one is due, so an hour of polling takes well under a second and no
//! figure depends on the machine's speed.
//!
//! `cargo test --test it polite -- --nocapture` prints the figures BENCHMARKS.md quotes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use tickertape::message::Message;
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tokio::time::Instant;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{SPARK_PATH, symbols_asked};

const REFRESH: Duration = Duration::from_secs(15);
const SPAN: Duration = Duration::from_hours(1);
/// Friday 28 Jun 2024, 08:30 in London: the London market is open all the simulated hour.
const FRIDAY: &str = "2024-06-28T07:30:00Z";
/// Saturday 29 Jun 2024, noon: London is shut.
const SATURDAY: &str = "2024-06-29T12:00:00Z";
/// London's trading day on that Friday as Yahoo reports it (pre, regular, post), in Unix seconds.
const SESSION: [(i64, i64); 3] = [
    (1_719_555_300, 1_719_558_000),
    (1_719_558_000, 1_719_588_600),
    (1_719_588_600, 1_719_591_300),
];

/// What the fake spark endpoint does.
#[derive(Clone, Copy, Debug)]
enum Spark {
    Serves,
    /// 500 with an error page.
    Fails,
    /// 200 with an outage page.
    WebPage,
    /// 200 with JSON of another shape (v7's `spark.result`).
    ChangedShape,
    /// Leaves out every third symbol (`S00.L`, `S03.L`, …), as it might instruments it lacks.
    LeavesOut,
}

/// Yahoo for any symbol: a chart or spark body made up for each, the price one pence up per
/// answer so every answer is news.
struct AnySymbol {
    spark: Spark,
    answers: AtomicU64,
    /// Requests answered, for the test to read between rounds.
    requests: Arc<AtomicUsize>,
}

impl AnySymbol {
    fn price(&self) -> f64 {
        let n = self.answers.fetch_add(1, Ordering::SeqCst);
        100.0 + f64::from(u32::try_from(n % 10_000).unwrap_or(0)) / 100.0
    }

    fn chart(&self, symbol: &str) -> serde_json::Value {
        let period = |(start, end): (i64, i64)| serde_json::json!({"start": start, "end": end});
        let price = self.price();
        serde_json::json!({"chart": {"result": [{
            "meta": {
                "currency": "GBp", "symbol": symbol, "exchangeName": "LSE", "priceHint": 2,
                "shortName": format!("{symbol} PLC"), "regularMarketPrice": price,
                "regularMarketTime": SESSION[1].0 + 600, "chartPreviousClose": 99.5,
                "regularMarketDayLow": 99.0, "regularMarketDayHigh": 101.0,
                "currentTradingPeriod": {
                    "pre": period(SESSION[0]), "regular": period(SESSION[1]), "post": period(SESSION[2])
                }
            },
            "timestamp": [SESSION[1].0, SESSION[1].0 + 300],
            "indicators": {"quote": [{"close": [99.5, price]}]}
        }], "error": null}})
    }

    fn spark(&self, symbols: &[String]) -> ResponseTemplate {
        let page = |status| {
            ResponseTemplate::new(status).set_body_raw(
                b"<html><body>Will be right back</body></html>".to_vec(),
                "text/html",
            )
        };
        let mut answer = serde_json::Map::new();
        match self.spark {
            Spark::Fails => return page(500),
            Spark::WebPage => return page(200),
            Spark::ChangedShape => {
                let result: Vec<_> = symbols
                    .iter()
                    .map(|symbol| serde_json::json!({"symbol": symbol, "response": [self.chart(symbol)]}))
                    .collect();
                answer.insert("spark".to_owned(), serde_json::json!({"result": result}));
            }
            Spark::Serves | Spark::LeavesOut => {
                for symbol in symbols {
                    if matches!(self.spark, Spark::LeavesOut) && number(symbol).is_multiple_of(3) {
                        continue;
                    }
                    let entry = serde_json::json!({
                        "symbol": symbol,
                        "timestamp": [SESSION[1].0, SESSION[1].0 + 300],
                        "close": [99.5, self.price()],
                        "previousClose": null, "chartPreviousClose": 99.5, "dataGranularity": 300
                    });
                    answer.insert(symbol.clone(), entry);
                }
            }
        }
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

impl Respond for AnySymbol {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let symbols = symbols_asked(request);
        if request.url.path() == SPARK_PATH {
            self.spark(&symbols)
        } else {
            ResponseTemplate::new(200).set_body_json(self.chart(&symbols[0]))
        }
    }
}

/// `S17.L` → 17.
fn number(symbol: &str) -> u32 {
    symbol[1..3].parse().expect("a symbol of this test")
}

fn symbol(n: u32) -> String {
    format!("S{n:02}.L")
}

/// Sixty London shares: twenty in the watchlist, forty more in two `[[groups]]`, which the
/// config turns into instruments the poller asks for like any other.
fn sixty_across_groups() -> Vec<tickertape::domain::Instrument> {
    let mut text = String::new();
    for n in 0..20 {
        let _ = write!(
            text,
            "[[quotes.symbols]]\nsymbol = \"{}\"\nname = \"Share {n}\"\n",
            symbol(n)
        );
    }
    for (group, range) in [("Holdings", 20..40), ("Watching", 40..60)] {
        let symbols: Vec<String> = range.map(|n| format!("\"{}\"", symbol(n))).collect();
        let _ = write!(
            text,
            "[[groups]]\nname = \"{group}\"\nsymbols = [{}]\n",
            symbols.join(", ")
        );
    }
    let config =
        tickertape::config::parse(&text, Path::new("polite.toml")).expect("a valid config");
    let instruments = tickertape::portfolio::polled_instruments(&config);
    assert_eq!(instruments.len(), 60);
    instruments
}

/// What an hour of polling cost and brought.
struct Figures {
    charts: usize,
    sparks: usize,
    /// Per symbol, the longest wait between fresh prices, the start and the end of the hour
    /// included.
    gaps: BTreeMap<String, Duration>,
    /// Requests per symbol.
    asked: BTreeMap<String, usize>,
    /// When each round ran, and how many requests it sent.
    rounds: Vec<(Duration, usize)>,
}

impl Figures {
    #[expect(clippy::cast_precision_loss, reason = "a few thousand requests")]
    fn per_second(&self) -> f64 {
        (self.charts + self.sparks) as f64 / SPAN.as_secs_f64()
    }

    fn max_gap(&self) -> Duration {
        self.gaps.values().copied().max().unwrap_or(SPAN)
    }

    /// The most requests sent in any minute (one starting at a round), and when it started.
    fn busiest_minute(&self) -> (usize, Duration) {
        let window = Duration::from_mins(1);
        (self.rounds.iter())
            .map(|&(start, _)| {
                let sent = (self.rounds.iter())
                    .filter(|&&(at, _)| at >= start && at < start + window)
                    .map(|&(_, sent)| sent)
                    .sum();
                (sent, start)
            })
            .max_by_key(|&(sent, start)| (sent, std::cmp::Reverse(start)))
            .unwrap_or_default()
    }
}

async fn poll_for_an_hour(spark: Spark, start: &str) -> Figures {
    let server = MockServer::start().await;
    let requests = Arc::new(AtomicUsize::new(0));
    let responder = AnySymbol {
        spark,
        answers: AtomicU64::new(0),
        requests: Arc::clone(&requests),
    };
    Mock::given(method("GET"))
        .and(path_regex("^/v8/finance/(chart/|spark$)"))
        .respond_with(responder)
        .mount(&server)
        .await;
    let instruments = sixty_across_groups();
    let client = tickertape::sources::client().expect("the HTTP client");
    let endpoints = Endpoints {
        yahoo: vec![server.uri()],
        coingecko: server.uri(),
    };
    let t0 = Instant::now();
    let wall: Timestamp = start.parse().expect("a valid time");
    let mut poller = QuotePoller::new(client, endpoints, instruments.clone(), REFRESH, t0);
    let mut last: BTreeMap<String, Duration> = BTreeMap::new();
    let mut gaps: BTreeMap<String, Duration> = BTreeMap::new();
    let mut now = t0;
    let mut rounds = Vec::new();
    while now < t0 + SPAN {
        let at = now - t0;
        let before = requests.load(Ordering::SeqCst);
        let messages = poller.round(now, wall + at).await;
        rounds.push((at, requests.load(Ordering::SeqCst) - before));
        for message in messages {
            let Message::QuotesArrived { quotes, failed, .. } = message else {
                panic!("a quote round sends quotes: {message:?}");
            };
            assert!(failed.is_empty(), "at +{at:?}: {failed:?}");
            for quote in quotes {
                assert!(
                    quote.currency.is_some()
                        && quote.session.is_some()
                        && quote.short_name.is_some(),
                    "at +{at:?} an incomplete quote: {quote:?}"
                );
                let since = last
                    .insert(quote.symbol.clone(), at)
                    .unwrap_or(Duration::ZERO);
                let gap = gaps.entry(quote.symbol).or_default();
                *gap = (*gap).max(at.saturating_sub(since));
            }
        }
        now = poller.next_due().expect("instruments to poll").max(now);
    }
    for instrument in &instruments {
        let since = last
            .get(&instrument.symbol)
            .copied()
            .unwrap_or(Duration::ZERO);
        let gap = gaps.entry(instrument.symbol.clone()).or_default();
        *gap = (*gap).max(SPAN.saturating_sub(since));
    }
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    let sparks = requests
        .iter()
        .filter(|r| r.url.path() == SPARK_PATH)
        .count();
    let mut asked = BTreeMap::new();
    for request in &requests {
        for symbol in symbols_asked(request) {
            *asked.entry(symbol).or_default() += 1;
        }
    }
    Figures {
        charts: requests.len() - sparks,
        sparks,
        gaps,
        asked,
        rounds,
    }
}

#[expect(clippy::print_stdout, reason = "the figures BENCHMARKS.md quotes")]
fn report(what: &str, figures: &Figures) {
    println!(
        "{what}: {:.3} requests/s over an hour ({} chart, {} spark; busiest minute {} \
         requests, from +{:.0} s); longest wait for a fresh price {:.1} s",
        figures.per_second(),
        figures.charts,
        figures.sparks,
        figures.busiest_minute().0,
        figures.busiest_minute().1.as_secs_f64(),
        figures.max_gap().as_secs_f64()
    );
}

#[tokio::test]
async fn sixty_open_instruments_cost_under_a_request_a_second_and_refresh_within_a_minute() {
    let figures = poll_for_an_hour(Spark::Serves, FRIDAY).await;
    report("60 instruments, open market", &figures);
    assert!(
        figures.per_second() <= 1.0,
        "{:.3} requests/s",
        figures.per_second()
    );
    assert!(
        figures.max_gap() <= Duration::from_mins(1),
        "{:?}",
        figures.gaps
    );
    assert_eq!(figures.gaps.len(), 60);
    // Spark carries the refreshes; chart completes each quote at first and every ten minutes.
    assert!(
        figures.sparks > figures.charts / 2,
        "{} spark, {} chart",
        figures.sparks,
        figures.charts
    );
    assert!(
        figures.charts <= 60 * 7,
        "{} chart requests",
        figures.charts
    );
}

#[tokio::test]
async fn closed_markets_are_asked_rarely() {
    let figures = poll_for_an_hour(Spark::Serves, SATURDAY).await;
    report("60 instruments, closed market", &figures);
    // Every ten minutes with 10% jitter: at most seven times in the hour, the first included.
    let most = figures.asked.values().copied().max().unwrap_or(0);
    assert!(most <= 7, "{:?}", figures.asked);
    assert_eq!(figures.asked.len(), 60);
    assert!(
        figures.per_second() <= 0.15,
        "{:.3} requests/s",
        figures.per_second()
    );
}

#[tokio::test]
async fn a_failing_spark_gives_way_to_chart_and_prices_still_arrive_politely() {
    for spark in [
        Spark::Fails,
        Spark::WebPage,
        Spark::ChangedShape,
        Spark::LeavesOut,
    ] {
        let figures = poll_for_an_hour(spark, FRIDAY).await;
        report(&format!("60 instruments, spark {spark:?}"), &figures);
        assert_eq!(figures.gaps.len(), 60, "{spark:?}");
        assert!(
            figures.per_second() <= 1.0,
            "{spark:?}: {:.3} requests/s",
            figures.per_second()
        );
        // Chart alone for sixty instruments cannot be both under a request a second and
        // within a minute: politeness wins, and each price still comes within 75 s + 10%.
        assert!(
            figures.max_gap() <= Duration::from_secs(83),
            "{spark:?}: {:?}",
            figures.gaps
        );
        assert!(
            figures.charts > 60,
            "{spark:?}: chart stood in only at first"
        );
    }
}
