//! What the user's positions are worth: value, day change and profit or loss per instrument and
//! in total, in the portfolio's currency. Pure arithmetic in decimal, so money is exact:
//! amounts in the portfolio's currency are rounded to the penny per row, and totals are sums of
//! those rounded rows, so a total always equals the sum of the rows shown.
//!
//! Prices come in the instrument's quote currency. Minor units (`GBp` pence, `ZAc` cents,
//! `ILA` agorot) are the major currency ÷ 100; another currency converts with the provider's FX
//! quote `{FROM}{TO}=X` (units of TO per FROM), which [`fx_symbols`] names for the poller.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::config::{Config, PortfolioConfig, Position};
use crate::domain::{Instrument, Provider};
use crate::market::Market;

/// Places kept for money in the portfolio's currency: pennies and cents.
const MONEY_PLACES: u32 = 2;

/// An `f64` from a provider or TOML as the decimal it was written as: its shortest round-trip
/// text. `None` for NaN and infinities.
pub fn decimal(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    value.to_string().parse().ok()
}

/// A quote as valuation needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    pub price: Decimal,
    pub previous_close: Option<Decimal>,
    /// As the provider sent it: `GBp` for pence. `None` is taken to be the portfolio's own.
    pub currency: Option<String>,
    /// From a live source in this run and not gone stale.
    pub is_live: bool,
}

/// One instrument's lots, added up.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub symbol: String,
    pub quantity: Decimal,
    /// Per unit, in the quote currency; `None` when every lot is closed (zero quantity).
    pub avg_cost: Option<Decimal>,
    /// The rest is `None` until the instrument (and, if needed, its FX rate) has a price.
    pub price: Option<Decimal>,
    pub currency: Option<String>,
    /// Quantity × price, in the quote currency.
    pub value: Option<Decimal>,
    pub value_base: Option<Decimal>,
    pub day_change_base: Option<Decimal>,
    pub day_change_pct: Option<Decimal>,
    pub pnl_base: Option<Decimal>,
    pub pnl_pct: Option<Decimal>,
    /// Share of the total value, in percent.
    pub weight_pct: Option<Decimal>,
    /// The price or the FX rate is not live (or missing): shown marked, as the tape marks it.
    pub is_stale: bool,
}

/// Sums of the rows' rounded amounts, in the portfolio's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub value_base: Decimal,
    pub day_change_base: Decimal,
    pub day_change_pct: Option<Decimal>,
    pub pnl_base: Decimal,
    pub pnl_pct: Option<Decimal>,
    /// Some row in the totals is stale, or some row could not be valued at all.
    pub is_stale: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Valuation {
    pub currency: String,
    pub rows: Vec<Row>,
    pub totals: Totals,
}

/// The provider's FX symbol converting `from` into `to`, e.g. `USDGBP=X`.
pub fn fx_symbol(from: &str, to: &str) -> String {
    format!("{from}{to}=X")
}

/// The major currency of a quote currency and how many of the quoted unit make one of it.
pub fn major_currency(quoted: &str) -> (String, Decimal) {
    match quoted {
        "GBp" | "GBX" => ("GBP".to_owned(), Decimal::ONE_HUNDRED),
        "ZAc" | "ZAC" => ("ZAR".to_owned(), Decimal::ONE_HUNDRED),
        "ILA" => ("ILS".to_owned(), Decimal::ONE_HUNDRED),
        other => (other.to_ascii_uppercase(), Decimal::ONE),
    }
}

/// FX quotes the portfolio needs, given the quote currency each position is expected to be in
/// (`expected`: from a quote already seen, else a guess from the symbol's market).
pub fn fx_symbols(
    portfolio: &PortfolioConfig,
    expected: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut symbols: Vec<String> = portfolio
        .positions
        .iter()
        .filter_map(|position| expected(&position.symbol))
        .map(|quoted| major_currency(&quoted).0)
        .filter(|major| *major != portfolio.currency)
        .map(|major| fx_symbol(&major, &portfolio.currency))
        .collect();
    symbols.sort();
    symbols.dedup();
    symbols
}

/// The currency an instrument is probably quoted in, before any quote says: London shares in
/// pence, an FX pair in its second currency, a crypto pair after its dash. Only picks which FX
/// quotes to fetch; valuation goes by the currency the quote carries.
pub fn expected_currency(instrument: &Instrument) -> Option<String> {
    let symbol = instrument.symbol.as_str();
    let currency = match (&instrument.provider, instrument.market) {
        (Provider::CoinGecko { vs, .. }, _) => return Some(vs.to_ascii_uppercase()),
        (_, Market::London) if symbol.starts_with('^') => "GBP",
        (_, Market::London) => "GBp",
        (_, Market::NewYork | Market::CmeFutures) => "USD",
        (_, Market::Xetra | Market::Paris) => "EUR",
        (_, Market::Tokyo) => "JPY",
        (_, Market::HongKong) => "HKD",
        (_, Market::Fx) => symbol.get(3..6)?,
        (_, Market::Crypto) => symbol.split_once('-')?.1,
    };
    Some(currency.to_owned())
}

