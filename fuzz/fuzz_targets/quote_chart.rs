//! Quote answers from the network: a Yahoo chart body and a CoinGecko `simple/price` body.
//! Property: never panics; every quote that comes back has a finite, non-negative price (both
//! parsers promise to reject anything else).

#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use tickertape::domain::Quote;
use tickertape::sources::{coingecko, yahoo};

/// The ids the seeds use, with the symbols a config would give them.
const COINS: &[(&str, &str)] = &[
    ("bitcoin", "BTC-GBP"),
    ("ethereum", "ETH-GBP"),
    ("dogecoin", "DOGE-GBP"),
    ("c", "C"),
];

fn check(quote: &Quote) {
    assert!(
        quote.price.is_finite() && quote.price >= 0.0,
        "price {}",
        quote.price
    );
    for value in quote.series.iter().flatten() {
        assert!(value.is_finite(), "series value {value}");
    }
}

fuzz_target!(|body: &[u8]| {
    let fetched_at: Timestamp = "2024-06-28T15:42:07Z".parse().expect("a valid time");
    if let Ok(quote) = yahoo::parse_chart(body, "^FTSE", fetched_at) {
        check(&quote);
        assert_eq!(quote.symbol, "^FTSE");
    }
    for vs in ["gbp", "USD"] {
        if let Ok(quotes) = coingecko::parse_prices(body, COINS, vs, fetched_at) {
            assert!(quotes.len() <= COINS.len());
            quotes.iter().for_each(check);
        }
    }
});
