//! Which exchanges are trading right now, and when that changes.
//!
//! The status line ("UK markets closed · US markets open", "UK opens in 2h 10m") needs to know,
//! for each instrument, whether its exchange is in its regular session. This module owns the
//! symbol → market mapping, each market's time zone and weekly session table, and the open/closed
//! arithmetic over them. Sessions are in exchange-local civil time and converted through the
//! exchange's IANA zone, so daylight saving (including the weeks where the US and Europe disagree)
//! is exact. Everything is pure: the current time is always an argument.
//!
//! Holidays and half days come from [`calendar`], which knows them through
//! [`calendar::COVERED_THROUGH`]; after that only weekends are known, and [`holidays_known`]
//! says so. Not modelled: pre/post-market trading.

pub mod calendar;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::domain::TradingSession;

use jiff::{
    SignedDuration, Timestamp,
    civil::{
        Date, Time, Weekday,
        Weekday::{Friday, Monday, Sunday, Thursday, Tuesday, Wednesday},
    },
    tz::TimeZone,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Market {
    London,
    NewYork,
    Xetra,
    Paris,
    Tokyo,
    HongKong,
    Fx,
    Crypto,
    CmeFutures,
}

/// How the status line groups markets; global markets (FX, crypto, futures) belong to none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    Uk,
    Europe,
    Us,
    Asia,
}

impl Region {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Region::Uk => "UK",
            Region::Europe => "Europe",
            Region::Us => "US",
            Region::Asia => "Asia",
        }
    }
}

/// Whether a market is trading, and when that next flips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketStatus {
    pub is_open: bool,
    /// The next open if closed, the next close if open; `None` for markets that never close.
    pub next_change: Option<Timestamp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionStatus {
    pub region: Region,
    pub is_open: bool,
    pub next_change: Option<Timestamp>,
}

/// One weekly trading session in exchange-local time. A `close` at or before `open` falls on the
/// following day, which is how overnight sessions (FX, CME) are written. A market's sessions
/// are listed in the order they open in a day.
struct Session {
    days: &'static [Weekday],
    open: Time,
    close: Time,
}

const MON_FRI: &[Weekday] = &[Monday, Tuesday, Wednesday, Thursday, Friday];
const SUN_THU: &[Weekday] = &[Sunday, Monday, Tuesday, Wednesday, Thursday];

const fn session(days: &'static [Weekday], open: (i8, i8), close: (i8, i8)) -> Session {
    Session {
        days,
        open: Time::constant(open.0, open.1, 0, 0),
        close: Time::constant(close.0, close.1, 0, 0),
    }
}

const LONDON: &[Session] = &[session(MON_FRI, (8, 0), (16, 30))];
const NEW_YORK: &[Session] = &[session(MON_FRI, (9, 30), (16, 0))];
const CONTINENTAL: &[Session] = &[session(MON_FRI, (9, 0), (17, 30))];
const TOKYO: &[Session] = &[
    session(MON_FRI, (9, 0), (11, 30)),
    session(MON_FRI, (12, 30), (15, 30)),
];
const HONG_KONG: &[Session] = &[
    session(MON_FRI, (9, 30), (12, 0)),
    session(MON_FRI, (13, 0), (16, 0)),
];
/// Back-to-back daily sessions; they merge into one Sunday 17:00 – Friday 17:00 stretch.
const FX: &[Session] = &[session(SUN_THU, (17, 0), (17, 0))];
/// Sunday 17:00 – Friday 16:00 with the 16:00–17:00 halt falling between the daily sessions.
const CME: &[Session] = &[session(SUN_THU, (17, 0), (16, 0))];

/// Exact provider symbols whose market a suffix cannot tell.
const SYMBOLS: &[(Market, &[&str])] = &[
    (Market::London, &["^FTSE", "^FTMC", "^FTAI", "^FTAS"]),
    (
        Market::NewYork,
        &["^GSPC", "^DJI", "^IXIC", "^RUT", "^VIX", "^NDX"],
    ),
    (Market::Xetra, &["^GDAXI"]),
    (Market::Paris, &["^FCHI"]),
    (Market::Tokyo, &["^N225"]),
    (Market::HongKong, &["^HSI"]),
    (Market::Crypto, &["^CMC200"]),
];

