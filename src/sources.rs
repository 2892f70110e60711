//! Background sources: tokio tasks that fetch data and send it to the app as messages. They
//! never touch the terminal or the app state; results arrive by value through the inbox. This
//! module owns what every fetch shares: the one HTTP client, the size cap and [`FetchError`].

pub mod article;
pub mod article_worker;
pub mod chart_worker;
pub mod coingecko;
pub mod config_watch;
pub mod demo;
mod failover;
pub mod feed_poller;
pub mod feeds;
pub mod latest;
pub mod poll;
pub mod quote_poller;
pub mod schedule;
pub mod search_worker;
mod spawn;
pub mod yahoo;

pub use spawn::{fetch_once, spawn};

use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use jiff::Timestamp;

use crate::domain::{Instrument, Quote};
use crate::message::{Failure, SourceId};
use crate::sanitize::SafeText;

/// One quote API. The poller owns scheduling, retries, hosts and HTTP; an API only says how
/// to ask for a batch of instruments and how to read the answer, so a provider is one impl.
pub trait QuoteApi: Send + Sync {
    fn source(&self) -> SourceId;
    /// Whether this API prices the instrument (its configured provider).
    fn serves(&self, instrument: &Instrument) -> bool;
    /// The fastest it is worth asking: some APIs only update once a minute.
    fn min_interval(&self) -> Duration {
        Duration::ZERO
    }
    /// Splits due instruments (by index) into requests.
    fn batches(&self, due: &[&Instrument]) -> Vec<Vec<usize>>;
    fn url(&self, host: &str, batch: &[&Instrument]) -> String;
    /// Reads one answer, deciding by the body; instruments it has no price for are absent.
    fn parse(
        &self,
        fetched: &Fetched,
        batch: &[&Instrument],
        at: Timestamp,
    ) -> Result<Vec<Quote>, FetchError>;
}

/// Some hosts refuse library user agents outright (Yahoo did, June 2024).
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The whole request, body included: a stalled server must not hold a poll round hostage.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 5;

/// The one client, built at start-up and shared (it pools connections).
pub fn client() -> reqwest::Result<reqwest::Client> {
    client_with_timeout(REQUEST_TIMEOUT)
}

pub fn client_with_timeout(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    // reqwest is built without a provider (Cargo.toml): ring, a third the code of aws-lc and
    // without its start-up constructor. Installing twice is refused, which is harmless.
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .build()
}

/// Why a fetch produced nothing usable. The poller branches on it (rate limits wait longer);
/// the user sees [`FetchError::failure`].
#[derive(Clone, Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out")]
    Timeout,
    #[error("cannot connect: {0}")]
    Unreachable(String),
    #[error("rate-limited (HTTP 429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("refused (HTTP {status})")]
    Refused { status: u16 },
    #[error("server error (HTTP {status})")]
    Server { status: u16 },
    #[error("response larger than {cap_bytes} bytes")]
    TooLarge { cap_bytes: usize },
    /// The provider answered, and does not know this instrument.
    #[error("{0}")]
    UnknownSymbol(String),
    /// A web page (outage, consent, CDN error) where data should be: the host is not serving.
    #[error("{0}")]
    WebPage(String),
    /// The body arrived but is not what the provider's API returns.
    #[error("{0}")]
    BadResponse(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    pub fn failure(&self) -> Failure {
        match self {
            Self::Timeout => Failure::Timeout,
            Self::Unreachable(detail) => Failure::Unreachable {
                detail: SafeText::new(detail),
            },
            Self::RateLimited { retry_after } => Failure::RateLimited {
                retry_after_secs: retry_after.map(|d| d.as_secs()),
            },
            Self::Refused { status } => Failure::Refused { status: *status },
            Self::Server { status } => Failure::Server { status: *status },
            Self::UnknownSymbol(detail) => Failure::UnknownSymbol {
                detail: SafeText::new(detail),
            },
            Self::TooLarge { .. } | Self::WebPage(_) | Self::BadResponse(_) | Self::Other(_) => {
                Failure::BadResponse {
                    detail: SafeText::new(&self.to_string()),
                }
            }
        }
    }

    /// How the poller's backoff should take it: a rate limit waits as asked, the rest back off.
    pub fn outcome(&self) -> schedule::Outcome {
        match self {
            Self::RateLimited { retry_after } => schedule::Outcome::RateLimited {
                retry_after: *retry_after,
            },
            _ => schedule::Outcome::Failed,
        }
    }

    /// Whether the host rather than the request is at fault, so another host may well answer:
    /// it could not be reached or read from, timed out, failed (5xx) or served a web page.
    pub fn is_host_down(&self) -> bool {
        matches!(
            self,
            Self::Timeout
                | Self::Unreachable(_)
                | Self::Server { .. }
                | Self::WebPage(_)
                | Self::Other(_)
        )
    }

    fn from_reqwest(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else if error.is_connect() {
            Self::Unreachable(root_cause(error))
        } else {
            Self::Other(root_cause(error))
        }
    }
}

