//! The chart worker: fetches one range of one instrument for the detail panel, one request at
//! a time (the panel asks rarely; Yahoo dislikes bursts), at the configured quote hosts in turn
//! with the quote poller's failover rules: a host found down is skipped for a while and asked
//! last. Every request is answered, with a series or with why not, so no range stays "loading".

use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::quote_poller::{FAILOVER_AFTER, HOST_COOL_DOWN, MAX_BODY_BYTES};
use super::schedule::{Hosts, Verdict};
use super::{FetchError, get, yahoo};
use crate::domain::Quote;
use crate::message::{ChartRequest, Message};

pub struct ChartWorker {
    client: reqwest::Client,
    hosts: Hosts,
    /// What the hosts' cool-downs are measured from.
    epoch: Instant,
}

/// Serves requests until the app goes away.
pub async fn run(
    mut worker: ChartWorker,
    mut requests: mpsc::UnboundedReceiver<ChartRequest>,
    inbox: mpsc::Sender<Message>,
) {
    while let Some(request) = requests.recv().await {
        let message = worker.serve(request).await;
        if inbox.send(message).await.is_err() {
            return;
        }
    }
}

impl ChartWorker {
    /// `hosts` are the quotes' base URLs (config guarantees at least one).
    pub fn new(client: reqwest::Client, hosts: Vec<String>) -> Self {
        Self {
            client,
            hosts: Hosts::new(hosts, HOST_COOL_DOWN),
            epoch: Instant::now(),
        }
    }

    /// The answer to one request, as the message the app takes.
    pub async fn serve(&mut self, request: ChartRequest) -> Message {
        let fetched_at = Timestamp::now();
        match self.fetch(&request, fetched_at).await {
            Ok(quote) => Message::ChartArrived {
                symbol: request.symbol,
                range: request.range,
                quote: Box::new(quote),
                fetched_at,
            },
            Err(error) => {
                tracing::info!(symbol = %request.symbol, range = ?request.range, %error, "no chart");
                Message::ChartFailed {
                    symbol: request.symbol,
                    range: request.range,
                    failure: error.failure(),
                }
            }
        }
    }

    /// Asks each host in turn until one answers; only the last may take the whole timeout.
    async fn fetch(
        &mut self,
        request: &ChartRequest,
        wall: Timestamp,
    ) -> Result<Quote, FetchError> {
        let hosts = self.hosts.order();
        let mut result = Err(FetchError::Other("no host to ask".to_owned()));
        for (tried, host) in hosts.iter().enumerate() {
            let url = yahoo::range_url(host, &request.symbol, request.range);
            let answer = get(
                &self.client,
                &url,
                HeaderMap::new(),
                MAX_BODY_BYTES,
                wall.as_second(),
            );
            let wait = if tried + 1 == hosts.len() {
                Duration::MAX
            } else {
                FAILOVER_AFTER
            };
            result = tokio::time::timeout(wait, answer)
                .await
                .unwrap_or(Err(FetchError::Timeout))
                .and_then(|fetched| yahoo::parse_fetched(&fetched, &request.symbol, wall));
            let is_down = result.as_ref().is_err_and(FetchError::is_host_down);
            let verdict = if is_down {
                Verdict::Down
            } else {
                Verdict::Answered
            };
            self.hosts.record(host, verdict, self.epoch.elapsed());
            if !is_down {
                break;
            }
        }
        result
    }
}
