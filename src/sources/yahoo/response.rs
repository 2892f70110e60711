//! The chart API's answer as Yahoo writes it: private serde types, lenient where Yahoo has
//! changed a field's type before, so one odd field costs that field and not the quote.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A field that arrives with a type other than the one expected counts as absent: Yahoo has
/// changed types before (numbers to `{raw, fmt}` objects in other endpoints), and one odd field
/// should cost that field, not the whole quote.
pub(super) fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(serde_json::from_value(value).ok())
}

#[derive(Deserialize)]
pub(super) struct Envelope {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) chart: Option<Chart>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) finance: Option<Finance>,
}

#[derive(Deserialize)]
pub(super) struct Chart {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) result: Option<Vec<Value>>,
    /// Kept as a value: an object `{code, description}` as seen, or possibly a bare string.
    #[serde(default, deserialize_with = "lenient")]
    pub(super) error: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct Finance {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) error: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct ChartResult {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) meta: Option<Meta>,
    /// Entries as values so one odd entry is skipped, not the whole array.
    #[serde(default, deserialize_with = "lenient")]
    pub(super) timestamp: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) indicators: Option<Indicators>,
}

#[derive(Deserialize)]
pub(super) struct Indicators {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) quote: Option<Vec<Bars>>,
}

#[derive(Deserialize)]
pub(super) struct Bars {
    /// Entries as values: `null` (no trade) and anything else that is not a number become gaps.
    #[serde(default, deserialize_with = "lenient")]
    pub(super) close: Option<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Meta {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) currency: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) regular_market_price: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) chart_previous_close: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) previous_close: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) price_hint: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) regular_market_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) regular_market_day_low: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) regular_market_day_high: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) full_exchange_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) exchange_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) short_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) current_trading_period: Option<Periods>,
}

#[derive(Clone, Copy, Deserialize)]
pub(super) struct Periods {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) pre: Option<Period>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) regular: Option<Period>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) post: Option<Period>,
}

#[derive(Clone, Copy, Deserialize)]
pub(super) struct Period {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) start: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) end: Option<i64>,
}
