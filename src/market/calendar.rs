//! Exchange holidays and half days: the days on which a market's weekly table is wrong.
//!
//! Written out as data, one table per market, each copied from the exchange's own published
//! list (named above the table) and cross-checked against exchange-calendars 4.13.2, because
//! the rules behind them (lunar festivals, equinoxes fixed a year ahead, substitute days,
//! one-off closures) cannot be computed with confidence. Dates are the exchange's local
//! trading days; for the overnight markets (FX, CME) a trading day is the one its session
//! closes on. Past [`COVERED_THROUGH`] nothing is known and nothing is guessed: the status
//! line says "holidays unknown". Pure data, no clock.

use jiff::civil::{Date, Time, date};

use super::Market;

/// The last date every table below covers.
pub const COVERED_THROUGH: Date = date(2027, 12, 31);

/// How a listed trading day differs from the weekly table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Day {
    Closed,
    /// Trading ends at this local time (a half day).
    ClosesEarly(Time),
}

const fn shut(year: i16, month: i8, day: i8) -> (Date, Day) {
    (date(year, month, day), Day::Closed)
}

const fn early(year: i16, month: i8, day: i8, close: (i8, i8)) -> (Date, Day) {
    let time = Time::constant(close.0, close.1, 0, 0);
    (date(year, month, day), Day::ClosesEarly(time))
}

/// London Stock Exchange, "Business days and holidays" (England and Wales bank holidays, with
/// 12:30 closes on Christmas Eve and New Year's Eve).
const LONDON: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    shut(2026, 4, 3),
    shut(2026, 4, 6),
    shut(2026, 5, 4),
    shut(2026, 5, 25),
    shut(2026, 8, 31),
    early(2026, 12, 24, (12, 30)),
    shut(2026, 12, 25),
    shut(2026, 12, 28),
    early(2026, 12, 31, (12, 30)),
    shut(2027, 1, 1),
    shut(2027, 3, 26),
    shut(2027, 3, 29),
    shut(2027, 5, 3),
    shut(2027, 5, 31),
    shut(2027, 8, 30),
    early(2027, 12, 24, (12, 30)),
    shut(2027, 12, 27),
    shut(2027, 12, 28),
    early(2027, 12, 31, (12, 30)),
];

/// NYSE, "Holidays and Trading Hours" (13:00 early closes).
const NEW_YORK: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    shut(2026, 1, 19),
    shut(2026, 2, 16),
    shut(2026, 4, 3),
    shut(2026, 5, 25),
    shut(2026, 6, 19),
    shut(2026, 7, 3),
    shut(2026, 9, 7),
    shut(2026, 11, 26),
    early(2026, 11, 27, (13, 0)),
    early(2026, 12, 24, (13, 0)),
    shut(2026, 12, 25),
    shut(2027, 1, 1),
    shut(2027, 1, 18),
    shut(2027, 2, 15),
    shut(2027, 3, 26),
    shut(2027, 5, 31),
    shut(2027, 6, 18),
    shut(2027, 7, 5),
    shut(2027, 9, 6),
    shut(2027, 11, 25),
    early(2027, 11, 26, (13, 0)),
    shut(2027, 12, 24),
];

/// Deutsche Börse, "Trading calendar" for Xetra (closed on Christmas Eve and New Year's Eve;
/// the last trading day of the year ends at 14:00).
const XETRA: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    shut(2026, 4, 3),
    shut(2026, 4, 6),
    shut(2026, 5, 1),
    shut(2026, 12, 24),
    shut(2026, 12, 25),
    early(2026, 12, 30, (14, 0)),
    shut(2026, 12, 31),
    shut(2027, 1, 1),
    shut(2027, 3, 26),
    shut(2027, 3, 29),
    shut(2027, 12, 24),
    early(2027, 12, 30, (14, 0)),
    shut(2027, 12, 31),
];

/// Euronext, "Trading calendar and hours" for the Paris cash market (14:05 closes on
/// Christmas Eve and New Year's Eve).
const PARIS: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    shut(2026, 4, 3),
    shut(2026, 4, 6),
    shut(2026, 5, 1),
    early(2026, 12, 24, (14, 5)),
    shut(2026, 12, 25),
    early(2026, 12, 31, (14, 5)),
    shut(2027, 1, 1),
    shut(2027, 3, 26),
    shut(2027, 3, 29),
    early(2027, 12, 24, (14, 5)),
    early(2027, 12, 31, (14, 5)),
];

