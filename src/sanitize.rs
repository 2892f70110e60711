//! The one gate between outside text and the terminal. Anything read from files, the cache,
//! `assets/` or (later) the network becomes a [`SafeText`] here, once, at the boundary; widgets
//! only accept `SafeText`, so a raw string cannot reach the screen by accident.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Text proven free of control characters, escape sequences and bidi overrides.
///
/// Its only constructor sanitises, and serde goes through that constructor too, so a cache file
/// edited by hand cannot smuggle an escape sequence past it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct SafeText(String);

impl SafeText {
    pub fn new(raw: &str) -> Self {
        Self(sanitize(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SafeText {
    fn from(raw: String) -> Self {
        if raw.chars().all(is_safe) {
            Self(raw)
        } else {
            Self::new(&raw)
        }
    }
}

impl From<&str> for SafeText {
    fn from(raw: &str) -> Self {
        Self::new(raw)
    }
}

impl From<SafeText> for String {
    fn from(text: SafeText) -> Self {
        text.0
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bidi embeddings, overrides and isolates: they reorder what follows them on screen, so a
/// headline could visually rewrite the price next to it ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn is_safe(c: char) -> bool {
    !c.is_control() && !is_bidi_control(c) && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Whitespace controls become one space so words stay apart; every other control character
/// (ESC and so every escape sequence's introducer, BEL, C1 such as CSI U+009B) is dropped, which
/// leaves the rest of a sequence as visible, harmless text.
fn sanitize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last_was_space = false;
    for c in raw.chars() {
        if matches!(
            c,
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}'
        ) {
            if !last_was_space && !out.is_empty() {
                out.push(' ');
                last_was_space = true;
            }
        } else if is_safe(c) {
            out.push(c);
            last_was_space = c == ' ';
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_lose_their_introducer_and_show_as_text() {
        let title = "\u{1b}[31mRED\u{1b}[0m \u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{7} \u{9b}2J";
        assert_eq!(
            SafeText::new(title).as_str(),
            "[31mRED[0m ]8;;http://evillink]8;; 2J"
        );
    }

    #[test]
    fn osc52_clipboard_write_is_defused() {
        let text = SafeText::new("\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\ ok");
        assert!(!text.as_str().contains('\u{1b}'));
        assert!(text.as_str().ends_with("ok"));
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(
            SafeText::new("abc\u{202E}fed\u{2066}x\u{2069}").as_str(),
            "abcfedx"
        );
    }

    #[test]
    fn line_breaks_and_tabs_become_single_spaces() {
        assert_eq!(SafeText::new("a\r\n\tb\nc").as_str(), "a b c");
    }

    #[test]
    fn wide_characters_and_emoji_survive() {
        let text = "中国企业家 📈 ünïcödé";
        assert_eq!(SafeText::new(text).as_str(), text);
    }

    #[test]
    fn deserialising_sanitises() {
        let text: SafeText = serde_json::from_str(r#""a\u001b[2Jb""#).unwrap();
        assert_eq!(text.as_str(), "a[2Jb");
    }

    proptest! {
        #[test]
        fn output_has_no_controls_and_is_idempotent(raw in any::<String>()) {
            let once = SafeText::new(&raw);
            prop_assert!(once.as_str().chars().all(|c| !c.is_control()));
            prop_assert!(once.as_str().chars().all(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')), "bidi control left in output");
            prop_assert_eq!(SafeText::new(once.as_str()), once);
        }
    }
}
