//! One key as the keymap knows it, and its two written forms: the config's (`"ctrl-c"`,
//! `"pagedown"`, `"F5"`, `"G"`), which parses back, and the label help and hints show
//! (`Ctrl-C`, `PgDn`, `↓`).

use std::fmt;

use crossterm::event::KeyCode;

/// A key with or without Ctrl. Shift is part of the character (`G`, `+`), as terminals send it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub(super) code: KeyCode,
    pub(super) ctrl: bool,
}

pub(super) const fn key(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

pub(super) const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

pub(super) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// Keys with names: how the config writes them, and how help shows them.
const NAMED: &[(KeyCode, &str, &str)] = &[
    (KeyCode::Char(' '), "space", "Space"),
    (KeyCode::Enter, "enter", "Enter"),
    (KeyCode::Esc, "esc", "Esc"),
    (KeyCode::Tab, "tab", "Tab"),
    (KeyCode::BackTab, "backtab", "Shift-Tab"),
    (KeyCode::Backspace, "backspace", "Backspace"),
    (KeyCode::Delete, "delete", "Del"),
    (KeyCode::Insert, "insert", "Ins"),
    (KeyCode::Up, "up", "↑"),
    (KeyCode::Down, "down", "↓"),
    (KeyCode::Left, "left", "←"),
    (KeyCode::Right, "right", "→"),
    (KeyCode::Home, "home", "Home"),
    (KeyCode::End, "end", "End"),
    (KeyCode::PageUp, "pageup", "PgUp"),
    (KeyCode::PageDown, "pagedown", "PgDn"),
];

/// Why a written key is not one.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a key; write one character (\"q\", \"G\", \"+\"), ctrl-<key>, F1 to F12, or one of {names}",
    names = NAMED.iter().map(|(_, name, _)| *name).collect::<Vec<_>>().join(", ")
)]
pub struct BadKey(pub String);

impl Key {
    /// Parses the config's form; names and `ctrl-` ignore case, single characters do not.
    pub fn parse(text: &str) -> Result<Self, BadKey> {
        let bad = || BadKey(text.to_owned());
        let lower = text.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("ctrl-").filter(|rest| !rest.is_empty()) {
            let inner = Self::parse(&text[text.len() - rest.len()..]).map_err(|_| bad())?;
            let code = match inner.code {
                KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
                other => other,
            };
            return Ok(Self { code, ctrl: true });
        }
        if let Some((code, _, _)) = NAMED.iter().find(|(_, name, _)| *name == lower) {
            return Ok(code_key(*code));
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            return (1..=12)
                .contains(&n)
                .then(|| code_key(KeyCode::F(n)))
                .ok_or_else(bad);
        }
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && !c.is_whitespace() => Ok(key(c)),
            _ => Err(bad()),
        }
    }

    /// How help, hints and the README show it.
    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            code => name_of(code, |(_, _, label)| label),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

const fn code_key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

fn name_of(
    code: KeyCode,
    pick: impl Fn(&(KeyCode, &'static str, &'static str)) -> &'static str,
) -> String {
    match code {
        KeyCode::F(n) => format!("F{n}"),
        code => NAMED
            .iter()
            .find(|(named, _, _)| *named == code)
            .map_or_else(
                || match code {
                    KeyCode::Char(c) => c.to_string(),
                    other => format!("{other:?}"),
                },
                |entry| pick(entry).to_owned(),
            ),
    }
}

/// The config's form, which [`Key::parse`] reads back.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = name_of(self.code, |(_, name, _)| name);
        if self.ctrl {
            write!(f, "ctrl-{base}")
        } else {
            f.write_str(&base)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_from_the_config_form_and_print_back() {
        for (text, printed, label) in [
            ("q", "q", "q"),
            ("G", "G", "G"),
            ("+", "+", "+"),
            ("ctrl-c", "ctrl-c", "Ctrl-C"),
            ("Ctrl-C", "ctrl-c", "Ctrl-C"),
            ("F5", "F5", "F5"),
            ("f12", "F12", "F12"),
            ("down", "down", "↓"),
            ("PageDown", "pagedown", "PgDn"),
            ("space", "space", "Space"),
            ("ctrl-down", "ctrl-down", "Ctrl-↓"),
            ("中", "中", "中"),
        ] {
            let key = Key::parse(text).unwrap();
            assert_eq!(
                (key.to_string().as_str(), key.label().as_str()),
                (printed, label)
            );
            assert_eq!(Key::parse(printed), Ok(key));
        }
    }

    #[test]
    fn anything_else_is_not_a_key() {
        for text in [
            "", "qq", "ctrl-", "F0", "F13", "hyper-x", " ", "\t", "pgdown",
        ] {
            assert_eq!(Key::parse(text), Err(BadKey(text.to_owned())), "{text:?}");
        }
    }
}
