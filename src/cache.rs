//! What a restart remembers: the last good quotes (shown with their age until fresh data
//! arrives) and which headlines were read. Files are versioned JSON written atomically (temp
//! file + rename), so a crash mid-write leaves the old file. A corrupt file is reported, never
//! fatal, and moved aside as `NAME.corrupt` (the latest only) for the user to inspect, so the
//! next start is clean and the next save writes a good file.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::domain::{Article, Headline, Quote};

/// Bumped when a file's shape changes; an older file is then ignored like a corrupt one.
const VERSION: u32 = 1;
const QUOTES_FILE: &str = "quotes.json";
const STATE_FILE: &str = "state.json";
const FEEDS_FILE: &str = "feeds.json";
const ALERTS_FILE: &str = "alerts.json";
const ARTICLES_DIR: &str = "articles";
/// Appended to a file that could not be read when it is moved aside.
const SET_ASIDE: &str = "corrupt";

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The file did not parse and has been moved aside as `file.corrupt`.
    #[error("{file}: {detail}")]
    Corrupt { file: String, detail: String },
    #[error("{file}: {source}")]
    Io { file: String, source: io::Error },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotesFile {
    version: u32,
    saved_at: Timestamp,
    quotes: Vec<Quote>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    read: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    version: u32,
    feeds: Vec<CachedFeed>,
}

/// What a restart needs to know about one feed: its validators, for a conditional GET, and
/// its last headlines, because a 304 after a restart brings none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedFeed {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub headlines: Vec<Headline>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertsFile {
    version: u32,
    fired: Vec<FiredAlert>,
}

/// An alert rule that has fired and not re-armed, so a restart does not fire it again. `rule`
/// is its identity (`^FTSE above 8400`): a rule edited in the file is a new rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiredAlert {
    pub rule: String,
    pub at: Timestamp,
    pub price: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFile {
    version: u32,
    url: String,
    article: Article,
}

/// The last good quotes and when they were saved.
#[derive(Debug, PartialEq)]
pub struct CachedQuotes {
    pub quotes: Vec<Quote>,
    pub saved_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `Ok(None)` when there is no cache yet.
    pub fn load_quotes(&self) -> Result<Option<CachedQuotes>, CacheError> {
        Ok(self
            .read::<QuotesFile>(QUOTES_FILE, |f| f.version)?
            .map(|file| CachedQuotes {
                quotes: file.quotes,
                saved_at: file.saved_at,
            }))
    }

    /// A corrupt read state is replaced at once by an empty one, which is what the app then
    /// holds: it is otherwise written only when a headline is read.
    pub fn load_read(&self) -> Result<HashSet<String>, CacheError> {
        match self.read::<StateFile>(STATE_FILE, |f| f.version) {
            Ok(file) => Ok(file
                .map(|file| file.read.into_iter().collect())
                .unwrap_or_default()),
            Err(error) => {
                if let CacheError::Corrupt { .. } = error
                    && let Err(write) = self.save_read(&[])
                {
                    tracing::warn!(%write, "could not replace the corrupt read state");
                }
                Err(error)
            }
        }
    }

    pub fn save_quotes(&self, quotes: &[Quote], saved_at: Timestamp) -> Result<(), CacheError> {
        let file = QuotesFile {
            version: VERSION,
            saved_at,
            quotes: quotes.to_vec(),
        };
        self.write(QUOTES_FILE, &file)
    }

    pub fn load_feeds(&self) -> Result<Vec<CachedFeed>, CacheError> {
        Ok(self
            .read::<FeedsFile>(FEEDS_FILE, |f| f.version)?
            .map(|file| file.feeds)
            .unwrap_or_default())
    }

    pub fn save_feeds(&self, feeds: &[CachedFeed]) -> Result<(), CacheError> {
        let file = FeedsFile {
            version: VERSION,
            feeds: feeds.to_vec(),
        };
        self.write(FEEDS_FILE, &file)
    }

    /// A cached article for `url`, if there is one (a damaged file counts as none).
    pub fn load_article(&self, url: &str) -> Option<Article> {
        let name = article_file(url);
        let file = self.read::<ArticleFile>(&name, |f| f.version).ok()??;
        (file.url == url).then_some(file.article)
    }

    /// Saves an article, then drops the least recently written ones until the article cache
    /// fits in `budget_bytes`.
    pub fn save_article(
        &self,
        url: &str,
        article: &Article,
        budget_bytes: u64,
    ) -> Result<(), CacheError> {
        let file = ArticleFile {
            version: VERSION,
            url: url.to_owned(),
            article: article.clone(),
        };
        self.write(&article_file(url), &file)?;
        self.trim_articles(budget_bytes);
        Ok(())
    }

