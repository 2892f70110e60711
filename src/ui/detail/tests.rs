//! The detail panel's charts: every range at two sizes as snapshots (series from fixtures in
//! Yahoo's shape, written by us), and the panel's states: loading over the old chart, a failed
//! range beside working ones, offline, headline marks and the keys that step through them.

use jiff::{SignedDuration, Timestamp};
use rstest::rstest;

use crate::app::update::update;
use crate::app::{App, Focus, Mode};
use crate::domain::{Headline, Quote};
use crate::fixtures::{app_in_mode, now};
use crate::message::{ChartRange, ChartRequest, Command, Failure, Message, SourceId, Step};
use crate::sanitize::SafeText;
use crate::sources::yahoo::parse_chart;
use crate::ui::tests::screen;

const DAY: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_1d.json");

fn fixture(range: ChartRange) -> &'static [u8] {
    match range {
        ChartRange::Day => DAY,
        ChartRange::FiveDays => include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_5d.json"),
        ChartRange::Month => include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_1mo.json"),
        ChartRange::SixMonths => {
            include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_6mo.json")
        }
        ChartRange::YearToDate => {
            include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_ytd.json")
        }
        ChartRange::Year => include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_1y.json"),
        ChartRange::FiveYears => {
            include_bytes!("../../../tests/fixtures/yahoo/ranges/ftse_5y.json")
        }
    }
}

fn series(range: ChartRange) -> Quote {
    parse_chart(fixture(range), "^FTSE", now()).unwrap()
}

/// A round of the quote poller bringing today's FTSE quote (its 1D series) at `at`.
fn quote_round(at: Timestamp) -> Message {
    Message::QuotesArrived {
        source: SourceId::Yahoo,
        quotes: vec![series(ChartRange::Day)],
        failed: Vec::new(),
        fetched_at: at,
    }
}

fn later(minutes: i64) -> Timestamp {
    now() + SignedDuration::from_mins(minutes)
}

/// A story about the FTSE 100 (tagged by its alias) published at `at`.
fn story(id: &str, title: &str, at: &str) -> Headline {
    Headline {
        id: id.to_owned(),
        title: SafeText::new(title),
        source: SafeText::new("Wire"),
        published: Some(at.parse().unwrap()),
        link: None,
        summary: Vec::new(),
    }
}

/// A live run with today's FTSE quote (its 1D series), two stories about it during the day and
/// one from before the series, and the FTSE 100's detail panel open.
fn panel(width: u16, height: u16, mode: Mode) -> App {
    let mut app = app_in_mode(width, height, mode);
    update(&mut app, quote_round(now()), now());
    let stories = vec![
        story(
            "a",
            "FTSE 100 edges up as miners rally",
            "2024-06-28T08:14:00Z",
        ),
        story(
            "b",
            "Footsie slips as sterling firms",
            "2024-06-28T13:40:00Z",
        ),
        story("c", "FTSE futures point higher", "2024-06-27T21:00:00Z"),
    ];
    let news = Message::HeadlinesArrived {
        source: SourceId::Feed(0),
        headlines: stories,
        fetched_at: now(),
    };
    update(&mut app, news, now());
    update(&mut app, Message::ToggleTapeFocus, now());
    update(&mut app, Message::ToggleDetail, now());
    assert_eq!(app.detail_instrument().unwrap().symbol, "^FTSE");
    app
}

/// Chooses `range` as a key would, and answers the fetch it asks for from the fixture.
fn show(app: &mut App, range: ChartRange, at: Timestamp) {
    let commands = update(app, Message::ChooseRange(range), at);
    if range == ChartRange::Day {
        assert_eq!(commands, [], "1D is the quote's own series");
        return;
    }
    let request = ChartRequest {
        symbol: "^FTSE".to_owned(),
        range,
    };
    assert_eq!(commands, [Command::FetchChart(request)]);
    let arrived = Message::ChartArrived {
        symbol: "^FTSE".to_owned(),
        range,
        quote: Box::new(series(range)),
        fetched_at: at,
    };
    assert_eq!(update(app, arrived, at), []);
}

