//! The quote poller: one task that keeps every instrument's price current, whatever
//! [`QuoteApi`] serves it. Each instrument has its own due time and backoff (a rate-limited or
//! failing symbol waits longer; a closed market is asked rarely), due instruments are fetched
//! together with at most [`MAX_IN_FLIGHT`] requests at once, and each round becomes one message
//! per provider. A request that finds its host down is retried on the next configured host
//! in the same round. A provider with a brief batch request (Yahoo's spark) is asked by it
//! between full requests, so a long list stays polite (module `brief`); one request at its
//! hosts in turn is module `request`.

mod brief;
mod request;

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use jiff::Timestamp;
use tokio::time::Instant;

use super::QuoteApi;
use super::coingecko::CoinGecko;
use super::poll::Polled;
use super::schedule::{Activity, Backoff, Hosts, Outcome, Policy};
use super::yahoo::Yahoo;
use super::yahoo::spark::YahooSpark;
use crate::domain::{Instrument, Quote, TradingSession};
use crate::market;
use crate::message::{Message, SourceId, SymbolFailure};
use brief::{Brief, Full, Plan};
use request::{Job, JobResult, Unwell, fetch};

mod learning;

/// Yahoo throttles clients that open many connections at once (2025 429 storms).
pub const MAX_IN_FLIGHT: usize = 4;
/// A chart response for one symbol is a few kB (a five-year range some tens), a spark one for
/// twenty some tens of kB; anything near this is neither.
pub(super) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How long a host found down is skipped before it is probed again.
pub(super) const HOST_COOL_DOWN: Duration = Duration::from_mins(2);
/// A host that has not answered in this long is given up for the next one, so a fallback's
/// answer still lands within one request timeout; a probe gets no longer, since the round
/// waits for it.
pub(super) const FAILOVER_AFTER: Duration = Duration::from_secs(5);
/// Instruments due this soon are fetched with the round already starting: one message and one
/// frame for a refresh, not one per jittered instrument.
const GATHER: Duration = Duration::from_secs(2);

/// Where quotes come from, as configured.
pub struct Endpoints {
    pub yahoo: Vec<String>,
    pub coingecko: String,
}

/// A provider with the hosts it may be asked at and its polling policy.
struct Api {
    provider: Box<dyn QuoteApi>,
    /// A cheaper batch request for prices alone, asked at the same hosts.
    brief: Option<Brief>,
    hosts: Hosts,
    policy: Policy,
}

impl Api {
    fn asked_by(&self, is_brief: bool) -> &dyn QuoteApi {
        match (&self.brief, is_brief) {
            (Some(brief), true) => brief.provider.as_ref(),
            _ => self.provider.as_ref(),
        }
    }
}

struct Slot {
    instrument: Instrument,
    api: usize,
    backoff: Backoff,
    due: Instant,
    /// Not before this, whatever jitter, gathering or `r` say: the API's minimum interval
    /// since this instrument was last asked.
    earliest: Instant,
    /// The last trading windows the provider reported, which beat the built-in hours.
    session: Option<TradingSession>,
    /// The last full quote, which completes brief ones.
    full: Option<Full>,
    /// When a brief answer last left this instrument out: it is asked in full for a while.
    brief_missed_at: Option<Instant>,
}

pub struct QuotePoller {
    client: reqwest::Client,
    apis: Vec<Api>,
    slots: Vec<Slot>,
    epoch: Instant,
    /// Instruments added while the program runs (see [`QuotePoller::learning`]).
    added: Option<tokio::sync::mpsc::UnboundedReceiver<Instrument>>,
}

impl QuotePoller {
    /// Every instrument starts due now: the first frame shows the cache or snapshot, and
    /// fresh prices replace it as soon as they arrive.
    pub fn new(
        client: reqwest::Client,
        endpoints: Endpoints,
        instruments: Vec<Instrument>,
        refresh: Duration,
        now: Instant,
    ) -> Self {
        let api = |provider: Box<dyn QuoteApi>, brief, hosts: Vec<String>| Api {
            policy: Policy::from_interval(refresh.max(provider.min_interval())),
            provider,
            brief,
            hosts: Hosts::new(hosts, HOST_COOL_DOWN),
        };
        let spark = Brief::new(Box::new(YahooSpark));
        let apis = vec![
            api(Box::new(Yahoo), Some(spark), endpoints.yahoo),
            api(Box::new(CoinGecko), None, vec![endpoints.coingecko]),
        ];
        let slots = instruments
            .into_iter()
            .filter_map(|instrument| slot(&apis, instrument, now))
            .collect();
        Self {
            client,
            apis,
            slots,
            epoch: now,
            added: None,
        }
    }

