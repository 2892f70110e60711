use super::*;
use crate::app::update::update;
use crate::fixtures::{app_from_snapshot, app_in_mode, now};
use crate::message::Message;

fn found(symbol: &str, name: &str) -> SymbolMatch {
    SymbolMatch {
        symbol: symbol.to_owned(),
        name: SafeText::new(name),
        exchange: Some(SafeText::new("London")),
        kind: Some(SafeText::new("Equity")),
    }
}

/// A live app with the tape held on its second instrument (FTSE 250) and the box open.
fn searching() -> App {
    let mut app = app_in_mode(120, 40, Mode::Live);
    update(&mut app, Message::ToggleTapeFocus, now());
    update(&mut app, Message::SelectInstrument(Step::First), now());
    update(&mut app, Message::SelectInstrument(Step::Down), now());
    update(&mut app, Message::StartSearch, now());
    app
}

fn type_text(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| update(app, Message::SearchEdit(InputRequest::InsertChar(c)), now()))
        .collect()
}

fn answer(app: &mut App, query: &str, results: Vec<SymbolMatch>) {
    let query = query.to_owned();
    let outcome = Ok(results);
    update(app, Message::SearchAnswered { query, outcome }, now());
}

fn shown_symbols(app: &App) -> Vec<&str> {
    app.watchlist.shown().map(|i| i.symbol.as_str()).collect()
}

fn status(app: &App) -> Status {
    app.search_box().unwrap().status().clone()
}

#[test]
fn each_change_of_the_text_asks_again_and_clearing_it_cancels() {
    let mut app = searching();
    assert_eq!(app.search_box().map(SearchBox::text), Some(""));
    let commands = type_text(&mut app, "vod");
    let query = |text: &str| Command::Search(Some(SearchRequest::Query(text.to_owned())));
    assert_eq!(commands, [query("v"), query("vo"), query("vod")]);
    assert_eq!(status(&app), Status::Searching);
    assert!(
        type_text(&mut app, " ").is_empty(),
        "a trailing space asks nothing new"
    );
    let backspace = Message::SearchEdit(InputRequest::DeletePrevChar);
    update(&mut app, backspace.clone(), now());
    assert_eq!(update(&mut app, backspace.clone(), now()), [query("vo")]);
    update(&mut app, backspace.clone(), now());
    assert_eq!(update(&mut app, backspace, now()), [Command::Search(None)]);
    assert_eq!(status(&app), Status::Idle);
}

#[test]
fn only_the_answer_to_the_text_shown_is_taken_and_a_failure_keeps_the_box_open() {
    let mut app = searching();
    type_text(&mut app, "vod");
    answer(&mut app, "vo", vec![found("VOLV-B.ST", "Volvo")]);
    assert!(
        app.search_box().unwrap().results().is_empty(),
        "stale answer"
    );
    answer(
        &mut app,
        "vod",
        vec![found("VOD.L", "Vodafone"), found("VOD", "Vodafone ADR")],
    );
    assert_eq!(app.search_box().unwrap().results().len(), 2);
    update(&mut app, Message::ChooseResult(Step::Down), now());
    assert_eq!(app.search_box().unwrap().chosen(), 1);
    update(&mut app, Message::ChooseResult(Step::Down), now());
    assert_eq!(app.search_box().unwrap().chosen(), 0, "wraps");

    type_text(&mut app, "a");
    let outcome = Err(Failure::Server { status: 503 });
    let failed = Message::SearchAnswered {
        query: "voda".to_owned(),
        outcome,
    };
    update(&mut app, failed, now());
    assert_eq!(
        status(&app),
        Status::Failed(SafeText::new("search failed: server error (HTTP 503)"))
    );
    assert!(app.search_box().is_some(), "the box stays open");
}

#[test]
fn a_symbol_already_in_the_group_is_chosen_there_not_added_again() {
    let mut app = searching();
    let before = shown_symbols(&app).len();
    type_text(&mut app, "ftse");
    answer(&mut app, "ftse", vec![found("^FTSE", "FTSE 100 index")]);
    let commands = update(&mut app, Message::AcceptResult, now());
    assert_eq!(commands, [Command::Search(None)], "no check, no save");
    assert!(app.search_box().is_none());
    assert_eq!(app.tape_cursor(), Some(0), "^FTSE is first");
    assert_eq!(shown_symbols(&app).len(), before);
    assert_eq!(
        app.notice().map(SafeText::as_str),
        Some("FTSE 100 is on the tape already")
    );
}

#[test]
fn an_unknown_symbol_is_not_added_and_the_box_says_so() {
    let mut app = searching();
    type_text(&mut app, "zz");
    answer(&mut app, "zz", vec![found("ZZZZ.L", "Gone Ltd")]);
    let commands = update(&mut app, Message::AcceptResult, now());
    let [Command::Search(Some(SearchRequest::Check(instrument)))] = commands.as_slice() else {
        panic!("expected one check, got {commands:?}");
    };
    assert_eq!(instrument.name.as_str(), "Gone Ltd");
    assert_eq!(status(&app), Status::Checking(instrument.clone()));
    assert!(
        update(&mut app, Message::AcceptResult, now()).is_empty(),
        "one check at a time"
    );
    let before = shown_symbols(&app).len();
    let checked = Message::InstrumentChecked {
        symbol: "ZZZZ.L".to_owned(),
        outcome: Err(Failure::UnknownSymbol {
            detail: SafeText::new("No data found, symbol may be delisted"),
        }),
    };
    assert!(update(&mut app, checked, now()).is_empty(), "nothing saved");
    assert_eq!(shown_symbols(&app).len(), before);
    assert!(!app.instruments().iter().any(|i| i.symbol == "ZZZZ.L"));
    assert_eq!(
        status(&app),
        Status::Failed(SafeText::new("Yahoo does not know ZZZZ.L: not added"))
    );
}

