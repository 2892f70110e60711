//! The watchlist's entries, `[[quotes.symbols]]`: symbols, names, markets, providers and
//! aliases. Group and position symbols are checked by the same rules (`symbol`).

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::Source;
use crate::config::raw::RawSymbol;
use crate::config::{ConfigError, MARKET_NAMES, MAX_SYMBOL_CHARS};
use crate::domain::{Instrument, Provider};
use crate::market::Market;

impl Source<'_> {
    pub(super) fn instruments(
        &self,
        list: Spanned<Vec<RawSymbol>>,
    ) -> Result<Vec<Instrument>, ConfigError> {
        if list.get_ref().is_empty() {
            let message = "quotes.symbols must list at least one instrument";
            return Err(self.invalid(list.span(), message));
        }
        let mut first_seen: HashMap<String, Range<usize>> = HashMap::new();
        let mut instruments = Vec::with_capacity(list.get_ref().len());
        for raw in list.into_inner() {
            let (symbol, span) = (raw.symbol.get_ref(), raw.symbol.span());
            self.symbol(&raw.symbol, &first_seen)?;
            let name = self.name(&raw.name, &format!("name of {symbol:?}"))?;
            let market = match &raw.market {
                None => Market::for_symbol(symbol),
                Some(market) => Market::from_name(market.get_ref()).ok_or_else(|| {
                    let message = format!(
                        "market {:?} is not known; use one of: {MARKET_NAMES}",
                        market.get_ref()
                    );
                    self.invalid(market.span(), message)
                })?,
            };
            let provider = self.provider(&raw, span.clone())?;
            first_seen.insert(symbol.clone(), span);
            let aliases = self.aliases(raw.aliases.as_deref().unwrap_or_default())?;
            instruments.push(Instrument {
                symbol: raw.symbol.into_inner(),
                name,
                market,
                provider,
                aliases,
            });
        }
        Ok(instruments)
    }

    /// A provider symbol: printable ASCII, bounded, and not already in `first_seen` (a list
    /// that names one twice is surely a mistake).
    pub(super) fn symbol(
        &self,
        value: &Spanned<String>,
        first_seen: &HashMap<String, Range<usize>>,
    ) -> Result<(), ConfigError> {
        let symbol = value.get_ref();
        let problem = if symbol.is_empty() {
            "symbol must not be empty".to_owned()
        } else if !symbol.chars().all(|c| c.is_ascii_graphic()) {
            format!("symbol {symbol:?} must be printable ASCII with no spaces")
        } else if symbol.len() > MAX_SYMBOL_CHARS {
            format!("symbol {symbol:?} is longer than {MAX_SYMBOL_CHARS} characters")
        } else if let Some(first) = first_seen.get(symbol) {
            let (line, _) = self.line_column(first.start);
            format!("symbol {symbol:?} is listed twice (first on line {line})")
        } else {
            return Ok(());
        };
        Err(self.invalid(value.span(), problem))
    }

    /// Aliases are matched against headlines, so an empty one would match everything.
    fn aliases(&self, raw: &[Spanned<String>]) -> Result<Vec<String>, ConfigError> {
        raw.iter()
            .map(|alias| {
                let text = alias.get_ref().trim();
                if text.is_empty() {
                    Err(self.invalid(alias.span(), "aliases must not be empty"))
                } else {
                    Ok(text.to_owned())
                }
            })
            .collect()
    }

    /// `provider = "coingecko"` needs `id` and `vs`; both are meaningless for Yahoo.
    fn provider(
        &self,
        raw: &RawSymbol,
        symbol_span: Range<usize>,
    ) -> Result<Provider, ConfigError> {
        let name = raw
            .provider
            .as_ref()
            .map_or("yahoo", |p| p.get_ref().as_str());
        let coin_key = |key: &Option<Spanned<String>>, what: &str| match key {
            Some(value)
                if !value.get_ref().is_empty()
                    && value
                        .get_ref()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Ok(value.get_ref().to_ascii_lowercase())
            }
            Some(value) => Err(self.invalid(
                value.span(),
                format!("{what} must be letters, digits, '-' or '_'"),
            )),
            None => Err(self.invalid(
                symbol_span.clone(),
                format!("provider \"coingecko\" needs {what}"),
            )),
        };
        match name {
            "yahoo" => match (&raw.id, &raw.vs) {
                (Some(extra), _) | (None, Some(extra)) => Err(self.invalid(
                    extra.span(),
                    "id and vs are only for provider = \"coingecko\"",
                )),
                (None, None) => Ok(Provider::Yahoo),
            },
            "coingecko" => Ok(Provider::CoinGecko {
                id: coin_key(&raw.id, "id (CoinGecko's coin id, e.g. \"bitcoin\")")?,
                vs: coin_key(&raw.vs, "vs (the currency, e.g. \"gbp\")")?,
            }),
            other => {
                let span = raw
                    .provider
                    .as_ref()
                    .map_or(symbol_span.clone(), Spanned::span);
                Err(self.invalid(
                    span,
                    format!("provider {other:?} is not known; use \"yahoo\" or \"coingecko\""),
                ))
            }
        }
    }
}
