//! The one table of actions ([`BINDINGS`]) and the effective map of keys to them ([`KeyMap`]:
//! the defaults with the config's `[keys]` laid over). Translating a key, the help overlay, the
//! footer hints, `--print-keys` and the README's key section all read them, so they cannot
//! disagree.

mod bindings;
mod key;

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{App, Focus};
use crate::message::Message;
use crate::sanitize::SafeText;
use Context::{AlertPrice, Alerts, Anywhere, Detail, Filter, Help, List, Reader, Search, Tape};
pub use bindings::BINDINGS;
pub use key::{BadKey, Key};
use key::{code, ctrl, key};

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
    /// Typing in the symbol search box; other printable keys are typed into it.
    Search,
    /// The tape is held with the detail panel open; tried before `Tape`.
    Detail,
    /// Typing an alert's price; other printable keys are typed into it.
    AlertPrice,
    /// The alert list (`!`) is open.
    Alerts,
    /// The help overlay is open.
    Help,
}

impl Context {
    fn label(self) -> &'static str {
        match self {
            Self::Anywhere => "anywhere",
            Self::List => "headlines",
            Self::Reader => "reader",
            Self::Tape => "tape",
            Self::Filter => "filter",
            Self::Search => "search",
            Self::Detail => "detail",
            Self::AlertPrice => "new alert",
            Self::Alerts => "alerts",
            Self::Help => "help",
        }
    }

    /// The message a printable key means in a typing context, which takes every key it does
    /// not bind; `None` in any other context.
    fn typed(self, c: char) -> Option<Message> {
        match self {
            Filter => Some(Message::FilterInput(c)),
            Search => Some(Message::SearchEdit(tui_input::InputRequest::InsertChar(c))),
            AlertPrice => Some(Message::AlertPriceEdit(
                tui_input::InputRequest::InsertChar(c),
            )),
            Anywhere | List | Reader | Tape | Detail | Alerts | Help => None,
        }
    }

    /// Whether both can be active at once, so one key cannot serve both. `Detail` is tried
    /// before `Tape`, so it may take a key `Tape` has.
    fn overlaps(self, other: Self) -> bool {
        self == other
            || matches!(
                (self, other),
                (Anywhere, List | Reader | Tape | Detail | Alerts | Help)
                    | (List | Reader | Tape | Detail | Alerts | Help, Anywhere)
            )
    }
}

/// A footer hint: a word after the action's first key, or after the first keys of this action
/// and the next row's (`j/k move`).
#[derive(Clone, Copy, Debug)]
pub enum Hint {
    One(&'static str),
    Pair(&'static str),
}

pub struct Binding {
    /// The stable name: the action's key in `[keys]`.
    pub action: &'static str,
    pub context: Context,
    /// The default keys.
    keys: &'static [Key],
    pub description: &'static str,
    hint: Option<Hint>,
    message: Message,
}

/// The keys of every action, by its row in [`BINDINGS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    keys: Vec<Vec<Key>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        Self {
            keys: BINDINGS.iter().map(|b| b.keys.to_vec()).collect(),
        }
    }
}

/// Why a `[keys]` entry cannot be applied.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error("{0:?} is not an action; the actions are {actions}", actions = action_names())]
    UnknownAction(String),
    #[error("{key:?} is bound to both {first} and {second} ({where_})")]
    Conflict {
        key: String,
        first: &'static str,
        second: &'static str,
        where_: &'static str,
    },
}

fn action_names() -> String {
    BINDINGS
        .iter()
        .map(|b| b.action)
        .collect::<Vec<_>>()
        .join(", ")
}

impl KeyMap {
    /// Replaces `action`'s keys (an empty list unbinds it).
    pub fn bind(&mut self, action: &str, keys: Vec<Key>) -> Result<(), KeyMapError> {
        let row = BINDINGS
            .iter()
            .position(|b| b.action == action)
            .ok_or_else(|| KeyMapError::UnknownAction(action.to_owned()))?;
        self.keys[row] = keys;
        Ok(())
    }

    /// The first key serving two actions that can be active at once, if any.
    pub fn conflict(&self) -> Option<KeyMapError> {
        let rows = BINDINGS.iter().zip(&self.keys);
        for (i, (first, first_keys)) in rows.clone().enumerate() {
            for (second, second_keys) in rows.clone().skip(i + 1) {
                let shared = first_keys.iter().find(|k| second_keys.contains(k));
                if let Some(key) = shared.filter(|_| first.context.overlaps(second.context)) {
                    return Some(KeyMapError::Conflict {
                        key: key.to_string(),
                        first: first.action,
                        second: second.action,
                        where_: first.context.label(),
                    });
                }
            }
        }
        None
    }

    fn rows(&self) -> impl Iterator<Item = (&'static Binding, &[Key])> + Clone {
        BINDINGS.iter().zip(self.keys.iter().map(Vec::as_slice))
    }

