//! The plain data the program is about: instruments, quotes, headlines and articles. Every text
//! field is [`SafeText`], so whatever built these values (a file, the cache, a source) has already
//! passed the sanitiser. No behaviour beyond arithmetic on the values themselves.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::market::Market;
use crate::sanitize::SafeText;

/// One entry of the watchlist, in the order the user wants to see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrument {
    /// The provider's symbol, e.g. `^FTSE`; validated printable ASCII at config load.
    pub symbol: String,
    pub name: SafeText,
    pub market: Market,
    pub provider: Provider,
    /// Words that mark a headline as being about this instrument.
    pub aliases: Vec<String>,
}

impl Instrument {
    /// A Yahoo symbol the user gave no name: the name is the symbol, which the tape replaces
    /// with the provider's short name once a quote brings one.
    pub fn unnamed(symbol: &str) -> Self {
        Self {
            symbol: symbol.to_owned(),
            name: SafeText::new(symbol),
            market: Market::for_symbol(symbol),
            provider: Provider::Yahoo,
            aliases: Vec::new(),
        }
    }

    /// The name to show: the user's, else the provider's short name, else the symbol.
    pub fn display_name<'a>(&'a self, quote: Option<&'a Quote>) -> &'a SafeText {
        match quote.and_then(|quote| quote.short_name.as_ref()) {
            Some(short) if self.name.as_str() == self.symbol => short,
            _ => &self.name,
        }
    }
}

/// Who is asked for an instrument's price.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Provider {
    /// Yahoo Finance's chart API, which serves every kind of instrument.
    #[default]
    Yahoo,
    /// CoinGecko's key-less price API: crypto only, without Yahoo's rate limits.
    CoinGecko { id: String, vs: String },
}

/// The last known price of one instrument, with the time the provider stamped on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub symbol: String,
    pub price: f64,
    /// Absent for some instruments on some days; change and percent are then unknown, not zero.
    pub previous_close: Option<f64>,
    /// Digits after the decimal point (Yahoo's `priceHint`): 4 for FX, 2 for most indices.
    pub decimals: u8,
    pub currency: Option<SafeText>,
    pub time: Timestamp,
    /// Intraday closes; `None` where no trade happened, which is a gap, never a zero.
    #[serde(default)]
    pub series: Vec<Option<f64>>,
    /// When each entry of `series` was traded, so a headline's time can be placed on it; empty
    /// when the provider gave no times that match the closes one for one (older caches too).
    #[serde(default)]
    pub series_times: Vec<Timestamp>,
    #[serde(default)]
    pub day_low: Option<f64>,
    #[serde(default)]
    pub day_high: Option<f64>,
    /// The exchange's own name for itself, e.g. "FTSE Index".
    #[serde(default)]
    pub exchange: Option<SafeText>,
    /// Today's trading windows as the provider reported them; when present they decide whether
    /// the market is open, ahead of the built-in schedule.
    #[serde(default)]
    pub session: Option<TradingSession>,
    /// The provider's short name, e.g. "VODAFONE GROUP PLC": names an instrument the user did
    /// not name.
    #[serde(default)]
    pub short_name: Option<SafeText>,
}

/// The provider's pre-market, regular and post-market windows for the current day. For FX,
/// crypto and futures pre and post are empty and regular spans about a day.
/// One answer of the provider's symbol search, as the search box lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolMatch {
    /// Printable ASCII, as a configured symbol must be.
    pub symbol: String,
    /// The provider's short name, else its long name, else the symbol.
    pub name: SafeText,
    /// Where it trades, as the provider shows it (`London`, `NASDAQ`).
    pub exchange: Option<SafeText>,
    /// What it is, as the provider shows it (`Equity`, `ETF`, `Index`).
    pub kind: Option<SafeText>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingSession {
    pub pre: Window,
    pub regular: Window,
    pub post: Window,
}

/// A half-open span of time, `start <= t < end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

impl Quote {
    /// A bare quote: the price alone, every optional detail unknown.
    pub fn new(symbol: &str, price: f64, decimals: u8, time: Timestamp) -> Self {
        Self {
            symbol: symbol.to_owned(),
            price,
            previous_close: None,
            decimals,
            currency: None,
            time,
            series: Vec::new(),
            series_times: Vec::new(),
            day_low: None,
            day_high: None,
            exchange: None,
            session: None,
            short_name: None,
        }
    }

    pub fn change(&self) -> Option<f64> {
        self.previous_close.map(|previous| self.price - previous)
    }

    pub fn change_pct(&self) -> Option<f64> {
        self.previous_close
            .filter(|previous| *previous != 0.0)
            .map(|previous| (self.price - previous) / previous * 100.0)
    }

    /// Which way the price moved, at the instrument's own precision: a change that shows as
    /// `0.00` is flat, so the colour never contradicts the figure beside it (tape and chart
    /// alike).
    pub fn direction(&self) -> Direction {
        match (self.change(), self.change_pct()) {
            (Some(change), Some(_))
                if !crate::format::number::rounds_to_zero(change, self.decimals) =>
            {
                if change > 0.0 {
                    Direction::Up
                } else {
                    Direction::Down
                }
            }
            (Some(_), Some(_)) => Direction::Unchanged,
            _ => Direction::Unknown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Unchanged,
    /// No previous close: the move is unknown, which is not the same as zero.
    Unknown,
}

/// One story in the headline list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// Stable identity across polls and restarts; read state and selection hang on it.
    pub id: String,
    pub title: SafeText,
    pub source: SafeText,
    pub published: Option<Timestamp>,
    pub link: Option<String>,
    /// What the feed says about the story, shown until the article itself is available.
    #[serde(default)]
    pub summary: Vec<Block>,
}

/// A readable article: the text a reader wants, without the page around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub title: SafeText,
    pub source: SafeText,
    pub published: Option<Timestamp>,
    /// Who wrote it, when the page says.
    #[serde(default)]
    pub byline: Option<SafeText>,
    pub blocks: Vec<Block>,
    /// Link targets, numbered from 1 in the order the text cites them as `[n]`.
    #[serde(default)]
    pub links: Vec<SafeText>,
}

/// One block of article text; the reader styles each kind differently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(SafeText),
    Heading(SafeText),
    ListItem(SafeText),
    Quote(SafeText),
}

impl Block {
    pub fn text(&self) -> &SafeText {
        match self {
            Self::Paragraph(text)
            | Self::Heading(text)
            | Self::ListItem(text)
            | Self::Quote(text) => text,
        }
    }
}
