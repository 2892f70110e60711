//! When to poll next, and which host to ask.
//!
//! Yahoo rate-limits aggressively (429 storms lasting minutes, with `Retry-After`), sometimes
//! serves HTML outage pages, and users leave the ticker open all day. So pollers must poll closed
//! markets rarely, wait out rate limits without ever retrying earlier than asked, back off
//! exponentially on transient failures, jitter everything so instruments don't retry in
//! lockstep, and still recover within about one interval once the network returns.
//!
//! Everything here is pure: no clock, no I/O, no global RNG. Times are `Duration`s since an epoch
//! the caller keeps, and jitter is a number in [0, 1) the caller draws (`fastrand::f64()` in
//! production), so every rule is tested with exact values.

use std::time::Duration;

/// Without `Retry-After`, Yahoo's 429 storms outlast a few seconds of backoff by far.
const RATE_LIMIT_START: Duration = Duration::from_mins(1);
/// Whatever the policy says, never fire requests back to back.
const MIN_DELAY: Duration = Duration::from_secs(1);

/// How the last attempt for one thing (an instrument, a feed) went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// 429 or a provider's "too many requests"; `retry_after` from the header if any.
    RateLimited {
        retry_after: Option<Duration>,
    },
    /// Timeouts, connection errors, 5xx, HTML outage pages, malformed bodies: transient until
    /// proven otherwise.
    Failed,
}

/// Whether the instrument's market is trading now; closed markets change rarely, so they are
/// polled rarely.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Trading,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The configured refresh, e.g. 15 s (config enforces at least 5 s).
    pub interval: Duration,
    /// Cadence for closed markets, e.g. 10 min.
    pub closed_interval: Duration,
    /// Failure backoff cap, e.g. 5 min: spares an outage, yet recovers soon after it ends.
    pub max_backoff: Duration,
    /// Rate-limit wait cap, e.g. 15 min, so a silly `Retry-After` can't stall us for hours.
    pub max_rate_limit_wait: Duration,
}

impl Policy {
    /// Defaults from a refresh interval: closed 10 min (never less than `interval`: closing must
    /// not speed polling up), `max_backoff` 5 min, `max_rate_limit_wait` 15 min.
    pub fn from_interval(interval: Duration) -> Self {
        Self {
            interval,
            closed_interval: interval.max(Duration::from_mins(10)),
            max_backoff: Duration::from_mins(5),
            max_rate_limit_wait: Duration::from_mins(15),
        }
    }
}

/// Per-thing retry state: consecutive failures so far.
///
/// Failures and rate limits share the counter: something that has been failing and then gets a
/// 429 waits longer than a fresh 429 would.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Records the outcome and returns how long to wait before the next attempt.
    ///
    /// `jitter` is a number in [0, 1) supplied by the caller (`fastrand::f64()` in production,
    /// fixed in tests); out-of-range values are clamped, NaN counts as 0. The cadence is
    /// `interval` when trading and `closed_interval` when closed. Every result is at least 1 s.
    ///
    /// - `Success`: cadence ±10 %, so instruments drift apart instead of firing together.
    /// - `Failed`: base = `interval · 2^(failures-1)`, raised to the cadence (so a failing closed
    ///   market is not retried at the trading pace), all capped at `max_backoff`; the result is
    ///   "equal jitter", uniform in [base/2, base]. So a trading instrument's first failure
    ///   retries within one interval, and a closed one's within `max_backoff`.
    /// - `RateLimited`: wait `Retry-After` if given, else 60 s · 2^(failures-1); raised to the
    ///   cadence and capped at `max_rate_limit_wait`; then 0–10 % added, still within the cap.
    ///   Never earlier than the server asked, unless it asked for more than the cap.
    pub fn next_delay(
        &mut self,
        outcome: Outcome,
        activity: Activity,
        policy: &Policy,
        jitter: f64,
    ) -> Duration {
        let jitter = if jitter >= 0.0 { jitter.min(1.0) } else { 0.0 };
        let cadence = match activity {
            Activity::Trading => policy.interval,
            Activity::Closed => policy.closed_interval,
        };
        let delay = match outcome {
            Outcome::Success => {
                self.failures = 0;
                scale(cadence, 0.9 + 0.2 * jitter)
            }
            Outcome::Failed => {
                let cap = policy.max_backoff;
                let base = doubled(policy.interval, self.record_failure());
                let half = base.clamp(cadence.min(cap), cap) / 2;
                half.saturating_add(scale(half, jitter))
            }
            Outcome::RateLimited { retry_after } => {
                let cap = policy.max_rate_limit_wait;
                let doublings = self.record_failure();
                let wanted = retry_after.unwrap_or_else(|| doubled(RATE_LIMIT_START, doublings));
                let base = wanted.clamp(cadence.min(cap), cap);
                base.saturating_add(scale(base, 0.1 * jitter)).min(cap)
            }
        };
        delay.max(MIN_DELAY)
    }

    /// Counts a failure and returns how many times the backoff has doubled (failures - 1).
    fn record_failure(&mut self) -> u32 {
        self.failures = self.failures.saturating_add(1);
        self.failures - 1
    }
}

