//! The P/L arithmetic: pence, FX, lots, closed positions, staleness, and totals that are the
//! sums of their rows.

use std::collections::HashMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn lot(symbol: &str, quantity: &str, cost: &str) -> Position {
    Position {
        symbol: symbol.to_owned(),
        quantity: dec(quantity),
        cost: dec(cost),
    }
}

fn price(price: &str, previous: Option<&str>, currency: &str) -> Price {
    Price {
        price: dec(price),
        previous_close: previous.map(dec),
        currency: Some(currency.to_owned()),
        is_live: true,
    }
}

fn valued(positions: Vec<Position>, prices: &HashMap<&str, Price>) -> Valuation {
    let portfolio = PortfolioConfig {
        currency: "GBP".to_owned(),
        positions,
    };
    value(&portfolio, &|symbol| prices.get(symbol).cloned())
}

#[test]
fn pence_are_pounds_divided_by_a_hundred() {
    let prices = HashMap::from([("VOD.L", price("72.10", Some("71.90"), "GBp"))]);
    let valuation = valued(vec![lot("VOD.L", "1000", "71.50")], &prices);
    let row = &valuation.rows[0];
    assert_eq!(
        row.value,
        Some(dec("72100")),
        "in the quote currency, pence"
    );
    assert_eq!(row.value_base, Some(dec("721.00")));
    assert_eq!(row.day_change_base, Some(dec("2.00")));
    assert_eq!(row.pnl_base, Some(dec("6.00")));
    assert_eq!(row.pnl_pct.map(|p| p.round_dp(4)), Some(dec("0.8392")));
    assert_eq!(row.weight_pct, Some(dec("100")));
    assert!(!row.is_stale);
    assert_eq!(valuation.totals.value_base, dec("721.00"));
}

#[test]
fn other_currencies_convert_with_the_fx_quote() {
    let prices = HashMap::from([
        ("AAPL", price("200.00", Some("198.00"), "USD")),
        ("USDGBP=X", price("0.7912", None, "GBP")),
    ]);
    let valuation = valued(vec![lot("AAPL", "10", "150")], &prices);
    let row = &valuation.rows[0];
    // 10 × 200 × 0.7912 = 1582.40; cost 10 × 150 × 0.7912 = 1186.80.
    assert_eq!(row.value_base, Some(dec("1582.40")));
    assert_eq!(row.day_change_base, Some(dec("15.82")));
    assert_eq!(row.pnl_base, Some(dec("395.60")));
    assert_eq!(row.currency.as_deref(), Some("USD"));
}

#[test]
fn a_missing_or_stale_fx_rate_marks_the_row_and_the_totals() {
    let mut prices = HashMap::from([("AAPL", price("200", None, "USD"))]);
    let valuation = valued(vec![lot("AAPL", "10", "150")], &prices);
    assert_eq!(valuation.rows[0].price, Some(dec("200")));
    assert_eq!(
        valuation.rows[0].value_base, None,
        "no rate, no value in pounds"
    );
    assert!(valuation.rows[0].is_stale && valuation.totals.is_stale);
    prices.insert(
        "USDGBP=X",
        Price {
            is_live: false,
            ..price("0.79", None, "GBP")
        },
    );
    let valuation = valued(vec![lot("AAPL", "10", "150")], &prices);
    assert_eq!(valuation.rows[0].value_base, Some(dec("1580.00")));
    assert!(valuation.rows[0].is_stale && valuation.totals.is_stale);
}

#[test]
fn lots_add_up_to_one_row_at_their_average_cost() {
    let prices = HashMap::from([("VOD.L", price("80", None, "GBp"))]);
    let valuation = valued(
        vec![lot("VOD.L", "1000", "70"), lot("VOD.L", "500", "85")],
        &prices,
    );
    assert_eq!(valuation.rows.len(), 1);
    let row = &valuation.rows[0];
    assert_eq!(row.quantity, dec("1500"));
    assert_eq!(row.avg_cost, Some(dec("75")));
    // 1500 × 80p = £1200; cost 1000 × 70p + 500 × 85p = £1125.
    assert_eq!(row.pnl_base, Some(dec("75.00")));
}

#[test]
fn a_closed_position_is_worth_nothing_and_weighs_nothing() {
    let prices = HashMap::from([
        ("VOD.L", price("80", None, "GBp")),
        ("BARC.L", price("200", None, "GBp")),
    ]);
    let valuation = valued(
        vec![lot("VOD.L", "0", "70"), lot("BARC.L", "100", "150")],
        &prices,
    );
    let closed = &valuation.rows[0];
    assert_eq!(
        (closed.quantity, closed.avg_cost, closed.value_base),
        (Decimal::ZERO, None, Some(Decimal::ZERO))
    );
    assert_eq!(closed.pnl_base, Some(Decimal::ZERO));
    assert_eq!(closed.pnl_pct, None);
    assert_eq!(closed.weight_pct, Some(Decimal::ZERO));
    assert_eq!(valuation.totals.value_base, dec("200.00"));
    assert_eq!(valuation.totals.pnl_base, dec("50.00"));
    assert_eq!(
        valuation.totals.pnl_pct.map(|p| p.round_dp(4)),
        Some(dec("33.3333"))
    );
}

