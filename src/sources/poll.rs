//! The quote poller: one task that keeps every instrument's price current. Each instrument has
//! its own due time and backoff (a rate-limited or failing symbol waits longer; a closed
//! market is asked rarely), due instruments are fetched together with at most
//! [`MAX_IN_FLIGHT`] requests at once, and each round becomes one message per provider.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::schedule::{Activity, Backoff, Hosts, Outcome, Policy};
use super::{FetchError, coingecko, get, yahoo};
use crate::domain::{Instrument, Provider, Quote, TradingSession};
use crate::market;
use crate::message::{Message, SourceId, SymbolFailure};

/// Yahoo throttles clients that open many connections at once (2025 429 storms).
pub const MAX_IN_FLIGHT: usize = 4;
/// A chart response for one symbol is a few kB; anything near this is not a chart.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// CoinGecko's free prices move about once a minute; asking faster only burns its rate limit.
const COINGECKO_MIN_INTERVAL: Duration = Duration::from_mins(1);
/// Failures in a row before a Yahoo host is set aside, and for how long.
const HOST_FAILURE_THRESHOLD: u32 = 3;
const HOST_BENCH: Duration = Duration::from_mins(5);

/// Where quotes come from, as configured.
pub struct Endpoints {
    pub yahoo: Vec<String>,
    pub coingecko: String,
}

struct Slot {
    instrument: Instrument,
    backoff: Backoff,
    due: Instant,
    /// The last trading windows the provider reported, which beat the built-in hours.
    session: Option<TradingSession>,
}

/// One request of a round: a Yahoo symbol, or every CoinGecko coin priced in one currency.
enum Job {
    Yahoo { slot: usize, host: String },
    CoinGecko { slots: Vec<usize>, vs: String },
}

/// What one request produced, by slot.
struct JobResult {
    quotes: Vec<(usize, Quote)>,
    failed: Vec<(usize, FetchError)>,
    host: Option<(String, bool)>,
}

