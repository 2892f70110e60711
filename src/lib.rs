//! tickertape: a live market ticker tape and financial news reader for the terminal.
//!
//! The shape: sources (tokio tasks) send [`message::Message`]s into one inbox; the runtime
//! applies each with [`app::update::update`] and draws with [`ui::draw`]. `run` wires it up in
//! the order that keeps a broken config from ever touching the terminal: config, logs, cache,
//! then the terminal.
#![forbid(unsafe_code)]

pub mod app;
pub mod bundled;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
#[cfg(test)]
mod fixtures;
pub mod format;
pub mod keymap;
pub mod logging;
pub mod market;
pub mod message;
pub mod output;
pub mod runtime;
pub mod sanitize;
pub mod sources;
pub mod terminal;
pub mod ui;

use std::path::PathBuf;

use anyhow::Context;
use jiff::{Timestamp, tz::TimeZone};
use tokio::sync::mpsc;

use app::App;
use app::headlines::HeadlineList;
use app::quotes::{Origin, QuoteBoard};
use app::tape::Tape;
use cache::Cache;
use cli::Cli;
use config::Config;
use message::{Failure, SourceId};
use sanitize::SafeText;

/// Messages waiting for the UI; sources wait (not drop) when it is full.
const INBOX_CAPACITY: usize = 256;

/// What `main` should do after the work is done.
pub enum Outcome {
    /// The TUI ran and was quit.
    Quit,
    /// `--once` printed the watchlist.
    Printed,
    /// `--once` had nothing at all to print.
    NothingToPrint,
    /// `--init-config` wrote this file.
    ConfigWritten(PathBuf),
}

pub fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    let env = |key: &str| std::env::var_os(key);
    if cli.init_config {
        let path = match &cli.config {
            Some(path) => path.clone(),
            None => config::default_config_path(&env).ok_or(config::ConfigError::NoHome)?,
        };
        config::init_config(&path)?;
        return Ok(Outcome::ConfigWritten(path));
    }
    let loaded = config::load(cli.config.as_deref(), &env)?;
    logging::init(cli.log_file.as_deref())?;
    tracing::info!(config = ?loaded.path, "starting");
    let cache = config::cache_dir(&env).map(Cache::new);
    if cli.once {
        return run_once(cli, &loaded.config, cache.as_ref());
    }
    let mut app = initial_app(
        &loaded.config,
        cache.as_ref(),
        Timestamp::now(),
        TimeZone::system(),
    )?;
    app.theme = ui::theme::Theme::from_no_color(std::env::var_os("NO_COLOR").as_deref());
    app.mode = match (cli.offline, cli.demo) {
        (true, _) => app::Mode::Offline,
        (false, true) => app::Mode::Demo,
        (false, false) => app::Mode::Live,
    };

    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tokio.block_on(async {
        let (outbox, inbox) = mpsc::channel(INBOX_CAPACITY);
        let mut tasks = tokio::task::JoinSet::new();
        let row_shift = if loaded.config.ticker.is_shift_on {
            terminal::RowShift::On
        } else {
            terminal::RowShift::Off
        };
        let (mut terminal, _guard) =
            terminal::init(row_shift).context("cannot set up the terminal")?;
        // The sources start after the first frame: building the HTTP client reads the
        // system's certificates, which the first frame need not wait for.
        let start = || spawn_sources(cli, &loaded.config, cache, outbox, &mut tasks);
        runtime::run(app, &mut terminal, inbox, start).await?;
        tasks.abort_all();
        Ok::<_, anyhow::Error>(())
    })?;
    tracing::info!("quit");
    Ok(Outcome::Quit)
}

