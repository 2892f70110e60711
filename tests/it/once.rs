//! `tickertape --once`, the binary from the outside, fetching from a wiremock server on
//! 127.0.0.1: the table and the JSON it prints, the cache it leaves behind, and how it falls back
//! to that cache when the server is down or stalls.
//!
//! The server runs on its own thread, so the blocking process runs beside the test's runtime in
//! `spawn_blocking`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use jiff::Timestamp;
use serde_json::Value;
use tickertape::format::time::span;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    BITCOIN_IN_POUNDS, BTC_GBP, BTC_GBP_PATH, COINGECKO_PATH, Dirs, FTSE, FTSE_PATH, GBPUSD,
    GBPUSD_PATH, hits, json, serve_bitcoin, serve_chart, server_answering, write_file,
};

const VODAFONE: &[u8] = include_bytes!("../fixtures/yahoo/chart_pence.json");
const AIM: &[u8] = include_bytes!("../fixtures/yahoo/chart_quiet_day.json");

/// Times the fixtures stamp on their quotes (`regularMarketTime`, `last_updated_at`).
const FTSE_TIME: i64 = 1_719_560_832;
const GBPUSD_TIME: i64 = 1_719_531_600;
const BITCOIN_TIME: i64 = 1_719_576_043;

const THREE_SYMBOLS: &str = r#"[[quotes.symbols]]
symbol = "^FTSE"
name = "FTSE 100"

[[quotes.symbols]]
symbol = "GBPUSD=X"
name = "GBP/USD"

[[quotes.symbols]]
symbol = "BTC-GBP"
name = "Bitcoin GBP"
provider = "coingecko"
id = "bitcoin"
vs = "gbp"
"#;

/// A config that asks `server` for everything: two Yahoo symbols and one CoinGecko coin.
fn config_for(dirs: &Dirs, server: &MockServer) -> PathBuf {
    config_with(dirs, server, THREE_SYMBOLS)
}

/// A config that asks `server` for everything, with these `[[quotes.symbols]]`.
fn config_with(dirs: &Dirs, server: &MockServer, symbols: &str) -> PathBuf {
    let uri = server.uri();
    let text = format!("[quotes]\nbase_url = \"{uri}\"\ncoingecko_url = \"{uri}\"\n\n{symbols}");
    let port = server.address().port();
    let file = dirs.path("home").join(format!("config-{port}.toml"));
    write_file(&file, &text);
    file
}

/// `tickertape --config CONFIG ARGS...`, with no access to the real user's files.
fn tickertape(dirs: &Dirs, config: &Path, args: &[&str]) -> Command {
    let mut command = dirs.command();
    command.arg("--config").arg(config).args(args);
    command
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    /// `now` as the process saw it lies between these two.
    started_at: Timestamp,
    ended_at: Timestamp,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit code {:?} after {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.took, self.stdout, self.stderr
        )
    }
}

/// Runs the process on a blocking thread, leaving the test's runtime free.
async fn run(mut command: Command) -> Run {
    tokio::task::spawn_blocking(move || {
        let started_at = Timestamp::now();
        let started = std::time::Instant::now();
        let output = command.output().expect("tickertape runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 on stdout"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            took: started.elapsed(),
            started_at,
            ended_at: Timestamp::now(),
        }
    })
    .await
    .expect("the blocking thread finishes")
}

/// A server with the fixtures for the config's three instruments.
async fn good_server() -> MockServer {
    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE)).await;
    serve_chart(&server, GBPUSD_PATH, json(GBPUSD)).await;
    serve_bitcoin(&server).await;
    server
}

/// The table `--once` must print for the fixtures, with `suffix` after each age ("" or
/// " stale"). The age column is computed from the run's clock, so it is right whether the
/// process read the clock at its start or its end.
fn expected_tables(run: &Run, suffix: &str) -> [String; 2] {
    [run.started_at, run.ended_at].map(|now| {
        let age = |time: i64| {
            span(now.duration_since(Timestamp::from_second(time).expect("a time in range")))
        };
        format!(
            "NAME             PRICE     CHANGE (PCT%)  AGE\n\
             FTSE 100      8,171.35    -8.33 (-0.10%)  {}{suffix}\n\
             GBP/USD         1.2643  -0.0009 (-0.07%)  {}{suffix}\n\
             Bitcoin GBP  47,916.38  +586.19 (+1.24%)  {}{suffix}\n",
            age(FTSE_TIME),
            age(GBPUSD_TIME),
            age(BITCOIN_TIME),
        )
    })
}

