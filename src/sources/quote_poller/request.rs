//! One request of a quote round: a job's instruments asked at its API's hosts in turn, and what
//! came of it. Hosts found down are remembered for the rest of the round.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;
use reqwest::header::HeaderMap;

use super::{Api, Slot};
use crate::domain::{Instrument, Quote};
use crate::sources::schedule::Verdict;
use crate::sources::{FetchError, get};

/// One request of a round: some instruments of one API, asked at its hosts in turn.
#[derive(Clone)]
pub(super) struct Job {
    pub(super) api: usize,
    pub(super) slots: Vec<usize>,
    pub(super) hosts: Vec<String>,
    /// A probe of a host cooling down: only its verdict counts, the round has the prices.
    pub(super) is_probe: bool,
    /// By the API's brief request rather than its full one.
    pub(super) is_brief: bool,
}

/// What one request produced, and what each host it tried made of it.
pub(super) struct JobResult {
    pub(super) api: usize,
    pub(super) quotes: Vec<(usize, Quote)>,
    pub(super) failed: Vec<(usize, FetchError)>,
    pub(super) verdicts: Vec<(String, Verdict)>,
    pub(super) is_probe: bool,
    pub(super) is_brief: bool,
    /// Slots a brief request did not price: asked in full later in the same round.
    pub(super) unpriced: Vec<usize>,
    /// Why a brief request failed as a whole (not a rate limit, which waits like any other).
    pub(super) brief_failure: Option<FetchError>,
}

/// Hosts found down during this round, by API and kind of request, with what they said: later
/// requests of the round skip them rather than wait on them again. Brief and full requests are
/// told apart, since a host may fail spark alone, and chart must still be asked there.
#[derive(Default)]
pub(super) struct Unwell(Mutex<HashMap<(usize, bool, String), FetchError>>);

impl Unwell {
    /// Never held across an await; a panic elsewhere leaves the map as good as it was.
    fn found(&self) -> MutexGuard<'_, HashMap<(usize, bool, String), FetchError>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Asks the job's hosts in turn until one answers: a host found down (here or earlier in the
/// round) passes the request on at once. A 429 is an answer: it asks us to wait, not to ask
/// elsewhere.
pub(super) async fn fetch(
    client: &reqwest::Client,
    apis: &[Api],
    slots: &[Slot],
    job: Job,
    unwell: &Unwell,
    wall: Timestamp,
) -> JobResult {
    let api = apis[job.api].asked_by(job.is_brief);
    let batch: Vec<&Instrument> = job
        .slots
        .iter()
        .map(|&slot| &slots[slot].instrument)
        .collect();
    let mut verdicts = Vec::new();
    let mut result = Err(FetchError::Other("no host to ask".to_owned()));
    for (tried, host) in job.hosts.iter().enumerate() {
        let known = unwell
            .found()
            .get(&(job.api, job.is_brief, host.clone()))
            .cloned();
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
            super::MAX_BODY_BYTES,
            wall.as_second(),
        );
        let answer = if is_last && !job.is_probe {
            request.await
        } else {
            tokio::time::timeout(super::FAILOVER_AFTER, request)
                .await
                .unwrap_or(Err(FetchError::Timeout))
        };
        result = answer.and_then(|fetched| api.parse(&fetched, &batch, wall));
        match &result {
            Err(error) if error.is_host_down() => {
                verdicts.push((host.clone(), Verdict::Down));
                (unwell.found()).insert((job.api, job.is_brief, host.clone()), error.clone());
            }
            _ => {
                verdicts.push((host.clone(), Verdict::Answered));
                break;
            }
        }
    }
    let (mut quotes, mut failed, mut unpriced, mut brief_failure) =
        (Vec::new(), Vec::new(), Vec::new(), None);
    match result {
        Ok(mut answer) => {
            for &slot in &job.slots {
                let symbol = &slots[slot].instrument.symbol;
                match answer.iter().position(|quote| &quote.symbol == symbol) {
                    Some(found) => quotes.push((slot, answer.swap_remove(found))),
                    None if job.is_brief => unpriced.push(slot),
                    None => failed.push((
                        slot,
                        FetchError::UnknownSymbol(format!("no price for {symbol}")),
                    )),
                }
            }
        }
        // The provider knows none of them by this request: chart will say which it knows.
        Err(FetchError::UnknownSymbol(_)) if job.is_brief => unpriced.clone_from(&job.slots),
        // A rate limit is the host's word for every request: asking chart instead would defy it.
        Err(error) if job.is_brief && !matches!(error, FetchError::RateLimited { .. }) => {
            unpriced.clone_from(&job.slots);
            brief_failure = Some(error);
        }
        Err(error) => failed.extend(job.slots.iter().map(|&slot| (slot, error.clone()))),
    }
    JobResult {
        api: job.api,
        quotes,
        failed,
        verdicts,
        is_probe: job.is_probe,
        is_brief: job.is_brief,
        unpriced: if job.is_probe { Vec::new() } else { unpriced },
        brief_failure,
    }
}
