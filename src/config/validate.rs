//! Checking the file: every raw value (`super::raw`) becomes a plain, valid one or an error
//! naming its file, line and column. One [`Layer`] per file; the user's is laid over the
//! built-in defaults.

mod instruments;
mod lists;

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use url::Url;

use super::alerts::{AlertsLayer, alerts};
use super::appearance::{Colors, ThemeName, colors, theme};
use super::keys::keys;
use super::raw::{OneOrMany, RawConfig, RawFeed, Strings, Urls, WholeNumber};
use super::{AlertRule, PortfolioConfig, Position, QuotesConfig, TickerConfig};
use super::{Appearance, Config, ConfigError, Feed, Group, MAX_REFRESH_SECS, NewsConfig};
use crate::domain::Instrument;
use crate::keymap::KeyMap;
use crate::sanitize::SafeText;
use lists::with_groups;

/// The text being checked, so every error can name its file, line and column.
pub(super) struct Source<'a> {
    pub(super) text: &'a str,
    pub(super) path: &'a Path,
}

impl Source<'_> {
    pub(super) fn invalid(&self, span: Range<usize>, message: impl fmt::Display) -> ConfigError {
        let (line, column) = self.line_column(span.start);
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            // Messages can quote the file's text (an unknown key, say), which may hold escapes.
            message: SafeText::new(&message.to_string()).to_string(),
        }
    }

    fn bounded<T: TryFrom<i64>>(
        &self,
        value: &Spanned<WholeNumber>,
        key: &str,
        min: i64,
        max: i64,
    ) -> Result<T, ConfigError> {
        let got = value.get_ref().0;
        let limit = if got < min {
            format!("at least {min}")
        } else if got > max {
            format!("at most {max}")
        } else if let Ok(ok) = T::try_from(got) {
            return Ok(ok);
        } else {
            format!("between {min} and {max}")
        };
        Err(self.invalid(value.span(), format!("{key} must be {limit} (got {got})")))
    }

    fn http_url(&self, value: &Spanned<String>, key: &str) -> Result<Url, ConfigError> {
        let text = value.get_ref();
        let url = Url::parse(text).map_err(|err| {
            self.invalid(
                value.span(),
                format!("{key} {text:?} is not a valid URL ({err})"),
            )
        })?;
        if matches!(url.scheme(), "http" | "https") {
            Ok(url)
        } else {
            let message = format!("{key} {text:?} must start with http:// or https://");
            Err(self.invalid(value.span(), message))
        }
    }

    /// Names are shown on screen, so they pass the sanitiser; one that is blank after it would
    /// leave an unlabelled gap on the tape.
    fn name(&self, value: &Spanned<String>, what: &str) -> Result<SafeText, ConfigError> {
        let name = SafeText::new(value.get_ref().trim());
        if name.as_str().trim().is_empty() {
            return Err(self.invalid(value.span(), format!("{what} must not be empty")));
        }
        Ok(name)
    }

    /// 1-based; columns count characters, as editors show them, not bytes.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let (mut line, mut column) = (1, 1);
        for (_, c) in self.text.char_indices().take_while(|(at, _)| *at < offset) {
            if c == '\n' {
                (line, column) = (line + 1, 1);
            } else {
                column += 1;
            }
        }
        (line, column)
    }
}

/// One file's validated values; `None` where the file does not set the key.
#[derive(Default)]
pub(super) struct Layer {
    base_urls: Option<Vec<String>>,
    coingecko_url: Option<String>,
    quotes_refresh: Option<Duration>,
    instruments: Option<Vec<Instrument>>,
    group_name: Option<SafeText>,
    groups: Option<Vec<Group>>,
    currency: Option<String>,
    /// Spanned by the symbol, which must turn out to be an instrument once layers are merged.
    positions: Option<Vec<Spanned<Position>>>,
    news_refresh: Option<Duration>,
    max_items: Option<usize>,
    article_cache_mb: Option<u64>,
    feeds: Option<Vec<Feed>>,
    speed: Option<u8>,
    keys: Option<KeyMap>,
    theme: Option<ThemeName>,
    colors: Option<Colors>,
    shift: Option<bool>,
    alerts: AlertsLayer,
}

