//! Every change the app can undergo ([`Message`]) and every effect it can ask for ([`Command`]).
//! Data only: no behaviour lives here, so the whole vocabulary of the program reads in one page.

use jiff::Timestamp;
use ratatui::layout::Rect;

use crate::config::Group;
use crate::domain::{Article, Headline, Instrument, Quote, SymbolMatch};
use crate::sanitize::SafeText;

/// Something that happened. Keys are translated into these by the keymap, sources send them
/// through the inbox, timers produce `TapeStep` and `DeadlineReached`.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Move the headline selection.
    Move(Step),
    /// Select this row of the visible list (a click).
    SelectHeadline(usize),
    /// Choose this watchlist entry on the tape and show its detail (a click).
    OpenInstrument(usize),
    /// Scroll the reader pane.
    ScrollReader(Scroll),
    /// Read the selected headline: mark it read and give the reader the focus.
    OpenSelected,
    ToggleFocus,
    /// Hold the tape still to choose an instrument on it (`t`), or let it go.
    ToggleTapeFocus,
    /// Choose the previous (`Up`) or next (`Down`) instrument on the held tape.
    SelectInstrument(Step),
    /// Show the previous (`Up`) or next (`Down`) group of instruments on the tape.
    SwitchGroup(Step),
    /// Take the chosen instrument off the tape's group (`d`); saved to the config file.
    RemoveInstrument,
    /// Put back the instrument removed in the last 10 s (`u`).
    UndoRemove,
    /// Move the chosen instrument left (`Up`) or right (`Down`) on the tape (`K`/`J`).
    MoveInstrument(Step),
    /// Show the portfolio in place of the headlines (`P`), or the headlines again.
    TogglePortfolio,
    /// Sort the portfolio by its next column (`s`).
    NextPortfolioSort,
    /// Reverse the portfolio's sort (`S`).
    ReversePortfolioSort,
    /// Show or hide the detail panel of the chosen instrument.
    ToggleDetail,
    StartFilter,
    FilterInput(char),
    FilterBackspace,
    /// Keep the filter and go back to moving through the (filtered) list.
    AcceptFilter,
    /// Back out one level: close help, close the detail panel, leave the tape, drop the filter.
    Cancel,
    TogglePause,
    FasterTape,
    SlowerTape,
    ToggleHelp,
    /// Ask every source for fresh data now, backoffs notwithstanding.
    Refresh,
    Quit,
    Resized(Viewport),
    TapeStep,
    /// Something on screen changes by itself now: a market opened, an age ticked over.
    DeadlineReached,
    /// One poll round of a quote source: what came back, and which symbols failed and why.
    QuotesArrived {
        source: SourceId,
        quotes: Vec<Quote>,
        failed: Vec<SymbolFailure>,
        fetched_at: Timestamp,
    },
    HeadlinesArrived {
        source: SourceId,
        headlines: Vec<Headline>,
        fetched_at: Timestamp,
    },
    SourceFailed {
        source: SourceId,
        failure: Failure,
        at: Timestamp,
    },
    /// The readable text of a headline's page (from the network or the article cache).
    ArticleArrived {
        id: String,
        article: Article,
    },
    /// The page could not be turned into text; the reader keeps the summary and says why.
    ArticleFailed {
        id: String,
        failure: Failure,
    },
    /// Open the selected headline's page in a browser (`o`).
    OpenInBrowser,
    /// One line for the user that needs no action, e.g. the URL when no browser could start.
    Notice(SafeText),
    /// The config file changed and reads as this config: apply it.
    ConfigReloaded(Box<crate::config::Config>),
    /// The config file changed and has a mistake (`FILE:LINE:COLUMN: message`): keep running
    /// on the last good one and say so until the file is fixed.
    ConfigFailed(SafeText),
    /// With the tape held: list only headlines about the chosen instrument (`f`).
    FilterByInstrument,
    /// With the tape held: open the symbol search box (`a`).
    StartSearch,
    /// Edit the search box's text: a typed character, `Backspace`.
    SearchEdit(tui_input::InputRequest),
    /// Choose the previous (`Up`) or next (`Down`) search result.
    ChooseResult(Step),
    /// Add the chosen search result after the chosen instrument (`Enter`).
    AcceptResult,
    /// What the provider's symbol search found for `query`, or why it failed.
    SearchAnswered {
        query: String,
        outcome: Result<Vec<SymbolMatch>, Failure>,
    },
    /// Whether the provider prices `symbol` (its quote), or why not: checked before adding.
    InstrumentChecked {
        symbol: String,
        outcome: Result<Box<Quote>, Failure>,
    },
    /// In the detail panel: start typing a price for a new alert on the instrument (`a`).
    OpenAlertPrompt,
    /// A key typed into the alert price.
    AlertPriceEdit(tui_input::InputRequest),
    /// Add the alert at the typed price, above or below today's (Enter).
    ConfirmAlertPrice,
    /// Show the alert rules and their state (`!`), or hide them.
    ToggleAlerts,
    /// Choose the previous (`Up`) or next (`Down`) rule in the alert list.
    SelectAlert(Step),
    /// Delete the chosen alert rule (`d`); saved to the config file.
    DeleteAlert,
    /// Scroll the help overlay, which may be taller than the screen.
    ScrollHelp(Scroll),
    /// In the detail panel: chart this span of time (`1`..`7`).
    ChooseRange(ChartRange),
    /// In the detail panel: the next (`Down`) or previous (`Up`) headline mark on the 1D chart.
    StepMark(Step),
    /// In the detail panel: read the chosen mark's headline; with none chosen, close the panel.
    OpenMark,
    /// One instrument's prices over a range, from the chart worker.
    ChartArrived {
        symbol: String,
        range: ChartRange,
        /// Boxed: a series is large beside the other messages.
        quote: Box<Quote>,
        fetched_at: Timestamp,
    },
    /// One range of one instrument could not be fetched; the other ranges keep theirs.
    ChartFailed {
        symbol: String,
        range: ChartRange,
        failure: Failure,
    },
}