    /// Best effort: a file that cannot be listed or removed is simply left.
    fn trim_articles(&self, budget_bytes: u64) {
        let Ok(entries) = fs::read_dir(self.dir.join(ARTICLES_DIR)) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), entry.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= budget_bytes {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }

    pub fn save_read(&self, read: &[String]) -> Result<(), CacheError> {
        let file = StateFile {
            version: VERSION,
            read: read.to_vec(),
        };
        self.write(STATE_FILE, &file)
    }

    pub fn load_alerts(&self) -> Result<Vec<FiredAlert>, CacheError> {
        Ok(self
            .read::<AlertsFile>(ALERTS_FILE, |f| f.version)?
            .map(|file| file.fired)
            .unwrap_or_default())
    }

    pub fn save_alerts(&self, fired: &[FiredAlert]) -> Result<(), CacheError> {
        let file = AlertsFile {
            version: VERSION,
            fired: fired.to_vec(),
        };
        self.write(ALERTS_FILE, &file)
    }

    fn read<T: DeserializeOwned>(
        &self,
        name: &str,
        version: impl Fn(&T) -> u32,
    ) -> Result<Option<T>, CacheError> {
        let path = self.dir.join(name);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CacheError::Io {
                    file: name.to_owned(),
                    source,
                });
            }
        };
        let detail = match serde_json::from_slice::<T>(&bytes) {
            Ok(parsed) if version(&parsed) == VERSION => return Ok(Some(parsed)),
            Ok(parsed) => format!("format version {}, expected {VERSION}", version(&parsed)),
            Err(error) => error.to_string(),
        };
        set_aside(name, &path)?;
        Err(CacheError::Corrupt {
            file: name.to_owned(),
            detail,
        })
    }

    fn write<T: Serialize>(&self, name: &str, value: &T) -> Result<(), CacheError> {
        let io_error = |source| CacheError::Io {
            file: name.to_owned(),
            source,
        };
        let path = self.dir.join(name);
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(io_error)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io_error)?;
        // One write, not one per JSON token: the file handle is unbuffered.
        let bytes = serde_json::to_vec(value).map_err(|e| io_error(e.into()))?;
        temp.write_all(&bytes).map_err(io_error)?;
        temp.persist(path).map_err(|e| io_error(e.error))?;
        Ok(())
    }
}

/// Moves an unreadable file to `NAME.corrupt`, replacing an older one there. If it cannot be
/// moved, that is the problem worth reporting: it would be read, and fail, at every start.
fn set_aside(name: &str, path: &Path) -> Result<(), CacheError> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{SET_ASIDE}"));
    tracing::warn!(file = %path.display(), "unreadable cache file set aside");
    fs::rename(path, aside).map_err(|source| CacheError::Io {
        file: name.to_owned(),
        source,
    })
}

