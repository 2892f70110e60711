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
    let mut errors = Vec::new();
    let feeds = load(cache.map(Cache::load_feeds), &mut errors).unwrap_or_default();
    let cached = load(cache.map(Cache::load_quotes), &mut errors).flatten();
    let read = load(cache.map(Cache::load_read), &mut errors).unwrap_or_default();
    let fired_alerts = load(cache.map(Cache::load_alerts), &mut errors).unwrap_or_default();
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
    let (headlines, samples) = if cached_news.is_empty() {
        bundled::sample_news().context("bundled sample news")?
    } else {
        (cached_news, HashMap::new())
    };
    let startup = Startup {
        quotes,
        headlines,
        read,
        samples,
        cache_failure: cache_failure(&errors),
        fired_alerts,
    };
    Ok(App::new(settings, startup, now))
}

/// A cache file's contents, or nothing with the error noted.
fn load<T>(result: Option<Result<T, CacheError>>, errors: &mut Vec<CacheError>) -> Option<T> {
    match result.transpose() {
        Ok(loaded) => loaded,
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// One line for everything wrong with the cache at start: every unreadable file named, or
/// counted when there are more than two; a file that could not even be read or moved aside
/// comes first, since the user has to act on it.
fn cache_failure(errors: &[CacheError]) -> Option<Failure> {
    for error in errors {
        tracing::warn!(%error, "cache file unreadable");
    }
    if let Some(io) = errors
        .iter()
        .find(|error| matches!(error, CacheError::Io { .. }))
    {
        return Some(Failure::Io {
            detail: SafeText::new(&io.to_string()),
        });
    }
    let files: Vec<&str> = errors
        .iter()
        .filter_map(|error| match error {
            CacheError::Corrupt { file, .. } => Some(file.as_str()),
            CacheError::Io { .. } => None,
        })
        .collect();
    let detail = match files.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        more => format!("{} files", more.len()),
    };
    Some(Failure::Corrupt {
        detail: SafeText::new(&detail),
    })
}
