//! Crypto prices from the `CoinGecko` API's `simple/price`, turned into [`Quote`]s. Pure: bytes
//! in, quotes or a reason out.
//!
//! Why this provider for crypto: it needs no key, and one request prices every coin that shares a
//! quote currency. Its figures refresh about once a minute, so polling faster buys nothing and
//! spends the small key-less rate limit.
//!
//! What the answer lacks, and how that is handled:
//! - No previous close: crypto never closes. The 24-hour change stands in, so the close is
//!   derived as `price / (1 + change / 100)`: the price 24 hours ago, and the change the tape
//!   shows is then the provider's own 24-hour change.
//! - No precision hint: decimals follow the size of the price, so a coin worth a fraction of a
//!   penny does not show as 0.00.
//! - No trading windows: crypto trades around the clock, so the session is `None`.
//! - An id the provider does not know is simply left out of the answer (`{}`), so it is left out of
//!   the result too, and the caller names it.
//!
//! Errors arrive as JSON (`{"status":{"error_code":429,...}}` when rate limited, `{"error":...}`
//! for a bad request) or as an HTML page from the CDN; the body decides, not the status.

use jiff::Timestamp;
use serde_json::{Map, Value};

use std::collections::BTreeMap;
use std::time::Duration;

use super::{FetchError, Fetched, QuoteApi};
use crate::domain::{Instrument, Provider, Quote};
use crate::message::SourceId;
use crate::sanitize::SafeText;

/// The price request for every id that shares the quote currency `vs`: one request instead of
/// one per coin, which matters under the small key-less rate limit.
///
/// Each id and `vs` is percent-encoded as a query value; the commas between ids stay literal, as
/// the API expects. `vs` is lower-cased because the API's currency codes are.
pub fn prices_url(base: &str, ids: &[&str], vs: &str) -> String {
    let ids: Vec<String> = ids.iter().map(|id| super::encode_component(id)).collect();
    format!(
        "{}/api/v3/simple/price?ids={}&vs_currencies={}&include_24hr_change=true&include_last_updated_at=true",
        base.trim_end_matches('/'),
        ids.join(","),
        super::encode_component(&vs.to_ascii_lowercase()),
    )
}

/// Why a price answer gave no quotes, in words fit for the status line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriceError {
    /// The body is not JSON: typically an HTML outage or CDN page.
    #[error("answered with a web page, not data")]
    NotJson,
    /// The provider's own error text, e.g. its rate-limit message.
    #[error("{0}")]
    Provider(String),
    /// JSON, but not the price shape (a new schema): names what was wrong.
    #[error("unexpected response: {detail}")]
    Unexpected { detail: String },
}

fn unexpected(detail: impl Into<String>) -> PriceError {
    PriceError::Unexpected {
        detail: detail.into(),
    }
}

