//! The article worker: turns the selected headline's page into readable text. The latest
//! request wins (a `watch` channel holds one); it waits for the selection to settle so
//! scrolling through headlines costs no requests, and a newer request cancels a fetch in
//! flight. Extracted articles are cached on disk, so reopening is instant and works offline.

use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use tokio::sync::{mpsc, watch};

use super::{FetchError, article, get};
use crate::cache::Cache;
use crate::domain::Article;
use crate::message::{ArticleRequest, Failure, Message};

/// How long the selection must rest before its page is fetched.
pub const SETTLE: Duration = Duration::from_millis(250);
/// Pages larger than this are cut off and refused, so a 20 MB page cannot eat memory.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

pub struct ArticleWorker {
    /// `None` offline (`--offline`, `--demo`): answer from the cache only. Not built at all
    /// then, because building one reads and parses every system root certificate.
    pub client: Option<reqwest::Client>,
    pub cache: Option<Cache>,
    pub cache_budget_bytes: u64,
}

/// Serves requests until the app goes away.
pub async fn run(
    worker: ArticleWorker,
    requests: watch::Receiver<Option<ArticleRequest>>,
    inbox: mpsc::Sender<Message>,
) {
    let worker = &worker;
    let serve = |request: ArticleRequest| async move { Some(worker.serve(&request).await) };
    super::latest::run(requests, |_| SETTLE, serve, inbox).await;
}

impl ArticleWorker {
    async fn serve(&self, request: &ArticleRequest) -> Message {
        if let Some(article) = self.cached(&request.url).await {
            return Message::ArticleArrived {
                id: request.id.clone(),
                article,
            };
        }
        let Some(client) = &self.client else {
            return Message::ArticleFailed {
                id: request.id.clone(),
                failure: Failure::NotCached,
            };
        };
        match fetch(client, request).await {
            Ok(article) => {
                self.store(&request.url, &article);
                Message::ArticleArrived {
                    id: request.id.clone(),
                    article,
                }
            }
            Err(error) => {
                tracing::info!(url = %request.url, %error, "article not readable");
                Message::ArticleFailed {
                    id: request.id.clone(),
                    failure: error.failure(),
                }
            }
        }
    }

    async fn cached(&self, url: &str) -> Option<Article> {
        let cache = self.cache.clone()?;
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || cache.load_article(&url))
            .await
            .ok()
            .flatten()
    }

    fn store(&self, url: &str, article: &Article) {
        let Some(cache) = self.cache.clone() else {
            return;
        };
        let (url, article, budget) = (url.to_owned(), article.clone(), self.cache_budget_bytes);
        tokio::task::spawn_blocking(move || {
            if let Err(error) = cache.save_article(&url, &article, budget) {
                tracing::warn!(%error, "cannot cache article");
            }
        });
    }
}

async fn fetch(client: &reqwest::Client, request: &ArticleRequest) -> Result<Article, FetchError> {
    let url = url::Url::parse(&request.url)
        .map_err(|error| FetchError::BadResponse(format!("bad link: {error}")))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml"),
    );
    let fetched = get(
        client,
        url.as_str(),
        headers,
        MAX_PAGE_BYTES,
        Timestamp::now().as_second(),
    )
    .await?;
    fetched.require_success("the page answered ")?;
    let content_type = fetched
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Relative links resolve against where the page landed, not the redirector asked first.
    let url = url::Url::parse(&fetched.url).unwrap_or(url);
    // Decoding and extraction are CPU work; off the UI's thread.
    let (source, title, published) = (
        request.source.clone(),
        request.title.clone(),
        request.published,
    );
    tokio::task::spawn_blocking(move || {
        let html = article::decode(&fetched.body, content_type.as_deref(), &url);
        article::extract(&html, &url, &source, &title, published)
    })
    .await
    .map_err(|error| FetchError::Other(error.to_string()))?
    .map_err(|error| FetchError::BadResponse(error.to_string()))
}