    /// [`Self::round`], but requests still running at `deadline` are dropped and their
    /// instruments keep their old values; what arrived in time is kept.
    ///
    /// Two passes: the round's requests, then full requests for whatever brief ones did not
    /// price, so a failing spark costs a round nothing but time.
    pub async fn round_until(
        &mut self,
        now: Instant,
        wall: Timestamp,
        deadline: Option<Instant>,
    ) -> Vec<Message> {
        let unwell = Unwell::default();
        let mut results = self
            .run(self.jobs(now, wall), &unwell, wall, deadline)
            .await;
        let mut unpriced: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for result in &results {
            unpriced
                .entry(result.api)
                .or_default()
                .extend(&result.unpriced);
        }
        let fallback: Vec<Job> = unpriced
            .into_iter()
            .flat_map(|(api, slots)| self.batched(api, &slots, false))
            .collect();
        if !fallback.is_empty() {
            results.extend(self.run(fallback, &unwell, wall, deadline).await);
        }
        self.settle(results, now, wall)
    }

    /// Runs jobs at most [`MAX_IN_FLIGHT`] at a time, until they end or `deadline` passes.
    async fn run(
        &self,
        jobs: Vec<Job>,
        unwell: &Unwell,
        wall: Timestamp,
        deadline: Option<Instant>,
    ) -> Vec<JobResult> {
        let (client, apis, slots) = (&self.client, &self.apis, &self.slots);
        let mut pending = stream::iter(jobs)
            .map(|job| fetch(client, apis, slots, job, unwell, wall))
            .buffer_unordered(MAX_IN_FLIGHT);
        let mut results = Vec::new();
        loop {
            let next = match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline, pending.next())
                    .await
                    .ok()
                    .flatten(),
                None => pending.next().await,
            };
            match next {
                Some(result) => results.push(result),
                None => break,
            }
        }
        results
    }

    fn jobs(&self, now: Instant, wall: Timestamp) -> Vec<Job> {
        let since_epoch = now.saturating_duration_since(self.epoch);
        let mut jobs = Vec::new();
        for (index, api) in self.apis.iter().enumerate() {
            let due: Vec<usize> = (0..self.slots.len())
                .filter(|&slot| {
                    self.slots[slot].api == index
                        && self.slots[slot].due <= now + GATHER
                        && self.slots[slot].earliest <= now
                })
                .collect();
            if due.is_empty() {
                continue;
            }
            let Plan { full, brief } = self.plan(index, due, now, wall);
            let mut batches = self.batched(index, &full, false);
            batches.extend(self.batched(index, &brief, true));
            if let (Some(probe), Some(first)) = (api.hosts.probe(since_epoch), batches.first()) {
                jobs.push(Job {
                    hosts: vec![probe.to_owned()],
                    is_probe: true,
                    ..first.clone()
                });
            }
            jobs.extend(batches);
        }
        jobs
    }

    /// The requests that ask for `slots` of one API, each at its hosts in turn.
    fn batched(&self, api: usize, slots: &[usize], is_brief: bool) -> Vec<Job> {
        let hosts = self.apis[api].hosts.order();
        let batches = (self.apis[api].asked_by(is_brief)).batches(&self.instruments(slots));
        batches
            .into_iter()
            .map(|batch| Job {
                api,
                slots: batch.into_iter().map(|i| slots[i]).collect(),
                hosts: hosts.clone(),
                is_probe: false,
                is_brief,
            })
            .collect()
    }

    /// Reschedules each slot from its outcome and turns the round into messages.
    fn settle(&mut self, results: Vec<JobResult>, now: Instant, wall: Timestamp) -> Vec<Message> {
        let since_epoch = now.saturating_duration_since(self.epoch);
        for result in &results {
            let api = &mut self.apis[result.api];
            for (host, verdict) in &result.verdicts {
                api.hosts.record(host, *verdict, since_epoch);
            }
            if result.brief_failure.is_none() {
                for &slot in &result.unpriced {
                    self.slots[slot].brief_missed_at = Some(now);
                }
            }
        }
        for (index, api) in self.apis.iter_mut().enumerate() {
            let Some(brief) = api.brief.as_mut() else {
                continue;
            };
            let mut briefs = results.iter().filter(|r| r.api == index && r.is_brief);
            // One failure in the round rests it, whatever the other requests did: a batch that
            // fails every time would otherwise cost chart requests every round.
            let failure = (briefs.clone())
                .filter(|r| !r.is_probe)
                .find_map(|r| r.brief_failure.as_ref());
            if let Some(error) = failure {
                let rest = brief.failed(now);
                tracing::warn!(%error, ?rest, "brief quote request failed: full requests stand in");
            } else if briefs.any(|r| r.brief_failure.is_none()) {
                brief.answered();
            }
        }
        let policies: Vec<Policy> = (0..self.apis.len())
            .map(|api| self.paced(api, now))
            .collect();
        let mut rounds: BTreeMap<SourceId, (Vec<Quote>, Vec<SymbolFailure>)> = BTreeMap::new();
        for result in results.into_iter().filter(|result| !result.is_probe) {
            let api = &self.apis[result.api];
            let (policy, source) = (policies[result.api], api.provider.source());
            let earliest = now + api.provider.min_interval();
            let round = rounds.entry(source).or_default();
            for (index, quote) in result.quotes {
                let slot = &mut self.slots[index];
                if quote.session.is_some() {
                    slot.session = quote.session;
                }
                let quote = slot.take(quote, result.is_brief, now);
                let delay = slot.backoff.next_delay(
                    Outcome::Success,
                    activity(slot, wall),
                    &policy,
                    fastrand::f64(),
                );
                slot.due = now + delay;
                slot.earliest = earliest;
                round.0.push(quote);
            }
            for (index, error) in result.failed {
                let slot = &mut self.slots[index];
                let outcome = error.outcome();
                let delay = slot.backoff.next_delay(
                    outcome,
                    activity(slot, wall),
                    &policy,
                    fastrand::f64(),
                );
                slot.due = now + delay;
                slot.earliest = earliest;
                tracing::warn!(symbol = %slot.instrument.symbol, %error, retry_in = ?delay, "quote fetch failed");
                round.1.push(SymbolFailure {
                    symbol: slot.instrument.symbol.clone(),
                    failure: error.failure(),
                });
            }
        }
        rounds
            .into_iter()
            .map(|(source, (quotes, failed))| Message::QuotesArrived {
                source,
                quotes,
                failed,
                fetched_at: wall,
            })
            .collect()
    }
}