fn assert_table(run: &Run, suffix: &str) {
    let expected = expected_tables(run, suffix);
    assert!(
        expected.contains(&run.stdout),
        "expected\n{}\n{}",
        expected[1],
        run.describe()
    );
}

/// How `--once` fails with nothing to print: exit code 1, no table, and why on stderr.
fn assert_no_quotes(run: &Run) {
    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.stdout.is_empty(), "{}", run.describe());
    assert!(run.stderr.contains("no quotes"), "{}", run.describe());
}

#[tokio::test]
async fn once_prints_an_aligned_table_of_fresh_prices() {
    let server = good_server().await;
    let dirs = Dirs::new();
    let config = config_for(&dirs, &server);
    let fresh = run(tickertape(&dirs, &config, &["--once"])).await;
    assert_eq!(fresh.code, Some(0), "{}", fresh.describe());
    assert_table(&fresh, "");
    assert!(!fresh.stdout.contains("stale"), "{}", fresh.describe());
    assert_eq!(hits(&server, FTSE_PATH).await, 1);
    assert_eq!(hits(&server, GBPUSD_PATH).await, 1);
    assert_eq!(hits(&server, COINGECKO_PATH).await, 1);
    assert!(dirs.has_cache(), "--once should save what it fetched");
}

#[tokio::test]
async fn once_json_is_an_array_of_fresh_rows() {
    let server = good_server().await;
    let dirs = Dirs::new();
    let config = config_for(&dirs, &server);
    let result = run(tickertape(&dirs, &config, &["--once", "--json"])).await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    let rows: Vec<Value> = serde_json::from_str(&result.stdout)
        .unwrap_or_else(|error| panic!("not a JSON array ({error})\n{}", result.describe()));
    let expected = [
        (
            "^FTSE",
            "FTSE 100",
            8171.35,
            8179.68,
            "GBP",
            "2024-06-28T07:47:12Z",
        ),
        (
            "GBPUSD=X",
            "GBP/USD",
            1.2643,
            1.2652,
            "USD",
            "2024-06-27T23:40:00Z",
        ),
        (
            "BTC-GBP",
            "Bitcoin GBP",
            47_916.38,
            47_330.187_482_831_185,
            "GBP",
            "2024-06-28T12:00:43Z",
        ),
    ];
    assert_eq!(rows.len(), expected.len(), "{}", result.describe());
    for (row, (symbol, name, price, previous, currency, time)) in rows.iter().zip(expected) {
        let object = row.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "change",
                "change_pct",
                "currency",
                "name",
                "price",
                "stale",
                "symbol",
                "time"
            ]
        );
        assert_eq!(row["symbol"], symbol);
        assert_eq!(row["name"], name);
        assert_eq!(row["price"].as_f64(), Some(price), "{row}");
        let change = row["change"].as_f64().unwrap();
        assert!((change - (price - previous)).abs() < 1e-9, "{row}");
        let pct = row["change_pct"].as_f64().unwrap();
        assert!(
            (pct - (price - previous) / previous * 100.0).abs() < 1e-9,
            "{row}"
        );
        assert_eq!(row["currency"], currency);
        assert_eq!(row["time"], time);
        assert_eq!(row["stale"], false);
    }
}