#[test]
fn an_unpriced_instrument_is_left_out_of_the_totals_and_marks_them() {
    let prices = HashMap::from([("VOD.L", price("80", None, "GBp"))]);
    let valuation = valued(vec![lot("VOD.L", "10", "70"), lot("X", "1", "1")], &prices);
    assert_eq!(valuation.rows[1].value_base, None);
    assert_eq!(valuation.totals.value_base, dec("8.00"));
    assert!(valuation.totals.is_stale);
}

#[test]
fn fx_symbols_name_each_foreign_currency_once() {
    let portfolio = PortfolioConfig {
        currency: "GBP".to_owned(),
        positions: vec![
            lot("AAPL", "1", "1"),
            lot("MSFT", "1", "1"),
            lot("VOD.L", "1", "1"),
            lot("SAP.DE", "1", "1"),
        ],
    };
    let currency = |symbol: &str| {
        Some(
            match symbol {
                "VOD.L" => "GBp",
                "SAP.DE" => "EUR",
                _ => "USD",
            }
            .to_owned(),
        )
    };
    assert_eq!(fx_symbols(&portfolio, &currency), ["EURGBP=X", "USDGBP=X"]);
}

#[test]
fn provider_floats_become_the_decimals_they_were_written_as() {
    assert_eq!(decimal(71.5), Some(dec("71.5")));
    assert_eq!(decimal(0.1), Some(dec("0.1")));
    assert_eq!(decimal(1.2648), Some(dec("1.2648")));
    assert_eq!(decimal(f64::NAN), None);
}

fn amount() -> impl Strategy<Value = Decimal> {
    (0_i64..10_000_000, 0_u32..5).prop_map(|(units, scale)| Decimal::new(units, scale))
}

proptest! {
    #[test]
    fn totals_equal_the_sum_of_the_rows_shown(
        lots in prop::collection::vec((0_usize..4, amount(), amount()), 1..12),
        prices in prop::collection::vec((amount(), amount()), 4),
        rate in amount(),
    ) {
        let symbols = ["VOD.L", "AAPL", "SAP.DE", "BP.L"];
        let currencies = ["GBp", "USD", "EUR", "GBP"];
        let mut quotes: HashMap<&str, Price> = HashMap::new();
        for (index, (now, previous)) in prices.iter().enumerate() {
            let quote = Price {
                price: *now,
                previous_close: Some(*previous),
                currency: Some(currencies[index].to_owned()),
                is_live: true,
            };
            quotes.insert(symbols[index], quote);
        }
        for fx in ["USDGBP=X", "EURGBP=X"] {
            quotes.insert(fx, Price { price: rate, previous_close: None, currency: None, is_live: true });
        }
        let positions = lots
            .iter()
            .map(|(index, quantity, cost)| Position {
                symbol: symbols[*index].to_owned(),
                quantity: *quantity,
                cost: *cost,
            })
            .collect();
        let valuation = valued(positions, &quotes);
        let rows = &valuation.rows;
        let sum = |field: fn(&Row) -> Option<Decimal>| rows.iter().filter_map(field).sum::<Decimal>();
        prop_assert_eq!(valuation.totals.value_base, sum(|r| r.value_base));
        prop_assert_eq!(valuation.totals.day_change_base, sum(|r| r.day_change_base));
        prop_assert_eq!(valuation.totals.pnl_base, sum(|r| r.pnl_base));
        for row in rows {
            // Every amount in pounds is whole pennies, so what is shown is what is summed.
            for amount in [row.value_base, row.day_change_base, row.pnl_base].into_iter().flatten() {
                prop_assert_eq!(amount, amount.round_dp(2));
            }
        }
        let weights = sum(|r| r.weight_pct);
        if !valuation.totals.value_base.is_zero() {
            prop_assert!((weights - Decimal::ONE_HUNDRED).abs() < dec("0.000001"));
        }
    }
}

#[test]
fn the_poller_asks_for_the_fx_quotes_the_portfolio_needs() {
    let text = r#"
        [[groups]]
        name = "Holdings"
        symbols = ["VOD.L", "AAPL", "SAP.DE", "EURUSD=X"]
        [[portfolio.positions]]
        symbol = "VOD.L"
        quantity = 1
        cost = 1
        [[portfolio.positions]]
        symbol = "AAPL"
        quantity = 1
        cost = 1
        [[portfolio.positions]]
        symbol = "SAP.DE"
        quantity = 1
        cost = 1
        [[portfolio.positions]]
        symbol = "EURUSD=X"
        quantity = 1
        cost = 1
    "#;
    let config = crate::config::parse(text, std::path::Path::new("c.toml")).unwrap();
    let polled = polled_instruments(&config);
    let extra: Vec<_> = polled[config.quotes.instruments.len()..]
        .iter()
        .map(|i| i.symbol.as_str())
        .collect();
    assert_eq!(extra, ["EURGBP=X", "USDGBP=X"]);
}
