//! The symbol search worker (`sources::search_worker`) and the quote poller learning an added
//! instrument, against real HTTP servers on 127.0.0.1 serving Yahoo's shapes: the search
//! answer, failover to the next configured host, the chart check that rejects an unknown
//! symbol, and a price for an instrument added while the poller runs.

use std::time::Duration;

use tickertape::domain::Instrument;
use tickertape::message::{Failure, Message, SearchRequest};
use tickertape::sources::poll;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tickertape::sources::search_worker::SearchWorker;
use tokio::sync::mpsc;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{FTSE, FTSE_PATH, hits, json, serve_chart, server_answering};

pub const SEARCH_VOD: &[u8] = include_bytes!("../fixtures/yahoo/search_vod.json");
pub const VOD_CHART: &[u8] = include_bytes!("../fixtures/yahoo/chart_pence.json");
pub const VOD_PATH: &str = "/v8/finance/chart/VOD.L";
pub const SEARCH_PATH: &str = "/v1/finance/search";
const UNKNOWN_SYMBOL: &[u8] = include_bytes!("../fixtures/yahoo/chart_unknown_symbol.json");
/// Far longer than a local answer takes; only a hang reaches it.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// Answers the search for `query` as Yahoo does, eight quotes and no news asked.
pub async fn serve_search(server: &MockServer, query: &str, body: &[u8]) {
    Mock::given(method("GET"))
        .and(path(SEARCH_PATH))
        .and(query_param("q", query))
        .and(query_param("quotesCount", "8"))
        .and(query_param("newsCount", "0"))
        .respond_with(json(body))
        .mount(server)
        .await;
}

fn worker(hosts: Vec<String>) -> SearchWorker {
    let client = tickertape::sources::client().expect("the HTTP client");
    SearchWorker::new(client, hosts)
}

fn vodafone() -> Instrument {
    Instrument::unnamed("VOD.L")
}

fn found_symbols(message: Message) -> Vec<String> {
    match message {
        Message::SearchAnswered {
            outcome: Ok(found), ..
        } => found.into_iter().map(|m| m.symbol).collect(),
        other => panic!("expected results, got {other:#?}"),
    }
}

/// The first host fails (5xx): the same search goes to the second at once, and the next
/// search asks the second first, the failed one only as a last resort.
#[tokio::test]
async fn a_search_fails_over_to_the_next_host_and_the_failed_one_is_asked_last() {
    let down =
        server_answering(ResponseTemplate::new(503).set_body_string("<html>busy</html>")).await;
    let up = MockServer::start().await;
    serve_search(&up, "vod", SEARCH_VOD).await;
    let worker = worker(vec![down.uri(), up.uri()]);
    let answer = worker.serve(SearchRequest::Query("vod".to_owned())).await;
    assert_eq!(found_symbols(answer), ["VOD.L", "VOD", "VODI.DE", "VDMCY"]);
    let answer = worker.serve(SearchRequest::Query("vod".to_owned())).await;
    assert_eq!(found_symbols(answer).len(), 4);
    assert_eq!(
        hits(&down, SEARCH_PATH).await,
        1,
        "cooling down after one failure"
    );
    assert_eq!(hits(&up, SEARCH_PATH).await, 2);
}

/// Every host failing: the failure comes back to name in the box.
#[tokio::test]
async fn a_search_every_host_fails_names_the_failure() {
    let down = server_answering(ResponseTemplate::new(503)).await;
    let worker = worker(vec![down.uri()]);
    let answer = worker.serve(SearchRequest::Query("vod".to_owned())).await;
    let Message::SearchAnswered { query, outcome } = answer else {
        panic!("expected a search answer, got {answer:#?}");
    };
    assert_eq!(query, "vod");
    assert_eq!(outcome, Err(Failure::Server { status: 503 }));
}

/// The check before adding: a 404 with Yahoo's `chart.error` is an unknown symbol; a chart
/// is the instrument's quote.
#[tokio::test]
async fn the_check_tells_an_unknown_symbol_from_a_priced_one() {
    let server = MockServer::start().await;
    let not_found = ResponseTemplate::new(404).set_body_raw(UNKNOWN_SYMBOL, "application/json");
    serve_chart(&server, "/v8/finance/chart/ZZZZ.L", not_found).await;
    serve_chart(&server, VOD_PATH, json(VOD_CHART)).await;
    let worker = worker(vec![server.uri()]);
    let unknown = Instrument::unnamed("ZZZZ.L");
    let answer = worker.serve(SearchRequest::Check(unknown.clone())).await;
    let Message::InstrumentChecked { symbol, outcome } = answer else {
        panic!("expected a check, got {answer:#?}");
    };
    assert_eq!(symbol, unknown.symbol);
    assert!(
        matches!(&outcome, Err(Failure::UnknownSymbol { detail }) if detail.as_str().contains("No data found")),
        "{outcome:?}"
    );
    let answer = worker.serve(SearchRequest::Check(vodafone())).await;
    let Message::InstrumentChecked {
        outcome: Ok(quote), ..
    } = answer
    else {
        panic!("expected a quote, got {answer:#?}");
    };
    assert_eq!(quote.symbol, "VOD.L");
    assert_eq!(
        quote
            .currency
            .as_ref()
            .map(tickertape::sanitize::SafeText::as_str),
        Some("GBp")
    );
}

/// An instrument sent to the running poller is asked for at once, not at the next refresh of
/// the others, which are not asked again meanwhile.
#[tokio::test]
async fn the_running_poller_prices_an_added_instrument_at_once() {
    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE)).await;
    serve_chart(&server, VOD_PATH, json(VOD_CHART)).await;
    let client = tickertape::sources::client().expect("the HTTP client");
    let endpoints = Endpoints {
        yahoo: vec![server.uri()],
        coingecko: server.uri(),
    };
    let now = tokio::time::Instant::now();
    let refresh = Duration::from_mins(10);
    let (added, learned) = mpsc::unbounded_channel();
    let poller = QuotePoller::new(
        client,
        endpoints,
        vec![Instrument::unnamed("^FTSE")],
        refresh,
        now,
    )
    .learning(learned);
    let (outbox, mut inbox) = mpsc::channel(8);
    let (_refresh, refresh_rx) = mpsc::channel(1);
    let task = tokio::spawn(poll::run(poller, outbox, refresh_rx));
    let symbols = |message: Option<Message>| match message {
        Some(Message::QuotesArrived { quotes, .. }) => {
            quotes.into_iter().map(|q| q.symbol).collect::<Vec<_>>()
        }
        other => panic!("expected quotes, got {other:#?}"),
    };
    let first = tokio::time::timeout(ANSWER_LIMIT, inbox.recv())
        .await
        .expect("a first round");
    assert_eq!(symbols(first), ["^FTSE"]);
    added.send(vodafone()).unwrap();
    let next = tokio::time::timeout(ANSWER_LIMIT, inbox.recv())
        .await
        .expect("the added one, at once");
    assert_eq!(symbols(next), ["VOD.L"]);
    assert_eq!(hits(&server, FTSE_PATH).await, 1);
    task.abort();
}