/// reqwest's top-level message is generic ("error sending request"); the cause says why.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A provider's error text goes onto a one-line status bar; a page of it helps no one.
const MAX_MESSAGE_CHARS: usize = 200;

/// Provider text reaches the status line through `Display`, so it is sanitised here, at the
/// boundary, and kept to a line's length.
fn clean_message(raw: &str) -> String {
    let safe = SafeText::new(raw);
    let trimmed = safe.as_str().trim();
    if trimmed.chars().count() <= MAX_MESSAGE_CHARS {
        trimmed.to_owned()
    } else {
        let mut short: String = trimmed.chars().take(MAX_MESSAGE_CHARS - 1).collect();
        short.push('…');
        short
    }
}

/// Everything but RFC 3986's unreserved characters: `^` and `=` appear in real symbols
/// (`^FTSE`, `GBPUSD=X`), and a coin id must never add a query parameter of its own.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode_component(raw: &str) -> String {
    utf8_percent_encode(raw, COMPONENT).to_string()
}

/// Why a body that should be JSON is not.
enum BodyError {
    /// A web page (outage, consent, CDN error): the provider talking to browsers.
    NotJson,
    /// Starts like JSON but does not parse: a cut-off transfer or a changed format.
    Malformed,
}

fn json_value(body: &[u8]) -> Result<serde_json::Value, BodyError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Some(start) = body.iter().position(|byte| !byte.is_ascii_whitespace()) else {
        return Err(BodyError::NotJson);
    };
    serde_json::from_slice(body).map_err(|_| match body.get(start) {
        Some(b'{' | b'[') => BodyError::Malformed,
        _ => BodyError::NotJson,
    })
}

/// A response whose body was read in full (within the cap).
#[derive(Debug)]
pub struct Fetched {
    /// Where the body came from after redirects: the base its relative links resolve against.
    pub url: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    /// For bodies worth reading only on success (feeds, pages): 5xx is the server's trouble,
    /// any other non-2xx a bad answer, worded `{what}HTTP {status}`.
    pub fn require_success(&self, what: &str) -> Result<(), FetchError> {
        let status = self.status.as_u16();
        if self.status.is_server_error() {
            Err(FetchError::Server { status })
        } else if self.status.is_success() {
            Ok(())
        } else {
            Err(FetchError::BadResponse(format!("{what}HTTP {status}")))
        }
    }
}

/// GETs `url`, reading at most `cap_bytes` of body. Status codes that mean "back off" or
/// "go away" become errors here; any other status is returned with its body, because a 404
/// can carry a useful error and a 200 can be an outage page: the parser decides by the body.
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    cap_bytes: usize,
    now_unix_secs: i64,
) -> Result<Fetched, FetchError> {
    let mut response = client
        .get(url)
        .headers(headers)
        .send()
        .await
        .map_err(|e| FetchError::from_reqwest(&e))?;
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| schedule::parse_retry_after(value, now_unix_secs));
        return Err(FetchError::RateLimited { retry_after });
    }
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        return Err(FetchError::Refused {
            status: status.as_u16(),
        });
    }
    if response
        .content_length()
        .is_some_and(|length| length > cap_bytes as u64)
    {
        return Err(FetchError::TooLarge { cap_bytes });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::from_reqwest(&e))?
    {
        if body.len() + chunk.len() > cap_bytes {
            return Err(FetchError::TooLarge { cap_bytes });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        url: response.url().to_string(),
        status,
        headers: response.headers().clone(),
        body,
    })
}
