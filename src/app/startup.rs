//! The state the first frame shows, before any source has answered: cached quotes if there
//! are any, else the bundled snapshot; cached news for the feeds still configured, else the
//! samples; read marks from the cache. Reads files, so it lives apart from the pure sub-states.

use std::collections::HashMap;

use anyhow::Context;
use jiff::Timestamp;

use super::data_state::Origin;
use super::quotes::QuoteBoard;
use super::{App, Settings, Startup};
use crate::bundled;
use crate::cache::{Cache, CacheError};
use crate::domain::Headline;
use crate::message::Failure;
use crate::sanitize::SafeText;

/// A corrupt cache file is reported on the status line and ignored.
pub fn initial_app(
    settings: Settings,
    cache: Option<&Cache>,
    now: Timestamp,
) -> anyhow::Result<App> {
    let mut failures = Vec::new();
    let feeds = load(cache.map(Cache::load_feeds), &mut failures).unwrap_or_default();
    let cached = load(cache.map(Cache::load_quotes), &mut failures).flatten();
    let read = load(cache.map(Cache::load_read), &mut failures).unwrap_or_default();
    let quotes = if let Some(cached) = cached {
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
    // News from the last run, for the feeds still configured; the samples only when there is none.
    let cached_news: Vec<Headline> = feeds
        .into_iter()
        .filter(|cached| settings.feeds.iter().any(|feed| feed.url == cached.url))
        .flat_map(|cached| cached.headlines)
        .collect();
    let (headlines, articles) = if cached_news.is_empty() {
        bundled::sample_news().context("bundled sample news")?
    } else {
        (cached_news, HashMap::new())
    };
    let startup = Startup {
        quotes,
        headlines,
        read,
        articles,
        cache_failures: failures,
    };
    Ok(App::new(settings, startup, now))
}

/// A cache file's contents, or nothing with the failure noted.
fn load<T>(result: Option<Result<T, CacheError>>, failures: &mut Vec<Failure>) -> Option<T> {
    match result.transpose() {
        Ok(loaded) => loaded,
        Err(error) => {
            failures.push(Failure::Corrupt {
                detail: SafeText::new(&error.to_string()),
            });
            None
        }
    }
}