/// A slot for the API that serves `instrument`, due now; none if no API does.
fn slot(apis: &[Api], instrument: Instrument, now: Instant) -> Option<Slot> {
    let api = apis
        .iter()
        .position(|api| api.provider.serves(&instrument))?;
    Some(Slot {
        instrument,
        api,
        backoff: Backoff::default(),
        due: now,
        earliest: now,
        session: None,
        full: None,
        brief_missed_at: None,
    })
}

fn activity(slot: &Slot, now: Timestamp) -> Activity {
    if market::status_with_session(slot.instrument.market, slot.session.as_ref(), now).is_open {
        Activity::Trading
    } else {
        Activity::Closed
    }
}

impl Polled for QuotePoller {
    fn next_due(&self) -> Option<Instant> {
        self.slots
            .iter()
            .map(|slot| slot.due.max(slot.earliest))
            .min()
    }

    /// `r`: everything is due now, backoffs included — the user asked; an API's minimum
    /// interval still holds, since asking sooner cannot bring anything new.
    fn refresh_all(&mut self, now: Instant) {
        for slot in &mut self.slots {
            slot.due = now;
        }
    }

    /// Fetches every instrument due at `now`; the next dues are reckoned from `now`.
    async fn round(&mut self, now: Instant, wall: Timestamp) -> Vec<Message> {
        self.round_until(now, wall, None).await
    }

    async fn changed(&mut self) {
        self.learn_next().await;
    }
}
