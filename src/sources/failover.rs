//! One request asked of the configured quote hosts in turn, with the quote poller's rules: a
//! host found down (unreachable, 5xx, a web page, silent for [`FAILOVER_AFTER`]) passes the
//! request to the next and is asked last for a while ([`HOST_COOL_DOWN`]); only the last host
//! may take the whole timeout. Shared by the workers that ask one thing at a time (symbol
//! search, chart ranges); the poller's rounds have their own, concurrent, form.

use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::quote_poller::{FAILOVER_AFTER, HOST_COOL_DOWN};
use super::schedule::{Hosts, Verdict};
use super::{FetchError, Fetched, get};

pub struct Failover {
    client: reqwest::Client,
    /// Kept across requests so a host found down is asked last.
    hosts: Mutex<Hosts>,
    /// What the hosts' cool-downs are measured from.
    epoch: Instant,
}

impl Failover {
    /// `hosts` are the configured quote hosts, never empty.
    pub fn new(client: reqwest::Client, hosts: Vec<String>) -> Self {
        Self {
            client,
            hosts: Mutex::new(Hosts::new(hosts, HOST_COOL_DOWN)),
            epoch: Instant::now(),
        }
    }

    /// The first answer `parse` takes from the hosts in turn, each asked at `url(host)` for at
    /// most `max_bytes`; else the last host's failure.
    pub async fn ask<T>(
        &self,
        max_bytes: usize,
        url: impl Fn(&str) -> String,
        parse: impl Fn(&Fetched) -> Result<T, FetchError>,
    ) -> Result<T, FetchError> {
        let hosts = self.hosts().order();
        let mut result = Err(FetchError::Other("no host to ask".to_owned()));
        for (tried, host) in hosts.iter().enumerate() {
            let url = url(host);
            let request = get(
                &self.client,
                &url,
                HeaderMap::new(),
                max_bytes,
                Timestamp::now().as_second(),
            );
            let answer = if tried + 1 == hosts.len() {
                request.await
            } else {
                (tokio::time::timeout(FAILOVER_AFTER, request).await)
                    .unwrap_or(Err(FetchError::Timeout))
            };
            result = answer.and_then(|fetched| parse(&fetched));
            let is_down = matches!(&result, Err(error) if error.is_host_down());
            let verdict = if is_down {
                tracing::info!(%host, error = ?result.as_ref().err(), "host down");
                Verdict::Down
            } else {
                Verdict::Answered
            };
            self.hosts().record(host, verdict, self.epoch.elapsed());
            if !is_down {
                break;
            }
        }
        result
    }

    /// Never held across an await.
    fn hosts(&self) -> MutexGuard<'_, Hosts> {
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