/// Yahoo exchange suffixes, checked after [`SYMBOLS`].
const SUFFIXES: &[(Market, &[&str])] = &[
    (Market::Fx, &["=X"]),
    (Market::CmeFutures, &["=F"]),
    (Market::London, &[".L"]),
    (Market::Xetra, &[".DE", ".F"]),
    (Market::Paris, &[".PA"]),
    (Market::Tokyo, &[".T"]),
    (Market::HongKong, &[".HK"]),
];

impl Market {
    pub const ALL: [Market; 9] = [
        Market::London,
        Market::NewYork,
        Market::Xetra,
        Market::Paris,
        Market::Tokyo,
        Market::HongKong,
        Market::Fx,
        Market::Crypto,
        Market::CmeFutures,
    ];

    /// Infers the market from the provider symbol so the watchlist need not say it; unknown
    /// symbols default to New York, the most common case for bare tickers.
    #[must_use]
    pub fn for_symbol(symbol: &str) -> Market {
        let symbol = symbol.trim().to_ascii_uppercase();
        let exact = SYMBOLS
            .iter()
            .find(|(_, names)| names.contains(&symbol.as_str()));
        let suffix = || {
            SUFFIXES.iter().find(|(_, suffixes)| {
                suffixes
                    .iter()
                    .any(|s| symbol.len() > s.len() && symbol.ends_with(s))
            })
        };
        match exact.or_else(suffix) {
            Some(&(market, _)) => market,
            None if is_crypto_pair(&symbol) => Market::Crypto,
            None => Market::NewYork,
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Market> {
        Market::ALL.into_iter().find(|market| market.name() == name)
    }

    /// The config spelling; identical to the serde representation.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.spec().0
    }

    #[must_use]
    pub fn region(self) -> Option<Region> {
        self.spec().1
    }

    /// The zone the session table is written in, as the POSIX rule its tzdb entry ends with:
    /// the rule in force now (since 2007 in the US, 1996 in Europe), which is what a session
    /// table for this year needs, and what dates a chart's bars (an hour's error in a spring
    /// long ago moves no bar to another day). Reading the tzdb entries, with their history
    /// back to the 1800s, was a sixth of the first frame. Tested against the bundled tzdb.
    #[must_use]
    pub fn time_zone(self) -> TimeZone {
        static ZONES: [OnceLock<TimeZone>; Market::ALL.len()] =
            [const { OnceLock::new() }; Market::ALL.len()];
        ZONES[self as usize]
            .get_or_init(|| TimeZone::posix(self.spec().2).unwrap_or(TimeZone::UTC))
            .clone()
    }

    #[must_use]
    pub fn is_24_7(self) -> bool {
        self == Market::Crypto
    }

    /// Everything that differs per market: config name, region, zone (a POSIX rule), weekly
    /// sessions.
    fn spec(
        self,
    ) -> (
        &'static str,
        Option<Region>,
        &'static str,
        &'static [Session],
    ) {
        use Region::{Asia, Europe, Uk, Us};
        match self {
            Market::London => ("london", Some(Uk), "GMT0BST,M3.5.0/1,M10.5.0", LONDON),
            Market::NewYork => ("new-york", Some(Us), "EST5EDT,M3.2.0,M11.1.0", NEW_YORK),
            Market::Xetra => (
                "xetra",
                Some(Europe),
                "CET-1CEST,M3.5.0,M10.5.0/3",
                CONTINENTAL,
            ),
            Market::Paris => (
                "paris",
                Some(Europe),
                "CET-1CEST,M3.5.0,M10.5.0/3",
                CONTINENTAL,
            ),
            Market::Tokyo => ("tokyo", Some(Asia), "JST-9", TOKYO),
            Market::HongKong => ("hong-kong", Some(Asia), "HKT-8", HONG_KONG),
            Market::Fx => ("fx", None, "EST5EDT,M3.2.0,M11.1.0", FX),
            Market::Crypto => ("crypto", None, "UTC0", &[]),
            Market::CmeFutures => ("cme-futures", None, "CST6CDT,M3.2.0,M11.1.0", CME),
        }
    }
}

/// `BASE-QUOTE` with a currency-like quote (`BTC-USD`, `ETH-USDT`); share classes such as
/// `BRK-B` have a shorter suffix and stay equities.
fn is_crypto_pair(symbol: &str) -> bool {
    symbol.rsplit_once('-').is_some_and(|(base, quote)| {
        !base.is_empty()
            && base.bytes().all(|b| b.is_ascii_alphanumeric())
            && (3..=4).contains(&quote.len())
            && quote.bytes().all(|b| b.is_ascii_uppercase())
    })
}

#[must_use]
pub fn status(market: Market, now: Timestamp) -> MarketStatus {
    if market.is_24_7() {
        return MarketStatus {
            is_open: true,
            next_change: None,
        };
    }
    let mut spans = open_spans(market, now)
        .skip_while(|&(_, close)| close <= now)
        .peekable();
    match spans.next() {
        Some((open, mut close)) if open <= now => {
            // Touching intervals are one stretch: an open market's close is its real close,
            // not a session boundary.
            while let Some((_, later)) = spans.next_if(|&(next, _)| next <= close) {
                close = close.max(later);
            }
            MarketStatus {
                is_open: true,
                next_change: Some(close),
            }
        }
        next => MarketStatus {
            is_open: false,
            next_change: next.map(|(open, _)| open),
        },
    }
}

/// Whether today's holidays are known for `market`: past the calendars' range, a closed
/// market's countdown may point at an opening that will not happen.
#[must_use]
pub fn holidays_known(market: Market, now: Timestamp) -> bool {
    calendar::is_known(market, market.time_zone().to_datetime(now).date())
}

/// Concrete `[open, close)` intervals in the order they open, from yesterday (for overnight
/// sessions) through two weeks ahead (past any weekend and holiday run), without the holidays
/// and cut short on half days. Made as they are asked for: a status needs two or three days.
fn open_spans(market: Market, now: Timestamp) -> impl Iterator<Item = (Timestamp, Timestamp)> {
    let tz = market.time_zone();
    let today = tz.to_datetime(now).date();
    let sessions = market.spec().3;
    std::iter::successors(today.yesterday().ok(), |d| d.tomorrow().ok())
        .take(16)
        .flat_map(move |date| {
            (sessions.iter())
                .filter(move |s| s.days.contains(&date.weekday()))
                .map(move |s| (date, s))
        })
        .filter_map(move |(date, session)| span(market, &tz, date, session))
}

/// `session` on `date` as instants: `None` on a holiday. An overnight session belongs to the
/// trading day it closes on.
fn span(
    market: Market,
    tz: &TimeZone,
    date: Date,
    session: &Session,
) -> Option<(Timestamp, Timestamp)> {
    let close_date = if session.close <= session.open {
        date.tomorrow().ok()?
    } else {
        date
    };
    let close = match calendar::exception(market, close_date) {
        Some(calendar::Day::Closed) => return None,
        Some(calendar::Day::ClosesEarly(early)) => early.min(session.close),
        None => session.close,
    };
    let open = tz.to_timestamp(date.to_datetime(session.open)).ok()?;
    let close = tz.to_timestamp(close_date.to_datetime(close)).ok()?;
    (open < close).then_some((open, close))
}

/// How long after a reported session's close it still describes the market: long enough for
/// a half day or holiday to show as closed, short enough that yesterday's session never hides
/// this morning's open.
const SESSION_TRUST: SignedDuration = SignedDuration::from_hours(6);

/// Live windows from the provider beat the built-in table (they know holidays and half days);
/// the table fills in what they cannot say, such as the next open after today's close.
pub fn status_with_session(
    market: Market,
    session: Option<&TradingSession>,
    now: Timestamp,
) -> MarketStatus {
    let scheduled = status(market, now);
    let Some(regular) = session.map(|s| s.regular) else {
        return scheduled;
    };
    if regular.start >= regular.end {
        return scheduled;
    }
    if regular.contains(now) {
        return MarketStatus {
            is_open: true,
            next_change: Some(regular.end),
        };
    }
    let until_open = regular.start.duration_since(now);
    if until_open > SignedDuration::ZERO && until_open < SignedDuration::from_hours(24) {
        return MarketStatus {
            is_open: false,
            next_change: Some(regular.start),
        };
    }
    let since_close = now.duration_since(regular.end);
    if since_close >= SignedDuration::ZERO && since_close < SESSION_TRUST && scheduled.is_open {
        // Closed early (a half day) or not at all today (a holiday): the table cannot know when
        // it reopens, so say nothing rather than something wrong.
        return MarketStatus {
            is_open: false,
            next_change: None,
        };
    }
    scheduled
}

/// One entry per region present among `markets` (global markets contribute none), ordered Uk,
/// Europe, Us, Asia. A region is open if any of its markets is open; `next_change` is the
/// earliest next close among its open markets when open, or the earliest next open among its
/// markets when closed.
#[must_use]
pub fn region_statuses(
    markets: impl IntoIterator<Item = (Market, MarketStatus)>,
) -> Vec<RegionStatus> {
    let mut by_region: BTreeMap<Region, Vec<MarketStatus>> = BTreeMap::new();
    for (market, status) in markets {
        if let Some(region) = market.region() {
            by_region.entry(region).or_default().push(status);
        }
    }
    by_region
        .into_iter()
        .map(|(region, statuses)| {
            let is_open = statuses.iter().any(|s| s.is_open);
            let next_change = statuses
                .iter()
                .filter(|s| s.is_open == is_open)
                .filter_map(|s| s.next_change)
                .min();
            RegionStatus {
                region,
                is_open,
                next_change,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::domain::Window;

    fn with_status(
        markets: impl IntoIterator<Item = Market>,
        now: Timestamp,
    ) -> Vec<(Market, MarketStatus)> {
        markets.into_iter().map(|m| (m, status(m, now))).collect()
    }

    use super::*;
    use Market::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const OPEN: bool = true;
    const SHUT: bool = false;

    /// Each case is (market, now, expected `is_open`, expected `next_change`), all in UTC.
    fn check(cases: &[(Market, &str, bool, &str)]) {
        for &(market, now, is_open, next) in cases {
            let want = MarketStatus {
                is_open,
                next_change: Some(ts(next)),
            };
            assert_eq!(status(market, ts(now)), want, "{market:?} at {now}");
        }
    }

    #[test]
    fn london_boundaries_in_gmt() {
        // Monday 2024-01-15, GMT = UTC.
        check(&[
            (London, "2024-01-15T07:59:59Z", SHUT, "2024-01-15T08:00Z"),
            (London, "2024-01-15T08:00Z", OPEN, "2024-01-15T16:30Z"),
            (London, "2024-01-15T16:29:59Z", OPEN, "2024-01-15T16:30Z"),
            (London, "2024-01-15T16:30Z", SHUT, "2024-01-16T08:00Z"),
        ]);
    }

    #[test]
    fn london_boundaries_in_bst() {
        // Monday 2024-07-01, BST = UTC+1.
        check(&[
            (London, "2024-07-01T06:59:59Z", SHUT, "2024-07-01T07:00Z"),
            (London, "2024-07-01T07:00Z", OPEN, "2024-07-01T15:30Z"),
            (London, "2024-07-01T15:30Z", SHUT, "2024-07-02T07:00Z"),
        ]);
    }

    #[test]
    fn friday_evening_and_weekend_wait_for_monday() {
        let monday = "2024-07-01T07:00Z";
        check(&[
            (London, "2024-06-28T16:00Z", SHUT, monday), // Friday after the close
            (London, "2024-06-29T12:00Z", SHUT, monday), // Saturday
            (London, "2024-06-30T23:00Z", SHUT, monday), // Sunday
            // UK clocks went forward on Sunday 2024-03-31: Friday GMT, Monday BST.
            (London, "2024-03-29T17:00Z", SHUT, "2024-04-01T07:00Z"),
        ]);
        check(&[(NewYork, "2024-06-29T12:00Z", SHUT, "2024-07-01T13:30Z")]);
    }

    #[test]
    fn us_and_uk_dst_mismatch_in_march() {
        // 2024-03-12: New York already on EDT (UTC-4); London and Berlin still on winter time.
        check(&[
            (NewYork, "2024-03-12T13:29Z", SHUT, "2024-03-12T13:30Z"),
            (NewYork, "2024-03-12T13:30Z", OPEN, "2024-03-12T20:00Z"),
            // The week before, New York was still on EST.
            (NewYork, "2024-03-05T13:30Z", SHUT, "2024-03-05T14:30Z"),
        ]);
        check(&[(London, "2024-03-12T07:59Z", SHUT, "2024-03-12T08:00Z")]);
        check(&[(Xetra, "2024-03-12T08:00Z", OPEN, "2024-03-12T16:30Z")]);
    }

    #[test]
    fn asian_lunch_breaks_are_closed() {
        // Thursday 2024-06-27. JST = UTC+9: lunch 11:30–12:30 local is 02:30–03:30 UTC.
        check(&[
            (Tokyo, "2024-06-27T00:00Z", OPEN, "2024-06-27T02:30Z"),
            (Tokyo, "2024-06-27T03:00Z", SHUT, "2024-06-27T03:30Z"),
            (Tokyo, "2024-06-27T03:30Z", OPEN, "2024-06-27T06:30Z"),
            (Tokyo, "2024-06-27T06:30Z", SHUT, "2024-06-28T00:00Z"),
        ]);
        // HKT = UTC+8: lunch 12:00–13:00 local is 04:00–05:00 UTC.
        check(&[
            (HongKong, "2024-06-27T03:59Z", OPEN, "2024-06-27T04:00Z"),
            (HongKong, "2024-06-27T04:30Z", SHUT, "2024-06-27T05:00Z"),
            (HongKong, "2024-06-27T05:00Z", OPEN, "2024-06-27T08:00Z"),
        ]);
    }

    #[test]
    fn fx_runs_sunday_to_friday_new_york_time() {
        let friday_close = "2024-07-05T21:00Z";
        check(&[
            (Fx, "2024-06-30T20:59Z", SHUT, "2024-06-30T21:00Z"),
            (Fx, "2024-06-30T21:00Z", OPEN, friday_close),
            (Fx, "2024-07-03T03:00Z", OPEN, friday_close), // Wednesday
            (Fx, "2024-07-05T20:59Z", OPEN, friday_close),
            (Fx, "2024-07-05T21:00Z", SHUT, "2024-07-07T21:00Z"),
            // In winter 17:00 New York is 22:00 UTC.
            (Fx, "2024-01-14T21:30Z", SHUT, "2024-01-14T22:00Z"),
        ]);
    }

    #[test]
    fn cme_futures_daily_halt_and_weekend() {
        // Chicago on CDT (UTC-5): the 16:00–17:00 halt is 21:00–22:00 UTC.
        check(&[
            (CmeFutures, "2024-06-26T20:00Z", OPEN, "2024-06-26T21:00Z"),
            (CmeFutures, "2024-06-26T21:30Z", SHUT, "2024-06-26T22:00Z"),
            (CmeFutures, "2024-06-26T22:00Z", OPEN, "2024-06-27T21:00Z"),
            (CmeFutures, "2024-06-28T21:00Z", SHUT, "2024-06-30T22:00Z"),
            (CmeFutures, "2024-07-01T03:00Z", OPEN, "2024-07-01T21:00Z"),
        ]);
    }

    #[test]
    fn crypto_is_always_open() {
        let always = MarketStatus {
            is_open: true,
            next_change: None,
        };
        for now in ["2024-06-29T12:00Z", "2024-12-25T03:00Z"] {
            assert_eq!(status(Crypto, ts(now)), always);
        }
        assert!(Crypto.is_24_7() && !Fx.is_24_7() && !CmeFutures.is_24_7());
    }

    #[test]
    fn regions_are_ordered_and_skip_global_markets() {
        let markets = [Crypto, Tokyo, NewYork, Fx, Paris, London, CmeFutures];
        // Wednesday 2024-06-26 14:00 UTC: London, Paris and New York open, Tokyo closed.
        let got = region_statuses(with_status(markets, ts("2024-06-26T14:00Z")));
        let want = [
            (Region::Uk, true, "2024-06-26T15:30Z"),
            (Region::Europe, true, "2024-06-26T15:30Z"),
            (Region::Us, true, "2024-06-26T20:00Z"),
            (Region::Asia, false, "2024-06-27T00:00Z"),
        ]
        .map(|(region, is_open, next)| RegionStatus {
            region,
            is_open,
            next_change: Some(ts(next)),
        });
        assert_eq!(got, want);
        assert!(
            region_statuses(with_status(
                [Fx, Crypto, CmeFutures],
                ts("2024-06-26T14:00Z")
            ))
            .is_empty()
        );
    }

    #[test]
    fn region_is_open_if_any_market_is_and_picks_the_earliest_change() {
        let asia = |now: &str| region_statuses(with_status([Tokyo, HongKong], ts(now)));
        let want = |is_open, next: &str| {
            let next_change = Some(ts(next));
            vec![RegionStatus {
                region: Region::Asia,
                is_open,
                next_change,
            }]
        };
        // 03:00 UTC: Tokyo at lunch (reopens 03:30), Hong Kong open until 04:00.
        assert_eq!(asia("2024-06-27T03:00Z"), want(OPEN, "2024-06-27T04:00Z"));
        // Saturday: both closed; Tokyo opens Monday 00:00 UTC, before Hong Kong's 01:30.
        assert_eq!(asia("2024-06-29T12:00Z"), want(SHUT, "2024-07-01T00:00Z"));
    }

    #[test]
    fn region_labels() {
        let labels = [Region::Uk, Region::Europe, Region::Us, Region::Asia].map(Region::label);
        assert_eq!(labels, ["UK", "Europe", "US", "Asia"]);
    }

    fn assert_symbols(cases: &[(Market, &[&str])]) {
        for &(market, symbols) in cases {
            for symbol in symbols {
                assert_eq!(Market::for_symbol(symbol), market, "{symbol}");
            }
        }
    }

    #[test]
    fn default_symbols_map_to_their_markets() {
        assert_symbols(&[
            (London, &["^FTSE", "^FTMC", "^FTAI"]),
            (Fx, &["GBPEUR=X", "GBPUSD=X"]),
            (Crypto, &["BTC-GBP", "^CMC200"]),
            (NewYork, &["^GSPC", "^DJI"]),
            (CmeFutures, &["CL=F", "GC=F"]),
            (Tokyo, &["^N225"]),
            (HongKong, &["^HSI"]),
            (Xetra, &["^GDAXI"]),
            (Paris, &["^FCHI"]),
        ]);
    }

    #[test]
    fn suffixes_and_fallbacks() {
        assert_symbols(&[
            (London, &["VOD.L", "vod.l", "^FTAS"]),
            (Xetra, &["SAP.DE", "BMW.F"]),
            (Paris, &["AIR.PA"]),
            (Tokyo, &["7203.T"]),
            (HongKong, &["0005.HK"]),
            (Fx, &["EURJPY=x"]),
            (CmeFutures, &["ES=F"]),
            (Crypto, &["ETH-USD", "ETH-USDT", "sol-eur"]),
            (NewYork, &["^VIX", "AAPL", "BRK-B", "SHOP.TO", "-USD", ".L"]),
        ]);
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for market in Market::ALL {
            assert_eq!(Market::from_name(market.name()), Some(market));
            let json = serde_json::to_string(&market).unwrap();
            assert_eq!(json, format!("\"{}\"", market.name()));
            assert_eq!(serde_json::from_str::<Market>(&json).unwrap(), market);
        }
        assert_eq!(Market::from_name("hong-kong"), Some(HongKong));
        assert_eq!(Market::from_name("HongKong"), None);
    }

    #[test]
    fn regions_and_zones() {
        assert_eq!(London.region(), Some(Region::Uk));
        assert_eq!(Paris.region(), Some(Region::Europe));
        assert_eq!(Fx.region(), None);
    }

    /// Each market's rule gives the offsets its tzdb entry gives, at every transition from
    /// 2008 (the US rules of 2007) to 2040.
    #[test]
    fn zone_rules_agree_with_the_tzdb() {
        let db = jiff::tz::TimeZoneDatabase::bundled();
        let from: Timestamp = "2008-01-01T00:00Z".parse().unwrap();
        let until: Timestamp = "2040-01-01T00:00Z".parse().unwrap();
        let transitions = |tz: &TimeZone| -> Vec<(Timestamp, jiff::tz::Offset)> {
            tz.following(from)
                .take_while(|t| t.timestamp() < until)
                .map(|t| (t.timestamp(), t.offset()))
                .collect()
        };
        let mut seen = 0;
        for market in Market::ALL {
            let iana = match market {
                London => "Europe/London",
                NewYork | Fx => "America/New_York",
                Xetra => "Europe/Berlin",
                Paris => "Europe/Paris",
                Tokyo => "Asia/Tokyo",
                HongKong => "Asia/Hong_Kong",
                Crypto => "UTC",
                CmeFutures => "America/Chicago",
            };
            let tzdb = db.get(iana).unwrap();
            let ours = market.time_zone();
            assert_eq!(ours.to_offset(from), tzdb.to_offset(from), "{market:?}");
            assert_eq!(transitions(&ours), transitions(&tzdb), "{market:?}");
            seen += transitions(&ours).len();
        }
        // Six zones change twice a year.
        assert_eq!(seen, 6 * 2 * 32);
    }

    fn session(start: &str, end: &str) -> TradingSession {
        let window = |start: &str, end: &str| Window {
            start: ts(start),
            end: ts(end),
        };
        TradingSession {
            pre: window(start, start),
            regular: window(start, end),
            post: window(end, end),
        }
    }

    #[test]
    fn a_live_session_beats_the_table_within_its_day() {
        let today = session("2024-06-28T07:00Z", "2024-06-28T15:30Z");
        let at = |now: &str| status_with_session(London, Some(&today), ts(now));
        assert_eq!(
            at("2024-06-28T10:00Z"),
            MarketStatus {
                is_open: true,
                next_change: Some(ts("2024-06-28T15:30Z"))
            }
        );
        assert_eq!(
            at("2024-06-28T06:00Z"),
            MarketStatus {
                is_open: false,
                next_change: Some(ts("2024-06-28T07:00Z"))
            }
        );
        // A half day: the table says open at 14:00 local, the provider says closed at 12:30.
        let half = session("2024-12-24T08:00Z", "2024-12-24T12:30Z");
        assert_eq!(
            status_with_session(London, Some(&half), ts("2024-12-24T14:00Z")),
            MarketStatus {
                is_open: false,
                next_change: None
            }
        );
        // Yesterday's session says nothing about this morning.
        assert_eq!(
            at("2024-07-01T09:00Z"),
            status(London, ts("2024-07-01T09:00Z"))
        );
        assert_eq!(
            status_with_session(London, None, ts("2024-06-28T10:00Z")),
            status(London, ts("2024-06-28T10:00Z"))
        );
    }
}