/// Starts the tasks that feed the app: the simulated market for `--demo`; otherwise (unless
/// `--offline`) the quote and feed pollers; always the article worker, which answers from its
/// cache when it may not fetch.
fn spawn_sources(
    cli: &Cli,
    config: &Config,
    cache: Option<Cache>,
    outbox: mpsc::Sender<message::Message>,
    tasks: &mut tokio::task::JoinSet<()>,
) -> anyhow::Result<runtime::Effects> {
    let mut refresh = Vec::new();
    let is_networked = !cli.offline && !cli.demo;
    // Offline there is no client: building one reads every system root certificate.
    let client = is_networked
        .then(|| sources::client().context("cannot build the HTTP client"))
        .transpose()?;
    if cli.demo {
        let quotes = bundled::snapshot()?.quotes;
        let seed = cli.seed.unwrap_or_else(|| fastrand::u64(..));
        let market = sources::demo::DemoMarket::new(quotes, seed);
        tasks.spawn(sources::demo::run(market, outbox.clone()));
    }
    if let Some(client) = &client {
        let (refresh_tx, refresh_rx) = mpsc::channel(1);
        refresh.push(refresh_tx);
        let endpoints = sources::poll::Endpoints {
            yahoo: config.quotes.base_urls.clone(),
            coingecko: config.quotes.coingecko_url.clone(),
        };
        let now = tokio::time::Instant::now();
        let instruments = config.quotes.instruments.clone();
        let poller = sources::poll::QuotePoller::new(
            client.clone(),
            endpoints,
            instruments,
            config.quotes.refresh,
            now,
        );
        tasks.spawn(sources::poll::run(poller, outbox.clone(), refresh_rx));
        if !config.news.feeds.is_empty() {
            let (refresh_tx, refresh_rx) = mpsc::channel(1);
            refresh.push(refresh_tx);
            let feeds = config.news.feeds.clone();
            let poller = sources::news::FeedPoller::new(
                client.clone(),
                feeds,
                config.news.refresh,
                cache.clone(),
                now,
            );
            tasks.spawn(sources::poll::run(poller, outbox.clone(), refresh_rx));
        }
    }
    let (articles, requests) = tokio::sync::watch::channel(None);
    let worker = sources::pages::ArticleWorker {
        client,
        cache: cache.clone(),
        cache_budget_bytes: config.news.article_cache_bytes,
    };
    tasks.spawn(sources::pages::run(worker, requests, outbox.clone()));
    Ok(runtime::Effects {
        cache,
        outbox,
        refresh,
        articles: Some(articles),
    })
}

/// `--once`: one round of fetching (unless `--offline`), bounded by `--timeout`; symbols it
/// could not price in time fall back to the cache, marked stale. Fresh quotes are merged into
/// the cache, never replace it, so one failing symbol keeps its last good value.
fn run_once(cli: &Cli, config: &Config, cache: Option<&Cache>) -> anyhow::Result<Outcome> {
    let timeout = std::time::Duration::from_secs(cli.timeout);
    let fresh = if cli.offline {
        Vec::new()
    } else {
        fetch_once(config, timeout)?
    };
    let mut cached = match cache.map(Cache::load_quotes).transpose() {
        Ok(cached) => cached.flatten().map(|c| c.quotes).unwrap_or_default(),
        Err(error) => {
            tracing::warn!(%error, "ignoring the cache");
            Vec::new()
        }
    };
    if let (Some(cache), false) = (cache, fresh.is_empty()) {
        let mut merged: Vec<domain::Quote> = cached
            .iter()
            .filter(|c| !fresh.iter().any(|f| f.symbol == c.symbol))
            .cloned()
            .collect();
        merged.extend(fresh.iter().cloned());
        if let Err(error) = cache.save_quotes(&merged, Timestamp::now()) {
            tracing::warn!(%error, "cannot save quotes");
        }
    }
    cached.retain(|c| !fresh.iter().any(|f| f.symbol == c.symbol));
    let rows: Vec<output::Row> = config
        .quotes
        .instruments
        .iter()
        .filter_map(|instrument| {
            let find = |quotes: &[domain::Quote]| {
                quotes.iter().position(|q| q.symbol == instrument.symbol)
            };
            if let Some(i) = find(&fresh) {
                Some(output::Row {
                    instrument,
                    quote: &fresh[i],
                    is_stale: false,
                })
            } else {
                find(&cached).map(|i| output::Row {
                    instrument,
                    quote: &cached[i],
                    is_stale: true,
                })
            }
        })
        .collect();
    if rows.is_empty() {
        return Ok(Outcome::NothingToPrint);
    }
    let text = if cli.json {
        output::json(&rows)?
    } else {
        output::table(&rows, Timestamp::now())
    };
    output::print(&text).context("cannot write to stdout")?;
    Ok(Outcome::Printed)
}