#[test]
fn a_known_symbol_is_added_after_the_chosen_one_polled_and_saved() {
    let mut app = searching();
    type_text(&mut app, "vod");
    answer(&mut app, "vod", vec![found("VOD.L", "VODAFONE GROUP PLC")]);
    let commands = update(&mut app, Message::AcceptResult, now());
    let [Command::Search(Some(SearchRequest::Check(instrument)))] = commands.as_slice() else {
        panic!("expected one check, got {commands:?}");
    };
    let quote = Quote::new("VOD.L", 71.5, 2, now());
    let stale = Message::InstrumentChecked {
        symbol: "VOD".to_owned(),
        outcome: Ok(Box::new(Quote::new("VOD", 20.0, 2, now()))),
    };
    assert!(
        update(&mut app, stale, now()).is_empty(),
        "not the symbol checked"
    );
    let checked = Message::InstrumentChecked {
        symbol: "VOD.L".to_owned(),
        outcome: Ok(Box::new(quote)),
    };
    let commands = update(&mut app, checked, now());
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(commands[0], Command::PollInstrument(instrument.clone()));
    let Command::SaveWatchlist {
        instruments,
        groups,
    } = &commands[1]
    else {
        panic!("expected a save, got {:?}", commands[1]);
    };
    assert_eq!(groups[0].symbols[..3], ["^FTSE", "^FTMC", "VOD.L"]);
    assert!(instruments.contains(instrument));
    assert!(app.search_box().is_none());
    assert_eq!(app.tape_cursor(), Some(2), "the new one is chosen");
    assert_eq!(app.tape.entries()[2].name.as_str(), "VODAFONE GROUP PLC");
    assert_eq!(
        app.quotes.get("VOD.L").map(|q| q.price),
        Some(71.5),
        "priced at once"
    );
    assert_eq!(
        app.notice().map(SafeText::as_str),
        Some("added VODAFONE GROUP PLC")
    );
}

#[test]
fn offline_the_box_says_search_needs_the_network_and_asks_nothing() {
    let mut app = app_from_snapshot(120, 40);
    update(&mut app, Message::StartSearch, now());
    assert!(app.search_box().is_none(), "only on the held tape");
    update(&mut app, Message::ToggleTapeFocus, now());
    update(&mut app, Message::StartSearch, now());
    assert_eq!(status(&app), Status::NeedsNetwork);
    assert!(type_text(&mut app, "vod").is_empty());
    assert_eq!(app.search_box().map(SearchBox::text), Some("vod"));
}

#[test]
fn a_long_paste_is_cut_off() {
    let mut app = searching();
    let commands = type_text(&mut app, &"x".repeat(MAX_QUERY_CHARS + 5));
    assert_eq!(commands.len(), MAX_QUERY_CHARS);
    assert_eq!(app.search_box().unwrap().text().len(), MAX_QUERY_CHARS);
}

#[test]
fn esc_closes_the_box_and_cancels_its_request_and_the_tape_stays_held() {
    let mut app = searching();
    type_text(&mut app, "vod");
    assert_eq!(
        update(&mut app, Message::Cancel, now()),
        [Command::Search(None)]
    );
    assert!(app.search_box().is_none());
    assert_eq!(app.tape_cursor(), Some(1));
    answer(&mut app, "vod", vec![found("VOD.L", "Vodafone")]);
    assert!(app.search_box().is_none(), "a late answer opens nothing");
}

/// While the box is open, letters are text (not `q` for quit), keys the sanitiser would drop
/// are not typed, and Enter, arrows and Esc drive the box.
#[test]
fn the_box_takes_printable_keys_as_text_and_its_own_keys_as_actions() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let app = searching();
    let press = |code| crate::keymap::message_for(KeyEvent::new(code, KeyModifiers::NONE), &app);
    for c in ['q', 'j', '^', '中'] {
        let typed = Message::SearchEdit(InputRequest::InsertChar(c));
        assert_eq!(press(KeyCode::Char(c)), Some(typed), "{c:?}");
    }
    assert_eq!(press(KeyCode::Char('\u{202e}')), None);
    assert_eq!(press(KeyCode::Enter), Some(Message::AcceptResult));
    assert_eq!(
        press(KeyCode::Down),
        Some(Message::ChooseResult(Step::Down))
    );
    assert_eq!(press(KeyCode::Up), Some(Message::ChooseResult(Step::Up)));
    assert_eq!(press(KeyCode::Esc), Some(Message::Cancel));
    let backspace = Message::SearchEdit(InputRequest::DeletePrevChar);
    assert_eq!(press(KeyCode::Backspace), Some(backspace));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(
        crate::keymap::message_for(ctrl_c, &app),
        Some(Message::Quit)
    );
}
