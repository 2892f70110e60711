//! `update`: the only code that changes [`App`]. A thin dispatcher from [`Message`] to the
//! sub-state that owns the change, matching every variant so the compiler checks each one;
//! effects come back as [`Command`]s for the runtime to run.

use jiff::{SignedDuration, Timestamp};

use super::headlines::Topic;
use super::{App, Focus, detail};
use crate::bundled::SAMPLE_SOURCE;
use crate::domain::{Headline, Quote};
use crate::message::{Command, Message, Scroll, SourceId, Step, SymbolFailure};
use crate::sanitize::SafeText;

mod alerts;

pub fn update(app: &mut App, msg: Message, now: Timestamp) -> Vec<Command> {
    let (selected_before, is_tape_step) = begin(app, &msg, now);
    let mut commands = Vec::new();
    match msg {
        Message::Move(step) => _ = app.headlines.move_selection(step),
        Message::SelectHeadline(row) => select_headline(app, row),
        Message::OpenInstrument(index) => open_instrument(app, index),
        Message::ScrollReader(scroll) => scroll_reader(app, scroll),
        Message::OpenSelected => commands.extend(open_selected(app)),
        Message::ToggleFocus => toggle_focus(app),
        Message::ToggleTapeFocus => toggle_tape_focus(app),
        Message::SelectInstrument(step) => select_instrument(app, step),
        Message::SwitchGroup(step) => switch_group(app, step),
        Message::RemoveInstrument => commands.extend(remove_instrument(app)),
        Message::UndoRemove => commands.extend(undo_remove(app)),
        Message::MoveInstrument(step) => commands.extend(move_instrument(app, step)),
        Message::TogglePortfolio => app.portfolio_view.toggle(),
        Message::NextPortfolioSort => app.portfolio_view.next_sort(),
        Message::ReversePortfolioSort => app.portfolio_view.reverse_sort(),
        Message::ToggleDetail => toggle_detail(app),
        Message::StartFilter => start_filter(app),
        Message::FilterInput(c) => app.headlines.push_filter(c),
        Message::FilterBackspace => app.headlines.pop_filter(),
        Message::AcceptFilter => app.headlines.accept_filter(),
        Message::Cancel => commands.extend(cancel(app)),
        Message::TogglePause => app.tape.toggle_pause(),
        Message::FasterTape => app.tape.faster(),
        Message::SlowerTape => app.tape.slower(),
        Message::ToggleHelp => {
            app.is_help_open = !app.is_help_open;
            app.help_scroll = 0;
        }
        Message::ScrollHelp(scroll) => scroll_help(app, scroll),
        Message::Quit => app.is_quitting = true,
        Message::Refresh => commands.push(Command::Refresh),
        Message::ConfigReloaded(config) => commands.push(reload(app, config)),
        Message::ConfigFailed(error) => app.config_error = Some(error),
        Message::Resized(viewport) => resized(app, viewport),
        Message::TapeStep => step_tape(app),
        Message::DeadlineReached => {}
        Message::QuotesArrived {
            source,
            quotes,
            failed,
            fetched_at: at,
        } => {
            commands.extend(alerts::quotes_arrived(app, source, &quotes, at));
            commands.extend(quotes_arrived(app, source, quotes, failed, at));
        }
        Message::HeadlinesArrived {
            source, headlines, ..
        } => headlines_arrived(app, source, headlines),
        Message::SourceFailed {
            source,
            failure,
            at,
        } => app.health.mark_failed(source, failure, at),
        Message::ArticleArrived { id, article } => article_arrived(app, id, article),
        Message::ArticleFailed { id, failure } => app.reader.failed(id, &failure),
        Message::OpenInBrowser => commands.extend(open_in_browser(app)),
        Message::Notice(text) => app.notice = Some(text),
        Message::FilterByInstrument => filter_by_instrument(app),
        Message::StartSearch => app.start_search(),
        Message::SearchEdit(request) => commands.extend(app.edit_search(request)),
        Message::ChooseResult(step) => app.choose_result(step),
        Message::AcceptResult => commands.extend(app.accept_result()),
        Message::SearchAnswered { query, outcome } => app.search_answered(&query, outcome),
        Message::InstrumentChecked { symbol, outcome } => {
            commands.extend(app.instrument_checked(&symbol, outcome));
        }
        Message::OpenAlertPrompt => alerts::open_prompt(app),
        Message::AlertPriceEdit(request) => alerts::edit_prompt(app, request),
        Message::ConfirmAlertPrice => commands.extend(alerts::confirm_prompt(app)),
        Message::ToggleAlerts => alerts::toggle_list(app),
        Message::SelectAlert(step) => alerts::select(app, step),
        Message::DeleteAlert => commands.extend(alerts::delete_selected(app)),
        Message::ChooseRange(range) => detail::choose_range(app, range),
        Message::StepMark(step) => detail::step_mark(app, step),
        Message::OpenMark => {
            if detail::open_mark(app) {
                commands.extend(open_selected(app));
            }
        }
        Message::ChartArrived {
            range,
            quote,
            fetched_at,
            ..
        } => detail::chart_arrived(app, range, &quote, fetched_at),
        Message::ChartFailed {
            symbol,
            range,
            failure,
        } => detail::chart_failed(app, symbol, range, failure),
    }
    commands.extend(settle(app, selected_before.as_deref(), is_tape_step));
    commands.extend(detail::settle(app));
    commands
}

