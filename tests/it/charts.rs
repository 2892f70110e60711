//! Charts over time and what moved the market, against real HTTP servers on 127.0.0.1: the
//! chart worker asks for each range at its interval, fails over between the quote hosts and
//! names its failures; the detail panel shows a failed range beside working ones; and the
//! reader's header shows the move since a headline from a series with gaps, computed from the
//! last real bar, marked stale as the tape is.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;
use tickertape::app::update::update;
use tickertape::app::{App, Mode, Settings};
use tickertape::config::Config;
use tickertape::domain::{Headline, Instrument, Provider};
use tickertape::market::Market;
use tickertape::message::{ChartRange, ChartRequest, Command, Failure, Message, SourceId};
use tickertape::sanitize::SafeText;
use tickertape::sources::chart_worker::ChartWorker;
use tickertape::sources::poll::Polled;
use tickertape::sources::quote_poller::{Endpoints, QuotePoller};
use tokio::time::Instant;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{FTSE_PATH, chart, closed_port, draw, hits, json, screen_rows};

const DAY: &[u8] = include_bytes!("../fixtures/yahoo/ranges/ftse_1d.json");
const FIVE_DAYS: &[u8] = include_bytes!("../fixtures/yahoo/ranges/ftse_5d.json");
const SIX_MONTHS: &[u8] = include_bytes!("../fixtures/yahoo/ranges/ftse_6mo.json");
const UNKNOWN_SYMBOL: &[u8] = include_bytes!("../fixtures/yahoo/chart_unknown_symbol.json");
const OUTAGE_PAGE: &[u8] = include_bytes!("../fixtures/yahoo/outage.html");

/// Friday 28 Jun 2024, 16:42:07 in London: the day's bars run from 08:00 to 16:25.
fn friday_close() -> Timestamp {
    "2024-06-28T15:42:07Z".parse().expect("a valid time")
}

fn ftse() -> Instrument {
    Instrument {
        symbol: "^FTSE".to_owned(),
        name: SafeText::new("FTSE 100"),
        market: Market::London,
        provider: Provider::Yahoo,
        aliases: vec!["FTSE".to_owned()],
    }
}

/// Answers one range of the FTSE's chart, and only when asked with that range's interval.
async fn serve_range(server: &MockServer, range: &str, interval: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(FTSE_PATH))
        .and(query_param("range", range))
        .and(query_param("interval", interval))
        .respond_with(response)
        .mount(server)
        .await;
}

fn request(range: ChartRange) -> ChartRequest {
    ChartRequest {
        symbol: "^FTSE".to_owned(),
        range,
    }
}

fn worker(hosts: Vec<String>) -> ChartWorker {
    ChartWorker::new(
        tickertape::sources::client().expect("the HTTP client"),
        hosts,
    )
}

fn failure_of(message: Message) -> Failure {
    match message {
        Message::ChartFailed { failure, .. } => failure,
        other => panic!("expected a failure, got {other:#?}"),
    }
}

#[tokio::test]
async fn a_range_is_asked_for_at_its_interval_and_keeps_its_gaps_and_times() {
    let server = MockServer::start().await;
    serve_range(&server, "5d", "15m", json(FIVE_DAYS)).await;
    let message = worker(vec![server.uri()])
        .serve(request(ChartRange::FiveDays))
        .await;
    let Message::ChartArrived {
        symbol,
        range,
        quote,
        ..
    } = message
    else {
        panic!("expected a chart, got {message:#?}");
    };
    assert_eq!((symbol.as_str(), range), ("^FTSE", ChartRange::FiveDays));
    assert_eq!(quote.series.len(), 170, "five days of 34 quarter-hour bars");
    assert_eq!(quote.series_times.len(), 170);
    assert_eq!(quote.series[70], None, "a bar with no trade stays a gap");
    assert_eq!(hits(&server, FTSE_PATH).await, 1);
}