/// Parses one `simple/price` body into one quote per `(id, symbol)` pair whose id has a price
/// in `vs`, in the order of `ids`; each quote carries the caller's symbol for that id.
///
/// An id missing from the body, or present without a price in `vs`, is absent from the result:
/// that is how the provider says it does not know the coin or the currency, and only the caller
/// knows how to name it. A price that is there but is not a non-negative number fails the
/// whole answer, since it means the format changed.
///
/// `fetched_at` stands in for a coin's time only when `last_updated_at` is missing.
pub fn parse_prices(
    body: &[u8],
    ids: &[(&str, &str)],
    vs: &str,
    fetched_at: Timestamp,
) -> Result<Vec<Quote>, PriceError> {
    let Value::Object(body) = super::json_value(body).map_err(|error| match error {
        super::BodyError::NotJson => PriceError::NotJson,
        super::BodyError::Malformed => unexpected("truncated or malformed JSON"),
    })?
    else {
        return Err(unexpected("not a JSON object"));
    };
    if let Some(message) = provider_message(&body) {
        return Err(PriceError::Provider(message));
    }
    let vs = vs.to_ascii_lowercase();
    let change_key = format!("{vs}_24h_change");
    let currency = SafeText::new(&vs.to_ascii_uppercase());
    let mut quotes = Vec::with_capacity(ids.len());
    for &(id, symbol) in ids {
        let Some(entry) = body.get(id) else {
            continue;
        };
        let name = || SafeText::new(id);
        let Some(entry) = entry.as_object() else {
            return Err(unexpected(format!("{} is not an object", name())));
        };
        let price = match entry.get(&vs) {
            None | Some(Value::Null) => continue,
            Some(price) => price
                .as_f64()
                .ok_or_else(|| unexpected(format!("{}.{vs} is not a number", name())))?,
        };
        if !price.is_finite() || price < 0.0 {
            return Err(unexpected(format!("{}.{vs} is not a valid price", name())));
        }
        let previous_close = entry
            .get(&change_key)
            .and_then(Value::as_f64)
            .and_then(|change| previous_close(price, change));
        let time = entry
            .get("last_updated_at")
            .and_then(Value::as_i64)
            .filter(|seconds| *seconds > 0)
            .and_then(|seconds| Timestamp::from_second(seconds).ok())
            .unwrap_or(fetched_at);
        let mut quote = Quote::new(symbol, price, decimals_for(price), time);
        quote.previous_close = previous_close;
        quote.currency = Some(currency.clone());
        quotes.push(quote);
    }
    Ok(quotes)
}

/// The price 24 hours ago. A change of -100% or less has no such price (it would divide by zero
/// or go negative), and a zero close would make every percentage infinite: both are unknown.
fn previous_close(price: f64, change_pct: f64) -> Option<f64> {
    if !change_pct.is_finite() || change_pct <= -100.0 {
        return None;
    }
    Some(price / (1.0 + change_pct / 100.0)).filter(|close| close.is_finite() && *close > 0.0)
}

/// Enough places that a cheap coin still shows significant digits.
fn decimals_for(price: f64) -> u8 {
    if price < 0.01 {
        6
    } else if price < 10.0 {
        4
    } else {
        2
    }
}

/// The provider's two error shapes. Neither can be mistaken for a coin: a coin's entry is an object
/// of prices, never a string and never carrying `error_code`.
fn provider_message(body: &Map<String, Value>) -> Option<String> {
    if let Some(status) = body.get("status").and_then(Value::as_object) {
        let message = status.get("error_message").and_then(Value::as_str);
        let code = status.get("error_code");
        if let Some(message) = message.map(super::clean_message).filter(|m| !m.is_empty()) {
            return Some(message);
        }
        if let Some(code) = code {
            return Some(super::clean_message(&format!("CoinGecko error {code}")));
        }
    }
    match body.get("error") {
        Some(Value::String(message)) => Some(super::clean_message(message)),
        _ => None,
    }
}

/// CoinGecko as a [`QuoteApi`]: every coin priced in one currency in a single request.
pub struct CoinGecko;

/// CoinGecko's free prices move about once a minute; asking faster only spends its rate limit.
/// The poller holds every instrument to this floor, jitter and gathering included.
const MIN_INTERVAL: Duration = Duration::from_mins(1);

impl QuoteApi for CoinGecko {
    fn source(&self) -> SourceId {
        SourceId::CoinGecko
    }

    fn serves(&self, instrument: &Instrument) -> bool {
        matches!(instrument.provider, Provider::CoinGecko { .. })
    }

    fn min_interval(&self) -> Duration {
        MIN_INTERVAL
    }

