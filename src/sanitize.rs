//! The one gate between outside text and the terminal. Anything read from files, the cache,
//! `assets/` or the network becomes a [`SafeText`] here, once, at the boundary; widgets only
//! accept `SafeText`, so a raw string cannot reach the screen by accident.
//!
//! Beyond escape sequences, the gate keeps out every character whose width ratatui (which
//! measures graphemes with `unicode-width`) and common terminals (xterm, tmux, kitty, alacritty,
//! VTE, Windows Terminal) disagree on. Ratatui moves the cursor after each wide cell but not
//! after a narrow one, so one character drawn a column wider or narrower than ratatui thought
//! shifts the rest of its run: that is how a soft hyphen ate the letter after it. The policy,
//! per class:
//!
//! | characters | fate | why |
//! | --- | --- | --- |
//! | controls (C0, DEL, C1: ESC, CSI, BEL…) | dropped | they start escape sequences; the rest of a sequence shows as harmless text |
//! | tab, line and paragraph breaks (`\t \n \r \v \f`, U+2028, U+2029) | one space | keeps words apart; a tab jumps to the terminal's next tab stop, which ratatui cannot know |
//! | bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) | dropped | they reorder what follows on screen ("Trojan Source") |
//! | soft hyphen (U+00AD) | dropped | width 0 to ratatui, 1 to xterm/tmux/VTE (glibc), so the line shifted |
//! | zero-width space, joiner, non-joiner (U+200B–U+200D), word joiner (U+2060), BOM (U+FEFF) | dropped | invisible; some terminals give them a column. A dropped joiner leaves an emoji ZWJ sequence as its parts (👨‍👩‍👧 → 👨👩👧): ratatui counts the sequence as 2 columns, most terminals as the sum of its parts |
//! | every other format (Cf) or default-ignorable character: tags, Hangul fillers, Arabic number signs, Mongolian selectors… | dropped | invisible or joining by definition; widths range from 0 to 2 between tables |
//! | variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF) | dropped | ❤️ is 2 columns to ratatui, 1 to xterm/tmux; the base alone (❤) is 1 everywhere |
//! | skin-tone modifiers (U+1F3FB–U+1F3FF) | dropped | 👍🏽 is 2 to ratatui, 4 to a terminal that draws the parts; 👍 is 2 everywhere |
//! | regional indicators (flags, U+1F1E6–U+1F1FF) | their letter: 🇩🇪 → `DE` | a flag is 1 or 2 columns per indicator depending on the terminal and font; two letters take the flag's 2 columns everywhere |
//! | decomposed text (e + U+0301, Hangul jamo, か + U+3099) | composed (Unicode NFC) | same text; precomposed characters are what every terminal draws best |
//! | combining marks left on a wide character, on a space or on nothing | dropped | terminals put a mark after a wide character in its first or second cell, or not at all |
//! | halfwidth katakana voiced marks (U+FF9E, U+FF9F) | the combining marks they stand for (U+3099, U+309A) | ratatui counts ｶﾞ as 3 columns, terminals as 2 |
//! | Khmer U+17D8 and U+17A4 | the sequences Unicode recommends instead (។ល។, អា) | 3 and 2 columns to `unicode-width`, 1 to glibc |
//! | unassigned code points and noncharacters | dropped | each table guesses their width differently |
//! | East Asian ambiguous characters (· ° ± — … • │ é ß α …) | kept, 1 column | narrow in every terminal's default; "ambiguous as wide" settings would break the borders too |
//!
//! What is left: newer characters (e.g. emoji from Unicode 15 on) are drawn at
//! `unicode-width`'s width; a terminal whose tables are older draws them narrow, which leaves a
//! blank cell after them but moves nothing, since ratatui repositions after every wide cell.
//! Spacing vowel signs that Unicode marks as extending (Bengali া U+09BE, Tamil ா U+0BBE and a few
//! dozen more) are 0 columns to `unicode-width` and 1 to glibc; they are kept, as dropping them
//! would change the words.