/// A span of time the detail panel charts, each at the bar interval the provider serves it
/// with: five-minute bars for a day, weekly ones for five years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChartRange {
    Day,
    FiveDays,
    Month,
    SixMonths,
    YearToDate,
    Year,
    FiveYears,
}

/// What the chart worker needs to fetch one range of one instrument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartRequest {
    pub symbol: String,
    pub range: ChartRange,
}

/// One instrument a round could not price; the others in the round still count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolFailure {
    pub symbol: String,
    pub failure: Failure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Up,
    Down,
    First,
    Last,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    Up(u16),
    Down(u16),
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// Where data comes from; health and staleness are tracked per source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceId {
    /// The quotes and read state saved by an earlier run.
    Cache,
    /// The simulated market of `--demo`.
    Demo,
    Yahoo,
    CoinGecko,
    /// A news feed, by its position in the configured list.
    Feed(u16),
    /// Article pages fetched for the reader.
    Articles,
}

/// Why a source has nothing new, in terms a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    /// No connection at all: offline, DNS, refused.
    Unreachable {
        detail: SafeText,
    },
    RateLimited {
        retry_after_secs: Option<u64>,
    },
    /// 401/403: the provider changed its rules (a cookie, a key) or blocks this address.
    Refused {
        status: u16,
    },
    /// 5xx: the provider's own trouble; it usually passes.
    Server {
        status: u16,
    },
    /// An answer that is not the provider's data: an HTML outage page, a new schema, truncation.
    BadResponse {
        detail: SafeText,
    },
    /// Offline, and the thing was never saved: nothing was tried.
    NotCached,
    /// The provider does not know this instrument.
    UnknownSymbol {
        detail: SafeText,
    },
    /// Files we wrote earlier no longer parse: each is moved aside as `NAME.corrupt` and
    /// written afresh at the next save. `detail` names them (`state.json`) or counts them.
    Corrupt {
        detail: SafeText,
    },
    /// Reading or writing a local file failed.
    Io {
        detail: SafeText,
    },
}