#[tokio::test]
async fn once_falls_back_to_the_cache_when_the_server_is_down_or_stalls() {
    let dirs = Dirs::new();
    let good = good_server().await;
    let fresh = run(tickertape(&dirs, &config_for(&dirs, &good), &["--once"])).await;
    assert_eq!(fresh.code, Some(0), "{}", fresh.describe());
    assert_table(&fresh, "");

    let down = server_answering(ResponseTemplate::new(500)).await;
    let result = run(tickertape(&dirs, &config_for(&dirs, &down), &["--once"])).await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_table(&result, " stale");
    assert_eq!(
        (
            hits(&down, FTSE_PATH).await,
            hits(&down, GBPUSD_PATH).await,
            hits(&down, COINGECKO_PATH).await
        ),
        (1, 1, 1),
        "the dead server should still have been asked, once per request"
    );

    let stalled = server_answering(json(FTSE).set_delay(Duration::from_secs(5))).await;
    let command = tickertape(
        &dirs,
        &config_for(&dirs, &stalled),
        &["--once", "--timeout", "1"],
    );
    let result = run(command).await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_table(&result, " stale");
    assert_eq!(
        stalled.received_requests().await.unwrap().len(),
        3,
        "the stalled server should have been asked before giving up on it"
    );

    let offline = run(tickertape(
        &dirs,
        &config_for(&dirs, &good),
        &["--once", "--offline"],
    ))
    .await;
    assert_eq!(offline.code, Some(0), "{}", offline.describe());
    assert_table(&offline, " stale");
    assert_eq!(
        good.received_requests().await.unwrap().len(),
        3,
        "--offline fetched"
    );
}

#[tokio::test]
async fn once_with_no_cache_and_a_dead_server_prints_nothing_and_fails() {
    let down = server_answering(ResponseTemplate::new(500)).await;
    let dirs = Dirs::new();
    let result = run(tickertape(&dirs, &config_for(&dirs, &down), &["--once"])).await;
    assert_no_quotes(&result);
    assert_eq!(down.received_requests().await.unwrap().len(), 3);
    assert!(!dirs.has_cache(), "nothing fetched, nothing to save");
}

#[tokio::test]
async fn once_offline_with_no_cache_fails_without_a_request() {
    let server = good_server().await;
    let dirs = Dirs::new();
    let config = config_for(&dirs, &server);
    let result = run(tickertape(&dirs, &config, &["--offline", "--once"])).await;
    assert_no_quotes(&result);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.is_empty(),
        "--offline made requests: {requests:#?}"
    );
}

/// `(symbol, stale)` of each row of `--once --json` output.
#[tokio::test]
async fn once_prices_everything_from_the_second_host_when_the_first_refuses() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let refused = format!("http://{}", listener.local_addr().expect("an address"));
    drop(listener);
    let server = good_server().await;
    let dirs = Dirs::new();
    let config = config_with(&dirs, &server, THREE_SYMBOLS);
    let text = std::fs::read_to_string(&config).expect("the config just written");
    let uri = server.uri();
    let listed = text.replacen(
        &format!("base_url = \"{uri}\""),
        &format!("base_url = [\"{refused}\", \"{uri}\"]"),
        1,
    );
    write_file(&config, &listed);
    let result = run(tickertape(&dirs, &config, &["--once", "--json"])).await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_eq!(
        staleness(&result),
        rows(&[("^FTSE", false), ("GBPUSD=X", false), ("BTC-GBP", false)]),
        "{}",
        result.describe()
    );
}

fn staleness(run: &Run) -> Vec<(String, bool)> {
    let rows: Vec<Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not a JSON array ({error})\n{}", run.describe()));
    rows.iter()
        .map(|row| {
            let symbol = row["symbol"].as_str().expect("a symbol").to_owned();
            let stale = row["stale"].as_bool().expect("a stale flag");
            (symbol, stale)
        })
        .collect()
}

fn rows(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs
        .iter()
        .map(|(s, stale)| ((*s).to_owned(), *stale))
        .collect()
}

/// A run that prices some symbols must not lose the others' cached quotes: they show stale,
/// and stay in the cache for later runs.
#[tokio::test]
async fn once_with_one_failing_symbol_shows_its_cached_quote_as_stale() {
    let dirs = Dirs::new();
    let good = good_server().await;
    let fresh = run(tickertape(&dirs, &config_for(&dirs, &good), &["--once"])).await;
    assert_eq!(fresh.code, Some(0), "{}", fresh.describe());

    let server = MockServer::start().await;
    serve_chart(&server, FTSE_PATH, json(FTSE)).await;
    serve_chart(&server, GBPUSD_PATH, ResponseTemplate::new(500)).await;
    Mock::given(method("GET"))
        .and(path(COINGECKO_PATH))
        .respond_with(json(BITCOIN_IN_POUNDS))
        .mount(&server)
        .await;
    let config = config_for(&dirs, &server);
    let result = run(tickertape(&dirs, &config, &["--once", "--json"])).await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_eq!(
        staleness(&result),
        rows(&[("^FTSE", false), ("GBPUSD=X", true), ("BTC-GBP", false)]),
        "GBP/USD failed, so its cached quote should be shown, marked stale\n{}",
        result.describe()
    );
}