/// Japan Exchange Group, "Market holidays" for the Tokyo Stock Exchange: national holidays
/// (with substitute and sandwiched days, equinoxes as proclaimed by the Cabinet), 31 Dec and
/// 1-3 Jan. No half days.
const TOKYO: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    shut(2026, 1, 2),
    shut(2026, 1, 12),
    shut(2026, 2, 11),
    shut(2026, 2, 23),
    shut(2026, 3, 20),
    shut(2026, 4, 29),
    shut(2026, 5, 4),
    shut(2026, 5, 5),
    shut(2026, 5, 6),
    shut(2026, 7, 20),
    shut(2026, 8, 11),
    shut(2026, 9, 21),
    shut(2026, 9, 22),
    shut(2026, 9, 23),
    shut(2026, 10, 12),
    shut(2026, 11, 3),
    shut(2026, 11, 23),
    shut(2026, 12, 31),
    shut(2027, 1, 1),
    shut(2027, 1, 11),
    shut(2027, 2, 11),
    shut(2027, 2, 23),
    shut(2027, 3, 22),
    shut(2027, 4, 29),
    shut(2027, 5, 3),
    shut(2027, 5, 4),
    shut(2027, 5, 5),
    shut(2027, 7, 19),
    shut(2027, 8, 11),
    shut(2027, 9, 20),
    shut(2027, 9, 23),
    shut(2027, 10, 11),
    shut(2027, 11, 3),
    shut(2027, 11, 23),
    shut(2027, 12, 31),
];

/// HKEX, "Trading calendar and holiday schedule" (Hong Kong general holidays; morning-only
/// half days, ending 12:00, on the eves of Lunar New Year, Christmas and New Year).
const HONG_KONG: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    early(2026, 2, 16, (12, 0)),
    shut(2026, 2, 17),
    shut(2026, 2, 18),
    shut(2026, 2, 19),
    shut(2026, 4, 3),
    shut(2026, 4, 6),
    shut(2026, 4, 7),
    shut(2026, 5, 1),
    shut(2026, 5, 25),
    shut(2026, 6, 19),
    shut(2026, 7, 1),
    shut(2026, 10, 1),
    shut(2026, 10, 19),
    early(2026, 12, 24, (12, 0)),
    shut(2026, 12, 25),
    early(2026, 12, 31, (12, 0)),
    shut(2027, 1, 1),
    early(2027, 2, 5, (12, 0)),
    shut(2027, 2, 8),
    shut(2027, 2, 9),
    shut(2027, 3, 26),
    shut(2027, 3, 29),
    shut(2027, 4, 5),
    shut(2027, 5, 13),
    shut(2027, 6, 9),
    shut(2027, 7, 1),
    shut(2027, 9, 16),
    shut(2027, 10, 1),
    shut(2027, 10, 8),
    early(2027, 12, 24, (12, 0)),
    shut(2027, 12, 27),
    early(2027, 12, 31, (12, 0)),
];

/// CME Group, "Holiday calendar" for CME Globex equity products: closed on Good Friday,
/// Christmas and New Year's Day; on US federal holidays, Thanksgiving Friday and Christmas
/// Eve trading halts at 12:00 Chicago time. Energy and metals halt within minutes of it; the
/// provider's live window corrects those.
const CME: &[(Date, Day)] = &[
    shut(2026, 1, 1),
    early(2026, 1, 19, (12, 0)),
    early(2026, 2, 16, (12, 0)),
    shut(2026, 4, 3),
    early(2026, 5, 25, (12, 0)),
    early(2026, 7, 3, (12, 0)),
    early(2026, 9, 7, (12, 0)),
    early(2026, 11, 26, (12, 0)),
    early(2026, 11, 27, (12, 0)),
    early(2026, 12, 24, (12, 0)),
    shut(2026, 12, 25),
    shut(2027, 1, 1),
    early(2027, 1, 18, (12, 0)),
    early(2027, 2, 15, (12, 0)),
    shut(2027, 3, 26),
    early(2027, 5, 31, (12, 0)),
    early(2027, 7, 5, (12, 0)),
    early(2027, 9, 6, (12, 0)),
    early(2027, 11, 25, (12, 0)),
    early(2027, 11, 26, (12, 0)),
    shut(2027, 12, 24),
];

/// FX has no exchange and no published list: the interbank venues stop only for Christmas
/// Day and New Year's Day. In 2027 both fall on a Saturday, outside the FX week.
const FX: &[(Date, Day)] = &[shut(2026, 1, 1), shut(2026, 12, 25), shut(2027, 1, 1)];