impl Failure {
    pub fn summary(&self) -> String {
        match self {
            Self::Timeout => "timed out".to_owned(),
            // The cause (DNS, refused, TLS) goes to the log; on one line it only crowds.
            Self::Unreachable { .. } => "cannot connect".to_owned(),
            Self::RateLimited {
                retry_after_secs: Some(secs),
            } => format!(
                "rate-limited, asked to wait {}",
                crate::format::time::span(jiff::SignedDuration::from_secs(
                    i64::try_from(*secs).unwrap_or(i64::MAX)
                ))
            ),
            Self::RateLimited {
                retry_after_secs: None,
            } => "rate-limited, backing off".to_owned(),
            Self::Refused { status } => {
                format!("refused (HTTP {status}): the provider may have changed its API")
            }
            Self::Server { status } => format!("server error (HTTP {status})"),
            Self::BadResponse { detail } => detail.to_string(),
            Self::UnknownSymbol { detail } => format!("unknown symbol ({detail})"),
            Self::NotCached => "offline, and not in the cache".to_owned(),
            Self::Corrupt { detail } => format!("{detail} unreadable, set aside"),
            Self::Io { detail } => format!("file error ({detail})"),
        }
    }
}

/// The terminal's size and the regions the layout gives each pane, computed once by
/// `ui::viewport` so update (scroll limits) and draw agree on every size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewport {
    pub area: Rect,
    pub status: Rect,
    pub tape: Rect,
    pub list: Rect,
    pub reader: Rect,
    pub footer: Rect,
}

/// What the article worker needs to fetch and label a page.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleRequest {
    pub id: String,
    pub url: String,
    pub source: SafeText,
    pub title: SafeText,
    pub published: Option<Timestamp>,
}

/// A fired alert as the terminal and the user's command receive it: every text in it has
/// passed the sanitiser, `command` has its placeholders filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub message: SafeText,
    pub bell: bool,
    pub desktop: crate::config::Desktop,
    pub command: Vec<String>,
}

/// An effect update asks for; the runtime carries it out, so update stays pure.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Fetch the readable text of this page for the reader; a newer request replaces it.
    FetchArticle(ArticleRequest),
    /// Hand a link to the user's browser, never waiting for it.
    OpenUrl(String),
    /// Wake the pollers now (`r`).
    Refresh,
    /// Remember what has been read across restarts.
    SaveReadState { read: Vec<String> },
    /// A reloaded config is in force: restyle, and restart the sources if theirs changed.
    ApplyConfig(Box<crate::config::Config>),
    /// Remember the last good quotes, shown (with their age) at the next start.
    SaveQuotes {
        quotes: Vec<Quote>,
        saved_at: Timestamp,
    },
    /// Write the watchlist's groups into the config file, keeping the user's comments.
    SaveWatchlist {
        instruments: Vec<Instrument>,
        groups: Vec<Group>,
    },
    /// Fetch one range of one instrument for the detail panel's chart.
    FetchChart(ChartRequest),
    /// An alert fired: ring, notify through the terminal, run the user's command.
    Notify(Notification),
    /// Write the alert rules into the config file, keeping the user's comments.
    SaveAlertRules(Vec<crate::config::AlertRule>),
    /// Remember which alerts have fired, so a restart does not fire them again.
    SaveFiredAlerts(Vec<crate::cache::FiredAlert>),
    /// Hand the search worker its next request; a newer one (or `None`) replaces it.
    Search(Option<SearchRequest>),
    /// Start polling an instrument added while the program runs.
    PollInstrument(Instrument),
}

/// What the search worker is asked: a query waits for typing to pause; a check goes at once.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchRequest {
    /// The provider's symbol search for this text.
    Query(String),
    /// One chart request for this instrument: does the provider know it?
    Check(Instrument),
}

impl Viewport {
    /// Headline rows inside the list's border.
    pub fn list_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(2))
    }

    /// Where reader text goes: inside the pane's border.
    pub fn reader_text(&self) -> Rect {
        self.reader.inner(ratatui::layout::Margin::new(1, 1))
    }
}
