//! Which due instruments a round asks for in full and which by a provider's brief batch request
//! (Yahoo's spark), and how a brief answer becomes a whole quote.
//!
//! Why two kinds of request: a chart request per symbol carries everything but costs one request
//! per instrument per refresh, four a second for sixty instruments at 15 s. Spark carries only
//! prices, for twenty symbols at once. So each instrument is asked in full first (and whenever
//! what only chart carries may have moved on: every [`FULL_MAX_AGE`], or once its trading day is
//! over), and by spark in between, with its last full quote filling in what spark lacks. With
//! sixty open instruments that is about one request every three seconds, and a quote on screen
//! is as complete as a chart answer. A spark request that fails or answers in another shape
//! gives way to chart requests for its symbols in the same round, and spark rests a while; a
//! symbol spark leaves out goes by chart for a while. Whatever the mix, the refresh interval
//! stretches so that an API hears at most one request per [`SPACING`] on average.

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

use super::{QuotePoller, Slot};
use crate::domain::{Instrument, Quote};
use crate::sources::QuoteApi;
use crate::sources::schedule::{Activity, Backoff, Outcome, Policy};

/// The day's range widens unseen between spark prices, and names or precision can change:
/// a full request now and then puts them right.
pub(super) const FULL_MAX_AGE: Duration = Duration::from_mins(10);
/// Full quotes growing old are renewed a few a round, oldest first, so a list started together
/// does not come due together ten minutes later.
const RENEWALS_PER_ROUND: usize = 4;
/// However long the list, an API hears at most one request per this on average.
const SPACING: Duration = Duration::from_millis(1250);
/// How long a failing brief endpoint rests: from five minutes, doubling to an hour, since an
/// endpoint that changed shape will not change back soon and chart serves meanwhile.
const REST: Policy = Policy {
    interval: Duration::from_mins(5),
    closed_interval: Duration::from_mins(5),
    max_backoff: Duration::from_hours(1),
    max_rate_limit_wait: Duration::from_hours(1),
};

/// A provider's brief batch request, and whether it is resting after failing.
pub(super) struct Brief {
    pub(super) provider: Box<dyn QuoteApi>,
    backoff: Backoff,
    resting_until: Option<Instant>,
}

impl Brief {
    pub(super) fn new(provider: Box<dyn QuoteApi>) -> Self {
        Self {
            provider,
            backoff: Backoff::default(),
            resting_until: None,
        }
    }

    fn is_ready(&self, now: Instant) -> bool {
        self.resting_until.is_none_or(|until| until <= now)
    }

    pub(super) fn answered(&mut self) {
        self.backoff = Backoff::default();
        self.resting_until = None;
    }

    pub(super) fn failed(&mut self, now: Instant) -> Duration {
        let rest =
            (self.backoff).next_delay(Outcome::Failed, Activity::Trading, &REST, fastrand::f64());
        self.resting_until = Some(now + rest);
        rest
    }
}

/// The last full quote of an instrument and when it came.
pub(super) struct Full {
    pub(super) quote: Quote,
    pub(super) at: Instant,
}

impl Full {
    /// Old, or describing a trading day that is over: tomorrow's windows and range are not in it.
    fn is_stale(&self, now: Instant, wall: Timestamp) -> bool {
        let is_old = now.saturating_duration_since(self.at) >= FULL_MAX_AGE;
        let day_over = (self.quote.session)
            .is_some_and(|session| wall >= session.regular.end.max(session.post.end));
        is_old || day_over
    }
}

/// A brief quote laid over the last full one: the price, its time, the series (with its bar
/// times) and the previous close are the brief answer's; currency, precision, names, exchange and trading windows cannot
/// change within the day and are the full one's; the day's range widens to take in the price.
pub(super) fn complete(brief: Quote, full: &Quote) -> Quote {
    let price = brief.price;
    let (series, series_times) = if brief.series.is_empty() {
        (full.series.clone(), full.series_times.clone())
    } else {
        (brief.series, brief.series_times)
    };
    Quote {
        previous_close: brief.previous_close.or(full.previous_close),
        time: brief.time.max(full.time),
        series,
        series_times,
        day_low: full.day_low.map(|low| low.min(price)),
        day_high: full.day_high.map(|high| high.max(price)),
        decimals: full.decimals,
        currency: full.currency.clone(),
        exchange: full.exchange.clone(),
        session: full.session,
        short_name: full.short_name.clone(),
        symbol: brief.symbol,
        price,
    }
}