#[tokio::test]
async fn a_host_found_down_gives_way_to_the_next_and_is_asked_last_after() {
    let down = MockServer::start().await;
    serve_range(&down, "6mo", "1d", ResponseTemplate::new(503)).await;
    let good = MockServer::start().await;
    serve_range(&good, "6mo", "1d", json(SIX_MONTHS)).await;
    let worker = worker(vec![down.uri(), good.uri()]);
    for round in 1..=2 {
        let message = worker.serve(request(ChartRange::SixMonths)).await;
        assert!(
            matches!(message, Message::ChartArrived { .. }),
            "round {round}: {message:#?}"
        );
        assert_eq!(hits(&good, FTSE_PATH).await, round);
    }
    assert_eq!(
        hits(&down, FTSE_PATH).await,
        1,
        "cooling down, not asked first"
    );
    let refused = self::worker(vec![closed_port(), good.uri()])
        .serve(request(ChartRange::SixMonths))
        .await;
    assert!(
        matches!(refused, Message::ChartArrived { .. }),
        "{refused:#?}"
    );
}

#[tokio::test]
async fn failures_are_named_in_the_users_terms() {
    let server = MockServer::start().await;
    serve_range(
        &server,
        "1y",
        "1d",
        ResponseTemplate::new(404).set_body_raw(UNKNOWN_SYMBOL.to_vec(), "application/json"),
    )
    .await;
    serve_range(
        &server,
        "5y",
        "1wk",
        ResponseTemplate::new(200).set_body_raw(OUTAGE_PAGE.to_vec(), "text/html"),
    )
    .await;
    let worker = worker(vec![server.uri()]);
    let unknown = failure_of(worker.serve(request(ChartRange::Year)).await);
    assert!(
        matches!(unknown, Failure::UnknownSymbol { .. }),
        "{unknown:?}"
    );
    let page = failure_of(worker.serve(request(ChartRange::FiveYears)).await);
    assert_eq!(page.summary(), "answered with a web page, not data");
    let nobody = failure_of(
        self::worker(vec![closed_port()])
            .serve(request(ChartRange::Month))
            .await,
    );
    assert_eq!(nobody.summary(), "cannot connect");
}

/// A live run at `wall` on a 120x40 screen.
fn live_app(wall: Timestamp) -> App {
    let london = TimeZone::get("Europe/London").expect("the London zone");
    let settings = Settings::new(&Config::default(), Mode::Live, london);
    let mut app = tickertape::initial_app(settings, None, wall).expect("an app");
    let viewport = tickertape::ui::viewport(Rect::new(0, 0, 120, 40));
    update(&mut app, Message::Resized(viewport), wall);
    app
}

/// The detail panel's text, below the headline list.
fn screen_text(app: &App) -> String {
    screen_rows(&draw(app, 120, 40)).join("\n")
}

#[tokio::test]
async fn the_panel_names_a_failed_range_and_keeps_the_others() {
    let server = MockServer::start().await;
    serve_range(&server, "6mo", "1d", json(SIX_MONTHS)).await;
    serve_range(&server, "1mo", "1h", ResponseTemplate::new(503)).await;
    let wall = friday_close();
    let mut app = live_app(wall);
    update(&mut app, Message::ToggleTapeFocus, wall);
    update(&mut app, Message::ToggleDetail, wall);
    let worker = worker(vec![server.uri()]);
    // What the runtime does: run the fetch a range asks for and hand back the answer.
    let choose = async |app: &mut App, range| {
        for command in update(app, Message::ChooseRange(range), wall) {
            let Command::FetchChart(request) = command else {
                panic!("unexpected {command:?}");
            };
            let answer = worker.serve(request).await;
            update(app, answer, wall);
        }
        screen_text(app)
    };
    let six_months = choose(&mut app, ChartRange::SixMonths).await;
    assert!(six_months.contains("fetched "), "{six_months}");
    let month = choose(&mut app, ChartRange::Month).await;
    assert!(month.contains("failed: server error (HTTP 503)"), "{month}");
    assert_eq!(choose(&mut app, ChartRange::SixMonths).await, six_months);
    assert_eq!(hits(&server, FTSE_PATH).await, 2, "6M is not asked again");
}

