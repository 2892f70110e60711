//! The lists that name instruments by symbol, `[[groups]]` and `[[portfolio.positions]]`:
//! checked here, and tied to the watchlist once the layers are merged.

use std::collections::HashMap;

use toml::Spanned;

use super::Source;
use crate::config::raw::{RawGroup, RawPosition};
use crate::config::{ConfigError, Group, Position};
use crate::domain::Instrument;

impl Source<'_> {
    pub(super) fn groups(&self, raw: &[RawGroup]) -> Result<Vec<Group>, ConfigError> {
        raw.iter()
            .map(|group| {
                let name = self.name(&group.name, "group name")?;
                let mut first_seen = HashMap::new();
                for symbol in &group.symbols {
                    self.symbol(symbol, &first_seen)?;
                    first_seen.insert(symbol.get_ref().clone(), symbol.span());
                }
                let symbols = group.symbols.iter().map(|s| s.get_ref().clone());
                Ok(Group {
                    name,
                    symbols: symbols.collect(),
                })
            })
            .collect()
    }

    /// A lot needs a quantity (zero for a closed position, never negative) and a cost.
    pub(super) fn position(&self, raw: &RawPosition) -> Result<Spanned<Position>, ConfigError> {
        let symbol = raw.symbol.get_ref();
        let missing = |what: &str| {
            self.invalid(
                raw.symbol.span(),
                format!("position {symbol:?} needs a {what}"),
            )
        };
        let quantity = raw.quantity.as_ref().ok_or_else(|| missing("quantity"))?;
        if quantity.get_ref().0.is_sign_negative() && !quantity.get_ref().0.is_zero() {
            let message = format!("quantity of {symbol:?} must not be negative");
            return Err(self.invalid(quantity.span(), message));
        }
        let cost = raw.cost.as_ref().ok_or_else(|| {
            missing("cost (the price paid per unit, in the instrument's quote currency)")
        })?;
        if cost.get_ref().0.is_sign_negative() && !cost.get_ref().0.is_zero() {
            let message = format!("cost of {symbol:?} must not be negative");
            return Err(self.invalid(cost.span(), message));
        }
        if let Some(date) = &raw.date {
            let is_date = match date.get_ref() {
                toml::Value::String(text) => text.parse::<jiff::civil::Date>().is_ok(),
                toml::Value::Datetime(value) => value.date.is_some() && value.time.is_none(),
                _ => false,
            };
            if !is_date {
                let message = "date must be a plain date, e.g. 2024-03-01";
                return Err(self.invalid(date.span(), message));
            }
        }
        let position = Position {
            symbol: symbol.clone(),
            quantity: quantity.get_ref().0,
            cost: cost.get_ref().0,
        };
        Ok(Spanned::new(raw.symbol.span(), position))
    }

    pub(super) fn currency(&self, value: &Spanned<String>) -> Result<String, ConfigError> {
        let code = value.get_ref();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(code.clone())
        } else {
            let message =
                format!("portfolio.currency {code:?} must be a currency code like \"GBP\"");
            Err(self.invalid(value.span(), message))
        }
    }

    /// Each entry's symbol must be an instrument of the merged layers. `what` names the
    /// entry in the message: "position", "alert symbol".
    pub(super) fn known<T>(
        &self,
        entries: Option<Vec<Spanned<T>>>,
        instruments: &[Instrument],
        what: &str,
        symbol_of: impl Fn(&T) -> &String,
    ) -> Result<Vec<T>, ConfigError> {
        let mut known = Vec::new();
        for entry in entries.unwrap_or_default() {
            let symbol = symbol_of(entry.get_ref());
            if !instruments.iter().any(|i| &i.symbol == symbol) {
                let message = format!(
                    "{what} {symbol:?} is not an instrument: add it to [[quotes.symbols]] or a [[groups]] list"
                );
                return Err(self.invalid(entry.span(), message));
            }
            known.push(entry.into_inner());
        }
        Ok(known)
    }
}

/// `[[quotes.symbols]]` becomes the `first` group; a grouped symbol not listed there becomes
/// an instrument of its own, named by the provider once it answers (until then by its symbol).
pub(super) fn with_groups(
    mut instruments: Vec<Instrument>,
    first: Group,
    groups: Vec<Group>,
) -> (Vec<Instrument>, Vec<Group>) {
    let first = Group {
        symbols: instruments.iter().map(|i| i.symbol.clone()).collect(),
        ..first
    };
    for symbol in groups.iter().flat_map(|group| &group.symbols) {
        if !instruments.iter().any(|i| &i.symbol == symbol) {
            instruments.push(Instrument::unnamed(symbol));
        }
    }
    (instruments, std::iter::once(first).chain(groups).collect())
}