fn text(app: &App, width: u16, height: u16) -> String {
    format!("{}", screen(app, width, height).backend())
}

#[rstest]
fn every_range_is_charted(
    #[values(
        ChartRange::Day,
        ChartRange::FiveDays,
        ChartRange::Month,
        ChartRange::SixMonths,
        ChartRange::YearToDate,
        ChartRange::Year,
        ChartRange::FiveYears
    )]
    range: ChartRange,
    #[values((120, 40), (80, 24))] size: (u16, u16),
) {
    let (width, height) = size;
    let mut app = panel(width, height, Mode::Live);
    show(&mut app, range, now());
    if range == ChartRange::Day {
        update(&mut app, Message::StepMark(Step::Down), now());
    }
    insta::assert_snapshot!(
        format!("detail_{}_{width}x{height}", range.label()),
        screen(&app, width, height).backend()
    );
}

#[test]
fn axes_read_in_the_instruments_format_and_the_exchanges_time() {
    let mut app = panel(120, 40, Mode::Live);
    let day = text(&app, 120, 40);
    // Bars from 08:00 London (07:00 UTC) to 16:25; prices with separators and two places.
    for expected in ["08:00", "16:25", "8,1"] {
        assert!(day.contains(expected), "1D lacks {expected:?}:\n{day}");
    }
    show(&mut app, ChartRange::FiveYears, now());
    let five_years = text(&app, 120, 40);
    for expected in ["Jul 2019", "Jun 2024", "fetched 16:42"] {
        assert!(
            five_years.contains(expected),
            "5Y lacks {expected:?}:\n{five_years}"
        );
    }
}

#[test]
fn a_range_being_fetched_keeps_its_chart_with_a_loading_mark() {
    let mut app = panel(120, 40, Mode::Live);
    show(&mut app, ChartRange::FiveDays, now());
    let chart = text(&app, 120, 40);
    // Quotes refresh: an intraday range is asked again, its old chart stays meanwhile.
    let commands = update(&mut app, quote_round(later(1)), later(1));
    assert!(
        matches!(&commands[..], [.., Command::FetchChart(r)] if r.range == ChartRange::FiveDays),
        "{commands:?}"
    );
    let loading = text(&app, 120, 40);
    assert!(loading.contains("loading…"), "{loading}");
    let without_range_line = |screen: &str| {
        (screen.lines())
            .filter(|line| !line.contains(" 1D   5D "))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_range_line(&loading),
        without_range_line(&chart),
        "the old chart stays"
    );
    assert_eq!(
        update(&mut app, Message::DeadlineReached, later(2)),
        [],
        "one fetch at a time"
    );
    // A fetch never answered (lost with a restarted worker) is asked again after a while.
    let commands = update(&mut app, Message::DeadlineReached, later(3));
    assert!(matches!(&commands[..], [Command::FetchChart(r)] if r.range == ChartRange::FiveDays));
}

#[test]
fn daily_ranges_are_fetched_again_at_most_hourly() {
    let mut app = panel(120, 40, Mode::Live);
    show(&mut app, ChartRange::Year, now());
    let round = quote_round;
    assert!(
        !update(&mut app, round(later(59)), later(59))
            .iter()
            .any(|c| matches!(c, Command::FetchChart(_)))
    );
    let commands = update(&mut app, round(later(60)), later(60));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchChart(r) if r.range == ChartRange::Year)),
        "{commands:?}"
    );
}

