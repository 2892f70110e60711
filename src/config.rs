//! The user's settings, and everything about where they live. A mistake in the file must stop
//! the program with the file, line and column of the mistake, never be half-applied or ignored,
//! so every key is checked here once and the rest of the program gets plain, valid values.
//!
//! Owns [`Config`], [`ConfigError`], the defaults (the bundled `assets/default-config.toml`, so the
//! file `--init-config` writes and the built-in defaults cannot drift apart), the XDG paths and
//! `--init-config`. Never touches the terminal: callers decide how to report errors.

mod alerts;
mod appearance;
#[cfg(test)]
mod appearance_tests;
pub mod edit;
mod keys;
#[cfg(test)]
mod keys_tests;
mod print;
mod raw;
mod validate;

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rust_decimal::Decimal;

use crate::domain::Instrument;
use crate::keymap::KeyMap;
use crate::sanitize::SafeText;
pub use alerts::{AlertRule, AlertsConfig, Condition, Desktop};
pub use appearance::{Appearance, Colors, ThemeName, color_name, parse_color};
pub use print::to_toml;
use validate::{Layer, Source};

/// The commented default file: written by `--init-config`, and parsed as the base every user
/// file is laid over.
pub const DEFAULT_CONFIG_TEXT: &str = include_str!("../assets/default-config.toml");

/// Shown as the file name should the bundled text itself ever be wrong.
const BUILT_IN: &str = "<built-in default config>";

/// A day: longer refresh periods are surely a typo, and huge ones overflow timer arithmetic.
const MAX_REFRESH_SECS: i64 = 86_400;
pub(crate) const MAX_SYMBOL_CHARS: usize = 32;
const MARKET_NAMES: &str =
    "london, new-york, xetra, paris, tokyo, hong-kong, fx, crypto, cme-futures";

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub quotes: QuotesConfig,
    pub news: NewsConfig,
    pub ticker: TickerConfig,
    pub keys: KeyMap,
    pub appearance: Appearance,
    pub portfolio: PortfolioConfig,
    pub alerts: AlertsConfig,
}

/// What the user owns, valued by `crate::portfolio`.
#[derive(Clone, Debug, PartialEq)]
pub struct PortfolioConfig {
    /// ISO 4217, upper case: what totals are shown in.
    pub currency: String,
    /// Lots in the order written; several for one symbol are summed into one row. Each symbol
    /// is an instrument of the watchlist or a group.
    pub positions: Vec<Position>,
}

/// One lot: `quantity` units bought at `cost` each, in the instrument's quote currency (pence
/// for a `GBp` share).
#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub symbol: String,
    /// Never negative; zero is a closed position.
    pub quantity: Decimal,
    pub cost: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuotesConfig {
    /// Tried in order; each is an http(s) URL without a trailing `/`, so paths can be appended.
    pub base_urls: Vec<String>,
    pub coingecko_url: String,
    pub refresh: Duration,
    /// Every instrument polled: `[[quotes.symbols]]` in the order the user listed them, then
    /// the grouped symbols not listed there. Never empty, symbols unique.
    pub instruments: Vec<Instrument>,
    /// The tape's groups, `[[quotes.symbols]]` first; each symbol is in `instruments`.
    pub groups: Vec<Group>,
}

