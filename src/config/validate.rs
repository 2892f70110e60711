//! Checking the file: every raw value (`super::raw`) becomes a plain, valid one or an error
//! naming its file, line and column. One [`Layer`] per file; the user's is laid over the
//! built-in defaults.

mod lists;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use url::Url;

use super::raw::{BaseUrls, RawConfig, RawFeed, RawSymbol, WholeNumber};
use super::{Config, ConfigError, Feed, Group, MARKET_NAMES, MAX_REFRESH_SECS, MAX_SYMBOL_CHARS};
use super::{NewsConfig, PortfolioConfig, Position, QuotesConfig, TickerConfig};
use crate::domain::{Instrument, Provider};
use crate::market::Market;
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

    fn instruments(&self, list: Spanned<Vec<RawSymbol>>) -> Result<Vec<Instrument>, ConfigError> {
        if list.get_ref().is_empty() {
            let message = "quotes.symbols must list at least one instrument";
            return Err(self.invalid(list.span(), message));
        }
        let mut first_seen: HashMap<String, Range<usize>> = HashMap::new();
        let mut instruments = Vec::with_capacity(list.get_ref().len());
        for raw in list.into_inner() {
            let (symbol, span) = (raw.symbol.get_ref(), raw.symbol.span());
            self.symbol(&raw.symbol, &first_seen)?;
            let name = self.name(&raw.name, &format!("name of {symbol:?}"))?;
            let market = match &raw.market {
                None => Market::for_symbol(symbol),
                Some(market) => Market::from_name(market.get_ref()).ok_or_else(|| {
                    let message = format!(
                        "market {:?} is not known; use one of: {MARKET_NAMES}",
                        market.get_ref()
                    );
                    self.invalid(market.span(), message)
                })?,
            };
            let provider = self.provider(&raw, span.clone())?;
            first_seen.insert(symbol.clone(), span);
            let aliases = self.aliases(raw.aliases.as_deref().unwrap_or_default())?;
            instruments.push(Instrument {
                symbol: raw.symbol.into_inner(),
                name,
                market,
                provider,
                aliases,
            });
        }
        Ok(instruments)
    }

    /// A provider symbol: printable ASCII, bounded, and not already in `first_seen` (a list
    /// that names one twice is surely a mistake).
    fn symbol(
        &self,
        value: &Spanned<String>,
        first_seen: &HashMap<String, Range<usize>>,
    ) -> Result<(), ConfigError> {
        let symbol = value.get_ref();
        let problem = if symbol.is_empty() {
            "symbol must not be empty".to_owned()
        } else if !symbol.chars().all(|c| c.is_ascii_graphic()) {
            format!("symbol {symbol:?} must be printable ASCII with no spaces")
        } else if symbol.len() > MAX_SYMBOL_CHARS {
            format!("symbol {symbol:?} is longer than {MAX_SYMBOL_CHARS} characters")
        } else if let Some(first) = first_seen.get(symbol) {
            let (line, _) = self.line_column(first.start);
            format!("symbol {symbol:?} is listed twice (first on line {line})")
        } else {
            return Ok(());
        };
        Err(self.invalid(value.span(), problem))
    }

    /// Aliases are matched against headlines, so an empty one would match everything.
    fn aliases(&self, raw: &[Spanned<String>]) -> Result<Vec<String>, ConfigError> {
        raw.iter()
            .map(|alias| {
                let text = alias.get_ref().trim();
                if text.is_empty() {
                    Err(self.invalid(alias.span(), "aliases must not be empty"))
                } else {
                    Ok(text.to_owned())
                }
            })
            .collect()
    }

    /// `provider = "coingecko"` needs `id` and `vs`; both are meaningless for Yahoo.
    fn provider(
        &self,
        raw: &RawSymbol,
        symbol_span: Range<usize>,
    ) -> Result<Provider, ConfigError> {
        let name = raw
            .provider
            .as_ref()
            .map_or("yahoo", |p| p.get_ref().as_str());
        let coin_key = |key: &Option<Spanned<String>>, what: &str| match key {
            Some(value)
                if !value.get_ref().is_empty()
                    && value
                        .get_ref()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Ok(value.get_ref().to_ascii_lowercase())
            }
            Some(value) => Err(self.invalid(
                value.span(),
                format!("{what} must be letters, digits, '-' or '_'"),
            )),
            None => Err(self.invalid(
                symbol_span.clone(),
                format!("provider \"coingecko\" needs {what}"),
            )),
        };
        match name {
            "yahoo" => match (&raw.id, &raw.vs) {
                (Some(extra), _) | (None, Some(extra)) => Err(self.invalid(
                    extra.span(),
                    "id and vs are only for provider = \"coingecko\"",
                )),
                (None, None) => Ok(Provider::Yahoo),
            },
            "coingecko" => Ok(Provider::CoinGecko {
                id: coin_key(&raw.id, "id (CoinGecko's coin id, e.g. \"bitcoin\")")?,
                vs: coin_key(&raw.vs, "vs (the currency, e.g. \"gbp\")")?,
            }),
            other => {
                let span = raw
                    .provider
                    .as_ref()
                    .map_or(symbol_span.clone(), Spanned::span);
                Err(self.invalid(
                    span,
                    format!("provider {other:?} is not known; use \"yahoo\" or \"coingecko\""),
                ))
            }
        }
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
}

impl Layer {
    pub(super) fn parse(src: &Source) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(src.text)
            .map_err(|err| src.invalid(err.span().unwrap_or(0..0), err.message()))?;
        let (quotes, news) = (raw.quotes.unwrap_or_default(), raw.news.unwrap_or_default());
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
            speed: (raw.ticker.and_then(|ticker| ticker.speed).as_ref())
                .map(|value| src.bounded(value, "ticker.speed", 1, 20))
                .transpose()?,
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
        let positions = src.known_positions(self.positions.take(), &instruments)?;
        let portfolio = PortfolioConfig {
            currency,
            positions,
        };
        Ok(self.complete_with(instruments, groups, portfolio))
    }

    fn complete_with(
        self,
        instruments: Vec<Instrument>,
        groups: Vec<Group>,
        portfolio: PortfolioConfig,
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
            },
            portfolio,
        })
    }
}

fn base_urls(src: &Source, urls: Spanned<BaseUrls>) -> Result<Vec<String>, ConfigError> {
    let span = urls.span();
    let list = match urls.into_inner() {
        BaseUrls::One(url) => vec![Spanned::new(span.clone(), url)],
        BaseUrls::Many(list) => list,
    };
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
    })
}