    /// Each action's name with its keys in the config's form, in table order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, Vec<String>)> {
        self.rows()
            .map(|(binding, keys)| (binding.action, keys.iter().map(Key::to_string).collect()))
    }

    /// The map as a TOML `[keys]` table that reads back as this map.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("[keys]\n");
        for (action, keys) in self.entries() {
            let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
            let _ = writeln!(out, "{action} = [{}]", keys.join(", "));
        }
        out
    }

    /// The key reference as a Markdown table; the README embeds the default map's.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| where | keys | what | action |\n| --- | --- | --- | --- |\n");
        for (context, keys, what, actions) in self.help_rows() {
            let actions: Vec<String> = actions.split(' ').map(|a| format!("`{a}`")).collect();
            let _ = writeln!(
                out,
                "| {context} | {keys} | {what} | {} |",
                actions.join(" ")
            );
        }
        out
    }

    /// Rows for the help overlay: where, keys, what, and the action's name. Neighbouring
    /// actions described alike (the chart ranges) share a row, their keys and names in table
    /// order, so the overlay still fits a screen.
    pub fn help_rows(&self) -> impl Iterator<Item = (&'static str, String, &'static str, String)> {
        let mut out: Vec<(&'static str, String, &'static str, String)> = Vec::new();
        for (b, keys) in self.rows() {
            let keys = if keys.is_empty() {
                "(none)".to_owned()
            } else {
                keys.iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
            match out.last_mut() {
                Some(row) if row.0 == b.context.label() && row.2 == b.description => {
                    row.1 = format!("{} {keys}", row.1);
                    row.3 = format!("{} {}", row.3, b.action);
                }
                _ => out.push((b.context.label(), keys, b.description, b.action.to_owned())),
            }
        }
        out.into_iter()
    }
}

/// The contexts active in the app's current mode, most specific first.
fn active_contexts(app: &App) -> &'static [Context] {
    if app.search_box().is_some() {
        &[Search]
    } else if app.headlines().is_editing_filter() {
        &[Filter]
    } else if app.alerts().prompt().is_some() {
        &[AlertPrice]
    } else if app.alerts().list_selection().is_some() {
        &[Alerts, Anywhere]
    } else if app.is_help_open() {
        &[Help, Anywhere]
    } else {
        match app.focus() {
            Focus::List => &[List, Anywhere],
            Focus::Reader => &[Reader, Anywhere],
            Focus::Tape {
                detail_open: true, ..
            } => &[Detail, Tape, Anywhere],
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
        app.keymap()
            .rows()
            .find(|(b, keys)| b.context == *context && keys.contains(&pressed))
            .map(|(b, _)| b.message.clone())
    });
    let typing = match contexts {
        [only] => Some(*only),
        _ => None,
    };
    match (bound, pressed) {
        (Some(message), _) => Some(message),
        (
            None,
            Key {
                code: KeyCode::Char(c),
                ctrl: false,
            },
        ) if !event.modifiers.contains(KeyModifiers::ALT) && is_printable(c) => {
            typing.and_then(|context| context.typed(c))
        }
        _ => None,
    }
}

/// A typed or pasted character a typing context may hold: one the sanitiser keeps. What is
/// typed is drawn as typed, so a bidi control (which a terminal delivers as an ordinary character) would
/// otherwise reach the screen; no headline could match one anyway.
fn is_printable(c: char) -> bool {
    let mut buf = [0; 4];
    let typed = c.encode_utf8(&mut buf);
    SafeText::new(typed).as_str() == typed
}

/// Footer hints for the current mode from the effective map, e.g. `j/k move · Enter read · …`;
/// an action without keys has no hint.
pub fn hints(app: &App) -> Vec<(String, &'static str)> {
    let rows: Vec<_> = app.keymap().rows().collect();
    let first_key = |row: usize| {
        rows.get(row)
            .and_then(|(_, keys)| keys.first())
            .map(|k| k.label())
    };
    let mut out = Vec::new();
    for context in active_contexts(app) {
        for (row, (binding, _)) in rows.iter().enumerate() {
            if binding.context != *context {
                continue;
            }
            let keys = match binding.hint {
                Some(Hint::One(word)) => first_key(row).map(|k| (k, word)),
                Some(Hint::Pair(word)) => first_key(row)
                    .zip(first_key(row + 1))
                    .map(|(a, b)| (format!("{a}/{b}"), word)),
                None => None,
            };
            out.extend(keys);
        }
    }
    out
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
        let table = KeyMap::default().markdown_table();
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

    /// A remapped action answers to its new keys only, and the footer and help say so.
    #[test]
    fn a_remapped_key_drives_translation_hints_and_help() {
        use crate::app::{Mode, Settings};
        let mut config = crate::config::Config::default();
        config.keys.bind("quit", vec![key('x')]).unwrap();
        config
            .keys
            .bind("next_headline", vec![key('n'), code(KeyCode::Down)])
            .unwrap();
        let settings = Settings::new(&config, Mode::Offline, crate::fixtures::london());
        let app = crate::app::initial_app(settings, None, now()).unwrap();
        let typed = |c| message_for(press(KeyCode::Char(c), KeyModifiers::NONE), &app);
        assert_eq!(typed('x'), Some(Message::Quit));
        assert_eq!(typed('q'), None);
        assert_eq!(typed('n'), Some(Message::Move(Step::Down)));
        assert_eq!(typed('j'), None);
        let hints: Vec<String> = hints(&app)
            .iter()
            .map(|(k, w)| format!("{k} {w}"))
            .collect();
        assert_eq!(hints.first().map(String::as_str), Some("n/k move"));
        assert_eq!(hints.last().map(String::as_str), Some("x quit"));
        let quit_row = app
            .keymap()
            .help_rows()
            .find(|row| row.3 == "quit")
            .unwrap();
        assert_eq!(quit_row.1, "x");
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