/// A named part of the watchlist the tape shows at a time (`[` and `]` switch).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: SafeText,
    /// Unique within the group; a symbol may be in several groups.
    pub symbols: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewsConfig {
    pub refresh: Duration,
    pub max_items: usize,
    pub article_cache_bytes: u64,
    /// May be empty: the user turned news off.
    pub feeds: Vec<Feed>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feed {
    pub name: SafeText,
    /// A valid http(s) URL, normalised by the `url` crate.
    pub url: String,
    /// `short`: the label the headline list shows; `None` derives one from the name.
    pub short: Option<SafeText>,
}

impl Feed {
    /// What the headline list shows as this feed's source.
    pub fn label(&self) -> &str {
        self.short
            .as_ref()
            .map_or_else(|| short_label(self.name.as_str()), SafeText::as_str)
    }
}

/// A source name's first word, skipping a leading article ("The Guardian Business" is
/// "Guardian"): a list row's columns go to the title, and one word tells feeds apart.
pub fn short_label(name: &str) -> &str {
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or(name);
    if ["the", "a", "an"].contains(&first.to_lowercase().as_str()) {
        words.next().unwrap_or(first)
    } else {
        first
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TickerConfig {
    pub speed_cols_per_sec: u8,
    /// A step is drawn as a delete-character and the new cells, not a rewritten row.
    pub is_shift_on: bool,
}

impl Default for Config {
    fn default() -> Self {
        // The unit test `default_text_parses_to_documented_defaults` proves this cannot fail.
        defaults().expect("the bundled default config is valid")
    }
}

/// Loaded config and the file it came from (None = built-in defaults because the default path
/// did not exist).
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Line and column are 1-based; the column counts characters, not bytes.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: no such config file", path.display())]
    Missing { path: PathBuf },
    #[error("{}: already exists; not overwriting it", path.display())]
    Exists { path: PathBuf },
    #[error("no config directory: set XDG_CONFIG_HOME or HOME")]
    NoHome,
}

/// `explicit` is `--config PATH`, which must exist: a typo there should not silently fall back
/// to defaults. Without it the default path is read if it exists; nothing is ever written.
///
/// # Errors
/// [`ConfigError::Missing`] for a missing explicit file, [`ConfigError::NoHome`] when there is
/// no default path, [`ConfigError::Io`] when the file cannot be read, and
/// [`ConfigError::Invalid`] for any mistake in it.
pub fn load(
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<Loaded, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => default_config_path(env).ok_or(ConfigError::NoHome)?,
    };
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Loaded {
            config: parse(&text, &path)?,
            path: Some(path),
        }),
        Err(err) if err.kind() == io::ErrorKind::NotFound && explicit.is_none() => Ok(Loaded {
            config: defaults()?,
            path: None,
        }),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(ConfigError::Missing { path }),
        Err(source) => Err(ConfigError::Io { path, source }),
    }
}

/// Pure, so tests and fuzzers can feed it any text; `path` only labels errors.
///
/// # Errors
/// [`ConfigError::Invalid`], naming the line and column of the first mistake.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let user_src = Source { text, path };
    let user = Layer::parse(&user_src)?;
    let built_in = Source {
        text: DEFAULT_CONFIG_TEXT,
        path: Path::new(BUILT_IN),
    };
    let base = Layer::parse(&built_in)?;
    (user.over(base).complete(&user_src)?)
        .ok_or_else(|| built_in.invalid(0..0, "a default is missing"))
}

fn defaults() -> Result<Config, ConfigError> {
    parse("", Path::new(BUILT_IN))
}

/// `$XDG_CONFIG_HOME/tickertape/config.toml`, else `$HOME/.config/tickertape/config.toml`.
/// Per the XDG spec an empty or relative `XDG_CONFIG_HOME` is ignored.
pub fn default_config_path(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    base_dir(env, "XDG_CONFIG_HOME", ".config").map(|dir| dir.join("tickertape/config.toml"))
}

/// `$XDG_CACHE_HOME/tickertape`, else `$HOME/.cache/tickertape`, by the same rules.
pub fn cache_dir(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    base_dir(env, "XDG_CACHE_HOME", ".cache").map(|dir| dir.join("tickertape"))
}

/// Relative values are ignored for HOME too: a path that moves with the working directory
/// would scatter files around.
fn base_dir(
    env: &dyn Fn(&str) -> Option<OsString>,
    xdg_var: &str,
    home_subdir: &str,
) -> Option<PathBuf> {
    let absolute = |var: &str| env(var).map(PathBuf::from).filter(|dir| dir.is_absolute());
    absolute(xdg_var).or_else(|| absolute("HOME").map(|home| home.join(home_subdir)))
}