/// How `date` (a local trading day of `market`) differs from the weekly table, if it does.
pub fn exception(market: Market, date: Date) -> Option<Day> {
    let table = match market {
        Market::London => LONDON,
        Market::NewYork => NEW_YORK,
        Market::Xetra => XETRA,
        Market::Paris => PARIS,
        Market::Tokyo => TOKYO,
        Market::HongKong => HONG_KONG,
        Market::CmeFutures => CME,
        Market::Fx => FX,
        Market::Crypto => &[],
    };
    table
        .iter()
        .find(|(listed, _)| *listed == date)
        .map(|&(_, day)| day)
}

/// Whether the tables cover `date`; crypto never stops, so its holidays are always known.
pub fn is_known(market: Market, date: Date) -> bool {
    market.is_24_7() || date <= COVERED_THROUGH
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use jiff::civil::Weekday;

    use super::super::{MarketStatus, status, status_with_session};
    use super::*;
    use crate::domain::{TradingSession, Window};
    use Market::{CmeFutures, Fx, HongKong, London, NewYork, Paris, Tokyo, Xetra};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn closed_until(next_open: &str) -> MarketStatus {
        MarketStatus {
            is_open: false,
            next_change: Some(ts(next_open)),
        }
    }

    fn open_until(close: &str) -> MarketStatus {
        MarketStatus {
            is_open: true,
            next_change: Some(ts(close)),
        }
    }

    /// Each case is (market, now, expected status), all in UTC.
    fn check(cases: &[(Market, &str, MarketStatus)]) {
        for (market, now, want) in cases {
            assert_eq!(status(*market, ts(now)), *want, "{market:?} at {now}");
        }
    }

    #[test]
    fn christmas_day_shuts_all_but_tokyo_and_each_reopens_on_its_own_day() {
        check(&[
            // Boxing Day, a Saturday, moves to Monday 28 Dec in London.
            (
                London,
                "2026-12-25T10:00:00Z",
                closed_until("2026-12-29T08:00:00Z"),
            ),
            (
                NewYork,
                "2026-12-25T15:00:00Z",
                closed_until("2026-12-28T14:30:00Z"),
            ),
            (
                Xetra,
                "2026-12-25T10:00:00Z",
                closed_until("2026-12-28T08:00:00Z"),
            ),
            (
                Paris,
                "2026-12-25T10:00:00Z",
                closed_until("2026-12-28T08:00:00Z"),
            ),
            (
                HongKong,
                "2026-12-25T03:00:00Z",
                closed_until("2026-12-28T01:30:00Z"),
            ),
            (
                Fx,
                "2026-12-25T12:00:00Z",
                closed_until("2026-12-27T22:00:00Z"),
            ),
            (
                CmeFutures,
                "2026-12-25T12:00:00Z",
                closed_until("2026-12-27T23:00:00Z"),
            ),
            (
                Tokyo,
                "2026-12-25T01:00:00Z",
                open_until("2026-12-25T02:30:00Z"),
            ),
        ]);
    }

    #[test]
    fn good_friday_and_easter_monday() {
        check(&[
            // Easter 2027 is 28 March, the day British Summer Time starts.
            (
                London,
                "2027-03-26T10:00:00Z",
                closed_until("2027-03-30T07:00:00Z"),
            ),
            (
                NewYork,
                "2027-03-26T15:00:00Z",
                closed_until("2027-03-29T13:30:00Z"),
            ),
            (
                Xetra,
                "2027-03-29T10:00:00Z",
                closed_until("2027-03-30T07:00:00Z"),
            ),
            (
                HongKong,
                "2027-03-26T03:00:00Z",
                closed_until("2027-03-30T01:30:00Z"),
            ),
            (
                CmeFutures,
                "2027-03-26T15:00:00Z",
                closed_until("2027-03-28T22:00:00Z"),
            ),
            (
                London,
                "2026-04-03T10:00:00Z",
                closed_until("2026-04-07T07:00:00Z"),
            ),
        ]);
    }

    #[test]
    fn a_uk_bank_holiday_shuts_london_only() {
        check(&[
            (
                London,
                "2026-08-31T10:00:00Z",
                closed_until("2026-09-01T07:00:00Z"),
            ),
            (
                Xetra,
                "2026-08-31T10:00:00Z",
                open_until("2026-08-31T15:30:00Z"),
            ),
            (
                NewYork,
                "2026-08-31T15:00:00Z",
                open_until("2026-08-31T20:00:00Z"),
            ),
        ]);
    }

    #[test]
    fn thanksgiving_shuts_new_york_and_the_friday_after_closes_at_one() {
        check(&[
            (
                NewYork,
                "2026-11-26T15:00:00Z",
                closed_until("2026-11-27T14:30:00Z"),
            ),
            (
                NewYork,
                "2026-11-27T15:00:00Z",
                open_until("2026-11-27T18:00:00Z"),
            ),
            (
                NewYork,
                "2026-11-27T18:00:00Z",
                closed_until("2026-11-30T14:30:00Z"),
            ),
            (
                London,
                "2026-11-26T10:00:00Z",
                open_until("2026-11-26T16:30:00Z"),
            ),
            // Globex trades the morning and halts at noon in Chicago.
            (
                CmeFutures,
                "2026-11-26T17:00:00Z",
                open_until("2026-11-26T18:00:00Z"),
            ),
        ]);
    }

    #[test]
    fn half_days_close_early() {
        check(&[
            (
                London,
                "2026-12-24T12:00:00Z",
                open_until("2026-12-24T12:30:00Z"),
            ),
            (
                London,
                "2026-12-24T12:30:00Z",
                closed_until("2026-12-29T08:00:00Z"),
            ),
            (
                Paris,
                "2026-12-24T12:00:00Z",
                open_until("2026-12-24T13:05:00Z"),
            ),
            // Morning only: the afternoon session never opens.
            (
                HongKong,
                "2026-12-24T03:00:00Z",
                open_until("2026-12-24T04:00:00Z"),
            ),
            (
                HongKong,
                "2026-12-24T05:30:00Z",
                closed_until("2026-12-28T01:30:00Z"),
            ),
            (
                NewYork,
                "2026-12-24T17:00:00Z",
                open_until("2026-12-24T18:00:00Z"),
            ),
            (
                Xetra,
                "2026-12-30T12:00:00Z",
                open_until("2026-12-30T13:00:00Z"),
            ),
            (
                Xetra,
                "2026-12-30T13:00:00Z",
                closed_until("2027-01-04T08:00:00Z"),
            ),
        ]);
    }

    #[test]
    fn lunar_new_year_and_golden_week() {
        check(&[
            (
                HongKong,
                "2026-02-16T03:00:00Z",
                open_until("2026-02-16T04:00:00Z"),
            ),
            (
                HongKong,
                "2026-02-16T06:00:00Z",
                closed_until("2026-02-20T01:30:00Z"),
            ),
            (
                Tokyo,
                "2026-05-01T06:30:00Z",
                closed_until("2026-05-07T00:00:00Z"),
            ),
            (
                Tokyo,
                "2026-09-22T01:00:00Z",
                closed_until("2026-09-24T00:00:00Z"),
            ),
        ]);
    }

    #[test]
    fn after_the_covered_range_only_the_weekly_table_is_known() {
        assert!(is_known(London, COVERED_THROUGH));
        assert!(!is_known(London, date(2028, 1, 3)));
        assert!(is_known(Market::Crypto, date(2099, 1, 1)));
        assert!(super::super::holidays_known(
            London,
            ts("2027-12-31T12:00:00Z")
        ));
        assert!(!super::super::holidays_known(
            London,
            ts("2028-01-03T10:00:00Z")
        ));
        // Nothing is guessed: Christmas 2028 reads as an ordinary Monday.
        check(&[(
            London,
            "2028-12-25T10:00:00Z",
            open_until("2028-12-25T16:30:00Z"),
        )]);
    }

    #[test]
    fn the_providers_live_window_still_wins() {
        let window = |start, end| Window {
            start: ts(start),
            end: ts(end),
        };
        // The provider says London trades on a day the table calls a holiday.
        let session = TradingSession {
            pre: window("2026-12-28T07:00:00Z", "2026-12-28T08:00:00Z"),
            regular: window("2026-12-28T08:00:00Z", "2026-12-28T16:30:00Z"),
            post: window("2026-12-28T16:30:00Z", "2026-12-28T17:00:00Z"),
        };
        let now = ts("2026-12-28T10:00:00Z");
        assert!(!status(London, now).is_open);
        assert_eq!(
            status_with_session(London, Some(&session), now),
            open_until("2026-12-28T16:30:00Z")
        );
    }

    #[test]
    fn no_table_lists_a_weekend() {
        for market in Market::ALL {
            let mut date = date(2026, 1, 1);
            let mut listed = Vec::new();
            while date <= COVERED_THROUGH {
                if exception(market, date).is_some() {
                    listed.push(date);
                }
                date = date.tomorrow().unwrap();
            }
            let weekend = |d: &Date| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            assert!(!listed.iter().any(weekend), "{market:?}: a weekend listed");
        }
    }
}