    fn batches(&self, due: &[&Instrument]) -> Vec<Vec<usize>> {
        let mut by_currency: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, instrument) in due.iter().enumerate() {
            if let Provider::CoinGecko { vs, .. } = &instrument.provider {
                by_currency.entry(vs).or_default().push(index);
            }
        }
        by_currency.into_values().collect()
    }

    fn url(&self, host: &str, batch: &[&Instrument]) -> String {
        let coins = coins(batch);
        let ids: Vec<&str> = coins.iter().map(|(id, _, _)| *id).collect();
        let vs = coins.first().map_or("", |(_, _, vs)| *vs);
        prices_url(host, &ids, vs)
    }

    fn parse(
        &self,
        fetched: &Fetched,
        batch: &[&Instrument],
        at: Timestamp,
    ) -> Result<Vec<Quote>, FetchError> {
        let coins = coins(batch);
        let ids: Vec<(&str, &str)> = coins.iter().map(|(id, symbol, _)| (*id, *symbol)).collect();
        let vs = coins.first().map_or("", |(_, _, vs)| *vs);
        parse_prices(&fetched.body, &ids, vs, at).map_err(|error| match error {
            _ if fetched.status.is_server_error() => FetchError::Server {
                status: fetched.status.as_u16(),
            },
            other => FetchError::BadResponse(format!("CoinGecko: {other}")),
        })
    }
}