/// Any key dismisses a notice, as a keypress dismisses a toast. Returns the selection before
/// the message, which `settle` compares against, and whether it is a tape step (a step
/// rebuilds the tape itself, to wrap at the width it will show).
fn begin(app: &mut App, msg: &Message, now: Timestamp) -> (Option<String>, bool) {
    app.now = now;
    if is_from_user(msg) {
        app.notice = None;
    }
    let selected = app.headlines.selected().map(|h| h.id.clone());
    (selected, *msg == Message::TapeStep)
}

fn select_headline(app: &mut App, row: usize) {
    app.headlines.select_row(row);
    app.focus = Focus::List;
}

/// The app takes what it owns from the config; the runtime, its sources and theme.
fn reload(app: &mut App, config: Box<crate::config::Config>) -> Command {
    app.reconfigure(&config);
    Command::ApplyConfig(config)
}

/// What follows any message: a new selection starts at its top and asks for its page, the list
/// keeps the selection in view, and the tape is rebuilt for the frame (a step did it already).
fn settle(app: &mut App, selected_before: Option<&str>, is_tape_step: bool) -> Option<Command> {
    let mut command = None;
    if app.headlines.selected().map(|h| h.id.as_str()) != selected_before {
        app.reader.reset();
        command = app.headlines.selected().and_then(|h| app.reader.request(h));
    }
    app.headlines.scroll_into_view(app.viewport.list_rows());
    if !is_tape_step {
        app.refresh_tape();
    }
    command
}

/// Reading a headline marks it read (saved) and gives the reader the focus.
fn open_selected(app: &mut App) -> Option<Command> {
    app.headlines.selected()?;
    app.focus = Focus::Reader;
    app.headlines.accept_filter();
    app.headlines
        .mark_selected_read()
        .then(|| Command::SaveReadState {
            read: app.headlines.read_to_save(),
        })
}

fn toggle_focus(app: &mut App) {
    app.focus = match app.focus {
        Focus::List => Focus::Reader,
        Focus::Reader | Focus::Tape { .. } => Focus::List,
    };
}

fn start_filter(app: &mut App) {
    app.focus = Focus::List;
    app.headlines.start_filter();
}

/// Esc backs out one level: help, the search box, the alert prompt or list, the detail panel,
/// the tape, the filter.
fn cancel(app: &mut App) -> Option<Command> {
    if app.is_help_open {
        app.is_help_open = false;
        return None;
    }
    if app.search.is_some() {
        return app.close_search();
    }
    if alerts::cancel(app) {
        return None;
    }
    match &mut app.focus {
        Focus::Tape { detail_open, .. } if *detail_open => *detail_open = false,
        Focus::Tape { .. } => app.focus = Focus::List,
        Focus::List | Focus::Reader => {
            app.headlines.clear_filter();
        }
    }
    None
}

