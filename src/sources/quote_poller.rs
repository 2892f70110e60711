//! The quote poller: one task that keeps every instrument's price current, whatever
//! [`QuoteApi`] serves it. Each instrument has its own due time and backoff (a rate-limited or
//! failing symbol waits longer; a closed market is asked rarely), due instruments are fetched
//! together with at most [`MAX_IN_FLIGHT`] requests at once, and each round becomes one message
//! per provider. A request that finds its host down is retried on the next configured host
//! in the same round.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use jiff::Timestamp;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::coingecko::CoinGecko;
use super::poll::Polled;
use super::schedule::{Activity, Backoff, Hosts, Outcome, Policy, Verdict};
use super::yahoo::Yahoo;
use super::{FetchError, QuoteApi, get};
use crate::domain::{Instrument, Quote, TradingSession};
use crate::market;
use crate::message::{Message, SourceId, SymbolFailure};

/// Yahoo throttles clients that open many connections at once (2025 429 storms).
pub const MAX_IN_FLIGHT: usize = 4;
/// A chart response for one symbol is a few kB; anything near this is not a chart.
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
    hosts: Hosts,
    policy: Policy,
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
}

/// One request of a round: some instruments of one API, asked at its hosts in turn.
struct Job {
    api: usize,
    slots: Vec<usize>,
    hosts: Vec<String>,
    /// A probe of a host cooling down: only its verdict counts, the round has the prices.
    is_probe: bool,
}

/// What one request produced, and what each host it tried made of it.
struct JobResult {
    api: usize,
    quotes: Vec<(usize, Quote)>,
    failed: Vec<(usize, FetchError)>,
    verdicts: Vec<(String, Verdict)>,
    is_probe: bool,
}

/// Hosts found down during this round, by API, with what they said: later requests of the
/// round skip them rather than wait on them again.
#[derive(Default)]
struct Unwell(Mutex<HashMap<(usize, String), FetchError>>);