/// What one API's share of a round asks for: slots in full, and slots by the brief request.
pub(super) struct Plan {
    pub(super) full: Vec<usize>,
    pub(super) brief: Vec<usize>,
}

impl QuotePoller {
    /// Splits an API's due slots. Without a ready brief request all go in full. Otherwise a slot
    /// goes in full if it has never had a full quote or a brief answer left it out lately, or
    /// (a few a round) if its full quote is stale; the rest go brief, joined by slots due within the next interval for as long as they
    /// fit the brief requests already needed: a ride costs no request, and the list falls into
    /// step instead of drifting into many small batches.
    pub(super) fn plan(&self, api: usize, due: Vec<usize>, now: Instant, wall: Timestamp) -> Plan {
        let Some(brief) = (self.apis[api].brief.as_ref()).filter(|brief| brief.is_ready(now))
        else {
            return Plan {
                full: due,
                brief: Vec::new(),
            };
        };
        let (mut full, mut stale, mut briefs) = (Vec::new(), Vec::new(), Vec::new());
        for slot in due.iter().copied() {
            match &self.slots[slot].full {
                _ if self.is_brief_less(slot, now) => full.push(slot),
                None => full.push(slot),
                Some(last) if last.is_stale(now, wall) => stale.push((last.at, slot)),
                Some(_) => briefs.push(slot),
            }
        }
        stale.sort_unstable();
        let renewed = stale.len().min(RENEWALS_PER_ROUND);
        full.extend(stale[..renewed].iter().map(|&(_, slot)| slot));
        briefs.extend(stale[renewed..].iter().map(|&(_, slot)| slot));

        let horizon = now + self.apis[api].policy.interval;
        let mut riders: Vec<usize> = (0..self.slots.len())
            .filter(|slot| !due.contains(slot))
            .filter(|&slot| {
                let s = &self.slots[slot];
                s.api == api
                    && !self.is_brief_less(slot, now)
                    && s.due <= horizon
                    && s.earliest <= now
                    && s.full.is_some()
            })
            .collect();
        riders.sort_by_key(|&slot| self.slots[slot].due);
        let requests = |slots: &[usize]| brief.provider.batches(&self.instruments(slots)).len();
        let needed = requests(&briefs);
        for rider in riders {
            briefs.push(rider);
            if needed == 0 || requests(&briefs) > needed {
                briefs.pop();
                break;
            }
        }
        Plan {
            full,
            brief: briefs,
        }
    }

    /// Left out of a brief answer lately: asking it again by brief request would only lead to
    /// a full one in the same round.
    fn is_brief_less(&self, slot: usize, now: Instant) -> bool {
        self.slots[slot]
            .brief_missed_at
            .is_some_and(|at| now.saturating_duration_since(at) < FULL_MAX_AGE)
    }

    /// The API's policy, its interval stretched so that refreshing every instrument once takes
    /// no more than one request per [`SPACING`]: chart requests for sixty instruments then come
    /// every 75 s rather than four a second when spark is unavailable. Brief requests count
    /// twice, leaving half their budget to the full requests that renew quotes beside them.
    pub(super) fn paced(&self, api: usize, now: Instant) -> Policy {
        let of_api: Vec<usize> = (0..self.slots.len())
            .filter(|&slot| self.slots[slot].api == api)
            .collect();
        let api = &self.apis[api];
        let full_requests = |slots: &[usize]| api.provider.batches(&self.instruments(slots)).len();
        let requests = if let Some(brief) = api.brief.as_ref().filter(|b| b.is_ready(now)) {
            let (brief_less, briefed): (Vec<usize>, Vec<usize>) = of_api
                .into_iter()
                .partition(|&slot| self.is_brief_less(slot, now));
            let brief_requests = brief.provider.batches(&self.instruments(&briefed)).len();
            2 * brief_requests + full_requests(&brief_less)
        } else {
            full_requests(&of_api)
        };
        let floor = SPACING.saturating_mul(u32::try_from(requests).unwrap_or(u32::MAX));
        let mut policy = api.policy;
        policy.interval = policy.interval.max(floor);
        policy.closed_interval = policy.closed_interval.max(policy.interval);
        policy
    }