/// Every instrument the quote poller asks for: the watchlist and groups, then the FX quotes
/// the portfolio needs, which the user need not list.
pub fn polled_instruments(config: &Config) -> Vec<Instrument> {
    let mut all = config.quotes.instruments.clone();
    let expected = |symbol: &str| {
        let instrument = config
            .quotes
            .instruments
            .iter()
            .find(|i| i.symbol == symbol)?;
        expected_currency(instrument)
    };
    for symbol in fx_symbols(&config.portfolio, &expected) {
        if !all.iter().any(|i| i.symbol == symbol) {
            all.push(Instrument::unnamed(&symbol));
        }
    }
    all
}

fn money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(MONEY_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

fn percent(part: Decimal, of: Decimal) -> Option<Decimal> {
    (!of.is_zero()).then(|| part / of * Decimal::ONE_HUNDRED)
}

/// Values every position with `price_of(symbol)`, which also answers FX symbols.
pub fn value(portfolio: &PortfolioConfig, price_of: &dyn Fn(&str) -> Option<Price>) -> Valuation {
    let mut lots: BTreeMap<&str, Vec<&Position>> = BTreeMap::new();
    let mut order = Vec::new();
    for position in &portfolio.positions {
        let entry = lots.entry(&position.symbol).or_default();
        if entry.is_empty() {
            order.push(position.symbol.as_str());
        }
        entry.push(position);
    }
    let mut rows: Vec<Row> = order
        .iter()
        .map(|symbol| row(symbol, &lots[symbol], &portfolio.currency, price_of))
        .collect();
    let value_base: Decimal = rows.iter().filter_map(|r| r.value_base).sum();
    for row in &mut rows {
        row.weight_pct = row.value_base.and_then(|value| percent(value, value_base));
    }
    let day_change_base: Decimal = rows.iter().filter_map(|r| r.day_change_base).sum();
    let pnl_base: Decimal = rows.iter().filter_map(|r| r.pnl_base).sum();
    let totals = Totals {
        value_base,
        day_change_base,
        day_change_pct: percent(day_change_base, value_base - day_change_base),
        pnl_base,
        pnl_pct: percent(pnl_base, value_base - pnl_base),
        is_stale: rows.iter().any(|r| r.is_stale),
    };
    Valuation {
        currency: portfolio.currency.clone(),
        rows,
        totals,
    }
}

/// One instrument's lots at today's price, in the quote currency and converted.
fn row(
    symbol: &str,
    lots: &[&Position],
    base: &str,
    price_of: &dyn Fn(&str) -> Option<Price>,
) -> Row {
    let quantity: Decimal = lots.iter().map(|lot| lot.quantity).sum();
    let cost_total: Decimal = lots.iter().map(|lot| lot.quantity * lot.cost).sum();
    let avg_cost = (!quantity.is_zero()).then(|| cost_total / quantity);
    let mut row = Row {
        symbol: symbol.to_owned(),
        quantity,
        avg_cost,
        price: None,
        currency: None,
        value: None,
        value_base: None,
        day_change_base: None,
        day_change_pct: None,
        pnl_base: None,
        pnl_pct: None,
        weight_pct: None,
        is_stale: true,
    };
    let Some(quote) = price_of(symbol) else {
        return row;
    };
    let quoted = quote.currency.clone().unwrap_or_else(|| base.to_owned());
    let (major, units) = major_currency(&quoted);
    row.price = Some(quote.price);
    row.currency = Some(quoted);
    row.value = Some(quantity * quote.price);
    row.day_change_pct = quote
        .previous_close
        .and_then(|previous| percent(quote.price - previous, previous));
    row.pnl_pct = avg_cost.and_then(|cost| percent(quote.price - cost, cost));
    let (rate, is_rate_live) = if major == base {
        (Decimal::ONE, true)
    } else {
        match price_of(&fx_symbol(&major, base)) {
            Some(fx) => (fx.price, fx.is_live),
            None => return row,
        }
    };
    let to_base = |amount: Decimal| amount / units * rate;
    let value_base = money(to_base(quantity * quote.price));
    row.value_base = Some(value_base);
    row.day_change_base = quote
        .previous_close
        .map(|previous| money(to_base(quantity * (quote.price - previous))));
    row.pnl_base = Some(value_base - money(to_base(cost_total)));
    row.is_stale = !(quote.is_live && is_rate_live);
    row
}

#[cfg(test)]
mod tests;