impl Unwell {
    /// Never held across an await; a panic elsewhere leaves the map as good as it was.
    fn found(&self) -> MutexGuard<'_, HashMap<(usize, String), FetchError>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct QuotePoller {
    client: reqwest::Client,
    apis: Vec<Api>,
    slots: Vec<Slot>,
    epoch: Instant,
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
        let api = |provider: Box<dyn QuoteApi>, hosts: Vec<String>| Api {
            policy: Policy::from_interval(refresh.max(provider.min_interval())),
            provider,
            hosts: Hosts::new(hosts, HOST_COOL_DOWN),
        };
        let apis = vec![
            api(Box::new(Yahoo), endpoints.yahoo),
            api(Box::new(CoinGecko), vec![endpoints.coingecko]),
        ];
        let slots = instruments
            .into_iter()
            .filter_map(|instrument| {
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
                })
            })
            .collect();
        Self {
            client,
            apis,
            slots,
            epoch: now,
        }
    }

    /// [`Self::round`], but requests still running at `deadline` are dropped and their
    /// instruments keep their old values; what arrived in time is kept.
    pub async fn round_until(
        &mut self,
        now: Instant,
        wall: Timestamp,
        deadline: Option<Instant>,
    ) -> Vec<Message> {
        let jobs = self.jobs(now);
        let client = &self.client;
        let (apis, slots) = (&self.apis, &self.slots);
        let unwell = Unwell::default();
        let unwell = &unwell;
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
        drop(pending);
        self.settle(results, now, wall)
    }

    fn jobs(&self, now: Instant) -> Vec<Job> {
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
            let instruments: Vec<&Instrument> = due
                .iter()
                .map(|&slot| &self.slots[slot].instrument)
                .collect();
            if due.is_empty() {
                continue;
            }
            let hosts = api.hosts.order();
            let batches = api.provider.batches(&instruments);
            let job = |batch: Vec<usize>, hosts: Vec<String>, is_probe| Job {
                api: index,
                slots: batch.into_iter().map(|i| due[i]).collect(),
                hosts,
                is_probe,
            };
            if let (Some(probe), Some(first)) = (api.hosts.probe(since_epoch), batches.first()) {
                jobs.push(job(first.clone(), vec![probe.to_owned()], true));
            }
            jobs.extend(
                batches
                    .into_iter()
                    .map(|batch| job(batch, hosts.clone(), false)),
            );
        }
        jobs
    }

    /// Reschedules each slot from its outcome and turns the round into messages.
    fn settle(&mut self, results: Vec<JobResult>, now: Instant, wall: Timestamp) -> Vec<Message> {
        let since_epoch = now.saturating_duration_since(self.epoch);
        let mut rounds: BTreeMap<SourceId, (Vec<Quote>, Vec<SymbolFailure>)> = BTreeMap::new();
        for result in results {
            let api = &mut self.apis[result.api];
            for (host, verdict) in &result.verdicts {
                api.hosts.record(host, *verdict, since_epoch);
            }
            if result.is_probe {
                continue;
            }
            let (policy, source) = (api.policy, api.provider.source());
            let earliest = now + api.provider.min_interval();
            let round = rounds.entry(source).or_default();
            for (index, quote) in result.quotes {
                let slot = &mut self.slots[index];
                if quote.session.is_some() {
                    slot.session = quote.session;
                }
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

fn activity(slot: &Slot, now: Timestamp) -> Activity {
    if market::status_with_session(slot.instrument.market, slot.session.as_ref(), now).is_open {
        Activity::Trading
    } else {
        Activity::Closed
    }
}

/// Asks the job's hosts in turn until one answers: a host found down (here or earlier in the
/// round) passes the request on at once. A 429 is an answer: it asks us to wait, not to ask
/// elsewhere.
async fn fetch(
    client: &reqwest::Client,
    apis: &[Api],
    slots: &[Slot],
    job: Job,
    unwell: &Unwell,
    wall: Timestamp,
) -> JobResult {
    let api = &apis[job.api].provider;
    let batch: Vec<&Instrument> = job
        .slots
        .iter()
        .map(|&slot| &slots[slot].instrument)
        .collect();
    let mut verdicts = Vec::new();
    let mut result = Err(FetchError::Other("no host to ask".to_owned()));
    for (tried, host) in job.hosts.iter().enumerate() {
        let known = unwell.found().get(&(job.api, host.clone())).cloned();
        if let Some(error) = known.filter(|_| !job.is_probe) {
            result = Err(error);
            continue;
        }
        let is_last = tried + 1 == job.hosts.len();
        let url = api.url(host, &batch);
        let request = get(
            client,
            &url,
            HeaderMap::new(),
            MAX_BODY_BYTES,
            wall.as_second(),
        );
        let answer = if is_last && !job.is_probe {
            request.await
        } else {
            tokio::time::timeout(FAILOVER_AFTER, request)
                .await
                .unwrap_or(Err(FetchError::Timeout))
        };
        result = answer.and_then(|fetched| api.parse(&fetched, &batch, wall));
        match &result {
            Err(error) if error.is_host_down() => {
                verdicts.push((host.clone(), Verdict::Down));
                (unwell.found()).insert((job.api, host.clone()), error.clone());
            }
            _ => {
                verdicts.push((host.clone(), Verdict::Answered));
                break;
            }
        }
    }
    let mut quotes = Vec::new();
    let mut failed = Vec::new();
    match result {
        Ok(mut answer) => {
            for &slot in &job.slots {
                let symbol = &slots[slot].instrument.symbol;
                match answer.iter().position(|quote| &quote.symbol == symbol) {
                    Some(found) => quotes.push((slot, answer.swap_remove(found))),
                    None => failed.push((
                        slot,
                        FetchError::UnknownSymbol(format!("no price for {symbol}")),
                    )),
                }
            }
        }
        Err(error) => failed.extend(job.slots.iter().map(|&slot| (slot, error.clone()))),
    }
    JobResult {
        api: job.api,
        quotes,
        failed,
        verdicts,
        is_probe: job.is_probe,
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
}
