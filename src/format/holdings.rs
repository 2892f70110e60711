//! The portfolio as table cells: the one wording the portfolio view and `--once --portfolio`
//! share. Money in the portfolio's currency to the penny, prices in their own currency.

use rust_decimal::Decimal;

use super::number::{amount, signed_amount};
use crate::portfolio::{Row, Totals};

pub const COLUMNS: usize = 10;

pub const HEADERS: [&str; COLUMNS] = [
    "SYMBOL", "QTY", "AVG COST", "PRICE", "VALUE", "DAY", "DAY %", "P/L", "P/L %", "WEIGHT",
];

/// Not known yet: no price, no FX rate, or a closed position's cost.
const UNKNOWN: &str = "—";

/// A price or cost as precise as it was written, from two places to four (an average cost
/// can have endless ones).
fn price(value: Decimal) -> String {
    let value = value.normalize();
    amount(value, value.scale().clamp(2, 4))
}

fn or_unknown(value: Option<Decimal>, show: impl Fn(Decimal) -> String) -> String {
    value.map_or_else(|| UNKNOWN.to_owned(), show)
}

pub fn row_cells(row: &Row) -> [String; COLUMNS] {
    let quantity = row.quantity.normalize();
    let currency = row.currency.as_deref().unwrap_or_default();
    [
        row.symbol.clone(),
        amount(quantity, quantity.scale()),
        or_unknown(row.avg_cost, price),
        or_unknown(row.price, |p| format!("{} {currency}", price(p))),
        or_unknown(row.value_base, |v| amount(v, 2)),
        or_unknown(row.day_change_base, |v| signed_amount(v, 2, "")),
        or_unknown(row.day_change_pct, |v| signed_amount(v, 2, "%")),
        or_unknown(row.pnl_base, |v| signed_amount(v, 2, "")),
        or_unknown(row.pnl_pct, |v| signed_amount(v, 2, "%")),
        or_unknown(row.weight_pct, |v| format!("{}%", amount(v, 1))),
    ]
}

/// `TOTAL GBP` and the sums, under value, day change and P/L.
pub fn total_cells(totals: &Totals, currency: &str) -> [String; COLUMNS] {
    let blank = String::new;
    [
        format!("TOTAL {currency}"),
        blank(),
        blank(),
        blank(),
        amount(totals.value_base, 2),
        signed_amount(totals.day_change_base, 2, ""),
        or_unknown(totals.day_change_pct, |v| signed_amount(v, 2, "%")),
        signed_amount(totals.pnl_base, 2, ""),
        or_unknown(totals.pnl_pct, |v| signed_amount(v, 2, "%")),
        blank(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_pence_prices_and_pounds_to_the_penny() {
        let dec = |text: &str| text.parse::<Decimal>().unwrap();
        let row = Row {
            symbol: "VOD.L".to_owned(),
            quantity: dec("1000"),
            avg_cost: Some(dec("71.5")),
            price: Some(dec("72.1")),
            currency: Some("GBp".to_owned()),
            value: Some(dec("72100")),
            value_base: Some(dec("721.00")),
            day_change_base: Some(dec("-2")),
            day_change_pct: Some(dec("-0.27")),
            pnl_base: Some(dec("6.00")),
            pnl_pct: Some(dec("0.839")),
            weight_pct: Some(dec("100")),
            is_stale: false,
        };
        assert_eq!(
            row_cells(&row),
            [
                "VOD.L",
                "1,000",
                "71.50",
                "72.10 GBp",
                "721.00",
                "-2.00",
                "-0.27%",
                "+6.00",
                "+0.84%",
                "100.0%"
            ]
        );
        let closed = Row {
            avg_cost: None,
            pnl_pct: None,
            ..row
        };
        assert_eq!(row_cells(&closed)[2], "—");
    }
}