/// Scrolls the help table no further than its last row at the bottom of the overlay.
fn scroll_help(app: &mut App, scroll: Scroll) {
    let rows = u16::try_from(app.keymap().help_rows().count()).unwrap_or(u16::MAX);
    let shown = crate::ui::help::rows_shown(app.viewport.area.height);
    let last = rows.saturating_sub(shown);
    app.help_scroll = match scroll {
        Scroll::Up(n) => app.help_scroll.saturating_sub(n),
        Scroll::Down(n) => app.help_scroll.saturating_add(n),
        Scroll::PageUp => app.help_scroll.saturating_sub(shown),
        Scroll::PageDown => app.help_scroll.saturating_add(shown),
        Scroll::Top => 0,
        Scroll::Bottom => last,
    }
    .min(last);
}

fn resized(app: &mut App, viewport: crate::message::Viewport) {
    app.viewport = viewport;
    scroll_reader(app, Scroll::Down(0));
}

/// Between a step's rebuilds of the tape's entries. Time alone changes only their staleness
/// marks, so a mark comes at most this late, and a step at 20 columns a second does not format
/// every price twenty times a second.
const STEP_REBUILD: SignedDuration = SignedDuration::from_secs(1);

/// One column along, wrapping at the width of the entries as they read now.
fn step_tape(app: &mut App) {
    if app.tape.is_built_before(app.now - STEP_REBUILD) {
        app.refresh_tape();
    }
    let width = app.tape.loop_width();
    app.tape.step(width);
}

fn headlines_arrived(app: &mut App, source: SourceId, headlines: Vec<Headline>) {
    // Real news replaces the samples; they were only there so a first start has text.
    if headlines.iter().any(|h| h.source.as_str() != SAMPLE_SOURCE) {
        app.headlines.remove_source(SAMPLE_SOURCE);
    }
    app.headlines.merge(headlines, app.settings.max_headlines);
    app.health.mark_fresh(source);
}

fn article_arrived(app: &mut App, id: String, article: crate::domain::Article) {
    app.reader.arrived(id, article);
    scroll_reader(app, Scroll::Down(0));
}

fn open_in_browser(app: &mut App) -> Option<Command> {
    let link = app.headlines.selected().and_then(|h| h.link.clone());
    if link.is_none() {
        app.notice = Some(SafeText::new("this headline has no link to open"));
    }
    link.map(Command::OpenUrl)
}

/// With the tape held: only headlines about the chosen instrument, and the list back in focus.
fn filter_by_instrument(app: &mut App) {
    let Some(instrument) = app
        .tape_cursor()
        .and_then(|cursor| app.watchlist.shown_at(cursor))
    else {
        return;
    };
    let mut terms = instrument.aliases.clone();
    terms.push(instrument.name.to_string());
    let topic = Topic {
        label: instrument.name.clone(),
        terms,
    };
    app.headlines.set_topic(topic);
    app.focus = Focus::List;
}

/// A round of quotes: failures first, so a symbol that failed and then succeeded in the same
/// message cannot happen, then values, then what to persist.
fn quotes_arrived(
    app: &mut App,
    source: SourceId,
    quotes: Vec<Quote>,
    failed: Vec<SymbolFailure>,
    fetched_at: Timestamp,
) -> Option<Command> {
    // A round where nothing came back is the source failing, not a quiet market.
    match (quotes.is_empty(), failed.first()) {
        (true, Some(first)) => {
            app.health
                .mark_failed(source, first.failure.clone(), fetched_at);
        }
        _ => app.health.mark_fresh(source),
    }
    let has_changed = app.quotes.apply_round(quotes, failed, source, fetched_at);
    // Simulated prices must never be saved where a restart would show them as real; figures
    // a round only repeated are on disk already.
    (has_changed && source != SourceId::Demo).then(|| Command::SaveQuotes {
        quotes: app.quotes.all().cloned().collect(),
        saved_at: fetched_at,
    })
}

