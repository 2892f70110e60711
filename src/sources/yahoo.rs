//! Yahoo Finance's v8 chart endpoint, turned into a [`Quote`]. Pure: bytes in, a quote or a
//! reason out; fetching, pacing and back-off belong to the poller.
//!
//! Why v8 chart: it needs no cookie or crumb (v7 quote does since 2023) and one answer carries
//! the price, the previous close, the intraday series and today's trading windows. Between
//! chart requests the poller refreshes prices twenty symbols at a time with spark ([`spark`]).
//!
//! Yahoo's API is unofficial and has broken its clients several times, so the parser degrades
//! instead of failing wherever the answer still means something:
//! - Yahoo adds fields freely, so unknown fields are ignored, and a known field that arrives with
//!   a different type counts as absent rather than failing the whole answer.
//! - Series entries are `null` where no trade happened; they stay gaps (`None`), never zeros.
//! - On a quiet day `timestamp` is missing and `indicators.quote` is `[{}]`: a valid quote with
//!   an empty series.
//! - `regularMarketPrice` can be null: the last close that is not null stands in for it.
//! - `previousClose` is often absent with `range=1d`; `chartPreviousClose` is the one to use.
//! - `currency` is `GBp` for London shares quoted in pence, and is kept exactly as sent.
//! - The HTTP status says little: a 404 carries a useful `chart.error`, and a 200 can be an HTML
//!   outage or consent page. So the body alone decides, and the caller passes only bytes.

mod response;
pub mod search;
pub mod spark;

use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::Value;

use super::{FetchError, Fetched, QuoteApi};
use crate::domain::{Instrument, Provider, Quote, TradingSession, Window};
use crate::message::{ChartRange, SourceId};
use crate::sanitize::SafeText;
use response::{ChartResult, Envelope, Period, Periods};

/// Used when `priceHint` is missing: two places suit indices and most shares.
const DEFAULT_DECIMALS: u8 = 2;
/// More places than any price Yahoo quotes; a larger hint is a broken answer, not precision.
const MAX_DECIMALS: i64 = 8;

/// The chart request for one symbol.
///
/// The symbol is one path segment, so every byte but the unreserved ones is percent-encoded:
/// `^` and `=` appear in real symbols (`^FTSE`, `GBPUSD=X`) and some HTTP stacks mangle them
/// raw.
pub fn chart_url(base: &str, symbol: &str) -> String {
    range_url(base, symbol, ChartRange::Day)
}

/// The chart request for one symbol over `range`, at the bar interval Yahoo serves it with
/// (minute bars exist only for recent weeks; a longer range with them is an error body).
pub fn range_url(base: &str, symbol: &str, range: ChartRange) -> String {
    let (range, interval) = match range {
        ChartRange::Day => ("1d", "5m"),
        ChartRange::FiveDays => ("5d", "15m"),
        ChartRange::Month => ("1mo", "1h"),
        ChartRange::SixMonths => ("6mo", "1d"),
        ChartRange::YearToDate => ("ytd", "1d"),
        ChartRange::Year => ("1y", "1d"),
        ChartRange::FiveYears => ("5y", "1wk"),
    };
    format!(
        "{}/v8/finance/chart/{}?range={range}&interval={interval}",
        base.trim_end_matches('/'),
        super::encode_component(symbol)
    )
}

/// One fetched chart answer as the quote for `symbol`, or why not, in the poller's terms.
pub fn parse_fetched(fetched: &Fetched, symbol: &str, at: Timestamp) -> Result<Quote, FetchError> {
    parse_chart(&fetched.body, symbol, at).map_err(|error| fetch_error(error, fetched.status))
}

/// Why a chart answer gave no quote, in words fit for the status line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// The body is not JSON: typically an HTML outage/consent page served with 200 or 5xx.
    #[error("answered with a web page, not data")]
    NotJson,
    /// `chart.error` present: e.g. code "Not Found", "No data found, symbol may be delisted".
    #[error("{description}")]
    Provider { code: String, description: String },
    /// JSON, but not the chart shape (a new schema): names what was missing.
    #[error("unexpected response: {detail}")]
    Unexpected { detail: String },
}

