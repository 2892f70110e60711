//! The one table of key bindings. Translating a key, the help overlay, the footer hints and the
//! README's key section are all read from [`BINDINGS`], so they cannot disagree.

mod bindings;

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{App, Focus};
use crate::message::Message;
use crate::sanitize::SafeText;
use Context::{Anywhere, Filter, List, Reader, Tape};
pub use bindings::BINDINGS;

/// When a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Whatever has the focus (not while typing a filter).
    Anywhere,
    /// The headline list has the focus.
    List,
    /// The reader has the focus.
    Reader,
    /// The tape is held still to choose an instrument.
    Tape,
    /// Typing a filter; other printable keys are typed into it.
    Filter,
}

impl Context {
    fn label(self) -> &'static str {
        match self {
            Self::Anywhere => "anywhere",
            Self::List => "headlines",
            Self::Reader => "reader",
            Self::Tape => "tape",
            Self::Filter => "filter",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
}

const fn key(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

pub struct Binding {
    pub context: Context,
    keys: &'static [Key],
    /// How the keys are written in help, hints and the README.
    pub label: &'static str,
    pub description: &'static str,
    /// The few shown in the footer: keys and a word, e.g. `("j/k", "move")`.
    pub hint: Option<(&'static str, &'static str)>,
    message: Message,
}

/// The contexts active in the app's current mode, most specific first.
fn active_contexts(app: &App) -> &'static [Context] {
    if app.headlines().is_editing_filter() {
        &[Filter]
    } else {
        match app.focus() {
            Focus::List => &[List, Anywhere],
            Focus::Reader => &[Reader, Anywhere],
            Focus::Tape { .. } => &[Tape, Anywhere],
        }
    }
}

/// The message a key press means now, or `None` for an unbound key (nothing to redraw).
pub fn message_for(event: KeyEvent, app: &App) -> Option<Message> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = Key {
        code: event.code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
    };
    let contexts = active_contexts(app);
    let bound = contexts.iter().find_map(|context| {
        BINDINGS
            .iter()
            .find(|b| b.context == *context && b.keys.contains(&pressed))
            .map(|b| b.message.clone())
    });
    match (bound, pressed) {
        (Some(message), _) => Some(message),
        (
            None,
            Key {
                code: KeyCode::Char(c),
                ctrl: false,
            },
        ) if contexts == [Filter]
            && !event.modifiers.contains(KeyModifiers::ALT)
            && is_printable(c) =>
        {
            Some(Message::FilterInput(c))
        }
        _ => None,
    }
}

/// A typed or pasted character the filter may hold: one the sanitiser keeps. The filter is
/// drawn as typed, so a bidi control (which a terminal delivers as an ordinary character) would
/// otherwise reach the screen; no headline could match one anyway.
fn is_printable(c: char) -> bool {
    let mut buf = [0; 4];
    let typed = c.encode_utf8(&mut buf);
    SafeText::new(typed).as_str() == typed
}

/// Footer hints for the current mode, e.g. `j/k move · Enter read · …`.
pub fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    let contexts = active_contexts(app);
    contexts
        .iter()
        .flat_map(|context| BINDINGS.iter().filter(move |b| b.context == *context))
        .filter_map(|b| b.hint)
        .collect()
}

/// The key reference as a Markdown table; the README embeds exactly this (a test checks).
pub fn markdown_table() -> String {
    let mut out = String::from("| where | keys | what |\n| --- | --- | --- |\n");
    for b in BINDINGS {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            b.context.label(),
            b.label,
            b.description
        );
    }
    out
}