/// `base · 2^doublings`, saturating instead of overflowing for huge failure counts.
fn doubled(base: Duration, doublings: u32) -> Duration {
    2u32.checked_pow(doublings)
        .and_then(|factor| base.checked_mul(factor))
        .unwrap_or(Duration::MAX)
}

/// `d · factor` for a non-negative factor, saturating where `Duration::mul_f64` would panic.
fn scale(d: Duration, factor: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

/// `Retry-After` is either delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00
/// GMT"). `now_unix_secs` is the current time; returns None for garbage or dates in the past →
/// treat as no header.
///
/// Dates are parsed with jiff's RFC 2822 parser (already a dependency), which accepts the
/// IMF-fixdate that RFC 9110 requires senders to use, but not the obsolete RFC 850 and asctime
/// forms. A date equal to `now` gives zero; absurdly large delay-seconds saturate, and the
/// policy caps them anyway.
pub fn parse_retry_after(value: &str, now_unix_secs: i64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let parser = jiff::fmt::rfc2822::DateTimeParser::new();
    let at = parser.parse_timestamp(value).ok()?.as_second();
    let secs = u64::try_from(at.checked_sub(now_unix_secs)?).ok()?;
    Some(Duration::from_secs(secs))
}

/// How one request to a host went, as far as choosing hosts is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The host answered, if only to say it knows no such symbol or to ask us to wait (429).
    Answered,
    /// Refused, reset, timed out, 5xx or an outage page: the host is not serving.
    Down,
}

/// Equivalent hosts (query1, query2) in configured order. A request that finds a host down
/// moves on to the next one at once, and the host is then skipped for `cool_down`; after that
/// it is probed beside the rounds until it answers, so the first host comes back. A 429 is an
/// answer, not a reason to leave: the instrument waits for that host's `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosts {
    entries: Vec<Host>,
    cool_down: Duration,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Host {
    name: String,
    /// Found down: tried last, and probed once this has passed, until it answers.
    cooling_until: Option<Duration>,
}

impl Hosts {
    /// `hosts` is non-empty (config guarantees it).
    pub fn new(hosts: Vec<String>, cool_down: Duration) -> Self {
        debug_assert!(!hosts.is_empty(), "Hosts needs at least one host");
        let entries = hosts.into_iter().map(|name| Host {
            name,
            cooling_until: None,
        });
        Self {
            entries: entries.collect(),
            cool_down,
        }
    }

    /// The hosts to try in turn: those not found down in configured order, then those found
    /// down, soonest back first, as a last resort.
    pub fn order(&self) -> Vec<String> {
        let (mut cooling, healthy): (Vec<&Host>, Vec<&Host>) =
            self.entries.iter().partition(|h| h.cooling_until.is_some());
        cooling.sort_by_key(|h| h.cooling_until);
        healthy
            .iter()
            .chain(&cooling)
            .map(|h| h.name.clone())
            .collect()
    }

    /// A host ahead of the first healthy one whose cool-down is over at `now` (a Duration since
    /// an epoch the caller keeps): worth one request beside the round, whose verdict alone
    /// decides whether it leads again. None while every host is down: the round asks them all.
    pub fn probe(&self, now: Duration) -> Option<&str> {
        if self.entries.iter().all(|h| h.cooling_until.is_some()) {
            return None;
        }
        self.entries
            .iter()
            .take_while(|h| h.cooling_until.is_some())
            .find(|h| h.cooling_until.is_some_and(|until| until <= now))
            .map(|h| h.name.as_str())
    }

