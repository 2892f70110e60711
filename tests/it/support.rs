//! What the test modules share: private HOME and XDG directories for the binary, the
//! wiremock fixtures that stand in for Yahoo, CoinGecko, feeds and article pages, and drawing
//! the app on a test terminal.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;
use tickertape::ui::theme::Theme;
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

pub const FTSE: &[u8] = include_bytes!("../fixtures/yahoo/chart_ftse.json");
pub const GBPUSD: &[u8] = include_bytes!("../fixtures/yahoo/chart_gbpusd.json");
pub const BTC_GBP: &[u8] = include_bytes!("../fixtures/yahoo/chart_btc_gbp.json");
/// Spark's brief prices for the three chart fixtures' symbols, FTSE and GBPUSD a bar later.
pub const SPARK: &[u8] = include_bytes!("../fixtures/yahoo/spark_three.json");
pub const BITCOIN_IN_POUNDS: &[u8] = include_bytes!("../fixtures/coingecko/price_bitcoin_gbp.json");

/// The paths Yahoo's symbols must arrive at: `^` and `=` percent-encoded.
pub const FTSE_PATH: &str = "/v8/finance/chart/%5EFTSE";
pub const GBPUSD_PATH: &str = "/v8/finance/chart/GBPUSD%3DX";
pub const BTC_GBP_PATH: &str = "/v8/finance/chart/BTC-GBP";
pub const COINGECKO_PATH: &str = "/api/v3/simple/price";
pub const SPARK_PATH: &str = "/v8/finance/spark";

/// Private HOME and XDG directories for one test, kept across the runs within it so what one
/// run writes (config, cache, read state) is there for the next.
pub struct Dirs {
    root: TempDir,
}

impl Dirs {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("a temporary directory");
        for sub in ["home", "config", "cache"] {
            fs::create_dir(root.path().join(sub)).expect("a subdirectory of the temporary one");
        }
        Self { root }
    }

    /// `home`, `config` or `cache`.
    pub fn path(&self, sub: &str) -> PathBuf {
        self.root.path().join(sub)
    }

    /// Where the binary looks for its config when no `--config` is given.
    pub fn config_file(&self) -> PathBuf {
        self.path("config").join("tickertape/config.toml")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.path("cache").join("tickertape")
    }

    pub fn has_cache(&self) -> bool {
        self.cache_dir()
            .read_dir()
            .is_ok_and(|mut entries| entries.next().is_some())
    }

    /// The whole environment of a run, after clearing the inherited one: the caller's PATH, and
    /// these directories as HOME and the XDG ones, so the real user's files are never touched.
    pub fn env(&self) -> [(&'static str, OsString); 5] {
        [
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.path("home").into_os_string()),
            ("XDG_CONFIG_HOME", self.path("config").into_os_string()),
            ("XDG_CACHE_HOME", self.path("cache").into_os_string()),
            ("TZ", OsString::from("UTC")),
        ]
    }

    /// The binary as a plain command, in HOME, with no access to the real user's files.
    pub fn command(&self) -> Command {
        let mut command = Command::cargo_bin("tickertape").expect("the tickertape binary");
        command
            .env_clear()
            .envs(self.env())
            .current_dir(self.path("home"))
            .timeout(Duration::from_secs(30));
        command
    }
}

/// Writes `contents` to `path`, making its directory first.
pub fn write_file(path: &Path, contents: &str) {
    let dir = path.parent().expect("a file in a directory");
    fs::create_dir_all(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    fs::write(path, contents).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
}

/// A GET of one symbol's chart, exactly as the poller must ask for it.
pub fn chart(encoded_path: &str) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path(encoded_path))
        .and(query_param("range", "1d"))
        .and(query_param("interval", "5m"))
}

/// A GET of spark for a comma-separated list of symbols, exactly as the poller must ask for it.
pub fn spark() -> MockBuilder {
    Mock::given(method("GET"))
        .and(path(SPARK_PATH))
        .and(query_param("range", "1d"))
        .and(query_param("interval", "5m"))
}

/// The symbols one request asked about: the chart path's one, or spark's list.
pub fn symbols_asked(request: &wiremock::Request) -> Vec<String> {
    if let Some(encoded) = request.url.path().strip_prefix("/v8/finance/chart/") {
        let symbol = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
        return vec![symbol.into_owned()];
    }
    request
        .url
        .query_pairs()
        .filter(|(key, _)| key == "symbols")
        .flat_map(|(_, list)| list.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// Requests `server` has received that asked about `symbol`, by chart or by spark.
pub async fn asked_for(server: &MockServer, symbol: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .filter(|request| symbols_asked(request).iter().any(|s| s == symbol))
        .count()
}

pub fn json(body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json")
}

/// Answers the chart request for `encoded_path` with `response`.
pub async fn serve_chart(server: &MockServer, encoded_path: &str, response: ResponseTemplate) {
    chart(encoded_path)
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers CoinGecko's price request for bitcoin in pounds with the fixture.
pub async fn serve_bitcoin(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(COINGECKO_PATH))
        .and(query_param("ids", "bitcoin"))
        .and(query_param("vs_currencies", "gbp"))
        .respond_with(json(BITCOIN_IN_POUNDS))
        .mount(server)
        .await;
}

/// A server that answers every request with `response`.
pub async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A port nothing listens on: connecting is refused at once.
pub fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let address = listener.local_addr().expect("a bound address");
    drop(listener);
    format!("http://{address}")
}

/// Requests `server` has received for `wanted_path`, whatever the query.
pub async fn hits(server: &MockServer, wanted_path: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .filter(|request| request.url.path() == wanted_path)
        .count()
}

/// A news feed as the config gives it: `name` at `url`.
pub fn feed(name: &str, url: &str) -> tickertape::config::Feed {
    tickertape::config::Feed {
        name: tickertape::sanitize::SafeText::new(name),
        url: url.to_owned(),
        short: None,
    }
}

/// The default config with `feeds` as its only news feeds.
pub fn config_with_feeds(feeds: Vec<tickertape::config::Feed>) -> tickertape::config::Config {
    let mut config = tickertape::config::Config::default();
    config.news.feeds = feeds;
    config
}

/// A server body of `bytes` with `content_type`, exactly as given.
pub fn body(bytes: &[u8], content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), content_type)
}

/// Answers GET `wanted_path` with `response`.
pub async fn serve(server: &MockServer, wanted_path: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(wanted_path))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The paths `server` was asked for, in the order the requests arrived.
pub async fn requested_paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|request| request.url.path().to_owned())
        .collect()
}

/// The app drawn on a `width` x `height` test terminal.
pub fn draw(app: &tickertape::app::App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| tickertape::ui::draw(app, &Theme::colour(), frame))
        .expect("drawing never fails on a test backend");
    terminal
}

/// Every row of the screen as text (a wide character's trailing cell reads as nothing).
pub fn screen_rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

/// Waits for something a source does in the background (a cache write on a blocking thread),
/// checking every 10 ms and failing the test after `limit`.
pub async fn wait_until(what: &str, limit: Duration, mut is_done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !is_done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