fn unexpected(detail: &str) -> ChartError {
    ChartError::Unexpected {
        detail: detail.to_owned(),
    }
}

/// Parses one chart response body into the quote for `symbol`, the symbol the caller asked
/// for: Yahoo echoes its own spelling in `meta.symbol`, which may differ in case.
///
/// `fetched_at` stands in for the quote's time only when Yahoo gives no time at all.
///
/// When the answer has both a result and an error, the result wins: data on screen beats an
/// error message about it.
pub fn parse_chart(body: &[u8], symbol: &str, fetched_at: Timestamp) -> Result<Quote, ChartError> {
    let value = super::json_value(body).map_err(|error| match error {
        super::BodyError::NotJson => ChartError::NotJson,
        super::BodyError::Malformed => unexpected("truncated or malformed JSON"),
    })?;
    if !value.is_object() {
        return Err(unexpected("not a JSON object"));
    }
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|_| unexpected("not a JSON object"))?;
    let Some(chart) = envelope.chart else {
        // Yahoo's other endpoints wrap errors as `finance.error` (e.g. "Invalid Crumb"); if the
        // chart endpoint ever answers that way, the provider's words are the useful part.
        return match envelope.finance.and_then(|finance| finance.error) {
            Some(error) => Err(provider_error(&error)),
            None => Err(unexpected("missing chart")),
        };
    };
    let first = match chart.result {
        Some(results) if !results.is_empty() => results.into_iter().next(),
        results => {
            return Err(match (chart.error, results) {
                (Some(error), _) => provider_error(&error),
                (None, Some(_)) => unexpected("empty result"),
                (None, None) => unexpected("missing chart.result"),
            });
        }
    };
    let result: ChartResult = first
        .and_then(|first| serde_json::from_value(first).ok())
        .ok_or_else(|| unexpected("chart.result[0] is not an object"))?;
    quote_from(result, symbol, fetched_at)
}

fn quote_from(
    result: ChartResult,
    symbol: &str,
    fetched_at: Timestamp,
) -> Result<Quote, ChartError> {
    let meta = result
        .meta
        .ok_or_else(|| unexpected("missing chart.result[0].meta"))?;
    let closes: Vec<Option<f64>> = result
        .indicators
        .and_then(|indicators| indicators.quote)
        .and_then(|bars| bars.into_iter().next())
        .and_then(|bars| bars.close)
        .unwrap_or_default()
        .iter()
        .map(Value::as_f64)
        .collect();
    let stamps = result.timestamp.unwrap_or_default();
    let times: Vec<i64> = stamps.iter().filter_map(Value::as_i64).collect();

    let price = meta
        .regular_market_price
        .or_else(|| closes.iter().rev().find_map(|close| *close))
        .ok_or_else(|| unexpected("no price"))?;
    if !price.is_finite() {
        return Err(unexpected("price is not a finite number"));
    }
    if price < 0.0 {
        return Err(unexpected("price is negative"));
    }

    // Without timestamps the closes have no times to stand for: a quiet day, no chart.
    let series = if times.is_empty() {
        Vec::new()
    } else {
        closes
            .iter()
            .map(|close| close.filter(|value| value.is_finite() && *value >= 0.0))
            .collect()
    };
    let series_times = bar_times(&stamps, series.len());
    let time = meta
        .regular_market_time
        .and_then(|seconds| Timestamp::from_second(seconds).ok())
        .or_else(|| {
            times
                .last()
                .and_then(|seconds| Timestamp::from_second(*seconds).ok())
        })
        .unwrap_or(fetched_at);
    let decimals = meta.price_hint.map_or(DEFAULT_DECIMALS, |hint| {
        u8::try_from(hint.clamp(0, MAX_DECIMALS)).unwrap_or(DEFAULT_DECIMALS)
    });
    let exchange = meta
        .full_exchange_name
        .as_deref()
        .and_then(clean_text)
        .or_else(|| meta.exchange_name.as_deref().and_then(clean_text));

    Ok(Quote {
        symbol: symbol.to_owned(),
        price,
        previous_close: positive(meta.chart_previous_close).or(positive(meta.previous_close)),
        decimals,
        currency: meta.currency.as_deref().and_then(clean_text),
        time,
        series,
        series_times,
        day_low: positive(meta.regular_market_day_low),
        day_high: positive(meta.regular_market_day_high),
        exchange,
        session: meta.current_trading_period.and_then(session_from),
        short_name: meta.short_name.as_deref().and_then(clean_text),
    })
}