/// Refuses to overwrite: the existing file is probably the user's edited one.
///
/// # Errors
/// [`ConfigError::Exists`] if `path` exists, else [`ConfigError::Io`] if it cannot be written.
pub fn init_config(path: &Path) -> Result<(), ConfigError> {
    let io_error = |source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent).map_err(io_error)?;
    }
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            return Err(ConfigError::Exists {
                path: path.to_path_buf(),
            });
        }
        Err(err) => return Err(io_error(err)),
    };
    file.write_all(DEFAULT_CONFIG_TEXT.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|err| {
            // A half-written file would be refused by the next --init-config and fail to parse.
            let _ = fs::remove_file(path);
            io_error(err)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Provider;
    use crate::fixtures::instrument;
    use crate::market::Market;

    pub(super) const PATH: &str = "/etc/c.toml";

    pub(super) fn error(text: &str) -> String {
        parse(text, Path::new(PATH)).unwrap_err().to_string()
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn feed(name: &str, url: &str) -> Feed {
        Feed {
            name: SafeText::new(name),
            url: url.to_owned(),
            short: None,
        }
    }

    fn markets(instruments: &[Instrument]) -> Group {
        Group {
            name: SafeText::new("Markets"),
            symbols: instruments.iter().map(|i| i.symbol.clone()).collect(),
        }
    }

    fn documented_defaults() -> Config {
        let symbols: [(&str, &str, &[&str]); 15] = [
            ("^FTSE", "FTSE 100", &["FTSE", "Footsie"]),
            ("^FTMC", "FTSE 250", &["FTSE 250", "mid-cap", "mid-caps"]),
            ("^FTAI", "AIM", &["AIM"]),
            ("GBPEUR=X", "GBP/EUR", &["sterling", "pound", "euro"]),
            ("GBPUSD=X", "GBP/USD", &["sterling", "pound", "cable"]),
            ("BTC-GBP", "Bitcoin GBP", &["bitcoin", "BTC"]),
            (
                "^CMC200",
                "CMC Crypto 200",
                &["crypto", "cryptocurrency", "cryptocurrencies"],
            ),
            ("^GSPC", "S&P 500", &["S&P", "Wall Street"]),
            ("^DJI", "DOW", &["Dow"]),
            (
                "CL=F",
                "Crude Oil",
                &["oil", "crude", "Brent", "WTI", "OPEC"],
            ),
            ("GC=F", "Gold Futures", &["gold"]),
            ("^N225", "Nikkei 225", &["Nikkei", "日経"]),
            ("^HSI", "Hang Seng", &["Hang Seng", "恒指", "恒生"]),
            ("^GDAXI", "DAX", &["DAX"]),
            ("^FCHI", "CAC 40", &["CAC"]),
        ];
        let instruments: Vec<_> = symbols
            .iter()
            .map(|(s, n, aliases)| Instrument {
                aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
                ..instrument(s, n)
            })
            .collect();
        Config {
            quotes: QuotesConfig {
                base_urls: vec![
                    "https://query1.finance.yahoo.com".to_owned(),
                    "https://query2.finance.yahoo.com".to_owned(),
                ],
                coingecko_url: "https://api.coingecko.com".to_owned(),
                refresh: Duration::from_secs(15),
                groups: vec![markets(&instruments)],
                instruments,
            },
            news: NewsConfig {
                refresh: Duration::from_mins(5),
                max_items: 500,
                article_cache_bytes: 50 * 1024 * 1024,
                feeds: vec![
                    feed(
                        "BBC Business",
                        "https://feeds.bbci.co.uk/news/business/rss.xml",
                    ),
                    feed(
                        "The Guardian Business",
                        "https://www.theguardian.com/uk/business/rss",
                    ),
                    feed(
                        "CNBC Markets",
                        "https://www.cnbc.com/id/15839069/device/rss/rss.html",
                    ),
                    feed("SCMP Business", "https://www.scmp.com/rss/92/feed"),
                    feed(
                        "MarketWatch",
                        "https://feeds.content.dowjones.io/public/rss/mw_topstories",
                    ),
                ],
            },
            ticker: TickerConfig {
                speed_cols_per_sec: 5,
                is_shift_on: true,
            },
            keys: KeyMap::default(),
            appearance: Appearance::default(),
            portfolio: PortfolioConfig {
                currency: "GBP".to_owned(),
                positions: Vec::new(),
            },
            alerts: AlertsConfig {
                bell: true,
                desktop: Desktop::Osc9,
                command: Vec::new(),
                rearm_pct: 0.1,
                rules: Vec::new(),
            },
        }
    }

    #[test]
    fn default_text_parses_to_documented_defaults() {
        assert_eq!(Config::default(), documented_defaults());
        assert_eq!(
            parse(DEFAULT_CONFIG_TEXT, Path::new(PATH)).unwrap(),
            documented_defaults()
        );
        assert_eq!(Config::default().quotes.instruments.len(), 15);
    }

    #[test]
    fn every_market_spelling_in_messages_and_docs_is_accepted() {
        for name in MARKET_NAMES.split(", ") {
            assert!(Market::from_name(name).is_some(), "{name}");
            assert!(DEFAULT_CONFIG_TEXT.contains(name), "{name}");
        }
        assert_eq!(MARKET_NAMES.split(", ").count(), 9);
    }

    #[test]
    fn a_partial_file_overrides_one_key_and_keeps_the_rest() {
        let config = parse("[quotes]\nrefresh_secs = 60\n", Path::new(PATH)).unwrap();
        let mut expected = documented_defaults();
        expected.quotes.refresh = Duration::from_mins(1);
        assert_eq!(config, expected);
        assert_eq!(parse("", Path::new(PATH)).unwrap(), documented_defaults());
    }

    #[test]
    fn coingecko_instruments_carry_their_coin_and_currency() {
        let text = "[quotes]\ncoingecko_url = \"http://127.0.0.1:9/\"\n[[quotes.symbols]]\nsymbol = \"BTC-GBP\"\nname = \"Bitcoin\"\nprovider = \"coingecko\"\nid = \"Bitcoin\"\nvs = \"gbp\"\n";
        let config = parse(text, Path::new(PATH)).unwrap();
        assert_eq!(config.quotes.coingecko_url, "http://127.0.0.1:9");
        assert_eq!(
            config.quotes.instruments[0].provider,
            Provider::CoinGecko {
                id: "bitcoin".to_owned(),
                vs: "gbp".to_owned()
            }
        );
        let yahoo_with_id = "[[quotes.symbols]]\nsymbol = \"X\"\nname = \"X\"\nid = \"x\"\n";
        assert_eq!(
            error(yahoo_with_id),
            format!("{PATH}:4:6: id and vs are only for provider = \"coingecko\"")
        );
    }

    #[test]
    fn user_lists_replace_the_defaults_wholesale() {
        let text = r#"
            [quotes]
            base_url = "http://localhost:8080/"
            [[quotes.symbols]]
            symbol = "VOD.L"
            name = "  Vodafone \u001b[31m "
            market = "london"
            [[quotes.symbols]]
            symbol = "^GSPC"
            name = "S&P"
            [news]
            feeds = []
            [ticker]
            speed = 20
        "#;
        let config = parse(text, Path::new(PATH)).unwrap();
        let mut expected = documented_defaults();
        expected.quotes.base_urls = vec!["http://localhost:8080".to_owned()];
        expected.quotes.instruments = vec![
            Instrument {
                symbol: "VOD.L".to_owned(),
                name: SafeText::new("Vodafone [31m"),
                market: Market::London,
                provider: Provider::Yahoo,
                aliases: Vec::new(),
            },
            instrument("^GSPC", "S&P"),
        ];
        expected.quotes.groups = vec![markets(&expected.quotes.instruments)];
        expected.news.feeds = vec![];
        expected.ticker.speed_cols_per_sec = 20;
        assert_eq!(config, expected);
    }

    #[test]
    fn shift_can_be_turned_off_and_must_be_a_boolean() {
        let config = parse("[ticker]\nshift = false\n", Path::new(PATH)).unwrap();
        assert!(!config.ticker.is_shift_on);
        assert_eq!(config.ticker.speed_cols_per_sec, 5);
        assert!(error("[ticker]\nshift = \"no\"\n").starts_with("/etc/c.toml:2:9: "));
    }

    #[test]
    fn groups_follow_the_watchlist_and_bring_their_own_instruments() {
        let text = r#"
            [quotes]
            group_name = "Indices"
            [[quotes.symbols]]
            symbol = "^FTSE"
            name = "FTSE 100"
            [[groups]]
            name = "Holdings"
            symbols = ["VOD.L", "^FTSE"]
            [[groups]]
            name = "Banks"
            symbols = ["BARC.L", "VOD.L"]
        "#;
        let quotes = parse(text, Path::new(PATH)).unwrap().quotes;
        let names: Vec<_> = quotes.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Indices", "Holdings", "Banks"]);
        assert_eq!(quotes.groups[0].symbols, ["^FTSE"]);
        assert_eq!(quotes.groups[2].symbols, ["BARC.L", "VOD.L"]);
        assert_eq!(
            quotes.instruments,
            [
                instrument("^FTSE", "FTSE 100"),
                Instrument::unnamed("VOD.L"),
                Instrument::unnamed("BARC.L"),
            ]
        );
        assert_eq!(quotes.instruments[1].market, Market::London);
    }

    #[test]
    fn an_old_config_is_one_group_named_markets() {
        let config = parse("[quotes]\nrefresh_secs = 30\n", Path::new(PATH)).unwrap();
        assert_eq!(
            config.quotes.groups,
            [markets(&documented_defaults().quotes.instruments)]
        );
    }

    #[test]
    fn bad_groups_are_reported_where_they_are() {
        let cases = [
            (
                "[[groups]]\nname = \"A\"\nsymbols = [\"X\", \"X\"]\n",
                "3:17: symbol \"X\" is listed twice (first on line 3)",
            ),
            (
                "[[groups]]\nname = \" \"\nsymbols = []\n",
                "2:8: group name must not be empty",
            ),
            (
                "[[groups]]\nname = \"A\"\nsymbols = [\"A B\"]\n",
                "3:12: symbol \"A B\" must be printable ASCII with no spaces",
            ),
            ("[[groups]]\nname = \"A\"\n", "1:1: missing field `symbols`"),
        ];
        for (text, expected) in cases {
            assert_eq!(error(text), format!("{PATH}:{expected}"), "{text}");
        }
    }

    #[test]
    fn positions_are_exact_lots_of_known_instruments() {
        let text = r#"
            [portfolio]
            currency = "USD"
            [[portfolio.positions]]
            symbol = "VOD.L"
            quantity = 1000
            cost = 71.50
            date = "2024-03-01"
            [[portfolio.positions]]
            symbol = "VOD.L"
            quantity = 0
            cost = 0.1
            date = 2024-04-01
            [[groups]]
            name = "Holdings"
            symbols = ["VOD.L"]
        "#;
        let portfolio = parse(text, Path::new(PATH)).unwrap().portfolio;
        assert_eq!(portfolio.currency, "USD");
        let lots: Vec<_> = (portfolio.positions.iter())
            .map(|p| {
                (
                    p.symbol.as_str(),
                    p.quantity.to_string(),
                    p.cost.to_string(),
                )
            })
            .collect();
        assert_eq!(
            lots,
            [
                ("VOD.L", "1000".to_owned(), "71.5".to_owned()),
                ("VOD.L", "0".to_owned(), "0.1".to_owned()),
            ]
        );
        assert_eq!(Config::default().portfolio.currency, "GBP");
    }

    #[test]
    fn bad_positions_are_reported_where_they_are() {
        let position = |body: &str| format!("[[portfolio.positions]]\nsymbol = \"^FTSE\"\n{body}");
        let cases = [
            (
                "[[portfolio.positions]]\nsymbol = \"NOPE\"\nquantity = 1\ncost = 1\n".to_owned(),
                "2:10: position \"NOPE\" is not an instrument: add it to [[quotes.symbols]] or a [[groups]] list",
            ),
            (
                position("quantity = -5\ncost = 1\n"),
                "3:12: quantity of \"^FTSE\" must not be negative",
            ),
            (
                position("quantity = 5\n"),
                "2:10: position \"^FTSE\" needs a cost (the price paid per unit, in the instrument's quote currency)",
            ),
            (
                position("cost = 5\n"),
                "2:10: position \"^FTSE\" needs a quantity",
            ),
            (
                position("quantity = 1\ncost = 1\ndate = \"March\"\n"),
                "5:8: date must be a plain date, e.g. 2024-03-01",
            ),
            (
                position("quantity = \"1\"\ncost = 1\n"),
                "3:12: invalid type: string \"1\", expected a number",
            ),
            (
                "[portfolio]\ncurrency = \"pounds\"\n".to_owned(),
                "2:12: portfolio.currency \"pounds\" must be a currency code like \"GBP\"",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error(&text), format!("{PATH}:{expected}"), "{text}");
        }
    }

    #[test]
    fn limits_are_inclusive() {
        let text = "[quotes]\nrefresh_secs = 5\n[news]\nrefresh_secs = 86400\nmax_items = 5000\n";
        let config = parse(text, Path::new(PATH)).unwrap();
        assert_eq!(config.quotes.refresh, Duration::from_secs(5));
        assert_eq!(config.news.refresh, Duration::from_hours(24));
        assert_eq!(config.news.max_items, 5000);
    }

    #[test]
    fn a_feed_is_labelled_by_its_short_name_else_its_first_word() {
        let config = parse(
            "[[news.feeds]]\nname = \"The Guardian Business\"\nurl = \"https://a.example\"\n\
             [[news.feeds]]\nname = \"Financial Times\"\nurl = \"https://b.example\"\nshort = \"FT\"\n",
            Path::new(PATH),
        )
        .unwrap();
        let labels: Vec<&str> = config.news.feeds.iter().map(Feed::label).collect();
        assert_eq!(labels, ["Guardian", "FT"]);
        assert_eq!(short_label("MarketWatch"), "MarketWatch");
        assert_eq!(short_label("The"), "The");
        assert_eq!(
            error("[[news.feeds]]\nname = \"A\"\nurl = \"https://a.example\"\nshort = \" \"\n"),
            "/etc/c.toml:4:9: feed short must not be empty"
        );
    }

    #[test]
    fn unknown_keys_are_reported_where_they_are() {
        assert_eq!(
            error("\n[quote]\n"),
            "/etc/c.toml:2:2: unknown field `quote`, expected one of `quotes`, `news`, `ticker`, `groups`, `portfolio`, `theme`, `colors`, `keys`, `alerts`"
        );
        assert_eq!(
            error("[[quotes.symbols]]\nsymbol = \"A\"\nname = \"B\"\nexchange = \"x\"\n"),
            "/etc/c.toml:4:1: unknown field `exchange`, expected one of `symbol`, `name`, `market`, `provider`, `aliases`, `id`, `vs`"
        );
        assert_eq!(
            error("[[news.feeds]]\nname = \"A\"\nurl = \"https://a.example\"\nlink = 1\n"),
            "/etc/c.toml:4:1: unknown field `link`, expected one of `name`, `url`, `short`"
        );
        assert_eq!(
            error("[ticker]\nspeed = 5\ncolour = \"red\"\n"),
            "/etc/c.toml:3:1: unknown field `colour`, expected `speed` or `shift`"
        );
    }

    #[test]
    fn wrong_types_are_reported_at_the_value() {
        assert_eq!(
            error("[quotes]\nrefresh_secs = \"15\"\n"),
            "/etc/c.toml:2:16: invalid type: string \"15\", expected a whole number"
        );
        assert_eq!(
            error("quotes = 5\n"),
            "/etc/c.toml:1:10: invalid type: integer `5`, expected a [quotes] table"
        );
        assert_eq!(
            error("[quotes]\nbase_url = [\"https://a.example\", 5]\n"),
            "/etc/c.toml:2:34: invalid type: integer `5`, expected a string"
        );
        assert_eq!(
            error("[quotes]\nbase_url = true\n"),
            "/etc/c.toml:2:12: invalid type: boolean `true`, expected a URL or a list of URLs"
        );
    }

    #[test]
    fn out_of_range_numbers_are_reported_at_the_value() {
        assert_eq!(
            error("[quotes]\nrefresh_secs = 2\n"),
            "/etc/c.toml:2:16: quotes.refresh_secs must be at least 5 (got 2)"
        );
        assert_eq!(
            error("[quotes]\nrefresh_secs = 86401\n"),
            "/etc/c.toml:2:16: quotes.refresh_secs must be at most 86400 (got 86401)"
        );
        assert_eq!(
            error("[news]\nrefresh_secs = -60\n"),
            "/etc/c.toml:2:16: news.refresh_secs must be at least 60 (got -60)"
        );
        assert_eq!(
            error("[news]\nmax_items = 0\n"),
            "/etc/c.toml:2:13: news.max_items must be at least 1 (got 0)"
        );
        assert_eq!(
            error("[news]\nmax_items = 5001\n"),
            "/etc/c.toml:2:13: news.max_items must be at most 5000 (got 5001)"
        );
        assert_eq!(
            error("ticker.speed = 0\n"),
            "/etc/c.toml:1:16: ticker.speed must be at least 1 (got 0)"
        );
        assert_eq!(
            error("[ticker]\nspeed = 21\n"),
            "/etc/c.toml:2:9: ticker.speed must be at most 20 (got 21)"
        );
    }

    #[test]
    fn bad_urls_are_reported_at_the_url() {
        assert_eq!(
            error("[quotes]\nbase_url = \"ftp://a.example\"\n"),
            "/etc/c.toml:2:12: quotes.base_url \"ftp://a.example\" must start with http:// or https://"
        );
        assert_eq!(
            error("[quotes]\nbase_url = [\"https://a.example\", \"nope\"]\n"),
            "/etc/c.toml:2:34: quotes.base_url \"nope\" is not a valid URL (relative URL without a base)"
        );
        assert_eq!(
            error("[quotes]\nbase_url = []\n"),
            "/etc/c.toml:2:12: quotes.base_url must list at least one URL"
        );
        assert_eq!(
            error("[[news.feeds]]\nname = \"A\"\nurl = \"https://\"\n"),
            "/etc/c.toml:3:7: feed url \"https://\" is not a valid URL (empty host)"
        );
    }

    #[test]
    fn bad_symbols_are_reported_at_the_symbol() {
        let two = "[[quotes.symbols]]\nsymbol = \"A\"\nname = \"B\"\n\n[[quotes.symbols]]\nsymbol = \"A\"\nname = \"C\"\n";
        assert_eq!(
            error(two),
            "/etc/c.toml:6:10: symbol \"A\" is listed twice (first on line 2)"
        );
        assert_eq!(
            error("[quotes]\nsymbols = []\n"),
            "/etc/c.toml:2:11: quotes.symbols must list at least one instrument"
        );
        let symbol = |s: &str| {
            error(&format!(
                "[[quotes.symbols]]\nsymbol = \"{s}\"\nname = \"N\"\n"
            ))
        };
        assert_eq!(symbol(""), "/etc/c.toml:2:10: symbol must not be empty");
        assert_eq!(
            symbol("BRK B"),
            "/etc/c.toml:2:10: symbol \"BRK B\" must be printable ASCII with no spaces"
        );
        assert_eq!(
            symbol("A\\u202eB"),
            "/etc/c.toml:2:10: symbol \"A\\u{202e}B\" must be printable ASCII with no spaces"
        );
        assert_eq!(
            symbol(&"X".repeat(33)),
            format!(
                "/etc/c.toml:2:10: symbol \"{}\" is longer than 32 characters",
                "X".repeat(33)
            )
        );
        assert!(
            parse(
                &format!(
                    "[[quotes.symbols]]\nsymbol = \"{}\"\nname = \"N\"\n",
                    "X".repeat(32)
                ),
                Path::new(PATH)
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_names_and_markets_are_reported_where_they_are() {
        assert_eq!(
            error("[[quotes.symbols]]\nsymbol = \"A\"\nname = \" \\u001b\\t\"\n"),
            "/etc/c.toml:3:8: name of \"A\" must not be empty"
        );
        assert_eq!(
            error("[[news.feeds]]\nname = \"\"\nurl = \"https://a.example\"\n"),
            "/etc/c.toml:2:8: feed name must not be empty"
        );
        // Columns count characters: two CJK characters take six bytes but two columns (61 would be bytes).
        assert_eq!(
            error("quotes.symbols = [{ name = \"中国\", symbol = \"A\", market = \"lse\" }]\n"),
            "/etc/c.toml:1:57: market \"lse\" is not known; use one of: london, new-york, xetra, \
             paris, tokyo, hong-kong, fx, crypto, cme-futures"
        );
        assert_eq!(
            error("[[quotes.symbols]]\nname = \"N\"\n"),
            "/etc/c.toml:1:1: missing field `symbol`"
        );
    }

    #[test]
    fn syntax_errors_and_escapes_in_messages() {
        assert_eq!(
            error("[news\nmax_items = 5\n"),
            "/etc/c.toml:1:6: unclosed table, expected `]`"
        );
        assert_eq!(
            error("[ticker]\nspeed = 1\nspeed = 2\n"),
            "/etc/c.toml:3:1: duplicate key"
        );
        // A quoted key can hold ESC; the message must not carry it to the user's terminal.
        assert_eq!(
            error("\"\\u001b[2J\" = 1\n"),
            "/etc/c.toml:1:1: unknown field `[2J`, expected one of `quotes`, `news`, `ticker`, `groups`, `portfolio`, `theme`, `colors`, `keys`, `alerts`"
        );
    }

    #[test]
    fn every_invalid_fixture_reports_its_expected_location_and_message() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs/invalid");
        let mut checked = 0;
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "toml") {
                continue;
            }
            let expected = fs::read_to_string(path.with_extension("expected")).unwrap();
            let err = parse(&fs::read_to_string(&path).unwrap(), &path).unwrap_err();
            assert_eq!(err.to_string(), format!("{}:{expected}", path.display()));
            checked += 1;
        }
        assert!(
            checked >= 10,
            "only {checked} fixtures found in {}",
            dir.display()
        );
    }

    proptest::proptest! {
        /// One stray character anywhere in a real file: never a panic, and any error points
        /// inside the text.
        #[test]
        fn any_edit_gives_a_config_or_a_located_error(at in 0..DEFAULT_CONFIG_TEXT.len(), c: char) {
            let at = (0..=at).rev().find(|&i| DEFAULT_CONFIG_TEXT.is_char_boundary(i)).unwrap();
            let mut text = DEFAULT_CONFIG_TEXT.to_owned();
            text.insert(at, c);
            if let Err(err) = parse(&text, Path::new(PATH)) {
                let ConfigError::Invalid { line, column, .. } = err else { panic!("{err}") };
                let lines: Vec<&str> = text.split('\n').collect();
                proptest::prop_assert!(line >= 1 && line <= lines.len(), "{line}");
                proptest::prop_assert!(column >= 1 && column <= lines[line - 1].chars().count() + 1);
            }
        }
    }

    #[test]
    fn explicit_path_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let err = load(Some(&missing), &env_of(&[])).unwrap_err();
        assert!(matches!(&err, ConfigError::Missing { path } if *path == missing));
        assert_eq!(
            err.to_string(),
            format!("{}: no such config file", missing.display())
        );
    }

    #[test]
    fn explicit_path_is_parsed_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        fs::write(&path, "[ticker]\nspeed = 9\n").unwrap();
        let loaded = load(Some(&path), &env_of(&[])).unwrap();
        assert_eq!(loaded.path, Some(path.clone()));
        assert_eq!(loaded.config.ticker.speed_cols_per_sec, 9);
        fs::write(&path, "[ticker]\nspeed = 90\n").unwrap();
        let err = load(Some(&path), &env_of(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2:9: ticker.speed must be at most 20 (got 90)",
                path.display()
            )
        );
        let err = load(Some(dir.path()), &env_of(&[])).unwrap_err();
        assert!(matches!(err, ConfigError::Io { path, .. } if path == dir.path()));
    }

    #[test]
    fn missing_default_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        let loaded = load(None, &env_of(&[("HOME", home)])).unwrap();
        assert_eq!(
            loaded,
            Loaded {
                config: documented_defaults(),
                path: None
            }
        );
        assert!(!dir.path().join(".config").exists(), "nothing is written");
        assert!(matches!(load(None, &env_of(&[])), Err(ConfigError::NoHome)));
    }

    #[test]
    fn default_path_honours_xdg_config_home_then_home() {
        let dir = tempfile::tempdir().unwrap();
        let (xdg, home) = (dir.path().join("xdg"), dir.path().join("home"));
        let (xdg_file, home_file) = (
            xdg.join("tickertape/config.toml"),
            home.join(".config/tickertape/config.toml"),
        );
        for (file, speed) in [(&xdg_file, "7"), (&home_file, "8")] {
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, format!("[ticker]\nspeed = {speed}\n")).unwrap();
        }
        let (xdg, home) = (xdg.to_str().unwrap(), home.to_str().unwrap());

        let both = load(None, &env_of(&[("XDG_CONFIG_HOME", xdg), ("HOME", home)])).unwrap();
        assert_eq!(
            (both.path, both.config.ticker.speed_cols_per_sec),
            (Some(xdg_file), 7)
        );
        let home_only = load(None, &env_of(&[("HOME", home)])).unwrap();
        assert_eq!(home_only.path, Some(home_file.clone()));
        assert_eq!(home_only.config.ticker.speed_cols_per_sec, 8);
        for ignored in ["", "relative/xdg"] {
            let env = env_of(&[("XDG_CONFIG_HOME", ignored), ("HOME", home)]);
            assert_eq!(load(None, &env).unwrap().path, Some(home_file.clone()));
        }
    }

    #[test]
    fn path_rules() {
        let env = env_of(&[
            ("XDG_CONFIG_HOME", "/x/conf"),
            ("XDG_CACHE_HOME", "/x/cache"),
            ("HOME", "/h"),
        ]);
        assert_eq!(
            default_config_path(&env),
            Some(PathBuf::from("/x/conf/tickertape/config.toml"))
        );
        assert_eq!(cache_dir(&env), Some(PathBuf::from("/x/cache/tickertape")));
        let env = env_of(&[
            ("XDG_CONFIG_HOME", "rel"),
            ("XDG_CACHE_HOME", ""),
            ("HOME", "/h"),
        ]);
        assert_eq!(
            default_config_path(&env),
            Some(PathBuf::from("/h/.config/tickertape/config.toml"))
        );
        assert_eq!(cache_dir(&env), Some(PathBuf::from("/h/.cache/tickertape")));
        let env = env_of(&[("XDG_CACHE_HOME", "cache"), ("HOME", "home")]);
        assert_eq!(default_config_path(&env), None);
        assert_eq!(cache_dir(&env), None);
        assert_eq!(cache_dir(&env_of(&[])), None);
        assert_eq!(
            ConfigError::NoHome.to_string(),
            "no config directory: set XDG_CONFIG_HOME or HOME"
        );
    }

    #[test]
    fn init_config_writes_the_defaults_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/dirs/config.toml");
        init_config(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), DEFAULT_CONFIG_TEXT);
        assert_eq!(
            load(Some(&path), &env_of(&[])).unwrap().config,
            documented_defaults()
        );

        fs::write(&path, "# edited\n").unwrap();
        let err = init_config(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: already exists; not overwriting it", path.display())
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "# edited\n");
    }
}
