//! `--once --portfolio`: the positions with their values and profit or loss, as an aligned
//! table (the portfolio view's wording) or as JSON.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::app::quotes::QuoteBoard;
use crate::config::Config;
use crate::format::holdings::{COLUMNS, HEADERS, row_cells, total_cells};
use crate::portfolio::{self, Price, Row, Valuation};

/// Figures are JSON numbers written from the exact decimals, rounded first (money to the
/// penny, percents to four places) so the number printed is the decimal meant.
#[derive(Serialize)]
struct JsonPortfolio<'a> {
    positions: Vec<JsonPosition<'a>>,
    total: JsonTotal<'a>,
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    symbol: &'a str,
    quantity: Option<f64>,
    avg_cost: Option<f64>,
    price: Option<f64>,
    currency: Option<&'a str>,
    value: Option<f64>,
    value_base: Option<f64>,
    day_change_base: Option<f64>,
    pnl_base: Option<f64>,
    pnl_pct: Option<f64>,
    stale: bool,
}

#[derive(Serialize)]
struct JsonTotal<'a> {
    currency: &'a str,
    value_base: Option<f64>,
    day_change_base: Option<f64>,
    pnl_base: Option<f64>,
    pnl_pct: Option<f64>,
    stale: bool,
}

/// The portfolio valued at the board's prices; a price not fetched in this run is stale.
pub fn text(
    config: &Config,
    board: &QuoteBoard,
    is_fresh: &dyn Fn(&str) -> bool,
    as_json: bool,
) -> serde_json::Result<String> {
    let price_of = |symbol: &str| {
        let quote = board.get(symbol)?;
        Some(Price {
            price: portfolio::decimal(quote.price)?,
            previous_close: quote.previous_close.and_then(portfolio::decimal),
            currency: quote.currency.as_ref().map(ToString::to_string),
            is_live: is_fresh(symbol),
        })
    };
    let valuation = portfolio::value(&config.portfolio, &price_of);
    if as_json {
        json(&valuation)
    } else {
        Ok(table(&valuation))
    }
}

fn number(value: Option<Decimal>, places: u32) -> Option<f64> {
    value.and_then(|value| {
        (value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)).to_f64()
    })
}

fn json(valuation: &Valuation) -> serde_json::Result<String> {
    let positions = valuation
        .rows
        .iter()
        .map(|row: &Row| JsonPosition {
            symbol: &row.symbol,
            quantity: row.quantity.to_f64(),
            avg_cost: number(row.avg_cost, 6),
            price: number(row.price, 6),
            currency: row.currency.as_deref(),
            value: number(row.value, 6),
            value_base: number(row.value_base, 2),
            day_change_base: number(row.day_change_base, 2),
            pnl_base: number(row.pnl_base, 2),
            pnl_pct: number(row.pnl_pct, 4),
            stale: row.is_stale,
        })
        .collect();
    let totals = &valuation.totals;
    let total = JsonTotal {
        currency: &valuation.currency,
        value_base: number(Some(totals.value_base), 2),
        day_change_base: number(Some(totals.day_change_base), 2),
        pnl_base: number(Some(totals.pnl_base), 2),
        pnl_pct: number(totals.pnl_pct, 4),
        stale: totals.is_stale,
    };
    let mut text = serde_json::to_string_pretty(&JsonPortfolio { positions, total })?;
    text.push('\n');
    Ok(text)
}

/// Columns aligned by display width, the symbol left and numbers right; stale rows say so.
fn table(valuation: &Valuation) -> String {
    let mut lines: Vec<([String; COLUMNS], bool)> = vec![(HEADERS.map(str::to_owned), false)];
    lines.extend(
        valuation
            .rows
            .iter()
            .map(|row| (row_cells(row), row.is_stale)),
    );
    let totals = &valuation.totals;
    lines.push((total_cells(totals, &valuation.currency), totals.is_stale));
    let widths: Vec<usize> = (0..COLUMNS)
        .map(|column| {
            (lines.iter())
                .map(|(cells, _)| cells[column].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (cells, is_stale) in lines {
        let mut line = String::new();
        for (column, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[column] - cell.width());
            if column == 0 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        if is_stale {
            line.push_str("  stale");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
