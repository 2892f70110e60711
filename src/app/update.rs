//! `update`: the only code that changes [`App`]. A thin dispatcher from [`Message`] to the
//! sub-state that owns the change; effects come back as [`Command`]s for the runtime to run.

use jiff::Timestamp;

use super::quotes::loop_width;
use super::reader::layout;
use super::{App, Focus};
use crate::message::{Command, Message, Scroll, SourceId};

pub fn update(app: &mut App, msg: Message, now: Timestamp) -> Vec<Command> {
    app.now = now;
    let selected_before = app.headlines.selected().map(|h| h.id.clone());
    let mut commands = Vec::new();
    match msg {
        Message::Move(step) => {
            app.headlines.move_selection(step);
        }
        Message::ScrollReader(scroll) => scroll_reader(app, scroll),
        Message::OpenSelected => {
            if app.headlines.selected().is_some() {
                app.focus = Focus::Reader;
                app.headlines.accept_filter();
                if app.headlines.mark_selected_read() {
                    let mut read: Vec<String> = app.headlines.read_ids().iter().cloned().collect();
                    read.sort_unstable();
                    commands.push(Command::SaveReadState { read });
                }
            }
        }
        Message::ToggleFocus => {
            app.focus = match app.focus {
                Focus::List => Focus::Reader,
                Focus::Reader => Focus::List,
            };
        }
        Message::StartFilter => {
            app.focus = Focus::List;
            app.headlines.start_filter();
        }
        Message::FilterInput(c) => app.headlines.push_filter(c),
        Message::FilterBackspace => app.headlines.pop_filter(),
        Message::AcceptFilter => app.headlines.accept_filter(),
        Message::Cancel => {
            if app.is_help_open {
                app.is_help_open = false;
            } else {
                app.headlines.clear_filter();
            }
        }
        Message::TogglePause => app.tape.toggle_pause(),
        Message::FasterTape => app.tape.faster(),
        Message::SlowerTape => app.tape.slower(),
        Message::ToggleHelp => app.is_help_open = !app.is_help_open,
        Message::Quit => app.is_quitting = true,
        Message::Resized(viewport) => {
            app.viewport = viewport;
            scroll_reader(app, Scroll::Down(0));
        }
        Message::TapeStep => {
            let width = loop_width(&app.quotes.tape_entries(&app.instruments));
            app.tape.step(width);
        }
        Message::DeadlineReached => {}
        Message::QuotesArrived {
            source,
            quotes,
            fetched_at,
        } => {
            app.quotes.merge_live(quotes, source, fetched_at);
            app.health.mark_fresh(source, fetched_at);
            // Simulated prices must never be saved where a restart would show them as real.
            if source != SourceId::Demo {
                commands.push(Command::SaveQuotes {
                    quotes: app.quotes.all().cloned().collect(),
                    saved_at: fetched_at,
                });
            }
        }
        Message::HeadlinesArrived {
            source,
            headlines,
            fetched_at,
        } => {
            app.headlines.merge(headlines);
            app.health.mark_fresh(source, fetched_at);
        }
        Message::SourceFailed {
            source,
            failure,
            at,
        } => app.health.mark_failed(source, failure, at),
    }
    if app.headlines.selected().map(|h| h.id.as_str()) != selected_before.as_deref() {
        app.reader.reset();
    }
    app.headlines.scroll_into_view(app.viewport.list_rows());
    commands
}

fn scroll_reader(app: &mut App, scroll: Scroll) {
    let area = app.viewport.reader_text();
    let total = app.selected_article().map_or(0, |article| {
        layout(&article, usize::from(area.width), &app.tz).len()
    });
    app.reader.apply(scroll, total, usize::from(area.height));
}
