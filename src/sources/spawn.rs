//! Which sources a run starts, and the one round `--once` fetches: the wiring between the
//! configuration and the pollers, kept here so `lib.rs` stays wiring only.

use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::quote_poller::{Endpoints, QuotePoller};
use crate::cache::Cache;
use crate::cli::Cli;
use crate::config::Config;
use crate::domain::Quote;
use crate::message::Message;
use crate::runtime::Effects;

/// Starts the tasks that feed the app: the simulated market for `--demo`; otherwise (unless
/// `--offline`) the quote and feed pollers and the chart worker; always the article worker, which answers from its
/// cache when it may not fetch.
pub fn spawn(
    cli: &Cli,
    config: &Config,
    cache: Option<Cache>,
    outbox: mpsc::Sender<Message>,
    tasks: &mut JoinSet<()>,
) -> anyhow::Result<Effects> {
    let mut refresh = Vec::new();
    let is_networked = !cli.offline && !cli.demo;
    // Offline there is no client: building one reads every system root certificate.
    let client = is_networked
        .then(|| super::client().context("cannot build the HTTP client"))
        .transpose()?;
    if cli.demo {
        let quotes = crate::bundled::snapshot()?.quotes;
        let seed = cli.seed.unwrap_or_else(|| fastrand::u64(..));
        let market = super::demo::DemoMarket::new(quotes, seed);
        tasks.spawn(super::demo::run(market, outbox.clone()));
    }
    let (mut search, mut added_instruments) = (None, None);
    let mut charts = None;
    if let Some(client) = &client {
        let (requests, inbox) = mpsc::unbounded_channel();
        let worker =
            super::chart_worker::ChartWorker::new(client.clone(), config.quotes.base_urls.clone());
        tasks.spawn(super::chart_worker::run(worker, inbox, outbox.clone()));
        charts = Some(requests);
        let (refresh_tx, refresh_rx) = mpsc::channel(1);
        refresh.push(refresh_tx);
        let now = tokio::time::Instant::now();
        let (added_tx, added_rx) = mpsc::unbounded_channel();
        added_instruments = Some(added_tx);
        let poller = quote_poller(client.clone(), config, now).learning(added_rx);
        tasks.spawn(super::poll::run(poller, outbox.clone(), refresh_rx));
        let (search_tx, search_rx) = tokio::sync::watch::channel(None);
        search = Some(search_tx);
        let worker = super::search_worker::SearchWorker::new(
            client.clone(),
            config.quotes.base_urls.clone(),
        );
        tasks.spawn(super::search_worker::run(worker, search_rx, outbox.clone()));
        if !config.news.feeds.is_empty() {
            let (refresh_tx, refresh_rx) = mpsc::channel(1);
            refresh.push(refresh_tx);
            let feeds = config.news.feeds.clone();
            let poller = super::feed_poller::FeedPoller::new(
                client.clone(),
                feeds,
                config.news.refresh,
                cache.clone(),
                now,
            );
            tasks.spawn(super::poll::run(poller, outbox.clone(), refresh_rx));
        }
    }
    let (articles, requests) = tokio::sync::watch::channel(None);
    let worker = super::article_worker::ArticleWorker {
        client,
        cache: cache.clone(),
        cache_budget_bytes: config.news.article_cache_bytes,
    };
    tasks.spawn(super::article_worker::run(worker, requests, outbox.clone()));
    Ok(Effects {
        cache,
        outbox,
        refresh,
        articles: Some(articles),
        config_file: None,
        search,
        added_instruments,
        charts,
    })
}

/// One round for every instrument; whatever has not answered by `timeout` is left out.
pub fn fetch_once(config: &Config, timeout: Duration) -> anyhow::Result<Vec<Quote>> {
    let client = super::client_with_timeout(timeout).context("cannot build the HTTP client")?;
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let messages = tokio.block_on(async {
        let now = tokio::time::Instant::now();
        quote_poller(client, config, now)
            .round_until(now, Timestamp::now(), Some(now + timeout))
            .await
    });
    let mut fresh = Vec::new();
    for message in messages {
        if let Message::QuotesArrived { quotes, failed, .. } = message {
            fresh.extend(quotes);
            for failure in failed {
                tracing::warn!(symbol = %failure.symbol, failure = %failure.failure.summary(), "--once: no fresh quote");
            }
        }
    }
    Ok(fresh)
}

/// The quote poller as configured; every instrument due at `now`.
fn quote_poller(
    client: reqwest::Client,
    config: &Config,
    now: tokio::time::Instant,
) -> QuotePoller {
    let endpoints = Endpoints {
        yahoo: config.quotes.base_urls.clone(),
        coingecko: config.quotes.coingecko_url.clone(),
    };
    let instruments = crate::portfolio::polled_instruments(config);
    QuotePoller::new(client, endpoints, instruments, config.quotes.refresh, now)
}