/// Rows for the help overlay: where, keys, what.
pub fn help_rows() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    BINDINGS
        .iter()
        .map(|b| (b.context.label(), b.label, b.description))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::update::update;
    use crate::fixtures::{app_from_snapshot, now};
    use crate::message::{Scroll, Step};
    use crossterm::event::KeyEvent;

    const README: &str = "README.md";
    const START: &str =
        "<!-- keys:start (generated from src/keymap.rs; UPDATE_README=1 cargo test) -->\n";
    const END: &str = "<!-- keys:end -->";

    /// The README's key table is this table: one source of truth. `UPDATE_README=1` rewrites it.
    #[test]
    fn readme_documents_exactly_this_keymap() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(README);
        let readme = std::fs::read_to_string(&path).unwrap();
        let start = readme
            .find(START)
            .expect("README lacks the keys:start marker")
            + START.len();
        let end = readme.find(END).expect("README lacks the keys:end marker");
        let table = markdown_table();
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            assert_eq!(&readme[start..end], table, "run UPDATE_README=1 cargo test");
        }
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    /// Found by `cargo fuzz run draw`: a bidi override pasted while filtering was drawn in the
    /// footer as typed. Characters the sanitiser drops are not typed into the filter.
    #[test]
    fn the_filter_takes_only_characters_the_sanitiser_keeps() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::StartFilter, now());
        let typed = |c: char| message_for(press(KeyCode::Char(c), KeyModifiers::NONE), &app);
        for c in ['a', ' ', '中', '📈', 'é'] {
            assert_eq!(typed(c), Some(Message::FilterInput(c)), "{c:?}");
        }
        // Since the width policy (issue 16) the sanitiser also drops joiners, soft hyphens,
        // variation selectors and a combining mark with no base before it.
        for c in [
            '\u{202e}', '\u{2066}', '\u{200f}', '\u{9b}', '\u{85}', '\u{2028}', '\u{feff}',
            '\u{301}', '\u{200d}', '\u{ad}', '\u{fe0f}',
        ] {
            assert_eq!(typed(c), None, "{c:?}");
        }
    }

    #[test]
    fn the_same_key_means_different_things_by_focus_and_mode() {
        let mut app = app_from_snapshot(120, 40);
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(message_for(j, &app), Some(Message::Move(Step::Down)));
        update(&mut app, Message::ToggleFocus, now());
        assert_eq!(app.focus(), Focus::Reader);
        assert_eq!(
            message_for(j, &app),
            Some(Message::ScrollReader(Scroll::Down(1)))
        );
        update(&mut app, Message::StartFilter, now());
        assert_eq!(message_for(j, &app), Some(Message::FilterInput('j')));
        assert_eq!(
            message_for(press(KeyCode::Char('q'), KeyModifiers::NONE), &app),
            Some(Message::FilterInput('q'))
        );
        assert_eq!(
            message_for(press(KeyCode::Char('q'), KeyModifiers::ALT), &app),
            None
        );
        assert_eq!(
            message_for(press(KeyCode::Char('c'), KeyModifiers::CONTROL), &app),
            Some(Message::Quit)
        );
    }

    #[test]
    fn shifted_letters_and_unbound_keys() {
        let app = app_from_snapshot(120, 40);
        assert_eq!(
            message_for(press(KeyCode::Char('G'), KeyModifiers::SHIFT), &app),
            Some(Message::Move(Step::Last))
        );
        assert_eq!(
            message_for(press(KeyCode::Char('+'), KeyModifiers::SHIFT), &app),
            Some(Message::FasterTape)
        );
        assert_eq!(
            message_for(press(KeyCode::Char('z'), KeyModifiers::NONE), &app),
            None
        );
        assert_eq!(
            message_for(press(KeyCode::Char('c'), KeyModifiers::CONTROL), &app),
            Some(Message::Quit)
        );
    }

    #[test]
    fn footer_hints_follow_the_mode() {
        let mut app = app_from_snapshot(120, 40);
        let words = |app: &App| {
            hints(app)
                .into_iter()
                .map(|(k, w)| format!("{k} {w}"))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        assert_eq!(
            words(&app),
            "j/k move · Enter read · o open · t tape · Tab focus · / filter · p pause · ? help · q quit"
        );
        update(&mut app, Message::StartFilter, now());
        assert_eq!(words(&app), "Enter keep · Esc clear");
    }
}