/// `--timeout` ends the wait, not the answers: quotes that arrived in time are printed even
/// when another symbol's request is still stalled.
#[tokio::test]
async fn once_timeout_keeps_the_quotes_that_arrived_in_time() {
    let server = MockServer::start().await;
    let quick = Duration::from_millis(200);
    for (encoded, body) in [
        (FTSE_PATH, FTSE),
        (GBPUSD_PATH, GBPUSD),
        (BTC_GBP_PATH, BTC_GBP),
        ("/v8/finance/chart/VOD.L", VODAFONE),
    ] {
        serve_chart(&server, encoded, json(body).set_delay(quick)).await;
    }
    let slow = json(AIM).set_delay(Duration::from_secs(5));
    serve_chart(&server, "/v8/finance/chart/%5EFTAI", slow).await;
    let symbols = [
        ("^FTSE", "FTSE 100"),
        ("GBPUSD=X", "GBP/USD"),
        ("BTC-GBP", "Bitcoin GBP"),
        ("VOD.L", "Vodafone"),
        ("^FTAI", "AIM"),
    ]
    .map(|(symbol, name)| format!("[[quotes.symbols]]\nsymbol = \"{symbol}\"\nname = \"{name}\"\n"))
    .join("\n");
    let dirs = Dirs::new();
    let config = config_with(&dirs, &server, &symbols);
    let result = run(tickertape(
        &dirs,
        &config,
        &["--once", "--json", "--timeout", "1"],
    ))
    .await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_eq!(
        staleness(&result),
        rows(&[
            ("^FTSE", false),
            ("GBPUSD=X", false),
            ("BTC-GBP", false),
            ("VOD.L", false)
        ]),
        "{}",
        result.describe()
    );
}

const APPLE: &[u8] = include_bytes!("../fixtures/yahoo/chart_usd_share.json");
const DOLLAR_IN_POUNDS: &[u8] = include_bytes!("../fixtures/yahoo/chart_usdgbp.json");

/// Two lots of a pence-quoted share, a dollar share (converted with the USDGBP=X quote the
/// program asks for by itself) and a closed position.
const PORTFOLIO: &str = r#"[[quotes.symbols]]
symbol = "^FTSE"
name = "FTSE 100"

[[groups]]
name = "Holdings"
symbols = ["VOD.L", "AAPL"]

[portfolio]
currency = "GBP"

[[portfolio.positions]]
symbol = "VOD.L"
quantity = 1000
cost = 71.50
date = "2024-03-01"

[[portfolio.positions]]
symbol = "VOD.L"
quantity = 500
cost = 65

[[portfolio.positions]]
symbol = "AAPL"
quantity = 10
cost = 150

[[portfolio.positions]]
symbol = "^FTSE"
quantity = 0
cost = 7000
"#;

async fn portfolio_server() -> MockServer {
    let server = MockServer::start().await;
    for (encoded, body) in [
        (FTSE_PATH, FTSE),
        ("/v8/finance/chart/VOD.L", VODAFONE),
        ("/v8/finance/chart/AAPL", APPLE),
        ("/v8/finance/chart/USDGBP%3DX", DOLLAR_IN_POUNDS),
    ] {
        serve_chart(&server, encoded, json(body)).await;
    }
    server
}

