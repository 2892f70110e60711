//! Yahoo's v8 spark endpoint: the latest prices of many symbols in one request. Pure: bytes
//! in, quotes or a reason out.
//!
//! Why spark beside chart: one chart request per symbol every refresh is four requests a second
//! for sixty instruments, and Yahoo answers that with 429 storms. Spark prices twenty symbols
//! per request. What it carries per symbol is the day's 5-minute closes with their times and the
//! previous close; what it lacks, compared with chart, is everything in chart's `meta`: the
//! currency, the precision hint, names, the exchange, the day's range and today's trading
//! windows. So a spark quote is brief: it refreshes a quote that a chart request completed (the
//! poller keeps the last full one and lays the brief one over it, see
//! [`crate::sources::quote_poller`]), and never stands alone.
//!
//! The answer is an object keyed by the symbols asked for. The price is the last close that is
//! not null, and its time is that bar's: the forming bar's close moves with every trade, so it
//! is the current price to within the moment. A symbol that is absent, or whose entry has no
//! price, is left out: the caller asks chart for it. So is every symbol of an empty answer, or
//! of a "Not Found" error. Any other answer in which no symbol asked for has spark's shape is not
//! spark at all (the endpoint changed, or a web page), which is an error.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::{ChartError, bar_times, fetch_error, positive, provider_error, unexpected};
use crate::domain::{Instrument, Quote};
use crate::message::SourceId;
use crate::sources::{FetchError, Fetched, QuoteApi};

/// Symbols per spark request: Yahoo's own pages ask for up to twenty at once, and a longer URL
/// risks a 414 from its front ends.
pub const MAX_SYMBOLS: usize = 20;

/// The spark request for `symbols`: each percent-encoded as a query value (`^` and `=` appear in
/// real symbols), the commas between them literal, and the same range and bars as chart's.
pub fn spark_url(base: &str, symbols: &[&str]) -> String {
    let symbols: Vec<String> = symbols
        .iter()
        .map(|symbol| crate::sources::encode_component(symbol))
        .collect();
    format!(
        "{}/v8/finance/spark?symbols={}&range=1d&interval=5m",
        base.trim_end_matches('/'),
        symbols.join(",")
    )
}

/// Parses one spark body into a brief quote for each symbol in `symbols` that it prices, in the
/// order asked. Decimals are chart's default: the caller keeps the precision of the full quote.
pub fn parse_spark(
    body: &[u8],
    symbols: &[&str],
    fetched_at: Timestamp,
) -> Result<Vec<Quote>, ChartError> {
    let value = crate::sources::json_value(body).map_err(|error| match error {
        crate::sources::BodyError::NotJson => ChartError::NotJson,
        crate::sources::BodyError::Malformed => unexpected("truncated or malformed JSON"),
    })?;
    let Value::Object(answer) = value else {
        return Err(unexpected("not a JSON object"));
    };
    let entries: Vec<(&str, &Map<String, Value>)> = symbols
        .iter()
        .filter_map(|&symbol| Some((symbol, entry(&answer, symbol)?)))
        .collect();
    if entries.is_empty() && !answer.is_empty() {
        let error = ["spark", "finance"]
            .iter()
            .find_map(|key| answer.get(*key)?.get("error").filter(|e| !e.is_null()));
        return Err(error.map_or_else(|| unexpected("no symbol asked for"), provider_error));
    }
    Ok(entries
        .into_iter()
        .filter_map(|(symbol, entry)| brief_quote(symbol, entry, fetched_at))
        .collect())
}

/// The entry for `symbol` if it has spark's shape (an object with a `close` array). Yahoo keys
/// the answer by the symbols as asked, but echoes its own spelling elsewhere, so case is forgiven.
fn entry<'a>(answer: &'a Map<String, Value>, symbol: &str) -> Option<&'a Map<String, Value>> {
    let value = answer.get(symbol).or_else(|| {
        answer
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(symbol))
            .map(|(_, value)| value)
    })?;
    value
        .as_object()
        .filter(|entry| entry.get("close").is_some_and(Value::is_array))
}