/// One round for every instrument; whatever has not answered by `timeout` is left out.
fn fetch_once(config: &Config, timeout: std::time::Duration) -> anyhow::Result<Vec<domain::Quote>> {
    let client = sources::client_with_timeout(timeout).context("cannot build the HTTP client")?;
    let endpoints = sources::poll::Endpoints {
        yahoo: config.quotes.base_urls.clone(),
        coingecko: config.quotes.coingecko_url.clone(),
    };
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let messages = tokio.block_on(async {
        let now = tokio::time::Instant::now();
        let instruments = config.quotes.instruments.clone();
        let mut poller = sources::poll::QuotePoller::new(
            client,
            endpoints,
            instruments,
            config.quotes.refresh,
            now,
        );
        poller
            .round_until(now, Timestamp::now(), Some(now + timeout))
            .await
    });
    let mut fresh = Vec::new();
    for message in messages {
        if let message::Message::QuotesArrived { quotes, failed, .. } = message {
            fresh.extend(quotes);
            for failure in failed {
                tracing::warn!(symbol = %failure.symbol, failure = %failure.failure.summary(), "--once: no fresh quote");
            }
        }
    }
    Ok(fresh)
}

/// The state the first frame shows: cached quotes if there are any, else the bundled
/// snapshot; sample headlines; read marks from the cache. A corrupt cache is reported on the
/// status line and ignored.
pub fn initial_app(
    config: &Config,
    cache: Option<&Cache>,
    now: Timestamp,
    tz: TimeZone,
) -> anyhow::Result<App> {
    let mut failures = Vec::new();
    let feeds = match cache.map(Cache::load_feeds).transpose() {
        Ok(feeds) => feeds.unwrap_or_default(),
        Err(error) => {
            failures.push(error);
            Vec::new()
        }
    };
    let cached = match cache.map(Cache::load_quotes).transpose() {
        Ok(cached) => cached.flatten(),
        Err(error) => {
            failures.push(error);
            None
        }
    };
    let board = if let Some(cached) = cached {
        let origin = Origin::Cache {
            saved_at: cached.saved_at,
        };
        QuoteBoard::new(cached.quotes, origin)
    } else {
        let snapshot = bundled::snapshot().context("bundled snapshot")?;
        let origin = Origin::Snapshot {
            taken_at: snapshot.taken_at,
        };
        QuoteBoard::new(snapshot.quotes, origin)
    };
    let read = match cache.map(Cache::load_read).transpose() {
        Ok(read) => read.unwrap_or_default(),
        Err(error) => {
            failures.push(error);
            std::collections::HashSet::default()
        }
    };
    // News from the last run, for the feeds still configured; the samples only when there is none.
    let cached_news: Vec<domain::Headline> = feeds
        .into_iter()
        .filter(|cached| config.news.feeds.iter().any(|feed| feed.url == cached.url))
        .flat_map(|cached| cached.headlines)
        .collect();
    let (headlines, articles) = if cached_news.is_empty() {
        bundled::sample_news().context("bundled sample news")?
    } else {
        (cached_news, std::collections::HashMap::new())
    };
    let mut app = App::new(
        config.quotes.instruments.clone(),
        board,
        HeadlineList::new(headlines, read),
        articles,
        Tape::new(config.ticker.speed_cols_per_sec),
        now,
        tz,
    );
    app.quote_refresh = config.quotes.refresh;
    app.max_headlines = config.news.max_items;
    app.feed_names = config
        .news
        .feeds
        .iter()
        .map(|feed| feed.name.clone())
        .collect();
    for error in failures {
        let failure = Failure::Corrupt {
            detail: SafeText::new(&error.to_string()),
        };
        app.health.mark_failed(SourceId::Cache, failure, now);
    }
    Ok(app)
}
