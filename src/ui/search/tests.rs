use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rstest::rstest;
use tui_input::InputRequest;

use super::*;
use crate::app::Mode;
use crate::app::update::update;
use crate::fixtures::{app_in_mode, now};
use crate::message::{Failure, Message, Step};
use crate::sanitize::SafeText;

fn found(symbol: &str, name: &str, exchange: &str, kind: &str) -> SymbolMatch {
    SymbolMatch {
        symbol: symbol.to_owned(),
        name: SafeText::new(name),
        exchange: Some(SafeText::new(exchange)),
        kind: Some(SafeText::new(kind)),
    }
}

/// The box open on the held tape with "vod" typed and four results, the second chosen.
fn with_results(width: u16, height: u16) -> App {
    let mut app = app_in_mode(width, height, Mode::Live);
    update(&mut app, Message::ToggleTapeFocus, now());
    update(&mut app, Message::StartSearch, now());
    for c in "vod".chars() {
        update(
            &mut app,
            Message::SearchEdit(InputRequest::InsertChar(c)),
            now(),
        );
    }
    let results = vec![
        found(
            "VOD.L",
            "VODAFONE GROUP PLC ORD USD0.20",
            "London",
            "Equity",
        ),
        found("VOD", "Vodafone Group Plc", "NASDAQ", "Equity"),
        found("VODI.DE", "VODAFONE GROUP PLC", "XETRA", "Equity"),
        found("9984.T", "ソフトバンクグループ", "Tokyo", "Equity"),
    ];
    let outcome = Ok(results);
    let query = "vod".to_owned();
    update(&mut app, Message::SearchAnswered { query, outcome }, now());
    update(&mut app, Message::ChooseResult(Step::Down), now());
    app
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| crate::ui::draw(app, &Theme::colour(), frame))
        .unwrap();
    terminal
}

#[rstest]
#[case(120, 40)]
#[case(80, 24)]
fn the_box_over_the_whole_screen(#[case] width: u16, #[case] height: u16) {
    let app = with_results(width, height);
    let mut terminal = screen(&app, width, height);
    insta::assert_snapshot!(
        format!("search_screen_{width}x{height}"),
        terminal.backend()
    );
    // The cursor stands after the text: prompt (2 columns) and "vod" inside the border.
    let reader = app.viewport().reader;
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!(cursor, Position::new(reader.x + 1 + 2 + 3, reader.y + 1));
}

/// Alone in areas down to one cell: clipped, never a panic; 1×1 holds the border's corner.
#[rstest]
#[case(120, 40)]
#[case(80, 24)]
#[case(30, 5)]
#[case(1, 1)]
fn the_box_alone(#[case] width: u16, #[case] height: u16) {
    let app = with_results(120, 40);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    render(&app, &Theme::colour(), area, &mut buf);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| frame.buffer_mut().merge(&buf))
        .unwrap();
    insta::assert_snapshot!(format!("search_{width}x{height}"), terminal.backend());
    if (width, height) == (1, 1) {
        assert_eq!(buf[(0, 0)].symbol(), "┌");
    }
}

#[test]
fn the_chosen_result_is_highlighted() {
    let app = with_results(120, 40);
    let terminal = screen(&app, 120, 40);
    let reader = app.viewport().reader;
    let buf = terminal.backend().buffer();
    let chosen_row = reader.y + 1 + 2 + 1;
    let is_marked = |row: u16| {
        let cell = &buf[(reader.x + 1, row)];
        cell.modifier.contains(ratatui::style::Modifier::REVERSED)
    };
    assert!(is_marked(chosen_row));
    assert!(!is_marked(chosen_row - 1));
    assert!(!is_marked(chosen_row + 1));
}

#[test]
fn the_box_names_a_failure_and_offline_says_search_needs_the_network() {
    let mut app = with_results(80, 24);
    update(
        &mut app,
        Message::SearchEdit(InputRequest::InsertChar('a')),
        now(),
    );
    let outcome = Err(Failure::Timeout);
    let query = "voda".to_owned();
    update(&mut app, Message::SearchAnswered { query, outcome }, now());
    let text = format!("{}", screen(&app, 80, 24).backend());
    assert!(text.contains("search failed: timed out"), "{text}");

    let mut offline = app_in_mode(80, 24, Mode::Offline);
    update(&mut offline, Message::ToggleTapeFocus, now());
    update(&mut offline, Message::StartSearch, now());
    let text = format!("{}", screen(&offline, 80, 24).backend());
    assert!(text.contains("symbol search needs the network"), "{text}");
}
