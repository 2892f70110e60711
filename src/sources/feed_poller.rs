//! The feed poller: keeps every configured feed's headlines current with conditional GETs
//! (`If-None-Match` / `If-Modified-Since`; a 304 costs the feed almost nothing), the same
//! backoff, size cap and `Retry-After` rules as quotes, and one failing feed never holding up
//! the others. Validators and last headlines go to the cache, so a restart is both offline-ready
//! and still conditional.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{
    ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use tokio::time::Instant;

use super::poll::Polled;
use super::schedule::{Activity, Backoff, Outcome, Policy};
use super::{FetchError, feeds, get};
use crate::cache::{Cache, CachedFeed};
use crate::config::Feed;
use crate::domain::Headline;
use crate::message::{Message, SourceId};

/// Feeds are small; a multi-megabyte answer is a page, not a feed.
const MAX_FEED_BYTES: usize = 8 * 1024 * 1024;
/// Feeds fetched at once: enough to finish a round quickly, few enough to be polite.
const MAX_IN_FLIGHT: usize = 4;

struct Slot {
    feed: Feed,
    url: url::Url,
    backoff: Backoff,
    due: Instant,
    cached: CachedFeed,
}

pub struct FeedPoller {
    client: reqwest::Client,
    policy: Policy,
    slots: Vec<Slot>,
    cache: Option<Cache>,
}

/// What one feed's request came to.
enum FeedAnswer {
    Fresh {
        headlines: Vec<Headline>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    NotModified,
}

impl FeedPoller {
    /// Every feed starts due now. Validators come from the cache, so the first request after a
    /// restart can already be answered with a 304.
    pub fn new(
        client: reqwest::Client,
        feeds: Vec<Feed>,
        refresh: Duration,
        cache: Option<Cache>,
        now: Instant,
    ) -> Self {
        let cached = cache
            .as_ref()
            .and_then(|c| c.load_feeds().ok())
            .unwrap_or_default();
        let slots = feeds
            .into_iter()
            .filter_map(|feed| {
                let url = url::Url::parse(&feed.url).ok()?;
                let cached = cached
                    .iter()
                    .find(|c| c.url == feed.url)
                    .cloned()
                    .unwrap_or_else(|| CachedFeed {
                        url: feed.url.clone(),
                        etag: None,
                        last_modified: None,
                        headlines: Vec::new(),
                    });
                Some(Slot {
                    feed,
                    url,
                    backoff: Backoff::default(),
                    due: now,
                    cached,
                })
            })
            .collect();
        Self {
            client,
            policy: Policy::from_interval(refresh),
            slots,
            cache,
        }
    }

    /// On a blocking thread: the UI shares this thread, and the file can be large.
    fn save(&self) {
        let Some(cache) = self.cache.clone() else {
            return;
        };
        let feeds: Vec<CachedFeed> = self.slots.iter().map(|slot| slot.cached.clone()).collect();
        tokio::task::spawn_blocking(move || {
            if let Err(error) = cache.save_feeds(&feeds) {
                tracing::warn!(%error, "cannot save feeds");
            }
        });
    }
}

async fn fetch(
    client: &reqwest::Client,
    slot: &Slot,
    wall: Timestamp,
) -> Result<FeedAnswer, FetchError> {
    let mut headers = HeaderMap::new();
    // Only ask conditionally when there are headlines to fall back on.
    if !slot.cached.headlines.is_empty() {
        let validators = [
            (IF_NONE_MATCH, &slot.cached.etag),
            (IF_MODIFIED_SINCE, &slot.cached.last_modified),
        ];
        for (name, value) in validators {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
            }
        }
    }
    let fetched = get(
        client,
        slot.url.as_str(),
        headers,
        MAX_FEED_BYTES,
        wall.as_second(),
    )
    .await?;
    if fetched.status == StatusCode::NOT_MODIFIED {
        return Ok(FeedAnswer::NotModified);
    }
    fetched.require_success("")?;
    let header = |name| {
        fetched
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    // Parsing a large feed takes milliseconds the UI, on this same thread, should not wait.
    // A moved feed's relative links resolve against where it moved to.
    let base = url::Url::parse(&fetched.url).unwrap_or_else(|_| slot.url.clone());
    let name = slot.feed.name.clone();
    let headlines =
        tokio::task::spawn_blocking(move || feeds::parse_feed(&fetched.body, &name, &base, wall))
            .await
            .map_err(|error| FetchError::Other(error.to_string()))?
            .map_err(|error| FetchError::BadResponse(error.to_string()))?;
    Ok(FeedAnswer::Fresh {
        headlines,
        etag,
        last_modified,
    })
}

impl Polled for FeedPoller {
    fn next_due(&self) -> Option<Instant> {
        self.slots.iter().map(|slot| slot.due).min()
    }

    fn refresh_all(&mut self, now: Instant) {
        for slot in &mut self.slots {
            slot.due = now;
        }
    }

    /// Fetches every feed due at `now` and returns one message per feed.
    async fn round(&mut self, now: Instant, wall: Timestamp) -> Vec<Message> {
        let due: Vec<usize> = (0..self.slots.len())
            .filter(|&i| self.slots[i].due <= now)
            .collect();
        let client = &self.client;
        let slots = &self.slots;
        let results: Vec<(usize, Result<FeedAnswer, FetchError>)> = stream::iter(due)
            .map(|index| async move { (index, fetch(client, &slots[index], wall).await) })
            .buffer_unordered(MAX_IN_FLIGHT)
            .collect()
            .await;
        let mut messages = Vec::with_capacity(results.len());
        let mut is_cache_stale = false;
        for (index, result) in results {
            let slot = &mut self.slots[index];
            let source = SourceId::Feed(u16::try_from(index).unwrap_or(u16::MAX));
            let outcome = result
                .as_ref()
                .map_or_else(FetchError::outcome, |_| Outcome::Success);
            // News does not close with the markets: every feed is polled at the same pace.
            slot.due = now
                + slot.backoff.next_delay(
                    outcome,
                    Activity::Trading,
                    &self.policy,
                    fastrand::f64(),
                );
            match result {
                Ok(FeedAnswer::Fresh {
                    headlines,
                    etag,
                    last_modified,
                }) => {
                    slot.cached = CachedFeed {
                        url: slot.feed.url.clone(),
                        etag,
                        last_modified,
                        headlines: headlines.clone(),
                    };
                    is_cache_stale = true;
                    messages.push(Message::HeadlinesArrived {
                        source,
                        headlines,
                        fetched_at: wall,
                    });
                }
                Ok(FeedAnswer::NotModified) => messages.push(Message::HeadlinesArrived {
                    source,
                    headlines: Vec::new(),
                    fetched_at: wall,
                }),
                Err(error) => {
                    tracing::warn!(feed = %slot.feed.name, %error, "feed fetch failed");
                    messages.push(Message::SourceFailed {
                        source,
                        failure: error.failure(),
                        at: wall,
                    });
                }
            }
        }
        if is_cache_stale {
            self.save();
        }
        messages
    }
}
