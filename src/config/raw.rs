//! The config file as written: serde types that mirror the TOML, every value `Spanned` so
//! validation (`super::validate`) can point at its line and column. No checks beyond TOML's
//! own types live here.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Unexpected, Visitor};
use toml::Spanned;

// The file as written. `deny_unknown_fields` is on every struct because it does not propagate,
// and `flatten` is never used because it silently disables it.

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a TOML document")]
pub(super) struct RawConfig {
    pub(super) quotes: Option<RawQuotes>,
    pub(super) news: Option<RawNews>,
    pub(super) ticker: Option<RawTicker>,
    pub(super) groups: Option<Vec<RawGroup>>,
    pub(super) portfolio: Option<RawPortfolio>,
    pub(super) theme: Option<Spanned<String>>,
    pub(super) colors: Option<RawColors>,
    /// Action name to one key or a list; checked against the keymap's actions.
    pub(super) keys: Option<BTreeMap<Spanned<String>, Spanned<OneOrMany<Keys>>>>,
    pub(super) alerts: Option<super::alerts::RawAlerts>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [quotes] table")]
pub(super) struct RawQuotes {
    pub(super) base_url: Option<Spanned<OneOrMany<Urls>>>,
    pub(super) coingecko_url: Option<Spanned<String>>,
    pub(super) refresh_secs: Option<Spanned<WholeNumber>>,
    pub(super) symbols: Option<Spanned<Vec<RawSymbol>>>,
    pub(super) group_name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[quotes.symbols]] entry with symbol and name"
)]
pub(super) struct RawSymbol {
    pub(super) symbol: Spanned<String>,
    pub(super) name: Spanned<String>,
    pub(super) market: Option<Spanned<String>>,
    pub(super) provider: Option<Spanned<String>>,
    pub(super) aliases: Option<Vec<Spanned<String>>>,
    pub(super) id: Option<Spanned<String>>,
    pub(super) vs: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[groups]] entry with name and symbols"
)]
pub(super) struct RawGroup {
    pub(super) name: Spanned<String>,
    pub(super) symbols: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [portfolio] table")]
pub(super) struct RawPortfolio {
    pub(super) currency: Option<Spanned<String>>,
    pub(super) positions: Option<Vec<RawPosition>>,
}

/// Quantity and cost are optional here so a missing one is reported at the position's symbol
/// in our words, rather than as serde's "missing field" at the start of the table.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[portfolio.positions]] entry with symbol, quantity and cost"
)]
pub(super) struct RawPosition {
    pub(super) symbol: Spanned<String>,
    pub(super) quantity: Option<Spanned<Amount>>,
    pub(super) cost: Option<Spanned<Amount>>,
    /// A TOML date or a string holding one: the issue's own example quotes it.
    pub(super) date: Option<Spanned<toml::Value>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [news] table")]
pub(super) struct RawNews {
    pub(super) refresh_secs: Option<Spanned<WholeNumber>>,
    pub(super) max_items: Option<Spanned<WholeNumber>>,
    pub(super) article_cache_mb: Option<Spanned<WholeNumber>>,
    pub(super) feeds: Option<Vec<RawFeed>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[news.feeds]] entry with name and url"
)]
pub(super) struct RawFeed {
    pub(super) name: Spanned<String>,
    pub(super) url: Spanned<String>,
    pub(super) short: Option<Spanned<String>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [ticker] table")]
pub(super) struct RawTicker {
    pub(super) speed: Option<Spanned<WholeNumber>>,
    pub(super) shift: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [colors] table")]
pub(super) struct RawColors {
    pub(super) up: Option<Spanned<String>>,
    pub(super) down: Option<Spanned<String>>,
    pub(super) unchanged: Option<Spanned<String>>,
    pub(super) stale: Option<Spanned<String>>,
    pub(super) border: Option<Spanned<String>>,
    pub(super) selected: Option<Spanned<String>>,
    pub(super) dim: Option<Spanned<String>>,
    pub(super) accent: Option<Spanned<String>>,
}

/// A value that may be one string or a list (`base_url`, a `[keys]` entry). Hand-written
/// because `#[serde(untagged)]` buffers the value, which loses the list items' spans and
/// replaces the error with a vague one. `E` names what is expected in type errors.
pub(super) struct OneOrMany<E>(pub(super) Strings, PhantomData<E>);

pub(super) enum Strings {
    One(String),
    Many(Vec<Spanned<String>>),
}

/// What a [`OneOrMany`] holds, for its type errors.
pub(super) trait Expecting {
    const WHAT: &'static str;
}

pub(super) struct Urls;
impl Expecting for Urls {
    const WHAT: &'static str = "a URL or a list of URLs";
}

pub(super) struct Keys;
impl Expecting for Keys {
    const WHAT: &'static str = "a key or a list of keys";
}

impl<'de, E: Expecting> Deserialize<'de> for OneOrMany<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor<E>(PhantomData<E>);
        impl<'de, E: Expecting> Visitor<'de> for StringsVisitor<E> {
            type Value = OneOrMany<E>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(E::WHAT)
            }
            fn visit_str<Er: de::Error>(self, one: &str) -> Result<Self::Value, Er> {
                Ok(OneOrMany(Strings::One(one.to_owned()), PhantomData))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element()? {
                    list.push(item);
                }
                Ok(OneOrMany(Strings::Many(list), PhantomData))
            }
        }
        deserializer.deserialize_any(StringsVisitor(PhantomData))
    }
}

/// An integer whose type errors read "expected a whole number" rather than "expected i64".
pub(super) struct WholeNumber(pub(super) i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = WholeNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<WholeNumber, E> {
                i64::try_from(value)
                    .map(WholeNumber)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
            }
        }
        deserializer.deserialize_i64(NumberVisitor)
    }
}

/// A number kept exactly as written: TOML floats arrive as `f64`, whose shortest round-trip
/// text is the digits the user typed, so `71.50` becomes the decimal 71.5, not 71.4999….
pub(super) struct Amount(pub(super) Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(value)))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(value)))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Amount, E> {
                crate::portfolio::decimal(value)
                    .map(Amount)
                    .ok_or_else(|| E::invalid_value(Unexpected::Float(value), &self))
            }
        }
        deserializer.deserialize_any(AmountVisitor)
    }
}