/// `t`: hold the tape to choose on it, or let it go.
fn toggle_tape_focus(app: &mut App) {
    if matches!(app.focus, Focus::Tape { .. }) {
        app.focus = Focus::List;
        return;
    }
    // The first entry that starts in view is chosen and moved to the left edge.
    app.refresh_tape();
    let cursor = app.tape.first_entry_in_view();
    app.tape.show_entry(cursor);
    app.focus = Focus::Tape {
        cursor,
        detail_open: false,
    };
}

/// Choosing on the held tape, wrapping at either end.
fn select_instrument(app: &mut App, step: Step) {
    let Focus::Tape { cursor, .. } = &mut app.focus else {
        return;
    };
    *cursor = super::step_wrapping(*cursor, app.watchlist.shown_len(), step);
    let cursor = *cursor;
    app.refresh_tape();
    app.tape.show_entry(cursor);
}

fn open_instrument(app: &mut App, index: usize) {
    if index >= app.watchlist.shown_len() {
        return;
    }
    app.focus = Focus::Tape {
        cursor: index,
        detail_open: true,
    };
    app.refresh_tape();
}

/// Another group on the tape, from its start; a held tape chooses its first instrument.
fn switch_group(app: &mut App, step: Step) {
    app.watchlist.switch_group(step);
    if let Focus::Tape { cursor, .. } = &mut app.focus {
        *cursor = 0;
    }
    app.refresh_tape();
    app.tape.show_entry(0);
}

/// `d` on the held tape: off the group, saved, and undoable for a while.
fn remove_instrument(app: &mut App) -> Option<Command> {
    let Focus::Tape { cursor, .. } = app.focus else {
        return None;
    };
    let Some(removal) = app.watchlist.remove(cursor) else {
        app.notice = Some(SafeText::new(
            "the first group keeps one instrument at least",
        ));
        return None;
    };
    let name = app.watchlist.removed_name(&removal);
    app.notice = Some(SafeText::new(&format!("removed {name} · u puts it back")));
    app.undo = Some((removal, app.now));
    let last = app.watchlist.shown_len().saturating_sub(1);
    hold_tape_at(app, cursor.min(last));
    Some(save_watchlist(app))
}

fn undo_remove(app: &mut App) -> Option<Command> {
    let Some((removal, at)) = app.undo.take() else {
        app.notice = Some(SafeText::new("nothing to undo"));
        return None;
    };
    if app.now.duration_since(at) > super::UNDO_WINDOW {
        app.notice = Some(SafeText::new("too late to undo: it was more than 10 s ago"));
        return None;
    }
    let cursor = app.watchlist.restore(removal);
    hold_tape_at(app, cursor);
    Some(save_watchlist(app))
}

/// `J`/`K`: the chosen instrument one place right or left, still chosen.
fn move_instrument(app: &mut App, step: Step) -> Option<Command> {
    let Focus::Tape { cursor, .. } = app.focus else {
        return None;
    };
    let to = app.watchlist.move_instrument(cursor, step)?;
    hold_tape_at(app, to);
    Some(save_watchlist(app))
}

pub(super) fn hold_tape_at(app: &mut App, cursor: usize) {
    app.focus = Focus::Tape {
        cursor,
        detail_open: app.is_detail_open(),
    };
    app.refresh_tape();
    app.tape.show_entry(cursor);
}

pub(super) fn save_watchlist(app: &App) -> Command {
    Command::SaveWatchlist {
        instruments: app.watchlist.all().to_vec(),
        groups: app.watchlist.groups(),
    }
}

fn toggle_detail(app: &mut App) {
    if let Focus::Tape { detail_open, .. } = &mut app.focus {
        *detail_open = !*detail_open;
    }
}

