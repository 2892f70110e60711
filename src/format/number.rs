//! Prices, changes and percents as a market page prints them: thousands separators, the
//! instrument's own precision, an explicit sign on changes, and never a "-0.00".

use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::Quote;

/// What is shown where a number is not a number, so a broken value cannot pass for a price.
const NOT_A_NUMBER: &str = "—";

/// `8164.12, 2` → `8,164.12`.
pub fn price(value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let digits = format!("{:.*}", usize::from(decimals), value.abs());
    let sign = if value < 0.0 && !is_all_zero(&digits) {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", group_thousands(&digits))
}

/// `-15.56, 2` → `-15.56`; `0.0006, 4` → `+0.0006`; a change that rounds to zero has no sign.
pub fn change(value: f64, decimals: u8) -> String {
    signed(value, decimals, "")
}

/// `-0.19023` → `-0.19%`.
pub fn percent(value: f64) -> String {
    signed(value, 2, "%")
}

/// A quote's change and percent, `-15.56 (-0.19%)`: the one wording the tape, the detail panel
/// and `--once` share. `None` without a previous close.
pub fn movement(quote: &Quote) -> Option<String> {
    let (change, pct) = (quote.change()?, quote.change_pct()?);
    Some(format!(
        "{} ({})",
        self::change(change, quote.decimals),
        percent(pct)
    ))
}

/// Whether `value` shows as zero at `decimals` places (or is not a number at all), so a
/// direction can agree with the printed figure.
pub fn rounds_to_zero(value: f64, decimals: u8) -> bool {
    !value.is_finite() || is_all_zero(&format!("{:.*}", usize::from(decimals), value.abs()))
}

fn signed(value: f64, decimals: u8, suffix: &str) -> String {
    if !value.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let digits = format!("{:.*}", usize::from(decimals), value.abs());
    let sign = match () {
        () if is_all_zero(&digits) => "",
        () if value < 0.0 => "-",
        () => "+",
    };
    format!("{sign}{}{suffix}", group_thousands(&digits))
}

/// An exact amount at `places`, grouped: `1582.4, 2` → `1,582.40`.
pub fn amount(value: Decimal, places: u32) -> String {
    // Rounded here: `Decimal`'s own formatting with a precision truncates.
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let digits = format!("{:.*}", places as usize, rounded.abs());
    let sign = if value.is_sign_negative() && !is_all_zero(&digits) {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", group_thousands(&digits))
}

/// [`amount`] with an explicit sign, as changes are shown: `+395.60`, `-2.00`, `0.00`.
pub fn signed_amount(value: Decimal, places: u32, suffix: &str) -> String {
    let shown = amount(value, places);
    if shown.starts_with('-') || is_all_zero(&shown) {
        format!("{shown}{suffix}")
    } else {
        format!("+{shown}{suffix}")
    }
}

fn is_all_zero(digits: &str) -> bool {
    digits.bytes().all(|b| b == b'0' || b == b'.')
}

/// Inserts a comma every three digits of the integer part of an unsigned decimal string.
fn group_thousands(digits: &str) -> String {
    let (integer, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(digits.len() + integer.len() / 3);
    for (i, c) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prices_have_separators_and_precision() {
        assert_eq!(price(8164.12, 2), "8,164.12");
        assert_eq!(price(20_286.03, 2), "20,286.03");
        assert_eq!(price(764.38, 2), "764.38");
        assert_eq!(price(1.1796, 4), "1.1796");
        assert_eq!(price(1_234_567.891, 0), "1,234,568");
        assert_eq!(price(-1234.5, 1), "-1,234.5");
        assert_eq!(price(-0.0001, 2), "0.00");
        assert_eq!(price(f64::NAN, 2), "—");
    }

    #[test]
    fn changes_are_signed_and_zero_is_unsigned() {
        assert_eq!(change(-15.56, 2), "-15.56");
        assert_eq!(change(0.0006, 4), "+0.0006");
        assert_eq!(change(241.54, 2), "+241.54");
        assert_eq!(change(-1234.5, 2), "-1,234.50");
        assert_eq!(change(-0.001, 2), "0.00");
        assert_eq!(change(0.0, 2), "0.00");
        assert_eq!(change(f64::INFINITY, 2), "—");
    }

    #[test]
    fn exact_amounts_are_grouped_and_signed() {
        let dec = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(amount(dec("1582.4"), 2), "1,582.40");
        assert_eq!(amount(dec("-0.001"), 2), "0.00");
        assert_eq!(amount(dec("71.5"), 4), "71.5000");
        assert_eq!(amount(dec("0.6586"), 2), "0.66", "rounded, not truncated");
        assert_eq!(amount(dec("-39.995"), 2), "-40.00");
        assert_eq!(signed_amount(dec("395.6"), 2, ""), "+395.60");
        assert_eq!(signed_amount(dec("-2"), 2, "%"), "-2.00%");
        assert_eq!(signed_amount(dec("0.004"), 2, ""), "0.00");
    }

    #[test]
    fn percents_round_to_two_places() {
        assert_eq!(percent(-0.190_23), "-0.19%");
        assert_eq!(percent(0.047_46), "+0.05%");
        assert_eq!(percent(-0.004), "0.00%");
    }

    proptest! {
        #[test]
        fn price_without_separators_parses_back(value in -1e12f64..1e12, decimals in 0u8..6) {
            let shown = price(value, decimals).replace(',', "");
            let parsed: f64 = shown.parse().unwrap();
            let tolerance = 0.5 * 10f64.powi(-i32::from(decimals)) + value.abs() * 1e-12;
            prop_assert!((parsed - value).abs() <= tolerance, "{value} shown as {shown}");
        }
    }
}