fn brief_quote(symbol: &str, entry: &Map<String, Value>, fetched_at: Timestamp) -> Option<Quote> {
    let closes: Vec<Option<f64>> = entry
        .get("close")
        .and_then(Value::as_array)?
        .iter()
        .map(|close| close.as_f64().filter(|c| c.is_finite() && *c >= 0.0))
        .collect();
    let stamps = entry
        .get("timestamp")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let times: Vec<Option<i64>> = stamps.iter().map(Value::as_i64).collect();
    let last = closes.iter().rposition(Option::is_some)?;
    let price = closes[last]?;
    let time = times
        .get(last)
        .copied()
        .flatten()
        .and_then(|seconds| Timestamp::from_second(seconds).ok())
        .unwrap_or(fetched_at);
    let number = |key: &str| entry.get(key).and_then(Value::as_f64);
    let mut quote = Quote::new(symbol, price, super::DEFAULT_DECIMALS, time);
    quote.previous_close =
        positive(number("chartPreviousClose")).or(positive(number("previousClose")));
    // Closes without times stand for nothing, as in chart: no series then; and the bar times
    // only when every one is a time (a headline is never set against the wrong bar).
    if times.len() == closes.len() {
        quote.series_times = bar_times(stamps, closes.len());
        quote.series = closes;
    }
    Some(quote)
}

/// Yahoo's spark as a [`QuoteApi`]: brief quotes for up to [`MAX_SYMBOLS`] per request.
pub struct YahooSpark;

impl QuoteApi for YahooSpark {
    fn source(&self) -> SourceId {
        SourceId::Yahoo
    }

    fn serves(&self, instrument: &Instrument) -> bool {
        super::Yahoo.serves(instrument)
    }

    fn batches(&self, due: &[&Instrument]) -> Vec<Vec<usize>> {
        let indices: Vec<usize> = (0..due.len()).collect();
        indices.chunks(MAX_SYMBOLS).map(<[usize]>::to_vec).collect()
    }

    fn url(&self, host: &str, batch: &[&Instrument]) -> String {
        spark_url(host, &symbols(batch))
    }

    fn parse(
        &self,
        fetched: &Fetched,
        batch: &[&Instrument],
        at: Timestamp,
    ) -> Result<Vec<Quote>, FetchError> {
        parse_spark(&fetched.body, &symbols(batch), at)
            .map_err(|error| fetch_error(error, fetched.status))
    }
}