#[test]
fn a_failed_range_names_its_failure_and_the_others_keep_their_charts() {
    let mut app = panel(120, 40, Mode::Live);
    show(&mut app, ChartRange::SixMonths, now());
    let six_months = text(&app, 120, 40);
    update(&mut app, Message::ChooseRange(ChartRange::Month), now());
    let failed = Message::ChartFailed {
        symbol: "^FTSE".to_owned(),
        range: ChartRange::Month,
        failure: Failure::Server { status: 503 },
    };
    update(&mut app, failed, now());
    let month = text(&app, 120, 40);
    assert!(month.contains("failed: server error (HTTP 503)"), "{month}");
    update(&mut app, Message::ChooseRange(ChartRange::SixMonths), now());
    assert_eq!(text(&app, 120, 40), six_months);
    // Chosen again, the failed range is asked again.
    let commands = update(&mut app, Message::ChooseRange(ChartRange::Month), now());
    assert!(matches!(&commands[..], [Command::FetchChart(r)] if r.range == ChartRange::Month));
}

#[test]
fn offline_and_demo_chart_1d_from_the_quotes_and_say_so_for_the_rest() {
    for (mode, word) in [(Mode::Offline, "offline"), (Mode::Demo, "demo")] {
        let mut app = panel(120, 40, mode);
        assert!(text(&app, 120, 40).contains("16:25"), "1D is drawn");
        assert_eq!(
            update(&mut app, Message::ChooseRange(ChartRange::Year), now()),
            []
        );
        let screen = text(&app, 120, 40);
        assert!(screen.contains(&format!("{word}: 1D only")), "{screen}");
    }
}

#[test]
fn marks_step_show_their_title_and_enter_reads_the_chosen_one() {
    let mut app = panel(120, 40, Mode::Live);
    let marks: Vec<&str> = app
        .chart_marks()
        .iter()
        .map(|m| m.headline.id.as_str())
        .collect();
    assert_eq!(
        marks,
        ["a", "b"],
        "the story from before the series has no mark"
    );
    update(&mut app, Message::StepMark(Step::Up), now());
    assert_eq!(
        app.charts().chosen_mark(),
        Some("b"),
        "N from none: the latest"
    );
    update(&mut app, Message::StepMark(Step::Up), now());
    assert_eq!(app.charts().chosen_mark(), Some("a"));
    update(&mut app, Message::StepMark(Step::Up), now());
    assert_eq!(app.charts().chosen_mark(), Some("a"), "no wrap");
    let screen = text(&app, 120, 40);
    assert!(
        screen.contains("09:14 FTSE 100 edges up as miners rally"),
        "{screen}"
    );
    update(&mut app, Message::OpenMark, now());
    assert_eq!(app.focus(), Focus::Reader);
    assert_eq!(app.headlines().selected().unwrap().id, "a");
    assert!(app.headlines().is_read("a"));
}

#[test]
fn enter_with_no_mark_chosen_and_esc_close_the_panel() {
    let mut app = panel(120, 40, Mode::Live);
    update(&mut app, Message::OpenMark, now());
    assert!(!app.is_detail_open());
    assert!(
        matches!(app.focus(), Focus::Tape { .. }),
        "the tape stays held"
    );
    update(&mut app, Message::ToggleDetail, now());
    update(&mut app, Message::StepMark(Step::Down), now());
    update(&mut app, Message::Cancel, now());
    assert!(!app.is_detail_open());
    update(&mut app, Message::ToggleDetail, now());
    assert_eq!(
        app.charts().chosen_mark(),
        None,
        "a reopened panel has no mark chosen"
    );
}

#[test]
fn tiny_terminals_do_not_panic_and_one_cell_shows_what_it_did_without_the_panel() {
    for (width, height) in [(1, 1), (2, 2), (10, 4), (20, 8), (40, 12)] {
        let mut app = panel(width, height, Mode::Live);
        show(&mut app, ChartRange::FiveYears, now());
        screen(&app, width, height);
    }
    let app = panel(1, 1, Mode::Live);
    let mut closed = app.clone();
    update(&mut closed, Message::Cancel, now());
    let cell = |app: &App| {
        screen(app, 1, 1).backend().buffer()[(0, 0)]
            .symbol()
            .to_owned()
    };
    assert_eq!(cell(&app), cell(&closed));
}