/// Zero is a placeholder, never a real previous close or day range, and a zero previous close
/// would turn every change into a division by zero: only a positive, finite number is known.
/// Each of `bars` bars' times, only when every stamp is a time and they match the closes one
/// for one (a shifted time would put a headline against the wrong bar); else none.
fn bar_times(stamps: &[Value], bars: usize) -> Vec<Timestamp> {
    if stamps.len() != bars {
        return Vec::new();
    }
    stamps
        .iter()
        .map(|stamp| stamp.as_i64().and_then(|s| Timestamp::from_second(s).ok()))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

fn positive(value: Option<f64>) -> Option<f64> {
    value.filter(|value| value.is_finite() && *value > 0.0)
}

/// All three windows or none: the market state is derived from them together, and a partial set
/// would make "closed" indistinguishable from "unknown".
fn session_from(periods: Periods) -> Option<TradingSession> {
    Some(TradingSession {
        pre: window_from(periods.pre?)?,
        regular: window_from(periods.regular?)?,
        post: window_from(periods.post?)?,
    })
}

/// An end before the start is no window at all; an empty one (FX pre/post) is fine.
fn window_from(period: Period) -> Option<Window> {
    let start = Timestamp::from_second(period.start?).ok()?;
    let end = Timestamp::from_second(period.end?).ok()?;
    (start <= end).then_some(Window { start, end })
}

/// Sanitises, then trims the padding Yahoo leaves around names; nothing left means unknown.
fn clean_text(raw: &str) -> Option<SafeText> {
    let safe = SafeText::new(raw);
    let trimmed = safe.as_str().trim();
    (!trimmed.is_empty()).then(|| SafeText::new(trimmed))
}

fn provider_error(error: &Value) -> ChartError {
    let field = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .map(super::clean_message)
    };
    let (code, description) = match error {
        Value::String(description) => (String::new(), Some(super::clean_message(description))),
        _ => (field("code").unwrap_or_default(), field("description")),
    };
    let description = description
        .filter(|description| !description.is_empty())
        .unwrap_or_else(|| {
            if code.is_empty() {
                "Yahoo reported an error".to_owned()
            } else {
                code.clone()
            }
        });
    ChartError::Provider { code, description }
}

/// Yahoo's chart API as a [`QuoteApi`]: one request per symbol, every kind of instrument.
pub struct Yahoo;

impl QuoteApi for Yahoo {
    fn source(&self) -> SourceId {
        SourceId::Yahoo
    }

    fn serves(&self, instrument: &Instrument) -> bool {
        instrument.provider == Provider::Yahoo
    }

    fn batches(&self, due: &[&Instrument]) -> Vec<Vec<usize>> {
        (0..due.len()).map(|index| vec![index]).collect()
    }

    fn url(&self, host: &str, batch: &[&Instrument]) -> String {
        batch.first().map_or_else(String::new, |instrument| {
            chart_url(host, &instrument.symbol)
        })
    }

    fn parse(
        &self,
        fetched: &Fetched,
        batch: &[&Instrument],
        at: Timestamp,
    ) -> Result<Vec<Quote>, FetchError> {
        let Some(instrument) = batch.first() else {
            return Ok(Vec::new());
        };
        parse_fetched(fetched, &instrument.symbol, at).map(|quote| vec![quote])
    }
}