#[tokio::test]
async fn once_portfolio_json_values_lots_pence_and_dollars_exactly() {
    let server = portfolio_server().await;
    let dirs = Dirs::new();
    let config = config_with(&dirs, &server, PORTFOLIO);
    let result = run(tickertape(
        &dirs,
        &config,
        &["--once", "--portfolio", "--json"],
    ))
    .await;
    assert_eq!(result.code, Some(0), "{}", result.describe());
    let out: Value = serde_json::from_str(&result.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error})\n{}", result.describe()));
    let field = |row: &Value, key: &str| row[key].clone();
    let positions = out["positions"].as_array().expect("a positions array");
    let symbols: Vec<&str> = positions
        .iter()
        .filter_map(|p| p["symbol"].as_str())
        .collect();
    assert_eq!(symbols, ["VOD.L", "AAPL", "^FTSE"], "{}", result.describe());
    let vodafone = &positions[0];
    // 1500 at 70.30p = £1,054.50; cost 1000 × 71.50p + 500 × 65p = £1,040.00.
    for (key, expected) in [
        ("quantity", serde_json::json!(1500.0)),
        ("price", serde_json::json!(70.3)),
        ("currency", serde_json::json!("GBp")),
        ("value", serde_json::json!(105_450.0)),
        ("value_base", serde_json::json!(1054.5)),
        ("day_change_base", serde_json::json!(6.9)),
        ("pnl_base", serde_json::json!(14.5)),
        ("pnl_pct", serde_json::json!(1.3942)),
        ("stale", serde_json::json!(false)),
    ] {
        assert_eq!(
            field(vodafone, key),
            expected,
            "VOD.L {key}\n{}",
            result.describe()
        );
    }
    assert_eq!(
        field(vodafone, "avg_cost")
            .as_f64()
            .map(|c| (c * 1e4).round()),
        Some(693_333.0)
    );
    let apple = &positions[1];
    // 10 × $200 × 0.7912 = £1,582.40; cost 10 × $150 × 0.7912 = £1,186.80.
    assert_eq!(field(apple, "value_base"), serde_json::json!(1582.4));
    assert_eq!(field(apple, "day_change_base"), serde_json::json!(15.82));
    assert_eq!(field(apple, "pnl_base"), serde_json::json!(395.6));
    assert_eq!(field(apple, "currency"), serde_json::json!("USD"));
    let closed = &positions[2];
    assert_eq!(field(closed, "value_base"), serde_json::json!(0.0));
    assert_eq!(field(closed, "pnl_pct"), Value::Null);
    let total = &out["total"];
    assert_eq!(field(total, "currency"), serde_json::json!("GBP"));
    assert_eq!(field(total, "value_base"), serde_json::json!(2636.9));
    assert_eq!(field(total, "day_change_base"), serde_json::json!(22.72));
    assert_eq!(field(total, "pnl_base"), serde_json::json!(410.1));
    assert_eq!(field(total, "stale"), serde_json::json!(false));
    assert_eq!(
        hits(&server, "/v8/finance/chart/USDGBP%3DX").await,
        1,
        "the FX rate was fetched unasked"
    );
}

#[tokio::test]
async fn once_portfolio_table_marks_what_it_could_not_price_fresh() {
    let server = portfolio_server().await;
    let dirs = Dirs::new();
    let config = config_with(&dirs, &server, PORTFOLIO);
    let fresh = run(tickertape(&dirs, &config, &["--once", "--portfolio"])).await;
    assert_eq!(fresh.code, Some(0), "{}", fresh.describe());
    assert_eq!(
        fresh.stdout,
        "SYMBOL       QTY  AVG COST         PRICE     VALUE     DAY   DAY %      P/L    P/L %  WEIGHT\n\
         VOD.L      1,500   69.3333     70.30 GBp  1,054.50   +6.90  +0.66%   +14.50   +1.39%   40.0%\n\
         AAPL          10    150.00    200.00 USD  1,582.40  +15.82  +1.01%  +395.60  +33.33%   60.0%\n\
         ^FTSE          0         —  8,171.35 GBP      0.00    0.00  -0.10%     0.00        —    0.0%\n\
         TOTAL GBP                                 2,636.90  +22.72  +0.87%  +410.10  +18.42%\n",
        "{}",
        fresh.describe()
    );
    // Offline: the cached prices come back marked stale, and the totals with them.
    let offline = run(tickertape(
        &dirs,
        &config,
        &["--once", "--portfolio", "--offline"],
    ))
    .await;
    assert_eq!(offline.code, Some(0), "{}", offline.describe());
    let lines: Vec<&str> = offline.stdout.lines().collect();
    assert!(
        lines[1].starts_with("VOD.L") && lines[1].ends_with("  stale"),
        "{}",
        offline.describe()
    );
    assert!(
        lines[4].starts_with("TOTAL GBP") && lines[4].ends_with("  stale"),
        "{}",
        offline.describe()
    );
}