fn story(title: &str, published: &str) -> Headline {
    Headline {
        id: title.to_owned(),
        title: SafeText::new(title),
        source: SafeText::new("Wire"),
        published: Some(published.parse().expect("a valid time")),
        link: None,
        summary: Vec::new(),
    }
}

/// The reader pane's top border, where the move since the story is shown.
fn reader_header(app: &App) -> String {
    let rows = screen_rows(&draw(app, 120, 40));
    let y = usize::from(app.viewport().reader.y);
    rows[y].clone()
}

/// The fixture's own numbers, read without the program's parser: the close of `bar` and the
/// price the chart reports.
fn fixture_close(bar: usize) -> (Option<f64>, f64) {
    let body: serde_json::Value = serde_json::from_slice(DAY).expect("the fixture is JSON");
    let result = &body["chart"]["result"][0];
    let close = result["indicators"]["quote"][0]["close"][bar].as_f64();
    let price = result["meta"]["regularMarketPrice"]
        .as_f64()
        .expect("a price");
    (close, price)
}

#[tokio::test]
async fn the_move_since_a_story_is_from_the_last_real_bar_and_goes_stale_with_the_price() {
    let server = MockServer::start().await;
    chart(FTSE_PATH)
        .respond_with(json(DAY))
        .mount(&server)
        .await;
    let wall = friday_close();
    let now = Instant::now();
    let endpoints = Endpoints {
        yahoo: vec![server.uri()],
        coingecko: server.uri(),
    };
    let client = tickertape::sources::client().expect("the HTTP client");
    let mut poller = QuotePoller::new(
        client,
        endpoints,
        vec![ftse()],
        std::time::Duration::from_secs(15),
        now,
    );
    let mut app = live_app(wall);
    for message in poller.round(now, wall).await {
        update(&mut app, message, wall);
    }
    // 11:27 London: the bars of 11:20 and 11:25 saw no trade; 11:15's is the last real one.
    assert_eq!(fixture_close(40).0, None);
    assert_eq!(fixture_close(41).0, None);
    let (Some(base), price) = fixture_close(39) else {
        panic!("bar 39 has a close");
    };
    let expected = format!(
        " FTSE 100 {:+.2}% since 11:27 ",
        (price - base) / base * 100.0
    );
    let news = |headlines| Message::HeadlinesArrived {
        source: SourceId::Feed(0),
        headlines,
        fetched_at: wall,
    };
    update(
        &mut app,
        news(vec![story(
            "FTSE 100 dips at lunch",
            "2024-06-28T10:27:00Z",
        )]),
        wall,
    );
    update(&mut app, Message::OpenSelected, wall);
    let header = reader_header(&app);
    assert!(header.contains(&expected), "{expected:?} not in {header:?}");

    // The quotes fail from now on: the move keeps its number and says how stale it is.
    let later = wall + std::time::Duration::from_secs(30);
    let failed = Message::QuotesArrived {
        source: SourceId::Yahoo,
        quotes: Vec::new(),
        failed: vec![tickertape::message::SymbolFailure {
            symbol: "^FTSE".to_owned(),
            failure: Failure::Timeout,
        }],
        fetched_at: later,
    };
    update(&mut app, failed, later);
    let stale = reader_header(&app);
    assert!(
        stale.contains(&format!("{expected}stale 30s ")),
        "{stale:?}"
    );

    // A story from before the day's first bar gets no number: nothing is extrapolated.
    update(
        &mut app,
        news(vec![story(
            "FTSE futures rise overnight",
            "2024-06-28T06:30:00Z",
        )]),
        later,
    );
    update(
        &mut app,
        Message::Move(tickertape::message::Step::Last),
        later,
    );
    let title = &app.headlines().selected().expect("a story").title;
    assert_eq!(title.as_str(), "FTSE futures rise overnight");
    assert!(
        !reader_header(&app).contains("since"),
        "{}",
        reader_header(&app)
    );
}