/// Article files are named by a hash of their URL: URLs are too long and too strange for file
/// names. FNV-1a, because the name must not change between builds (std's hasher may).
fn article_file(url: &str) -> String {
    let hash = url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{ARTICLES_DIR}/{hash:016x}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(symbol: &str, price: f64) -> Quote {
        Quote {
            previous_close: Some(1.0),
            series: vec![Some(1.0), None, Some(2.0)],
            ..Quote::new(
                symbol,
                price,
                2,
                Timestamp::from_second(1_700_000_000).unwrap(),
            )
        }
    }

    #[test]
    fn quotes_and_read_state_round_trip_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("nested"));
        assert_eq!(cache.load_quotes().unwrap(), None);
        assert!(cache.load_read().unwrap().is_empty());
        let saved_at = Timestamp::from_second(1_700_000_100).unwrap();
        cache
            .save_quotes(&[quote("^FTSE", 8164.12)], saved_at)
            .unwrap();
        cache.save_read(&["a".to_owned(), "b".to_owned()]).unwrap();
        assert_eq!(
            cache.load_quotes().unwrap(),
            Some(CachedQuotes {
                quotes: vec![quote("^FTSE", 8164.12)],
                saved_at
            })
        );
        assert_eq!(
            cache.load_read().unwrap(),
            HashSet::from(["a".to_owned(), "b".to_owned()])
        );
        let mut names: Vec<_> = fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["quotes.json", "state.json"]);
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn unreadable_files_are_set_aside_keeping_the_latest_and_readable_ones_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        cache
            .save_quotes(&[quote("^FTSE", 8164.12)], Timestamp::UNIX_EPOCH)
            .unwrap();
        let good_quotes = fs::read(dir.path().join(QUOTES_FILE)).unwrap();
        fs::write(dir.path().join(FEEDS_FILE), b"old garbage").unwrap();
        assert!(cache.load_feeds().is_err());
        for name in [FEEDS_FILE, STATE_FILE] {
            fs::write(dir.path().join(name), format!("new garbage in {name}")).unwrap();
        }

        assert_eq!(cache.load_quotes().unwrap().unwrap().quotes.len(), 1);
        let feeds = cache.load_feeds().unwrap_err();
        assert!(matches!(&feeds, CacheError::Corrupt { file, .. } if file == FEEDS_FILE));
        let state = cache.load_read().unwrap_err();
        assert!(matches!(&state, CacheError::Corrupt { file, .. } if file == STATE_FILE));
        assert_eq!(
            names_in(dir.path()),
            [
                "feeds.json.corrupt",
                "quotes.json",
                "state.json",
                "state.json.corrupt"
            ]
        );
        assert_eq!(fs::read(dir.path().join(QUOTES_FILE)).unwrap(), good_quotes);
        let aside = fs::read_to_string(dir.path().join("feeds.json.corrupt")).unwrap();
        assert_eq!(aside, "new garbage in feeds.json", "the latest is kept");

        // The next start finds nothing wrong: no feeds yet, and an empty read state.
        assert_eq!(cache.load_feeds().unwrap(), Vec::new());
        assert_eq!(cache.load_read().unwrap(), HashSet::new());
        cache.save_feeds(&[]).unwrap();
        assert_eq!(cache.load_feeds().unwrap(), Vec::new());
    }

    #[test]
    fn a_corrupt_article_is_set_aside_and_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        let url = "https://news.example.com/a";
        cache
            .save_article(url, &article("A", "text"), 1 << 20)
            .unwrap();
        let path = dir.path().join(article_file(url));
        fs::write(&path, b"{").unwrap();
        assert_eq!(cache.load_article(url), None);
        assert!(!path.exists());
        assert!(
            dir.path()
                .join(format!("{}.corrupt", article_file(url)))
                .exists()
        );
    }

    #[test]
    fn corrupt_and_foreign_version_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        fs::write(
            dir.path().join(QUOTES_FILE),
            b"{\"version\":1,\"saved_at\":",
        )
        .unwrap();
        let error = cache.load_quotes().unwrap_err();
        assert!(
            matches!(&error, CacheError::Corrupt { file, .. } if file == QUOTES_FILE),
            "{error}"
        );
        fs::write(dir.path().join(STATE_FILE), b"{\"version\":9,\"read\":[]}").unwrap();
        assert_eq!(
            cache.load_read().unwrap_err().to_string(),
            "state.json: format version 9, expected 1"
        );
    }

    #[test]
    fn escape_sequences_in_a_tampered_cache_are_defused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        let text = r#"{"version":1,"saved_at":"2024-06-28T21:00:00Z","quotes":[{"symbol":"X","price":1.0,"previous_close":null,"decimals":2,"currency":"\u001b[31mGBP","time":"2024-06-28T21:00:00Z"}]}"#;
        fs::write(dir.path().join(QUOTES_FILE), text).unwrap();
        let cached = cache.load_quotes().unwrap().unwrap();
        assert_eq!(
            cached.quotes[0].currency.as_ref().unwrap().as_str(),
            "[31mGBP"
        );
    }

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: crate::sanitize::SafeText::new(title),
            source: crate::sanitize::SafeText::new("Feed"),
            published: None,
            byline: None,
            blocks: vec![crate::domain::Block::Paragraph(
                crate::sanitize::SafeText::new(body),
            )],
            links: Vec::new(),
        }
    }

    #[test]
    fn articles_round_trip_and_the_oldest_go_over_budget() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        assert_eq!(cache.load_article("https://example.com/a"), None);
        let big = "x".repeat(4_000);
        cache
            .save_article("https://example.com/a", &article("A", &big), 1 << 20)
            .unwrap();
        assert_eq!(
            cache.load_article("https://example.com/a"),
            Some(article("A", &big))
        );
        // Make "a" clearly the oldest, then overflow a budget that holds about one article.
        let a = dir.path().join(article_file("https://example.com/a"));
        let old = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
        fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(old)
            .unwrap();
        cache
            .save_article("https://example.com/b", &article("B", &big), 6_000)
            .unwrap();
        assert_eq!(cache.load_article("https://example.com/a"), None);
        assert_eq!(
            cache.load_article("https://example.com/b"),
            Some(article("B", &big))
        );
    }

    #[test]
    fn feeds_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_owned());
        assert!(cache.load_feeds().unwrap().is_empty());
        let feed = CachedFeed {
            url: "https://example.com/rss".to_owned(),
            etag: Some("\"abc\"".to_owned()),
            last_modified: None,
            headlines: Vec::new(),
        };
        cache.save_feeds(std::slice::from_ref(&feed)).unwrap();
        assert_eq!(cache.load_feeds().unwrap(), [feed]);
    }
}
