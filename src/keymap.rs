//! The one table of key bindings. Translating a key, the help overlay, the footer hints and the
//! README's key section are all read from [`BINDINGS`], so they cannot disagree.

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{App, Focus};
use crate::message::{Message, Scroll, Step};
use crate::sanitize::SafeText;

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

use Context::{Anywhere, Filter, List, Reader, Tape};

pub static BINDINGS: &[Binding] = &[
    Binding {
        context: List,
        keys: &[key('j'), code(KeyCode::Down)],
        label: "j / ↓",
        description: "next headline",
        hint: Some(("j/k", "move")),
        message: Message::Move(Step::Down),
    },
    Binding {
        context: List,
        keys: &[key('k'), code(KeyCode::Up)],
        label: "k / ↑",
        description: "previous headline",
        hint: None,
        message: Message::Move(Step::Up),
    },
    Binding {
        context: List,
        keys: &[key('g'), code(KeyCode::Home)],
        label: "g / Home",
        description: "first headline",
        hint: None,
        message: Message::Move(Step::First),
    },
    Binding {
        context: List,
        keys: &[key('G'), code(KeyCode::End)],
        label: "G / End",
        description: "last headline",
        hint: None,
        message: Message::Move(Step::Last),
    },
    Binding {
        context: List,
        keys: &[code(KeyCode::Enter)],
        label: "Enter",
        description: "read it: mark it read, focus the reader",
        hint: Some(("Enter", "read")),
        message: Message::OpenSelected,
    },
    Binding {
        context: Reader,
        keys: &[key('j'), code(KeyCode::Down)],
        label: "j / ↓",
        description: "scroll down a line",
        hint: Some(("j/k", "scroll")),
        message: Message::ScrollReader(Scroll::Down(1)),
    },
    Binding {
        context: Reader,
        keys: &[key('k'), code(KeyCode::Up)],
        label: "k / ↑",
        description: "scroll up a line",
        hint: None,
        message: Message::ScrollReader(Scroll::Up(1)),
    },
    Binding {
        context: Reader,
        keys: &[key('g'), code(KeyCode::Home)],
        label: "g / Home",
        description: "top of the article",
        hint: None,
        message: Message::ScrollReader(Scroll::Top),
    },
    Binding {
        context: Reader,
        keys: &[key('G'), code(KeyCode::End)],
        label: "G / End",
        description: "end of the article",
        hint: None,
        message: Message::ScrollReader(Scroll::Bottom),
    },
    Binding {
        context: Tape,
        keys: &[key('h'), code(KeyCode::Left)],
        label: "h / ←",
        description: "previous instrument",
        hint: Some(("←/→", "choose")),
        message: Message::SelectInstrument(Step::Up),
    },
    Binding {
        context: Tape,
        keys: &[key('l'), code(KeyCode::Right)],
        label: "l / →",
        description: "next instrument",
        hint: None,
        message: Message::SelectInstrument(Step::Down),
    },
    Binding {
        context: Tape,
        keys: &[key('g'), code(KeyCode::Home)],
        label: "g / Home",
        description: "first instrument",
        hint: None,
        message: Message::SelectInstrument(Step::First),
    },
    Binding {
        context: Tape,
        keys: &[key('G'), code(KeyCode::End)],
        label: "G / End",
        description: "last instrument",
        hint: None,
        message: Message::SelectInstrument(Step::Last),
    },
    Binding {
        context: Tape,
        keys: &[code(KeyCode::Enter)],
        label: "Enter",
        description: "show or hide the instrument's detail and chart",
        hint: Some(("Enter", "detail")),
        message: Message::ToggleDetail,
    },
    Binding {
        context: Tape,
        keys: &[key('f')],
        label: "f",
        description: "list only headlines about the instrument",
        hint: Some(("f", "its news")),
        message: Message::FilterByInstrument,
    },
    Binding {
        context: Anywhere,
        keys: &[key('o')],
        label: "o",
        description: "open the headline's page in your browser",
        hint: Some(("o", "open")),
        message: Message::OpenInBrowser,
    },
    Binding {
        context: Anywhere,
        keys: &[key('t')],
        label: "t",
        description: "hold the tape to choose an instrument, or let it go",
        hint: Some(("t", "tape")),
        message: Message::ToggleTapeFocus,
    },
    Binding {
        context: Anywhere,
        keys: &[key(' '), code(KeyCode::PageDown)],
        label: "Space / PgDn",
        description: "reader: page down",
        hint: None,
        message: Message::ScrollReader(Scroll::PageDown),
    },
    Binding {
        context: Anywhere,
        keys: &[key('b'), code(KeyCode::PageUp)],
        label: "b / PgUp",
        description: "reader: page up",
        hint: None,
        message: Message::ScrollReader(Scroll::PageUp),
    },
    Binding {
        context: Anywhere,
        keys: &[code(KeyCode::Tab), code(KeyCode::BackTab)],
        label: "Tab",
        description: "switch focus between headlines and reader",
        hint: Some(("Tab", "focus")),
        message: Message::ToggleFocus,
    },
    Binding {
        context: Anywhere,
        keys: &[key('/')],
        label: "/",
        description: "filter headlines as you type",
        hint: Some(("/", "filter")),
        message: Message::StartFilter,
    },
    Binding {
        context: Anywhere,
        keys: &[code(KeyCode::Esc)],
        label: "Esc",
        description: "close help or detail, leave tape, clear filter",
        hint: None,
        message: Message::Cancel,
    },
    Binding {
        context: Anywhere,
        keys: &[key('r')],
        label: "r",
        description: "refresh quotes and news now",
        hint: None,
        message: Message::Refresh,
    },
    Binding {
        context: Anywhere,
        keys: &[key('p')],
        label: "p",
        description: "pause or resume the tape",
        hint: Some(("p", "pause")),
        message: Message::TogglePause,
    },
    Binding {
        context: Anywhere,
        keys: &[key('+'), key('=')],
        label: "+",
        description: "tape faster",
        hint: None,
        message: Message::FasterTape,
    },
    Binding {
        context: Anywhere,
        keys: &[key('-'), key('_')],
        label: "-",
        description: "tape slower",
        hint: None,
        message: Message::SlowerTape,
    },
    Binding {
        context: Anywhere,
        keys: &[key('?')],
        label: "?",
        description: "show or hide this help",
        hint: Some(("?", "help")),
        message: Message::ToggleHelp,
    },
    Binding {
        context: Anywhere,
        keys: &[key('q'), ctrl('c')],
        label: "q / Ctrl-C",
        description: "quit",
        hint: Some(("q", "quit")),
        message: Message::Quit,
    },
    Binding {
        context: Filter,
        keys: &[code(KeyCode::Enter)],
        label: "Enter",
        description: "keep the filter, back to the list",
        hint: Some(("Enter", "keep")),
        message: Message::AcceptFilter,
    },
    Binding {
        context: Filter,
        keys: &[code(KeyCode::Esc)],
        label: "Esc",
        description: "clear the filter",
        hint: Some(("Esc", "clear")),
        message: Message::Cancel,
    },
    Binding {
        context: Filter,
        keys: &[code(KeyCode::Backspace)],
        label: "Backspace",
        description: "delete a character",
        hint: None,
        message: Message::FilterBackspace,
    },
    Binding {
        context: Filter,
        keys: &[code(KeyCode::Down)],
        label: "↓",
        description: "next match",
        hint: None,
        message: Message::Move(Step::Down),
    },
    Binding {
        context: Filter,
        keys: &[code(KeyCode::Up)],
        label: "↑",
        description: "previous match",
        hint: None,
        message: Message::Move(Step::Up),
    },
    Binding {
        context: Filter,
        keys: &[ctrl('c')],
        label: "Ctrl-C",
        description: "quit",
        hint: None,
        message: Message::Quit,
    },
];

/// The contexts active in the app's current mode, most specific first.
fn active_contexts(app: &App) -> &'static [Context] {
    if app.headlines.is_editing_filter() {
        &[Filter]
    } else {
        match app.focus {
            Focus::List => &[List, Anywhere],
            Focus::Reader => &[Reader, Anywhere],
            Focus::Tape => &[Tape, Anywhere],
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
    use crate::fixtures::app_from_snapshot;
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
        app.headlines.start_filter();
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
        app.focus = Focus::Reader;
        assert_eq!(
            message_for(j, &app),
            Some(Message::ScrollReader(Scroll::Down(1)))
        );
        app.headlines.start_filter();
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
        app.headlines.start_filter();
        assert_eq!(words(&app), "Enter keep · Esc clear");
    }
}