/// The body decides; the status only adds detail. "Not Found" is Yahoo saying "no such
/// symbol" (often with a 404); other error bodies ("Invalid Crumb") are the API changing; an
/// unparseable 5xx is the server's own trouble.
fn fetch_error(error: ChartError, status: StatusCode) -> FetchError {
    match error {
        ChartError::Provider { code, description } if code == "Not Found" => {
            FetchError::UnknownSymbol(description)
        }
        ChartError::Provider { description, .. } => {
            FetchError::BadResponse(format!("Yahoo says: {description}"))
        }
        _ if status.is_server_error() => FetchError::Server {
            status: status.as_u16(),
        },
        ChartError::NotJson => FetchError::WebPage(with_status(&ChartError::NotJson, status)),
        other @ ChartError::Unexpected { .. } => {
            FetchError::BadResponse(with_status(&other, status))
        }
    }
}

fn with_status(error: &ChartError, status: StatusCode) -> String {
    if status.is_success() {
        error.to_string()
    } else {
        format!("{error} (HTTP {})", status.as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FTSE: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_ftse.json");
    const GBPUSD: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_gbpusd.json");
    const QUIET_DAY: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_quiet_day.json");
    const PENCE: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_pence.json");
    const NO_PRICE: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_no_price.json");
    const UNKNOWN_SYMBOL: &[u8] =
        include_bytes!("../../tests/fixtures/yahoo/chart_unknown_symbol.json");
    pub(super) const OUTAGE: &[u8] = include_bytes!("../../tests/fixtures/yahoo/outage.html");
    const TRUNCATED: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_truncated.json");
    const PADDED_NAME: &[u8] = include_bytes!("../../tests/fixtures/yahoo/chart_padded_name.json");

    const FIXTURES: [&[u8]; 9] = [
        FTSE,
        GBPUSD,
        QUIET_DAY,
        PENCE,
        NO_PRICE,
        UNKNOWN_SYMBOL,
        OUTAGE,
        TRUNCATED,
        PADDED_NAME,
    ];

    pub(super) fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn window(start: i64, end: i64) -> Window {
        Window {
            start: at(start),
            end: at(end),
        }
    }

    /// A time no fixture uses, so a test can tell when it was taken.
    pub(super) fn fetched() -> Timestamp {
        at(1_719_600_000)
    }

    fn parse(body: &[u8], symbol: &str) -> Quote {
        parse_chart(body, symbol, fetched()).unwrap()
    }

    fn assert_close(actual: Option<f64>, expected: f64) {
        let actual = actual.unwrap();
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    fn text(value: &str) -> SafeText {
        SafeText::new(value)
    }

    /// A minimal chart body around the given meta fields, for edge cases no fixture needs.
    fn with_meta(meta: &str) -> Vec<u8> {
        format!(r#"{{"chart":{{"result":[{{"meta":{{{meta}}},"indicators":{{"quote":[{{}}]}}}}],"error":null}}}}"#)
            .into_bytes()
    }

    #[test]
    fn url_encodes_the_symbol_as_one_path_segment() {
        assert_eq!(
            chart_url("https://query1.finance.yahoo.com", "^FTSE"),
            "https://query1.finance.yahoo.com/v8/finance/chart/%5EFTSE?range=1d&interval=5m"
        );
        assert_eq!(
            chart_url("http://127.0.0.1:8080", "GBPUSD=X"),
            "http://127.0.0.1:8080/v8/finance/chart/GBPUSD%3DX?range=1d&interval=5m"
        );
        assert_eq!(
            chart_url("http://h", "BTC-GBP"),
            "http://h/v8/finance/chart/BTC-GBP?range=1d&interval=5m"
        );
        assert_eq!(
            chart_url("http://h", "VOD.L"),
            "http://h/v8/finance/chart/VOD.L?range=1d&interval=5m"
        );
        assert_eq!(
            chart_url("http://h", "a/b?c#d e~_"),
            "http://h/v8/finance/chart/a%2Fb%3Fc%23d%20e~_?range=1d&interval=5m"
        );
    }

    #[test]
    fn url_tolerates_a_trailing_slash_on_the_base() {
        assert_eq!(
            chart_url("http://h/", "^FTSE"),
            "http://h/v8/finance/chart/%5EFTSE?range=1d&interval=5m"
        );
    }

    #[test]
    fn index_quote_has_every_field() {
        let quote = parse(FTSE, "^FTSE");
        assert_eq!(quote.symbol, "^FTSE");
        assert_close(Some(quote.price), 8171.35);
        assert_close(quote.previous_close, 8179.68);
        assert_eq!(quote.decimals, 2);
        assert_eq!(quote.currency, Some(text("GBP")));
        assert_eq!(quote.time, at(1_719_560_832));
        assert_close(quote.day_low, 8163.05);
        assert_close(quote.day_high, 8182.4);
        assert_eq!(quote.exchange, Some(text("FTSE Index")));
        assert_eq!(
            quote.session,
            Some(TradingSession {
                pre: window(1_719_555_300, 1_719_558_000),
                regular: window(1_719_558_000, 1_719_588_600),
                post: window(1_719_588_600, 1_719_591_300),
            })
        );
    }

    #[test]
    fn series_keeps_null_closes_as_gaps() {
        let quote = parse(FTSE, "^FTSE");
        assert_eq!(
            quote.series,
            vec![
                Some(8176.21),
                Some(8172.64),
                Some(8168.9),
                None,
                Some(8165.37),
                Some(8169.02),
                Some(8174.55),
                Some(8172.18),
                Some(8170.92),
                None,
            ]
        );
    }

    #[test]
    fn each_close_keeps_its_time_and_times_that_do_not_match_are_dropped() {
        let quote = parse(FTSE, "^FTSE");
        assert_eq!(quote.series_times.len(), quote.series.len());
        assert_eq!(quote.series_times.first(), Some(&at(1_719_558_000)));
        assert_eq!(quote.series_times.get(1), Some(&at(1_719_558_300)));
        let body = String::from_utf8(FTSE.to_vec())
            .unwrap()
            .replacen("1719558300", "\"soon\"", 1);
        let quote = parse(body.as_bytes(), "^FTSE");
        assert_eq!(quote.series.len(), 10, "the closes stay");
        assert!(
            quote.series_times.is_empty(),
            "no time is shifted onto a close"
        );
    }

    #[test]
    fn each_range_asks_for_the_interval_yahoo_serves_it_with() {
        let asked = [
            (ChartRange::Day, "range=1d&interval=5m"),
            (ChartRange::FiveDays, "range=5d&interval=15m"),
            (ChartRange::Month, "range=1mo&interval=1h"),
            (ChartRange::SixMonths, "range=6mo&interval=1d"),
            (ChartRange::YearToDate, "range=ytd&interval=1d"),
            (ChartRange::Year, "range=1y&interval=1d"),
            (ChartRange::FiveYears, "range=5y&interval=1wk"),
        ];
        for (range, query) in asked {
            let url = range_url("http://h", "^FTSE", range);
            assert_eq!(url, format!("http://h/v8/finance/chart/%5EFTSE?{query}"));
        }
    }

    #[test]
    fn fx_has_a_day_long_regular_window_and_empty_pre_and_post() {
        let quote = parse(GBPUSD, "GBPUSD=X");
        assert_eq!(quote.symbol, "GBPUSD=X");
        assert_close(Some(quote.price), 1.2643);
        assert_eq!(quote.decimals, 4);
        assert_eq!(quote.currency, Some(text("USD")));
        assert_eq!(quote.exchange, Some(text("CCY")));
        assert_eq!(quote.time, at(1_719_531_600));
        let session = quote.session.unwrap();
        assert_eq!(session.pre, window(1_719_529_200, 1_719_529_200));
        assert_eq!(session.regular, window(1_719_529_200, 1_719_615_540));
        assert_eq!(session.post, window(1_719_615_540, 1_719_615_540));
        assert!(!session.pre.contains(at(1_719_529_200)));
        assert!(session.regular.contains(at(1_719_531_600)));
        assert_eq!(quote.series.len(), 8);
        assert_eq!(quote.series[2], None);
        assert_eq!(quote.series[7], Some(1.26433));
    }

    #[test]
    fn chart_previous_close_wins_over_previous_close() {
        // The fixture's previousClose (1.2648) differs on purpose.
        assert_close(parse(GBPUSD, "GBPUSD=X").previous_close, 1.2652);
    }

    #[test]
    fn quiet_day_is_a_valid_quote_with_an_empty_series() {
        let quote = parse(QUIET_DAY, "^FTAI");
        assert!(quote.series.is_empty());
        assert_close(Some(quote.price), 764.38);
        assert_close(quote.previous_close, 764.47);
        assert_eq!(quote.time, at(1_719_571_651));
        assert_eq!(quote.currency, Some(text("GBP")));
        assert!(quote.session.is_some());
    }

    #[test]
    fn pence_stay_pence() {
        let quote = parse(PENCE, "VOD.L");
        assert_eq!(quote.currency, Some(text("GBp")));
        assert_close(Some(quote.price), 70.3);
        assert_close(quote.previous_close, 69.84);
        assert_eq!(quote.exchange, Some(text("LSE")));
        assert_eq!(quote.series[4], None);
    }

    #[test]
    fn null_price_falls_back_to_the_last_close_that_is_not_null() {
        let quote = parse(NO_PRICE, "^GSPC");
        // The last close is null; the one before it is the price.
        assert_close(Some(quote.price), 5504.27);
        assert_eq!(quote.series.last(), Some(&None));
    }

    #[test]
    fn thin_meta_falls_back_field_by_field() {
        let quote = parse(NO_PRICE, "^GSPC");
        // chartPreviousClose is null, so previousClose.
        assert_close(quote.previous_close, 5482.87);
        // No regularMarketTime: the last timestamp.
        assert_eq!(quote.time, at(1_719_581_400 + 6 * 300));
        // No fullExchangeName: exchangeName.
        assert_eq!(quote.exchange, Some(text("SNP")));
        assert_eq!(quote.day_low, None);
        assert_eq!(quote.day_high, None);
        // No post window: no session at all.
        assert_eq!(quote.session, None);
    }

    #[test]
    fn padding_is_trimmed_and_chart_previous_close_suffices() {
        let quote = parse(PADDED_NAME, "^FTSE");
        assert_eq!(quote.exchange, Some(text("FTSE Index")));
        assert_close(quote.previous_close, 8180.03);
        assert_close(Some(quote.price), 8166.45);
        assert_eq!(quote.time, at(1_719_558_960));
    }

    #[test]
    fn symbol_is_the_one_requested() {
        assert_eq!(parse(PENCE, "vod.l").symbol, "vod.l");
    }

    #[test]
    fn unknown_symbol_is_the_providers_error() {
        let error = parse_chart(UNKNOWN_SYMBOL, "NOPE.L", fetched()).unwrap_err();
        assert_eq!(
            error,
            ChartError::Provider {
                code: "Not Found".to_owned(),
                description: "No data found, symbol may be delisted".to_owned(),
            }
        );
        assert_eq!(error.to_string(), "No data found, symbol may be delisted");
    }

    #[test]
    fn html_outage_page_is_not_json() {
        let error = parse_chart(OUTAGE, "^FTSE", fetched()).unwrap_err();
        assert_eq!(error, ChartError::NotJson);
        assert_eq!(error.to_string(), "answered with a web page, not data");
    }

    #[test]
    fn empty_and_plain_text_bodies_are_not_json() {
        for body in [
            &b""[..],
            b"  \r\n",
            b"\xEF\xBB\xBF",
            b"Too Many Requests\r\n",
            b"\n<html>",
        ] {
            assert_eq!(
                parse_chart(body, "^FTSE", fetched()),
                Err(ChartError::NotJson)
            );
        }
    }

    #[test]
    fn truncated_body_is_unexpected() {
        let error = parse_chart(TRUNCATED, "^FTSE", fetched()).unwrap_err();
        assert_eq!(error, unexpected("truncated or malformed JSON"));
        assert_eq!(
            error.to_string(),
            "unexpected response: truncated or malformed JSON"
        );
    }

    #[test]
    fn empty_result_is_unexpected() {
        let body = br#"{"chart":{"result":[],"error":null}}"#;
        let error = parse_chart(body, "^FTSE", fetched()).unwrap_err();
        assert_eq!(error, unexpected("empty result"));
        assert_eq!(error.to_string(), "unexpected response: empty result");
    }

    #[test]
    fn other_shapes_name_what_is_missing() {
        let cases: [(&[u8], &str); 6] = [
            (b"[]", "not a JSON object"),
            (b"null", "not a JSON object"),
            (br#"{"spark":{}}"#, "missing chart"),
            (br#"{"chart":{"error":null}}"#, "missing chart.result"),
            (
                br#"{"chart":{"result":[null]}}"#,
                "chart.result[0] is not an object",
            ),
            (
                br#"{"chart":{"result":[{"timestamp":[1]}]}}"#,
                "missing chart.result[0].meta",
            ),
        ];
        for (body, detail) in cases {
            assert_eq!(
                parse_chart(body, "X", fetched()),
                Err(unexpected(detail)),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn no_price_anywhere_is_unexpected() {
        let body = br#"{"chart":{"result":[{"meta":{"currency":"GBP"},"timestamp":[1719558000],"indicators":{"quote":[{"close":[null]}]}}]}}"#;
        assert_eq!(
            parse_chart(body, "X", fetched()),
            Err(unexpected("no price"))
        );
    }

    #[test]
    fn negative_or_overflowing_price_is_unexpected() {
        assert_eq!(
            parse_chart(&with_meta(r#""regularMarketPrice":-1.5"#), "X", fetched()),
            Err(unexpected("price is negative"))
        );
        // JSON has no infinity; serde_json refuses a number too large for f64.
        assert_eq!(
            parse_chart(&with_meta(r#""regularMarketPrice":1e999"#), "X", fetched()),
            Err(unexpected("truncated or malformed JSON"))
        );
    }

    #[test]
    fn price_hint_is_clamped_and_defaults_to_two() {
        let decimals = |meta: &str| parse(&with_meta(meta), "X").decimals;
        assert_eq!(decimals(r#""regularMarketPrice":1,"priceHint":12"#), 8);
        assert_eq!(decimals(r#""regularMarketPrice":1,"priceHint":-3"#), 0);
        assert_eq!(decimals(r#""regularMarketPrice":1,"priceHint":6"#), 6);
        assert_eq!(decimals(r#""regularMarketPrice":1"#), 2);
        assert_eq!(decimals(r#""regularMarketPrice":1,"priceHint":"4""#), 2);
    }

    #[test]
    fn no_time_at_all_means_the_fetch_time() {
        let quote = parse(&with_meta(r#""regularMarketPrice":1"#), "X");
        assert_eq!(quote.time, fetched());
    }

    #[test]
    fn absent_or_zero_figures_are_unknown_not_zero() {
        let quote = parse(
            &with_meta(
                r#""regularMarketPrice":1,"chartPreviousClose":0,"previousClose":null,"currency":null,"regularMarketDayLow":0,"fullExchangeName":"   ""#,
            ),
            "X",
        );
        assert_eq!(quote.previous_close, None);
        assert_eq!(quote.currency, None);
        assert_eq!(quote.day_low, None);
        assert_eq!(quote.exchange, None);
        assert_eq!(quote.session, None);
        assert!(quote.series.is_empty());
    }

    #[test]
    fn a_field_of_a_new_type_counts_as_absent() {
        let body = br#"{"chart":{"result":[{"meta":{"regularMarketPrice":{"raw":1.5,"fmt":"1.50"},"previousClose":"1.25","priceHint":2},"timestamp":[1719558000,"x"],"indicators":{"quote":[{"close":[1.4,"n/a"]}]}}]}}"#;
        let quote = parse(body, "X");
        assert_close(Some(quote.price), 1.4);
        assert_eq!(quote.previous_close, None);
        assert_eq!(quote.series, vec![Some(1.4), None]);
        assert_eq!(quote.time, at(1_719_558_000));
    }

    #[test]
    fn window_ending_before_it_starts_means_no_session() {
        let meta = r#""regularMarketPrice":1,"currentTradingPeriod":{"pre":{"start":10,"end":20},"regular":{"start":20,"end":30},"post":{"start":40,"end":30}}"#;
        assert_eq!(parse(&with_meta(meta), "X").session, None);
    }

    #[test]
    fn provider_text_is_sanitised_and_result_beats_error() {
        let body = br#"{"chart":{"result":null,"error":{"code":"Bad\u001b[2J","description":"no\u001b]52;c;eA==\u0007 data"}}}"#;
        assert_eq!(
            parse_chart(body, "X", fetched()),
            Err(ChartError::Provider {
                code: "Bad[2J".to_owned(),
                description: "no]52;c;eA== data".to_owned(),
            })
        );
        let both = br#"{"chart":{"result":[{"meta":{"regularMarketPrice":2}}],"error":{"code":"x","description":"y"}}}"#;
        assert_close(Some(parse(both, "X").price), 2.0);
    }

    #[test]
    fn finance_error_is_the_providers_error() {
        let body = br#"{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}"#;
        assert_eq!(
            parse_chart(body, "X", fetched()),
            Err(ChartError::Provider {
                code: "Unauthorized".to_owned(),
                description: "Invalid Crumb".to_owned(),
            })
        );
    }

    #[test]
    fn external_text_is_sanitised() {
        let quote = parse(
            &with_meta(
                r#""regularMarketPrice":1,"currency":"GB\u001b[31mp","exchangeName":" LSE\u202e\n","shortName":"VODAFONE\u0007 GROUP""#,
            ),
            "X",
        );
        assert_eq!(quote.currency, Some(text("GB[31mp")));
        assert_eq!(quote.exchange, Some(text("LSE")));
        assert_eq!(quote.short_name, Some(text("VODAFONE GROUP")));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_chart(&body, "X", fetched());
        }

        #[test]
        fn any_meta_values_never_panic_and_keep_the_invariants(
            price in proptest::option::of(any::<f64>()),
            hint in any::<i64>(),
            time in any::<i64>(),
            bounds in proptest::collection::vec(any::<i64>(), 6),
            closes in proptest::collection::vec(proptest::option::of(any::<f64>()), 0..8),
        ) {
            let period = |i: usize| serde_json::json!({"start": bounds[i], "end": bounds[i + 1]});
            let body = serde_json::json!({"chart": {"result": [{
                "meta": {
                    "regularMarketPrice": price,
                    "priceHint": hint,
                    "regularMarketTime": time,
                    "chartPreviousClose": price,
                    "currentTradingPeriod": {"pre": period(0), "regular": period(2), "post": period(4)},
                },
                "timestamp": vec![time; closes.len()],
                "indicators": {"quote": [{"close": closes}]},
            }]}})
            .to_string();
            if let Ok(quote) = parse_chart(body.as_bytes(), "X", fetched()) {
                prop_assert!(quote.price.is_finite() && quote.price >= 0.0);
                prop_assert!(quote.decimals <= 8);
                prop_assert!(quote.previous_close.is_none_or(|close| close > 0.0));
                prop_assert!(quote.series.iter().flatten().all(|close| close.is_finite() && *close >= 0.0));
                if let Some(session) = quote.session {
                    for window in [session.pre, session.regular, session.post] {
                        prop_assert!(window.start <= window.end);
                    }
                }
            }
        }

        #[test]
        fn cut_or_damaged_fixtures_never_panic(
            which in 0..FIXTURES.len(),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut body = FIXTURES[which].to_vec();
            let at = flip.index(body.len());
            body[at] = byte;
            let _ = parse_chart(&body, "X", fetched());
            body.truncate(cut.index(body.len() + 1));
            let _ = parse_chart(&body, "X", fetched());
        }
    }
}
