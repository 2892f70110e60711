//! The symbol search worker behind the search box: Yahoo's symbol search for what is typed,
//! and the one chart request that confirms an instrument before it is added. Typing must pause
//! for [`DEBOUNCE`] before a query goes out, and the latest request wins (`latest::run`).
//! Hosts are the configured quote hosts, asked in turn with the poller's failover rules.

use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use super::failover::Failover;
use super::yahoo::search::{parse_search, search_url};
use super::yahoo::{Yahoo, chart_url};
use super::{FetchError, Fetched, QuoteApi};
use crate::message::{Message, SearchRequest};

/// How long typing must pause before the query is sent.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// A search answer or a one-symbol chart is a few kB.
const MAX_BODY_BYTES: usize = 512 * 1024;

pub struct SearchWorker {
    hosts: Failover,
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
            hosts: Failover::new(client, hosts),
        }
    }

    pub async fn serve(&self, request: SearchRequest) -> Message {
        match request {
            SearchRequest::Query(query) => {
                let outcome = (self.hosts)
                    .ask(
                        MAX_BODY_BYTES,
                        |host| search_url(host, &query),
                        parse_search,
                    )
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
                let outcome = (self.hosts)
                    .ask(MAX_BODY_BYTES, |host| chart_url(host, symbol), parse)
                    .await;
                Message::InstrumentChecked {
                    symbol: symbol.clone(),
                    outcome: outcome.map(Box::new).map_err(|error| error.failure()),
                }
            }
        }
    }
}
