//! The symbol search worker behind the search box: Yahoo's symbol search for what is typed,
//! and the one chart request that confirms an instrument before it is added. Typing must pause
//! for [`DEBOUNCE`] before a query goes out, and the latest request wins (`latest::run`).
//! Hosts are the configured quote hosts, asked in turn with the poller's failover rules.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::quote_poller::{FAILOVER_AFTER, HOST_COOL_DOWN};
use super::schedule::{Hosts, Verdict};
use super::yahoo::search::{parse_search, search_url};
use super::yahoo::{Yahoo, chart_url};
use super::{FetchError, Fetched, QuoteApi, get};
use crate::message::{Message, SearchRequest};

/// How long typing must pause before the query is sent.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// A search answer or a one-symbol chart is a few kB.
const MAX_BODY_BYTES: usize = 512 * 1024;

pub struct SearchWorker {
    client: reqwest::Client,
    /// Shared with no one: kept across requests so a host found down is asked last.
    hosts: Mutex<Hosts>,
    epoch: Instant,
}

/// Serves the search box until the app goes away.
pub async fn run(
    worker: SearchWorker,
    requests: watch::Receiver<Option<SearchRequest>>,
    inbox: mpsc::Sender<Message>,
) {
    let worker = &worker;
    let settle = |request: &SearchRequest| match request {
        SearchRequest::Query(_) => DEBOUNCE,
        SearchRequest::Check(_) => Duration::ZERO,
    };
    let serve = |request| async move { Some(worker.serve(request).await) };
    super::latest::run(requests, settle, serve, inbox).await;
}

impl SearchWorker {
    /// `hosts` are the configured quote hosts, never empty.
    pub fn new(client: reqwest::Client, hosts: Vec<String>) -> Self {
        Self {
            client,
            hosts: Mutex::new(Hosts::new(hosts, HOST_COOL_DOWN)),
            epoch: Instant::now(),
        }
    }

    pub async fn serve(&self, request: SearchRequest) -> Message {
        match request {
            SearchRequest::Query(query) => {
                let outcome = self
                    .ask(|host| search_url(host, &query), parse_search)
                    .await;
                Message::SearchAnswered {
                    query,
                    outcome: outcome.map_err(|error| error.failure()),
                }
            }
            SearchRequest::Check(instrument) => {
                let symbol = &instrument.symbol;
                let parse = |fetched: &Fetched| {
                    let mut quotes = Yahoo.parse(fetched, &[&instrument], Timestamp::now())?;
                    quotes
                        .pop()
                        .ok_or_else(|| FetchError::UnknownSymbol(format!("no price for {symbol}")))
                };
                let outcome = self.ask(|host| chart_url(host, symbol), parse).await;
                Message::InstrumentChecked {
                    symbol: symbol.clone(),
                    outcome: outcome.map(Box::new).map_err(|error| error.failure()),
                }
            }
        }
    }

    /// Asks the hosts in turn until one answers; one found down (unreachable, 5xx, a web page,
    /// silent for [`FAILOVER_AFTER`]) passes the request to the next and is asked last next time.
    async fn ask<T>(
        &self,
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
                MAX_BODY_BYTES,
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
                tracing::info!(%host, error = ?result.as_ref().err(), "search host down");
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