pub struct QuotePoller {
    client: reqwest::Client,
    hosts: Hosts,
    coingecko_url: String,
    policy: Policy,
    coingecko_policy: Policy,
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
        let slots = instruments
            .into_iter()
            .map(|instrument| Slot {
                instrument,
                backoff: Backoff::default(),
                due: now,
                session: None,
            })
            .collect();
        Self {
            client,
            hosts: Hosts::new(endpoints.yahoo, HOST_FAILURE_THRESHOLD, HOST_BENCH),
            coingecko_url: endpoints.coingecko,
            policy: Policy::from_interval(refresh),
            coingecko_policy: Policy::from_interval(refresh.max(COINGECKO_MIN_INTERVAL)),
            slots,
            epoch: now,
        }
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.slots.iter().map(|slot| slot.due).min()
    }

    /// `r`: everything is due now, backoffs included — the user asked.
    pub fn refresh_all(&mut self, now: Instant) {
        for slot in &mut self.slots {
            slot.due = now;
        }
    }

    /// Fetches every due instrument and returns one message per provider asked.
    pub async fn round(&mut self, now: Instant, wall: Timestamp) -> Vec<Message> {
        let jobs = self.jobs(now);
        if jobs.is_empty() {
            return Vec::new();
        }
        let client = &self.client;
        let coingecko_url = &self.coingecko_url;
        let slots = &self.slots;
        let results: Vec<JobResult> = stream::iter(jobs)
            .map(|job| fetch(client, coingecko_url, slots, job, wall))
            .buffer_unordered(MAX_IN_FLIGHT)
            .collect()
            .await;
        self.settle(results, now, wall)
    }

    fn jobs(&self, now: Instant) -> Vec<Job> {
        let mut jobs = Vec::new();
        let mut coins: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let host = self.hosts.pick(now - self.epoch).to_owned();
        for (index, slot) in self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.due <= now)
        {
            match &slot.instrument.provider {
                Provider::Yahoo => jobs.push(Job::Yahoo {
                    slot: index,
                    host: host.clone(),
                }),
                Provider::CoinGecko { vs, .. } => coins.entry(vs).or_default().push(index),
            }
        }
        jobs.extend(coins.into_iter().map(|(vs, slots)| Job::CoinGecko {
            slots,
            vs: vs.to_owned(),
        }));
        jobs
    }

    /// Reschedules each slot from its outcome and turns the round into messages.
    fn settle(&mut self, results: Vec<JobResult>, now: Instant, wall: Timestamp) -> Vec<Message> {
        let mut rounds: BTreeMap<SourceId, (Vec<Quote>, Vec<SymbolFailure>)> = BTreeMap::new();
        for result in results {
            if let Some((host, ok)) = &result.host {
                self.hosts.record(host, *ok, now - self.epoch);
            }
            for (index, quote) in result.quotes {
                let slot = &mut self.slots[index];
                if quote.session.is_some() {
                    slot.session = quote.session;
                }
                let (policy, source) = self.policy_for(index);
                let slot = &mut self.slots[index];
                let delay = slot.backoff.next_delay(
                    Outcome::Success,
                    activity(slot, wall),
                    &policy,
                    fastrand::f64(),
                );
                slot.due = now + delay;
                rounds.entry(source).or_default().0.push(quote);
            }
            for (index, error) in result.failed {
                let (policy, source) = self.policy_for(index);
                let slot = &mut self.slots[index];
                let outcome = match &error {
                    FetchError::RateLimited { retry_after } => Outcome::RateLimited {
                        retry_after: *retry_after,
                    },
                    _ => Outcome::Failed,
                };
                let delay = slot.backoff.next_delay(
                    outcome,
                    activity(slot, wall),
                    &policy,
                    fastrand::f64(),
                );
                slot.due = now + delay;
                tracing::warn!(symbol = %slot.instrument.symbol, %error, retry_in = ?delay, "quote fetch failed");
                rounds.entry(source).or_default().1.push(SymbolFailure {
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

    fn policy_for(&self, index: usize) -> (Policy, SourceId) {
        match self.slots[index].instrument.provider {
            Provider::Yahoo => (self.policy, SourceId::Yahoo),
            Provider::CoinGecko { .. } => (self.coingecko_policy, SourceId::CoinGecko),
        }
    }
}

fn activity(slot: &Slot, now: Timestamp) -> Activity {
    if market::status_with_session(slot.instrument.market, slot.session.as_ref(), now).is_open {
        Activity::Trading
    } else {
        Activity::Closed
    }
}

async fn fetch(
    client: &reqwest::Client,
    coingecko_url: &str,
    slots: &[Slot],
    job: Job,
    wall: Timestamp,
) -> JobResult {
    match job {
        Job::Yahoo { slot, host } => {
            let symbol = &slots[slot].instrument.symbol;
            let url = yahoo::chart_url(&host, symbol);
            let result = get(
                client,
                &url,
                HeaderMap::new(),
                MAX_BODY_BYTES,
                wall.as_second(),
            )
            .await
            .and_then(|fetched| {
                yahoo::parse_chart(&fetched.body, symbol, wall)
                    .map_err(|error| chart_error(error, fetched.status))
            });
            // A host is judged by whether it answers like Yahoo, not by one unknown symbol.
            let host_ok = match &result {
                Ok(_) => true,
                Err(FetchError::BadResponse(_)) => slots[slot].backoff.failures() == 0,
                Err(_) => false,
            };
            let (quotes, failed) = match result {
                Ok(quote) => (vec![(slot, quote)], Vec::new()),
                Err(error) => (Vec::new(), vec![(slot, error)]),
            };
            JobResult {
                quotes,
                failed,
                host: Some((host, host_ok)),
            }
        }
        Job::CoinGecko { slots: indexes, vs } => {
            let ids: Vec<(&str, &str)> = indexes
                .iter()
                .filter_map(|&i| match &slots[i].instrument.provider {
                    Provider::CoinGecko { id, .. } => {
                        Some((id.as_str(), slots[i].instrument.symbol.as_str()))
                    }
                    Provider::Yahoo => None,
                })
                .collect();
            let id_list: Vec<&str> = ids.iter().map(|(id, _)| *id).collect();
            let url = coingecko::prices_url(coingecko_url, &id_list, &vs);
            let result = get(
                client,
                &url,
                HeaderMap::new(),
                MAX_BODY_BYTES,
                wall.as_second(),
            )
            .await
            .and_then(|fetched| {
                coingecko::parse_prices(&fetched.body, &ids, &vs, wall).map_err(|error| match error
                {
                    _ if fetched.status.is_server_error() => FetchError::Server {
                        status: fetched.status.as_u16(),
                    },
                    other => FetchError::BadResponse(format!("CoinGecko: {other}")),
                })
            });
            match result {
                Ok(quotes) => {
                    let mut found = Vec::new();
                    let mut missing = Vec::new();
                    for &index in &indexes {
                        let symbol = &slots[index].instrument.symbol;
                        match quotes.iter().find(|q| &q.symbol == symbol) {
                            Some(quote) => found.push((index, quote.clone())),
                            None => missing.push((
                                index,
                                FetchError::UnknownSymbol(format!(
                                    "CoinGecko has no price for {symbol}"
                                )),
                            )),
                        }
                    }
                    JobResult {
                        quotes: found,
                        failed: missing,
                        host: None,
                    }
                }
                Err(error) => {
                    let failed = indexes.iter().map(|&i| (i, error.clone())).collect();
                    JobResult {
                        quotes: Vec::new(),
                        failed,
                        host: None,
                    }
                }
            }
        }
    }
}

/// The body decides; the status only adds detail. An error body is Yahoo saying "no such
/// symbol" (often with a 404); an unparseable 5xx is the server's trouble.
fn chart_error(error: yahoo::ChartError, status: StatusCode) -> FetchError {
    match error {
        yahoo::ChartError::Provider { code, description } if code == "Not Found" => {
            FetchError::UnknownSymbol(description)
        }
        yahoo::ChartError::Provider { description, .. } => {
            FetchError::BadResponse(format!("Yahoo says: {description}"))
        }
        _ if status.is_server_error() => FetchError::Server {
            status: status.as_u16(),
        },
        other if status.is_success() => FetchError::BadResponse(other.to_string()),
        other => FetchError::BadResponse(format!("{other} (HTTP {})", status.as_u16())),
    }
}

/// Polls until the app goes away. `refresh` carries `r` presses; its closing also ends the task.
pub async fn run(
    mut poller: QuotePoller,
    inbox: mpsc::Sender<Message>,
    mut refresh: mpsc::Receiver<()>,
) {
    loop {
        let next = poller
            .next_due()
            .unwrap_or_else(|| Instant::now() + Duration::from_hours(1));
        tokio::select! {
            () = tokio::time::sleep_until(next) => {}
            asked = refresh.recv() => match asked {
                Some(()) => poller.refresh_all(Instant::now()),
                None => return,
            },
        }
        for message in poller.round(Instant::now(), Timestamp::now()).await {
            if inbox.send(message).await.is_err() {
                return;
            }
        }
    }
}