/// Keys and clicks, as against timers and sources.
fn is_from_user(msg: &Message) -> bool {
    !matches!(
        msg,
        Message::Resized(_)
            | Message::TapeStep
            | Message::DeadlineReached
            | Message::QuotesArrived { .. }
            | Message::HeadlinesArrived { .. }
            | Message::SourceFailed { .. }
            | Message::ArticleArrived { .. }
            | Message::ArticleFailed { .. }
            | Message::Notice(_)
            | Message::ConfigReloaded(_)
            | Message::ConfigFailed(_)
            | Message::SearchAnswered { .. }
            | Message::InstrumentChecked { .. }
            | Message::ChartArrived { .. }
            | Message::ChartFailed { .. }
    )
}

fn scroll_reader(app: &mut App, scroll: Scroll) {
    let area = app.viewport.reader_text();
    app.reader
        .scroll_in(scroll, app.headlines.selected(), area, &app.settings.tz);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::data_state::Origin;
    use crate::app::tape::loop_width;
    use crate::domain::Quote;
    use crate::fixtures::{app_from_snapshot, now};
    use crate::message::Failure;
    use crate::sanitize::SafeText;

    fn later(secs: i64) -> Timestamp {
        now()
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .unwrap()
    }

    fn ftse(price: f64) -> Quote {
        Quote {
            previous_close: Some(8179.68),
            ..Quote::new("^FTSE", price, 2, later(1))
        }
    }

    fn tape_names(app: &App) -> Vec<&str> {
        app.tape.entries().iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn brackets_switch_the_tape_between_groups_and_a_quote_names_an_unnamed_symbol() {
        let text = "[[groups]]\nname = \"Holdings\"\nsymbols = [\"VOD.L\", \"^FTSE\"]\n";
        let config = crate::config::parse(text, std::path::Path::new("c.toml")).unwrap();
        let mut app = crate::fixtures::app_with_config(&config, 120, 40, super::super::Mode::Live);
        assert_eq!(
            app.tape.entries().len(),
            15,
            "Markets: the default watchlist"
        );
        update(&mut app, Message::ToggleTapeFocus, later(1));
        update(&mut app, Message::SelectInstrument(Step::Last), later(1));
        update(&mut app, Message::SwitchGroup(Step::Down), later(2));
        assert_eq!(app.watchlist.group_name().as_str(), "Holdings");
        assert_eq!(tape_names(&app), ["VOD.L", "FTSE 100"]);
        assert_eq!(app.tape_cursor(), Some(0), "the held tape starts the group");
        assert_eq!(app.tape.offset_cols(), 0);
        let vodafone = Quote {
            short_name: Some(SafeText::new("VODAFONE GROUP PLC")),
            ..Quote::new("VOD.L", 71.5, 2, later(3))
        };
        let arrived = Message::QuotesArrived {
            source: SourceId::Yahoo,
            quotes: vec![vodafone],
            failed: Vec::new(),
            fetched_at: later(3),
        };
        update(&mut app, arrived, later(3));
        assert_eq!(tape_names(&app), ["VODAFONE GROUP PLC", "FTSE 100"]);
        assert!(!app.tape.entries()[0].is_stale);
        update(&mut app, Message::SwitchGroup(Step::Down), later(4));
        assert_eq!(app.watchlist.group_name().as_str(), "Markets");
        update(&mut app, Message::SwitchGroup(Step::Up), later(5));
        assert_eq!(app.watchlist.group_name().as_str(), "Holdings");
    }

    fn saved_first_group(commands: &[Command]) -> Vec<String> {
        match commands {
            [Command::SaveWatchlist { groups, .. }] => groups[0].symbols.clone(),
            other => panic!("expected one save, got {other:?}"),
        }
    }

    #[test]
    fn d_removes_u_puts_back_within_ten_seconds_and_j_k_reorder_each_saved() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::ToggleTapeFocus, later(0));
        update(&mut app, Message::SelectInstrument(Step::First), later(0));
        let commands = update(&mut app, Message::RemoveInstrument, later(1));
        let saved = saved_first_group(&commands);
        assert_eq!(saved.len(), 14);
        assert!(!saved.contains(&"^FTSE".to_owned()));
        assert_eq!(
            app.notice().map(SafeText::as_str),
            Some("removed FTSE 100 · u puts it back")
        );
        assert_eq!(tape_names(&app)[0], "FTSE 250");
        let commands = update(&mut app, Message::UndoRemove, later(11));
        assert_eq!(saved_first_group(&commands)[..2], ["^FTSE", "^FTMC"]);
        assert_eq!(app.tape_cursor(), Some(0));
        let commands = update(&mut app, Message::MoveInstrument(Step::Down), later(12));
        assert_eq!(saved_first_group(&commands)[..2], ["^FTMC", "^FTSE"]);
        assert_eq!(
            app.tape_cursor(),
            Some(1),
            "the moved instrument stays chosen"
        );
        update(&mut app, Message::MoveInstrument(Step::Up), later(13));
        let commands = update(&mut app, Message::MoveInstrument(Step::Up), later(13));
        assert!(commands.is_empty(), "nothing left of the first place");
        update(&mut app, Message::RemoveInstrument, later(20));
        let commands = update(&mut app, Message::UndoRemove, later(31));
        assert!(commands.is_empty());
        assert!(
            app.notice()
                .is_some_and(|n| n.as_str().starts_with("too late"))
        );
        assert_eq!(tape_names(&app)[0], "FTSE 250");
    }

    #[test]
    fn a_failure_keeps_the_last_prices_and_is_recorded() {
        let mut app = app_from_snapshot(120, 40);
        let failure = Failure::Io {
            detail: SafeText::new("disk full"),
        };
        let commands = update(
            &mut app,
            Message::SourceFailed {
                source: SourceId::Cache,
                failure: failure.clone(),
                at: later(5),
            },
            later(5),
        );
        assert!(commands.is_empty());
        assert_eq!(app.quotes.get("^FTSE").map(|q| q.price), Some(8164.12));
        assert_eq!(
            app.health.failures().collect::<Vec<_>>(),
            [(SourceId::Cache, later(5), &failure)]
        );
    }

    #[test]
    fn new_quotes_keep_the_tape_position_and_only_real_ones_are_saved() {
        let mut app = app_from_snapshot(120, 40);
        for _ in 0..37 {
            update(&mut app, Message::TapeStep, now());
        }
        assert_eq!(app.tape.offset_cols(), 37);
        let demo = Message::QuotesArrived {
            source: SourceId::Demo,
            quotes: vec![ftse(8200.0)],
            failed: Vec::new(),
            fetched_at: later(1),
        };
        assert!(update(&mut app, demo, later(1)).is_empty());
        assert_eq!(app.tape.offset_cols(), 37);
        assert_eq!(app.quotes.get("^FTSE").map(|q| q.price), Some(8200.0));
        assert_eq!(app.quotes.get("^FTMC").map(|q| q.price), Some(20_286.03));
        assert_eq!(
            app.quotes.origin(),
            &Origin::Live {
                source: SourceId::Demo,
                fetched_at: later(1)
            }
        );
        let cached = Message::QuotesArrived {
            source: SourceId::Cache,
            quotes: vec![ftse(8300.0)],
            failed: Vec::new(),
            fetched_at: later(2),
        };
        let commands = update(&mut app, cached, later(2));
        assert!(
            matches!(&commands[..], [Command::SaveQuotes { quotes, saved_at }] if quotes.len() == 15 && *saved_at == later(2))
        );
    }

    #[test]
    fn the_tape_loops_at_its_width() {
        let mut app = app_from_snapshot(120, 40);
        let width = loop_width(&app.tape_entries());
        assert!(width > 300, "{width}");
        for _ in 0..width + 3 {
            update(&mut app, Message::TapeStep, now());
        }
        assert_eq!(app.tape.offset_cols(), 3);
    }

    #[test]
    fn moving_resets_the_reader_and_opening_marks_read_once() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::ScrollReader(Scroll::PageDown), now());
        assert!(app.reader.scroll() > 0);
        update(&mut app, Message::Move(Step::Down), now());
        assert_eq!(app.reader.scroll(), 0);
        let id = app.headlines.selected().unwrap().id.clone();
        let commands = update(&mut app, Message::OpenSelected, now());
        assert_eq!(
            commands,
            [Command::SaveReadState {
                read: vec![id.clone()]
            }]
        );
        assert!(app.headlines.is_read(&id));
        assert_eq!(app.focus, Focus::Reader);
        assert!(update(&mut app, Message::OpenSelected, now()).is_empty());
    }

    #[test]
    fn reader_scrolling_stops_at_the_end_of_the_long_read() {
        let mut app = app_from_snapshot(80, 24);
        while app.headlines.selected().unwrap().id != "sample-h1-2024-markets-review" {
            assert!(
                app.headlines.move_selection(Step::Down),
                "long read not found"
            );
        }
        update(&mut app, Message::ScrollReader(Scroll::Bottom), now());
        let bottom = app.reader.scroll();
        let rows = usize::from(app.viewport.reader_text().height);
        assert!(
            bottom > rows * 3,
            "the long read should need several screens: {bottom}"
        );
        update(&mut app, Message::ScrollReader(Scroll::PageDown), now());
        assert_eq!(app.reader.scroll(), bottom);
        // A taller terminal shows more at once, so the end comes sooner.
        update(
            &mut app,
            Message::Resized(crate::ui::viewport(ratatui::layout::Rect::new(
                0, 0, 80, 60,
            ))),
            now(),
        );
        assert!(app.reader.scroll() < bottom);
    }

    #[test]
    fn filter_typing_accepting_and_cancelling() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::StartFilter, now());
        for c in "GOLD".chars() {
            update(&mut app, Message::FilterInput(c), now());
        }
        let visible: Vec<_> = app
            .headlines
            .visible()
            .iter()
            .map(|h| h.id.clone())
            .collect();
        assert_eq!(visible, ["sample-gold-2024-06-28"]);
        assert_eq!(
            app.headlines.selected().unwrap().id,
            "sample-gold-2024-06-28"
        );
        update(&mut app, Message::AcceptFilter, now());
        assert!(!app.headlines.is_editing_filter());
        assert_eq!(app.headlines.filter(), "GOLD");
        update(&mut app, Message::ToggleHelp, now());
        update(&mut app, Message::Cancel, now());
        assert!(!app.is_help_open);
        assert_eq!(
            app.headlines.filter(),
            "GOLD",
            "Esc closes help before it clears"
        );
        update(&mut app, Message::Cancel, now());
        assert_eq!(app.headlines.filter(), "");
        assert_eq!(
            app.headlines.selected().unwrap().id,
            "sample-gold-2024-06-28"
        );
    }

    #[test]
    fn the_list_window_follows_the_selection() {
        let mut app = app_from_snapshot(80, 24);
        let rows = app.viewport.list_rows();
        for _ in 0..rows + 2 {
            update(&mut app, Message::Move(Step::Down), now());
        }
        assert_eq!(app.headlines.offset(), 3);
        update(&mut app, Message::Move(Step::First), now());
        assert_eq!(app.headlines.offset(), 0);
    }

    #[test]
    fn tape_controls_and_quit() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::TogglePause, now());
        assert!(!app.tape.is_moving());
        update(&mut app, Message::FasterTape, now());
        assert_eq!(app.tape.speed_cols_per_sec(), 6);
        update(&mut app, Message::SlowerTape, now());
        update(&mut app, Message::SlowerTape, now());
        assert_eq!(app.tape.speed_cols_per_sec(), 4);
        update(&mut app, Message::Quit, now());
        assert!(app.is_quitting);
    }

    /// A reload changes what the file says and keeps what the user was doing; a broken file
    /// keeps the running config and says where it is broken until a good one arrives.
    #[test]
    fn a_reload_applies_the_file_and_keeps_the_place_and_a_broken_file_changes_nothing() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::Move(Step::Down), now());
        update(&mut app, Message::OpenSelected, now());
        let selected = app.headlines.selected().unwrap().id.clone();
        for _ in 0..7 {
            update(&mut app, Message::TapeStep, now());
        }
        let offset = app.tape.offset_cols();
        let path = std::path::Path::new("/c.toml");
        let text = "[ticker]\nspeed = 12\n[keys]\nquit = \"x\"\n[[quotes.symbols]]\nsymbol = \"^FTSE\"\nname = \"FTSE 100\"\n";
        let config = crate::config::parse(text, path).unwrap();
        let commands = update(
            &mut app,
            Message::ConfigReloaded(Box::new(config.clone())),
            now(),
        );
        assert_eq!(commands, [Command::ApplyConfig(Box::new(config))]);
        assert_eq!(app.tape.speed_cols_per_sec(), 12);
        assert_eq!(app.settings.instruments.len(), 1);
        assert_eq!(app.headlines.selected().unwrap().id, selected);
        assert!(app.headlines.is_read(&selected));
        assert_eq!(
            app.tape.offset_cols(),
            offset % app.tape.loop_width().max(1)
        );
        assert_eq!(
            app.notice().map(SafeText::as_str),
            Some("config reloaded: watchlist (1), tape speed 12, keys")
        );

        let broken = crate::config::parse("[ticker]\nspeed = 50\n", path).unwrap_err();
        let error = SafeText::new(&broken.to_string());
        update(&mut app, Message::ConfigFailed(error.clone()), now());
        assert_eq!(app.config_error(), Some(&error));
        assert_eq!(
            app.tape.speed_cols_per_sec(),
            12,
            "the running config stays"
        );
        update(&mut app, Message::Move(Step::Down), now());
        assert_eq!(app.config_error(), Some(&error), "a key does not clear it");
        let fixed = crate::config::parse("[ticker]\nspeed = 3\n", path).unwrap();
        update(&mut app, Message::ConfigReloaded(Box::new(fixed)), now());
        assert_eq!(app.config_error(), None);
        assert_eq!(app.tape.speed_cols_per_sec(), 3);
    }

    /// The app's own watchlist save comes back as a reload: that keeps the undo; a watchlist
    /// edited by hand replaces the one shown.
    #[test]
    fn a_reload_of_the_apps_own_save_keeps_the_undo_and_a_hand_edit_replaces_the_watchlist() {
        let mut app = app_from_snapshot(120, 40);
        let path = std::path::Path::new("/c.toml");
        let entry = |symbol: &str, name: &str| {
            format!("[[quotes.symbols]]\nsymbol = \"{symbol}\"\nname = \"{name}\"\n")
        };
        let reload = |app: &mut App, text: &str, at| {
            let config = crate::config::parse(text, path).unwrap();
            update(app, Message::ConfigReloaded(Box::new(config)), at);
        };
        let first_group = |app: &App| app.watchlist.groups()[0].symbols.clone();
        let text = entry("^FTSE", "FTSE 100") + &entry("^FTMC", "FTSE 250");
        reload(&mut app, &text, later(0));
        assert_eq!(first_group(&app), ["^FTSE", "^FTMC"]);
        update(&mut app, Message::ToggleTapeFocus, later(0));
        update(&mut app, Message::SelectInstrument(Step::First), later(0));
        let commands = update(&mut app, Message::RemoveInstrument, later(1));
        let [
            Command::SaveWatchlist {
                instruments,
                groups,
            },
        ] = commands.as_slice()
        else {
            panic!("expected one save, got {commands:?}");
        };
        let saved = crate::config::edit::edited(&text, instruments, groups).unwrap();
        reload(&mut app, &saved, later(2));
        assert_eq!(
            app.notice().map(SafeText::as_str),
            Some("config reloaded: nothing that shows")
        );
        update(&mut app, Message::UndoRemove, later(3));
        assert_eq!(first_group(&app), ["^FTSE", "^FTMC"], "the undo survives");

        reload(&mut app, &entry("^GDAXI", "DAX"), later(4));
        assert_eq!(first_group(&app), ["^GDAXI"]);
        assert_eq!(
            app.notice().map(SafeText::as_str),
            Some("config reloaded: watchlist (1)")
        );
    }
}