impl Layer {
    pub(super) fn parse(src: &Source) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(src.text)
            .map_err(|err| src.invalid(err.span().unwrap_or(0..0), err.message()))?;
        let (quotes, news) = (raw.quotes.unwrap_or_default(), raw.news.unwrap_or_default());
        let ticker = raw.ticker.unwrap_or_default();
        let portfolio = raw.portfolio.as_ref();
        let secs = |value: &Spanned<WholeNumber>, key, min| {
            src.bounded(value, key, min, MAX_REFRESH_SECS)
                .map(Duration::from_secs)
        };
        Ok(Self {
            base_urls: quotes
                .base_url
                .map(|urls| base_urls(src, urls))
                .transpose()?,
            coingecko_url: (quotes.coingecko_url.as_ref())
                .map(|url| {
                    let url = src.http_url(url, "quotes.coingecko_url")?;
                    Ok(url.as_str().trim_end_matches('/').to_owned())
                })
                .transpose()?,
            quotes_refresh: (quotes.refresh_secs.as_ref())
                .map(|value| secs(value, "quotes.refresh_secs", 5))
                .transpose()?,
            instruments: quotes
                .symbols
                .map(|list| src.instruments(list))
                .transpose()?,
            group_name: (quotes.group_name.as_ref())
                .map(|name| src.name(name, "quotes.group_name"))
                .transpose()?,
            groups: raw.groups.as_deref().map(|g| src.groups(g)).transpose()?,
            currency: (portfolio.and_then(|p| p.currency.as_ref()))
                .map(|code| src.currency(code))
                .transpose()?,
            positions: (portfolio.and_then(|p| p.positions.as_deref()))
                .map(|list| list.iter().map(|raw| src.position(raw)).collect())
                .transpose()?,
            news_refresh: (news.refresh_secs.as_ref())
                .map(|value| secs(value, "news.refresh_secs", 60))
                .transpose()?,
            max_items: (news.max_items.as_ref())
                .map(|value| src.bounded(value, "news.max_items", 1, 5000))
                .transpose()?,
            article_cache_mb: (news.article_cache_mb.as_ref())
                .map(|value| src.bounded(value, "news.article_cache_mb", 1, 10_000))
                .transpose()?,
            feeds: (news.feeds.as_ref())
                .map(|feeds| feeds.iter().map(|feed| feed_from(src, feed)).collect())
                .transpose()?,
            speed: (ticker.speed.as_ref())
                .map(|value| src.bounded(value, "ticker.speed", 1, 20))
                .transpose()?,
            keys: raw.keys.map(|table| keys(src, table)).transpose()?,
            theme: (raw.theme.as_ref())
                .map(|name| theme(src, name))
                .transpose()?,
            colors: raw.colors.map(|table| colors(src, &table)).transpose()?,
            shift: ticker.shift,
            alerts: raw
                .alerts
                .map(|table| alerts(src, table))
                .transpose()?
                .unwrap_or_default(),
        })
    }

    pub(super) fn over(self, base: Self) -> Self {
        Self {
            base_urls: self.base_urls.or(base.base_urls),
            coingecko_url: self.coingecko_url.or(base.coingecko_url),
            quotes_refresh: self.quotes_refresh.or(base.quotes_refresh),
            instruments: self.instruments.or(base.instruments),
            group_name: self.group_name.or(base.group_name),
            groups: self.groups.or(base.groups),
            currency: self.currency.or(base.currency),
            positions: self.positions.or(base.positions),
            news_refresh: self.news_refresh.or(base.news_refresh),
            max_items: self.max_items.or(base.max_items),
            article_cache_mb: self.article_cache_mb.or(base.article_cache_mb),
            feeds: self.feeds.or(base.feeds),
            speed: self.speed.or(base.speed),
            keys: self.keys.or(base.keys),
            theme: self.theme.or(base.theme),
            colors: self.colors.or(base.colors),
            shift: self.shift.or(base.shift),
            alerts: self.alerts.over(base.alerts),
        }
    }

    /// The merged layers as a config, `None` if a default is missing. Positions can only be
    /// checked here, against the instruments of whichever layer gave them; they come from
    /// `src`, the user's file (the built-in one has none).
    pub(super) fn complete(mut self, src: &Source) -> Result<Option<Config>, ConfigError> {
        let (Some(name), Some(instruments), Some(currency)) = (
            self.group_name.take(),
            self.instruments.take(),
            self.currency.take(),
        ) else {
            return Ok(None);
        };
        let first = Group {
            name,
            symbols: Vec::new(),
        };
        let (instruments, groups) =
            with_groups(instruments, first, self.groups.take().unwrap_or_default());
        let positions = src.known(self.positions.take(), &instruments, "position", |p| {
            &p.symbol
        })?;
        let portfolio = PortfolioConfig {
            currency,
            positions,
        };
        let rules = (self.alerts.rules.take())
            .map(|rules| src.known(Some(rules), &instruments, "alert symbol", |r| &r.symbol))
            .transpose()?;
        Ok(self.complete_with(instruments, groups, portfolio, rules.unwrap_or_default()))
    }

    fn complete_with(
        self,
        instruments: Vec<Instrument>,
        groups: Vec<Group>,
        portfolio: PortfolioConfig,
        rules: Vec<AlertRule>,
    ) -> Option<Config> {
        Some(Config {
            quotes: QuotesConfig {
                base_urls: self.base_urls?,
                coingecko_url: self.coingecko_url?,
                refresh: self.quotes_refresh?,
                instruments,
                groups,
            },
            news: NewsConfig {
                refresh: self.news_refresh?,
                max_items: self.max_items?,
                article_cache_bytes: self.article_cache_mb? * 1024 * 1024,
                feeds: self.feeds?,
            },
            ticker: TickerConfig {
                speed_cols_per_sec: self.speed?,
                is_shift_on: self.shift?,
            },
            keys: self.keys.unwrap_or_default(),
            appearance: Appearance {
                theme: self.theme.unwrap_or_default(),
                colors: self.colors.unwrap_or_default(),
            },
            portfolio,
            alerts: self.alerts.complete(rules),
        })
    }
}

/// The strings of a [`OneOrMany`], each with its span.
pub(super) fn spanned_strings<E>(value: Spanned<OneOrMany<E>>) -> Vec<Spanned<String>> {
    let span = value.span();
    match value.into_inner().0 {
        Strings::One(one) => vec![Spanned::new(span, one)],
        Strings::Many(list) => list,
    }
}

fn base_urls(src: &Source, urls: Spanned<OneOrMany<Urls>>) -> Result<Vec<String>, ConfigError> {
    let span = urls.span();
    let list = spanned_strings(urls);
    if list.is_empty() {
        return Err(src.invalid(span, "quotes.base_url must list at least one URL"));
    }
    list.iter()
        .map(|url| {
            Ok(src
                .http_url(url, "quotes.base_url")?
                .as_str()
                .trim_end_matches('/')
                .to_owned())
        })
        .collect()
}

fn feed_from(src: &Source, feed: &RawFeed) -> Result<Feed, ConfigError> {
    Ok(Feed {
        name: src.name(&feed.name, "feed name")?,
        url: src.http_url(&feed.url, "feed url")?.into(),
        short: feed
            .short
            .as_ref()
            .map(|short| src.name(short, "feed short"))
            .transpose()?,
    })
}