use std::fmt;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// Text proven free of control characters, escape sequences, bidi overrides and characters
/// whose width the terminal and ratatui could disagree on (see the module docs).
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
        // Printable ASCII is the common case and needs no copy.
        if raw.bytes().all(|b| (b' '..=b'~').contains(&b)) {
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

/// What one character becomes, before composition.
enum Fate {
    Keep,
    Space,
    Drop,
    Become(&'static str),
}

const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn fate(c: char) -> Fate {
    match c {
        // Most text: printable ASCII needs no property lookups.
        ' '..='~' => Fate::Keep,
        '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}' => Fate::Space,
        '\u{1F3FB}'..='\u{1F3FF}' => Fate::Drop,
        '\u{1F1E6}'..='\u{1F1FF}' => {
            let index = (u32::from(c) - 0x1F1E6) as usize;
            Fate::Become(&LETTERS[index..=index])
        }
        '\u{FF9E}' => Fate::Become("\u{3099}"),
        '\u{FF9F}' => Fate::Become("\u{309A}"),
        '\u{17D8}' => Fate::Become("\u{17D4}\u{179B}\u{17D4}"),
        '\u{17A4}' => Fate::Become("\u{17A2}\u{17B6}"),
        c if c.is_control() => Fate::Drop,
        c => match CodePointMapData::<GeneralCategory>::new().get(c) {
            // Bidi controls, joiners, the soft hyphen and the BOM are all format characters.
            // Unassigned ones are dropped, not shown as U+FFFD, which the vt100 crate ignores.
            GeneralCategory::Format | GeneralCategory::Unassigned => Fate::Drop,
            _ if CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c) => Fate::Drop,
            _ => Fate::Keep,
        },
    }
}

/// Runs of whitespace controls become one space so words stay apart; the rest as [`fate`] says,
/// then composed, then combining marks kept only where every terminal attaches them.
fn sanitize(raw: &str) -> String {
    let kept = apply_fates(raw);
    // ASCII is already composed and has no marks to attach: most text skips both passes.
    if kept.is_ascii() {
        kept
    } else {
        compose(&kept)
    }
}

/// Each character kept, dropped, turned into a space (runs of space become one) or replaced.
fn apply_fates(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last_was_space = false;
    for c in raw.chars() {
        match fate(c) {
            Fate::Space => {
                if !last_was_space && !out.is_empty() {
                    out.push(' ');
                    last_was_space = true;
                }
            }
            Fate::Drop => {}
            Fate::Keep => {
                out.push(c);
                last_was_space = c == ' ';
            }
            Fate::Become(text) => {
                out.push_str(text);
                last_was_space = false;
            }
        }
    }
    out
}

/// NFC, then combining marks kept only where a terminal draws them on their base. Text with
/// no zero-width character has no mark to move, so it skips the grapheme pass (most text in
/// Latin scripts with typographic quotes and dashes).
fn compose(text: &str) -> String {
    let composed = ComposingNormalizerBorrowed::new_nfc().normalize(text);
    if composed.chars().any(|c| c.width() == Some(0)) {
        attach_marks(&composed)
    } else {
        composed.into_owned()
    }
}

/// Keeps a zero-width character (a combining mark) only on a visible narrow base: terminals
/// disagree on where a mark on a wide character goes, and one at the start of a run (which a
/// wrapped line can begin with, after a space) is appended by ratatui to whatever cell precedes
/// the run.
fn attach_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for grapheme in text.graphemes(true) {
        let base = grapheme.chars().next().unwrap_or(' ');
        let takes_marks = base != ' ' && base.width() == Some(1);
        out.extend(
            grapheme
                .chars()
                .filter(|c| takes_marks || c.width() != Some(0)),
        );
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

    fn safe(raw: &str) -> String {
        SafeText::new(raw).as_str().to_owned()
    }

    #[test]
    fn the_soft_hyphen_pages_read_whole() {
        assert_eq!(
            safe("Netan\u{ad}yahu's election-eve"),
            "Netanyahu's election-eve"
        );
        assert_eq!(safe("Vladi\u{ad}mir Putin"), "Vladimir Putin");
        assert_eq!(safe("pres\u{ad}i\u{ad}dent"), "president");
        assert_eq!(
            safe("l'in\u{ad}croyable comporte\u{ad}ment"),
            "l'incroyable comportement"
        );
    }

    #[test]
    fn invisible_characters_are_dropped() {
        for invisible in [
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{3164}',
        ] {
            assert_eq!(safe(&format!("a{invisible}b")), "ab", "{invisible:?}");
        }
        // Tags, as in the subdivision flag of England: the black flag stays.
        assert_eq!(
            safe("\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"),
            "\u{1F3F4}"
        );
    }

    #[test]
    fn emoji_sequences_become_their_parts() {
        assert_eq!(
            safe("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
            "\u{1F468}\u{1F469}\u{1F467}"
        );
        assert_eq!(safe("\u{2764}\u{FE0F} ok"), "\u{2764} ok");
        assert_eq!(safe("\u{1F44D}\u{1F3FD}"), "\u{1F44D}");
        assert_eq!(safe("1\u{FE0F}\u{20E3}"), "1\u{20E3}");
    }

    #[test]
    fn flags_become_their_letters() {
        assert_eq!(safe("\u{1F1E9}\u{1F1EA} DAX"), "DE DAX");
        assert_eq!(safe("\u{1F1FA}"), "U");
    }

    #[test]
    fn text_is_composed_and_marks_stay_on_narrow_bases() {
        assert_eq!(safe("Vie\u{302}\u{323}t Nam"), "Vi\u{1EC7}t Nam");
        assert_eq!(safe("\u{1112}\u{1161}\u{11AB}"), "\u{D55C}");
        assert_eq!(safe("\u{304B}\u{3099}"), "\u{304C}");
        // No composed form: the mark goes on a wide base, stays on a narrow one.
        assert_eq!(safe("\u{4E2D}\u{301}x\u{301}"), "\u{4E2D}x\u{301}");
        assert_eq!(safe("\u{301}a \u{301}b"), "a b");
        assert_eq!(safe("\u{FF76}\u{FF9E}"), "\u{FF76}\u{3099}");
    }

    #[test]
    fn ambiguous_width_and_other_scripts_are_kept() {
        for text in [
            "\u{b7} \u{b0} \u{b1} \u{2014} \u{2026} \u{2022} \u{2502} \u{3b1}\u{3b2} stra\u{df}e",
            "\u{915}\u{94d}\u{937}\u{93e}",
            "\u{e20}\u{e32}\u{e29}\u{e32}\u{e44}\u{e17}\u{e22}",
            "\u{627}\u{644}\u{633}\u{648}\u{642} \u{5e9}\u{5dc}\u{5d5}\u{5dd}",
        ] {
            assert_eq!(safe(text), text);
        }
        assert_eq!(safe("\u{17D8}"), "\u{17D4}\u{179B}\u{17D4}");
        assert_eq!(safe("a\u{378}\u{FFFF}b"), "ab");
    }

    /// The printable-ASCII arm of `fate` skips lookups that would keep every one of them too.
    #[test]
    fn printable_ascii_is_kept_by_the_property_lookups_too() {
        for c in ' '..='~' {
            let category = CodePointMapData::<GeneralCategory>::new().get(c);
            assert!(!matches!(
                category,
                GeneralCategory::Format | GeneralCategory::Unassigned
            ));
            assert!(!CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c));
        }
    }

    proptest! {
        /// Text without a zero-width character skips the mark pass: it would change nothing.
        #[test]
        fn the_mark_pass_is_skipped_only_where_it_changes_nothing(raw in any::<String>()) {
            let kept = apply_fates(&raw);
            let composed = ComposingNormalizerBorrowed::new_nfc().normalize(&kept);
            prop_assert_eq!(compose(&kept), attach_marks(&composed));
        }

        /// The ASCII shortcut skips no change: composing what the fates keep changes no ASCII.
        #[test]
        fn ascii_needs_no_composing(raw in "[\\x00-\\x7f]{0,80}") {
            let kept = apply_fates(&raw);
            prop_assert!(kept.is_ascii());
            prop_assert_eq!(compose(&kept), kept);
        }

        #[test]
        fn output_has_no_controls_and_is_idempotent(raw in any::<String>()) {
            let once = SafeText::new(&raw);
            prop_assert!(once.as_str().chars().all(|c| !c.is_control()));
            prop_assert!(once.as_str().chars().all(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')), "bidi control left in output");
            prop_assert_eq!(SafeText::new(once.as_str()), once);
        }

        /// What ratatui measures per grapheme equals what a terminal that adds up character
        /// widths (wcwidth, as xterm, tmux and the vt100 crate do) advances, and no grapheme is
        /// invisible (ratatui would append it to the cell before).
        #[test]
        fn every_grapheme_is_as_wide_as_its_characters(raw in any::<String>()) {
            use ratatui::buffer::CellWidth;
            let text = SafeText::new(&raw);
            for grapheme in text.as_str().graphemes(true) {
                let per_char: usize = grapheme.chars().map(|c| c.width().unwrap_or(0).min(2)).sum();
                prop_assert_eq!(usize::from(grapheme.cell_width()), per_char, "{:?}", grapheme);
                prop_assert!(per_char > 0, "invisible grapheme {:?}", grapheme);
            }
        }
    }
}