/// `(coin id, symbol, currency)` of each CoinGecko instrument in a batch.
fn coins<'a>(batch: &[&'a Instrument]) -> Vec<(&'a str, &'a str, &'a str)> {
    batch
        .iter()
        .filter_map(|instrument| match &instrument.provider {
            Provider::CoinGecko { id, vs } => {
                Some((id.as_str(), instrument.symbol.as_str(), vs.as_str()))
            }
            Provider::Yahoo => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BITCOIN_GBP: &[u8] =
        include_bytes!("../../tests/fixtures/coingecko/price_bitcoin_gbp.json");
    const TWO_IDS: &[u8] = include_bytes!("../../tests/fixtures/coingecko/price_two_ids.json");
    const RATE_LIMITED: &[u8] = include_bytes!("../../tests/fixtures/coingecko/rate_limited.json");
    const UNKNOWN_ID: &[u8] = include_bytes!("../../tests/fixtures/coingecko/unknown_id.json");

    const FIXTURES: [&[u8]; 4] = [BITCOIN_GBP, TWO_IDS, RATE_LIMITED, UNKNOWN_ID];

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    /// A time no fixture uses, so a test can tell when it was taken.
    fn fetched() -> Timestamp {
        at(1_719_600_000)
    }

    fn assert_close(actual: Option<f64>, expected: f64) {
        let actual = actual.unwrap();
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    fn parse(body: &[u8], ids: &[(&str, &str)], vs: &str) -> Vec<Quote> {
        parse_prices(body, ids, vs, fetched()).unwrap()
    }

    #[test]
    fn url_asks_for_change_and_update_time() {
        assert_eq!(
            prices_url("https://api.coingecko.com", &["bitcoin"], "gbp"),
            "https://api.coingecko.com/api/v3/simple/price?ids=bitcoin&vs_currencies=gbp&include_24hr_change=true&include_last_updated_at=true"
        );
    }

    #[test]
    fn url_joins_ids_with_commas_and_encodes_each() {
        assert_eq!(
            prices_url("http://h/", &["bitcoin", "usd-coin", "a&b=c d"], "GBP"),
            "http://h/api/v3/simple/price?ids=bitcoin,usd-coin,a%26b%3Dc%20d&vs_currencies=gbp&include_24hr_change=true&include_last_updated_at=true"
        );
    }

    #[test]
    fn bitcoin_in_pounds() {
        let quotes = parse(BITCOIN_GBP, &[("bitcoin", "BTC-GBP")], "gbp");
        assert_eq!(quotes.len(), 1);
        let quote = &quotes[0];
        assert_eq!(quote.symbol, "BTC-GBP");
        assert_close(Some(quote.price), 47_916.38);
        assert_close(quote.previous_close, 47_330.187_482_831_185);
        assert_close(quote.change_pct(), 1.238_517_209_3);
        assert_eq!(quote.decimals, 2);
        assert_eq!(quote.currency, Some(SafeText::new("GBP")));
        assert_eq!(quote.time, at(1_719_576_043));
        assert!(quote.series.is_empty());
        assert_eq!(quote.session, None);
        assert_eq!(quote.day_low, None);
        assert_eq!(quote.day_high, None);
        assert_eq!(quote.exchange, None);
    }

    #[test]
    fn vs_is_matched_whatever_its_case() {
        let quotes = parse(BITCOIN_GBP, &[("bitcoin", "BTC")], "GBP");
        assert_close(Some(quotes[0].price), 47_916.38);
        assert_eq!(quotes[0].currency, Some(SafeText::new("GBP")));
    }

    #[test]
    fn two_ids_come_back_in_the_order_asked() {
        let quotes = parse(
            TWO_IDS,
            &[("ethereum", "ETH-GBP"), ("dogecoin", "DOGE-GBP")],
            "gbp",
        );
        assert_eq!(quotes.len(), 2);
        assert_eq!(quotes[0].symbol, "ETH-GBP");
        assert_close(Some(quotes[0].price), 2693.27);
        assert_close(quotes[0].previous_close, 2_757.004_954_301_087);
        assert_eq!(quotes[0].decimals, 2);
        assert_eq!(quotes[0].time, at(1_719_576_037));
        assert_eq!(quotes[1].symbol, "DOGE-GBP");
        assert_close(Some(quotes[1].price), 0.09841);
        assert_eq!(quotes[1].decimals, 4);
        assert_eq!(quotes[1].time, at(1_719_576_012));
    }

    #[test]
    fn null_change_means_no_previous_close() {
        let quotes = parse(TWO_IDS, &[("dogecoin", "DOGE-GBP")], "gbp");
        assert_eq!(quotes[0].previous_close, None);
        assert_eq!(quotes[0].change(), None);
    }

    #[test]
    fn an_id_missing_from_the_body_is_absent() {
        let quotes = parse(TWO_IDS, &[("bitcoin", "BTC"), ("ethereum", "ETH")], "gbp");
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].symbol, "ETH");
        assert!(parse(UNKNOWN_ID, &[("not-a-coin", "NAC")], "gbp").is_empty());
    }

    #[test]
    fn an_id_without_the_currency_is_absent() {
        assert!(parse(BITCOIN_GBP, &[("bitcoin", "BTC-USD")], "usd").is_empty());
        assert!(parse(br#"{"bitcoin":{"gbp":null}}"#, &[("bitcoin", "B")], "gbp").is_empty());
    }

    #[test]
    fn one_id_can_serve_two_symbols() {
        let quotes = parse(
            BITCOIN_GBP,
            &[("bitcoin", "BTC"), ("bitcoin", "XBT")],
            "gbp",
        );
        let symbols: Vec<&str> = quotes.iter().map(|q| q.symbol.as_str()).collect();
        assert_eq!(symbols, ["BTC", "XBT"]);
    }

    #[test]
    fn decimals_follow_the_size_of_the_price() {
        let decimals = |price: &str| {
            let body = format!(r#"{{"c":{{"gbp":{price}}}}}"#);
            parse(body.as_bytes(), &[("c", "C")], "gbp")[0].decimals
        };
        assert_eq!(decimals("10"), 2);
        assert_eq!(decimals("9.99"), 4);
        assert_eq!(decimals("0.01"), 4);
        assert_eq!(decimals("0.00999"), 6);
        assert_eq!(decimals("0"), 6);
    }

    #[test]
    fn no_update_time_means_the_fetch_time() {
        let quotes = parse(
            br#"{"c":{"gbp":1.5,"last_updated_at":null}}"#,
            &[("c", "C")],
            "gbp",
        );
        assert_eq!(quotes[0].time, fetched());
    }

    #[test]
    fn a_total_loss_has_no_previous_close() {
        let body = br#"{"c":{"gbp":1.5,"gbp_24h_change":-100}}"#;
        assert_eq!(parse(body, &[("c", "C")], "gbp")[0].previous_close, None);
        let body = br#"{"c":{"gbp":1.5,"gbp_24h_change":-50}}"#;
        assert_close(parse(body, &[("c", "C")], "gbp")[0].previous_close, 3.0);
    }

    #[test]
    fn rate_limit_is_the_providers_error() {
        let error =
            parse_prices(RATE_LIMITED, &[("bitcoin", "BTC")], "gbp", fetched()).unwrap_err();
        let message = "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.";
        assert_eq!(error, PriceError::Provider(message.to_owned()));
        assert_eq!(error.to_string(), message);
    }

    #[test]
    fn other_error_shapes_are_the_providers_error() {
        let cases: [(&[u8], &str); 3] = [
            (br#"{"error":"invalid vs_currency"}"#, "invalid vs_currency"),
            (
                br#"{"status":{"error_code":10002}}"#,
                "CoinGecko error 10002",
            ),
            (br#"{"error":"a\u001b[2Jb"}"#, "a[2Jb"),
        ];
        for (body, message) in cases {
            assert_eq!(
                parse_prices(body, &[("c", "C")], "gbp", fetched()),
                Err(PriceError::Provider(message.to_owned()))
            );
        }
    }

    #[test]
    fn web_pages_and_empty_bodies_are_not_json() {
        for body in [
            &b""[..],
            b" \n",
            b"<!DOCTYPE html><title>Error 1015</title>",
            b"error code: 1015",
        ] {
            let error = parse_prices(body, &[("c", "C")], "gbp", fetched()).unwrap_err();
            assert_eq!(error, PriceError::NotJson);
            assert_eq!(error.to_string(), "answered with a web page, not data");
        }
    }

    #[test]
    fn truncated_and_odd_shapes_are_unexpected() {
        let cases: [(&[u8], &str); 6] = [
            (br#"{"bitcoin":{"gbp":4791"#, "truncated or malformed JSON"),
            (b"[]", "not a JSON object"),
            (br#"{"c":[1]}"#, "c is not an object"),
            (br#"{"c":{"gbp":"1.5"}}"#, "c.gbp is not a number"),
            (br#"{"c":{"gbp":-1.5}}"#, "c.gbp is not a valid price"),
            (br#"{"c":{"gbp":1e999}}"#, "truncated or malformed JSON"),
        ];
        for (body, detail) in cases {
            let error = parse_prices(body, &[("c", "C")], "gbp", fetched()).unwrap_err();
            assert_eq!(error, unexpected(detail));
            assert_eq!(error.to_string(), format!("unexpected response: {detail}"));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_prices(&body, &[("bitcoin", "BTC")], "gbp", fetched());
        }

        #[test]
        fn cut_or_damaged_fixtures_never_panic(
            which in 0..FIXTURES.len(),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let ids = [("bitcoin", "BTC"), ("ethereum", "ETH"), ("dogecoin", "DOGE")];
            let mut body = FIXTURES[which].to_vec();
            let at = flip.index(body.len());
            body[at] = byte;
            let _ = parse_prices(&body, &ids, "gbp", fetched());
            body.truncate(cut.index(body.len() + 1));
            let _ = parse_prices(&body, &ids, "gbp", fetched());
        }

        #[test]
        fn any_price_object_never_panics(
            price in proptest::option::of(any::<f64>()),
            change in proptest::option::of(any::<f64>()),
            updated in proptest::option::of(any::<i64>()),
        ) {
            let mut entry = Map::new();
            if let Some(price) = price {
                entry.insert("gbp".to_owned(), serde_json::json!(price));
            }
            if let Some(change) = change {
                entry.insert("gbp_24h_change".to_owned(), serde_json::json!(change));
            }
            if let Some(updated) = updated {
                entry.insert("last_updated_at".to_owned(), serde_json::json!(updated));
            }
            let body = serde_json::json!({ "c": entry }).to_string();
            if let Ok(quotes) = parse_prices(body.as_bytes(), &[("c", "C")], "gbp", fetched()) {
                for quote in quotes {
                    prop_assert!(quote.price.is_finite() && quote.price >= 0.0);
                    prop_assert!(quote.previous_close.is_none_or(|close| close.is_finite() && close > 0.0));
                }
            }
        }
    }
}
