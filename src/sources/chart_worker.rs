//! The chart worker: fetches one range of one instrument for the detail panel, one request at
//! a time (the panel asks rarely; Yahoo dislikes bursts), at the configured quote hosts in turn
//! with the quote poller's failover rules: a host found down is skipped for a while and asked
//! last. Every request is answered, with a series or with why not, so no range stays "loading".

use jiff::Timestamp;
use tokio::sync::mpsc;

use super::failover::Failover;
use super::quote_poller::MAX_BODY_BYTES;
use super::yahoo;
use crate::message::{ChartRequest, Message};

pub struct ChartWorker {
    hosts: Failover,
}

/// Serves requests until the app goes away.
pub async fn run(
    worker: ChartWorker,
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
            hosts: Failover::new(client, hosts),
        }
    }

    /// The answer to one request, as the message the app takes.
    pub async fn serve(&self, request: ChartRequest) -> Message {
        let fetched_at = Timestamp::now();
        let symbol = &request.symbol;
        let answer = (self.hosts)
            .ask(
                MAX_BODY_BYTES,
                |host| yahoo::range_url(host, symbol, request.range),
                |fetched| yahoo::parse_fetched(fetched, symbol, fetched_at),
            )
            .await;
        match answer {
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
}