    /// Reports how a request to `host` went; unknown hosts are ignored.
    pub fn record(&mut self, host: &str, verdict: Verdict, now: Duration) {
        let Some(h) = self.entries.iter_mut().find(|h| h.name == host) else {
            return;
        };
        h.cooling_until = match verdict {
            Verdict::Answered => None,
            Verdict::Down => Some(now.saturating_add(self.cool_down)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Activity::{Closed, Trading};
    use Outcome::{Failed, RateLimited, Success};

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    const fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn limited(retry_after: Option<u64>) -> Outcome {
        RateLimited {
            retry_after: retry_after.map(secs),
        }
    }

    /// `next_delay` under the defaults for a 15 s refresh.
    fn delay(b: &mut Backoff, outcome: Outcome, activity: Activity, jitter: f64) -> Duration {
        b.next_delay(outcome, activity, &Policy::from_interval(secs(15)), jitter)
    }

    #[test]
    fn success_polls_at_cadence_with_ten_percent_jitter() {
        let b = &mut Backoff::default();
        assert_eq!(delay(b, Success, Trading, 0.5), secs(15));
        assert_eq!(delay(b, Success, Trading, 0.0), ms(13_500));
        let high = delay(b, Success, Trading, 0.999);
        assert!(high > secs(16) && high <= ms(16_500), "{high:?}");
        assert_eq!(delay(b, Success, Closed, 0.5), secs(600));
        let zero = Policy::from_interval(Duration::ZERO);
        assert_eq!(b.next_delay(Success, Trading, &zero, 0.0), secs(1));
    }

    #[test]
    fn closed_markets_are_polled_at_least_ten_times_less_often() {
        let p = Policy::from_interval(secs(15));
        let limits = (p.closed_interval, p.max_backoff, p.max_rate_limit_wait);
        assert_eq!(limits, (secs(600), secs(300), secs(900)));
        let hourly = Policy::from_interval(secs(3600)).closed_interval;
        assert_eq!(hourly, secs(3600));
        let b = &mut Backoff::default();
        let fastest_closed = delay(b, Success, Closed, 0.0);
        let slowest_trading = delay(b, Success, Trading, 1.0);
        assert!(fastest_closed >= slowest_trading * 10);
        // A failing closed market is retried sooner than it is polled, but not at trading pace.
        assert_eq!(delay(b, Failed, Closed, 0.0), secs(150));
        assert!(delay(b, Failed, Closed, 0.999) <= secs(300));
    }

    #[test]
    fn failures_grow_exponentially_cap_and_reset() {
        let b = &mut Backoff::default();
        let delays: Vec<_> = (0..7).map(|_| delay(b, Failed, Trading, 0.0)).collect();
        let want = [7_500, 15_000, 30_000, 60_000, 120_000, 150_000, 150_000];
        assert_eq!(delays, want.map(ms));
        assert_eq!(b.failures(), 7);
        assert_eq!(delay(b, Failed, Trading, 0.5), secs(225));
        assert_eq!(delay(b, Failed, Trading, 1.0), secs(300));
        // Recovery: success resets, and the first failure retries within one interval.
        assert_eq!(delay(b, Success, Trading, 0.5), secs(15));
        assert_eq!(b.failures(), 0);
        assert_eq!(delay(b, Failed, Trading, 0.5), ms(11_250));
        assert!(delay(&mut Backoff::default(), Failed, Trading, 0.999) < secs(15));
    }

    #[test]
    fn retry_after_is_honoured_never_earlier_and_capped() {
        let b = &mut Backoff::default();
        assert_eq!(delay(b, limited(Some(120)), Trading, 0.0), secs(120));
        assert_eq!(delay(b, limited(Some(120)), Trading, 0.5), secs(126));
        assert_eq!(delay(b, limited(Some(1)), Trading, 0.0), secs(15));
        assert_eq!(delay(b, limited(Some(86_400)), Trading, 0.999), secs(900));
        assert_eq!(delay(b, limited(Some(60)), Closed, 0.0), secs(600));
        assert_eq!(b.failures(), 5);
    }

    #[test]
    fn rate_limit_without_header_starts_at_a_minute_and_grows() {
        let (b, lim) = (&mut Backoff::default(), limited(None));
        let delays: Vec<_> = (0..6).map(|_| delay(b, lim, Trading, 0.0)).collect();
        assert_eq!(delays, [60, 120, 240, 480, 900, 900].map(secs));
        let fresh = delay(&mut Backoff::default(), lim, Trading, 0.5);
        assert_eq!(fresh, secs(63));
    }

    #[test]
    fn huge_counts_and_durations_saturate() {
        let b = &mut Backoff::default();
        b.failures = u32::MAX - 1;
        assert!(delay(b, Failed, Trading, 0.999) <= secs(300));
        assert_eq!(delay(b, limited(None), Trading, 0.999), secs(900));
        assert_eq!(b.failures(), u32::MAX);
        let mut p = Policy::from_interval(Duration::MAX);
        (p.max_backoff, p.max_rate_limit_wait) = (p.interval, p.interval);
        for outcome in [Success, Failed, limited(None), limited(Some(u64::MAX))] {
            assert!(b.next_delay(outcome, Closed, &p, 0.999) >= secs(1));
        }
        assert!(delay(b, Success, Trading, f64::NAN) >= secs(1));
    }

    #[test]
    fn parses_retry_after() {
        let now = 1_445_412_480; // 2015-10-21T07:28:00Z
        assert_eq!(parse_retry_after("120", now), Some(secs(120)));
        assert_eq!(parse_retry_after(" 5 ", now), Some(secs(5)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        let huge = parse_retry_after("99999999999999999999999", now);
        assert_eq!(huge, Some(secs(u64::MAX)));
        for garbage in ["-1", "+5", "abc", "", "1.5", "<html>"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage}");
        }
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(date, now - 90), Some(secs(90)));
        assert_eq!(parse_retry_after(date, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(date, now + 1), None);
        assert_eq!(parse_retry_after(date, i64::MIN), None);
    }

    fn hosts() -> Hosts {
        Hosts::new(vec!["query1".into(), "query2".into()], secs(60))
    }

    #[test]
    fn a_host_found_down_goes_last_at_once_and_is_probed_after_its_cool_down() {
        let mut h = hosts();
        assert_eq!(h.order(), ["query1", "query2"]);
        assert_eq!(h.probe(secs(0)), None);
        h.record("query1", Verdict::Down, secs(10));
        assert_eq!(h.order(), ["query2", "query1"], "one failure is enough");
        assert_eq!(h.probe(secs(69)), None, "cooling down");
        assert_eq!(h.probe(secs(70)), Some("query1"));
        h.record("query1", Verdict::Down, secs(70));
        assert_eq!(
            h.order(),
            ["query2", "query1"],
            "only an answer brings it back"
        );
        assert_eq!(h.probe(secs(129)), None, "a failed probe cools it again");
        assert_eq!(h.probe(secs(130)), Some("query1"));
        h.record("query1", Verdict::Answered, secs(130));
        assert_eq!(h.order(), ["query1", "query2"]);
        assert_eq!(h.probe(secs(130)), None);
        h.record("unknown", Verdict::Down, secs(130));
        assert_eq!(h.order(), ["query1", "query2"]);
    }

    #[test]
    fn only_hosts_ahead_of_the_first_healthy_one_are_probed() {
        let mut h = hosts();
        h.record("query2", Verdict::Down, secs(0));
        assert_eq!(h.order(), ["query1", "query2"]);
        assert_eq!(h.probe(secs(100)), None, "query1 leads anyway");
        h.record("query1", Verdict::Down, secs(10));
        assert_eq!(
            h.order(),
            ["query2", "query1"],
            "all down: soonest back first"
        );
        assert_eq!(h.probe(secs(100)), None, "the round itself asks both");
        h.record("query2", Verdict::Answered, secs(100));
        assert_eq!(h.probe(secs(100)), Some("query1"));
        let mut single = Hosts::new(vec!["only".into()], secs(60));
        single.record("only", Verdict::Down, secs(0));
        assert_eq!(single.order(), ["only"]);
        assert_eq!(single.probe(secs(100)), None);
    }
}