    pub(super) fn instruments(&self, slots: &[usize]) -> Vec<&Instrument> {
        slots
            .iter()
            .map(|&slot| &self.slots[slot].instrument)
            .collect()
    }
}

impl Slot {
    /// Keeps a full quote for the brief ones to come; a brief one is completed from it.
    pub(super) fn take(&mut self, quote: Quote, is_brief: bool, now: Instant) -> Quote {
        match (is_brief, &self.full) {
            (true, Some(last)) => complete(quote, &last.quote),
            (true, None) => quote,
            (false, _) => {
                self.full = Some(Full {
                    quote: quote.clone(),
                    at: now,
                });
                quote
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TradingSession, Window};
    use crate::sanitize::SafeText;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn full() -> Quote {
        let mut quote = Quote::new("VOD.L", 70.0, 2, at(1_000));
        quote.previous_close = Some(69.0);
        quote.currency = Some(SafeText::new("GBp"));
        quote.series = vec![Some(69.5), Some(70.0)];
        (quote.day_low, quote.day_high) = (Some(69.2), Some(71.0));
        quote.exchange = Some(SafeText::new("LSE"));
        quote.short_name = Some(SafeText::new("VODAFONE GROUP PLC"));
        let window = |start, end| Window {
            start: at(start),
            end: at(end),
        };
        quote.session = Some(TradingSession {
            pre: window(0, 100),
            regular: window(100, 5_000),
            post: window(5_000, 6_000),
        });
        quote
    }

    #[test]
    fn a_brief_quote_takes_what_it_lacks_from_the_full_one() {
        let mut brief = Quote::new("VOD.L", 68.5, 2, at(900));
        brief.series = vec![Some(70.0), None, Some(68.5)];
        let quote = complete(brief, &full());
        assert_eq!(quote.price.to_bits(), 68.5_f64.to_bits());
        assert_eq!(quote.time, at(1_000), "never earlier than the full quote's");
        assert_eq!(quote.series, vec![Some(70.0), None, Some(68.5)]);
        assert_eq!(quote.previous_close, Some(69.0));
        assert_eq!((quote.day_low, quote.day_high), (Some(68.5), Some(71.0)));
        let full = full();
        assert_eq!(
            (
                &quote.currency,
                &quote.exchange,
                &quote.short_name,
                quote.session
            ),
            (
                &full.currency,
                &full.exchange,
                &full.short_name,
                full.session
            )
        );

        let mut brief = Quote::new("VOD.L", 72.0, 2, at(2_000));
        brief.previous_close = Some(69.9);
        let quote = complete(brief, &full);
        assert_eq!(quote.time, at(2_000));
        assert_eq!(quote.previous_close, Some(69.9), "spark's own");
        assert_eq!(quote.series, full.series, "no series, the last one stands");
        assert_eq!((quote.day_low, quote.day_high), (Some(69.2), Some(72.0)));
    }

    #[test]
    fn a_full_quote_goes_stale_with_age_or_when_its_trading_day_is_over() {
        let t0 = Instant::now();
        let last = Full {
            quote: full(),
            at: t0,
        };
        assert!(!last.is_stale(t0 + FULL_MAX_AGE / 2, at(3_000)));
        assert!(last.is_stale(t0 + FULL_MAX_AGE, at(3_000)));
        assert!(
            !last.is_stale(t0, at(5_999)),
            "post-market is still the day"
        );
        assert!(last.is_stale(t0, at(6_000)));
        let mut unknown = full();
        unknown.session = None;
        let last = Full {
            quote: unknown,
            at: t0,
        };
        assert!(!last.is_stale(t0, at(1_000_000)), "only age can tell");
    }
}