fn symbols<'a>(batch: &[&'a Instrument]) -> Vec<&'a str> {
    batch
        .iter()
        .map(|instrument| instrument.symbol.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const THREE: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/spark_three.json");
    const CHANGED: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/spark_changed_shape.json");
    const ERROR: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/spark_error.json");
    use crate::sources::yahoo::tests::{OUTAGE, at, fetched};

    #[test]
    fn url_joins_encoded_symbols_with_literal_commas() {
        assert_eq!(
            spark_url("http://h/", &["^FTSE", "GBPUSD=X", "VOD.L"]),
            "http://h/v8/finance/spark?symbols=%5EFTSE,GBPUSD%3DX,VOD.L&range=1d&interval=5m"
        );
        assert_eq!(
            spark_url("http://h", &["a,b&c"]),
            "http://h/v8/finance/spark?symbols=a%2Cb%26c&range=1d&interval=5m",
            "a symbol never adds a symbol or a parameter of its own"
        );
    }

    #[test]
    fn prices_each_symbol_asked_from_its_last_close_in_the_order_asked() {
        let quotes = parse_spark(THREE, &["GBPUSD=X", "^FTSE", "BTC-GBP"], fetched()).unwrap();
        let symbols: Vec<&str> = quotes.iter().map(|q| q.symbol.as_str()).collect();
        assert_eq!(symbols, ["GBPUSD=X", "^FTSE", "BTC-GBP"]);
        let (cable, ftse, bitcoin) = (&quotes[0], &quotes[1], &quotes[2]);
        assert_eq!(ftse.price.to_bits(), 8160.08_f64.to_bits());
        assert_eq!(ftse.time, at(1_719_561_000));
        assert_eq!(ftse.previous_close, Some(8179.68));
        assert_eq!(ftse.series.len(), 11);
        assert_eq!(ftse.series[3], None, "a null close is a gap, never a zero");
        assert_eq!(
            ftse.series_times.len(),
            ftse.series.len(),
            "each bar has its time"
        );
        assert_eq!(cable.price.to_bits(), 1.26471_f64.to_bits());
        // The forming bar has no close yet: the last close is the one before, at its time.
        assert_eq!(bitcoin.price.to_bits(), 47_912.55_f64.to_bits());
        assert_eq!(bitcoin.time, at(1_719_568_800));
        assert_eq!(bitcoin.series.last(), Some(&None));
    }

    #[test]
    fn what_spark_lacks_stays_unknown_for_the_full_quote_to_fill() {
        let quote = &parse_spark(THREE, &["^FTSE"], fetched()).unwrap()[0];
        assert_eq!(
            (
                quote.currency.as_ref(),
                quote.exchange.as_ref(),
                quote.short_name.as_ref()
            ),
            (None, None, None)
        );
        assert_eq!(
            (quote.session, quote.day_low, quote.day_high),
            (None, None, None)
        );
    }

    #[test]
    fn symbols_absent_or_unpriced_are_left_out_and_others_kept() {
        let quotes = parse_spark(THREE, &["VOD.L", "^ftse"], fetched()).unwrap();
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].symbol, "^ftse", "the caller's spelling");
        let quiet =
            br#"{"A":{"close":[null,null],"timestamp":[1,2]},"B":{"close":[3],"timestamp":[4]}}"#;
        let quotes = parse_spark(quiet, &["A", "B"], fetched()).unwrap();
        assert_eq!(quotes.len(), 1);
        assert_eq!((quotes[0].symbol.as_str(), quotes[0].time), ("B", at(4)));
        let untimed = br#"{"A":{"close":[1,2]}}"#;
        let quote = &parse_spark(untimed, &["A"], fetched()).unwrap()[0];
        assert_eq!((quote.time, quote.series.len()), (fetched(), 0));
        let bad = br#"{"A":{"close":[-1,"x",null,{}]},"B":{"close":[1]}}"#;
        let quotes = parse_spark(bad, &["A", "B"], fetched()).unwrap();
        assert_eq!(quotes.len(), 1, "no usable close, no price: {quotes:?}");
    }

    #[test]
    fn an_answer_not_in_sparks_shape_is_an_error() {
        let symbols = ["^FTSE"];
        let error = |body: &[u8]| parse_spark(body, &symbols, fetched()).unwrap_err();
        let unexpected = |detail: &str| ChartError::Unexpected {
            detail: detail.to_owned(),
        };
        assert_eq!(error(CHANGED), unexpected("no symbol asked for"));
        assert_eq!(parse_spark(b"{}", &symbols, fetched()), Ok(Vec::new()));
        assert_eq!(
            error(br#"{"^FTSE":{"close":"8160"}}"#),
            unexpected("no symbol asked for")
        );
        assert_eq!(error(b"[1,2]"), unexpected("not a JSON object"));
        assert_eq!(error(OUTAGE), ChartError::NotJson);
        assert_eq!(
            error(br#"{"^FTSE":{"cl"#),
            unexpected("truncated or malformed JSON")
        );
        assert_eq!(
            error(ERROR),
            ChartError::Provider {
                code: "Bad Request".to_owned(),
                description: "Missing value for the \"symbols\" argument".to_owned(),
            }
        );
    }

    #[test]
    fn batches_hold_at_most_twenty_symbols() {
        let instrument = crate::fixtures::instrument("X.L", "X");
        let due = vec![&instrument; 45];
        let sizes: Vec<usize> = YahooSpark.batches(&due).iter().map(Vec::len).collect();
        assert_eq!(sizes, [20, 20, 5]);
        assert!(YahooSpark.batches(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_spark(&body, &["X"], fetched());
        }

        #[test]
        fn any_closes_give_a_finite_non_negative_price(
            closes in proptest::collection::vec(proptest::option::of(any::<f64>()), 0..8),
            times in proptest::collection::vec(any::<i64>(), 0..8),
        ) {
            let body = serde_json::json!({"X": {"close": closes, "timestamp": times}}).to_string();
            if let Ok(quotes) = parse_spark(body.as_bytes(), &["X"], fetched()) {
                for quote in quotes {
                    prop_assert!(quote.price.is_finite() && quote.price >= 0.0);
                    prop_assert!(quote.series.iter().flatten().all(|c| c.is_finite() && *c >= 0.0));
                }
            }
        }
    }
}
