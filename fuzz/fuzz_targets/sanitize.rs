//! The sanitiser on arbitrary text. `SafeText` promises "text proven free of control
//! characters, escape sequences and bidi overrides" (src/sanitize.rs): `sanitize` turns the
//! whitespace controls (`\t \n \r \v \f`, U+2028, U+2029) into one space and drops every other
//! control character, the bidi controls, U+2028/U+2029 and U+FEFF. So the output holds no
//! `char::is_control` at all (not even '\n'), no ESC, no C1 control, no bidi control, no line or
//! paragraph separator and no BOM, and sanitising it again changes nothing. Every other way in
//! (`From<String>`, `From<&str>`, serde as the cache uses it) goes through the same gate.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tickertape::sanitize::SafeText;

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn assert_safe(text: &str) {
    for c in text.chars() {
        assert!(!c.is_control(), "control character {c:?} in {text:?}");
        assert!(c != '\u{1b}', "ESC in {text:?}");
        assert!(
            !('\u{80}'..='\u{9f}').contains(&c),
            "C1 control {c:?} in {text:?}"
        );
        assert!(!is_bidi_control(c), "bidi control {c:?} in {text:?}");
        assert!(
            !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}'),
            "separator or BOM {c:?} in {text:?}"
        );
    }
}

fuzz_target!(|bytes: &[u8]| {
    let raw = String::from_utf8_lossy(bytes);
    let safe = SafeText::new(&raw);
    assert_safe(safe.as_str());
    // Idempotent: safe text passes the gate unchanged.
    assert_eq!(SafeText::new(safe.as_str()), safe);
    // Characters are removed, turned into a space or a letter, composed, or (the two Khmer
    // signs, and the few a composition decomposes) written out as at most three.
    assert!(safe.as_str().chars().count() <= 3 * raw.chars().count());
    // The other ways in go through the same gate.
    let from_string = SafeText::from(raw.clone().into_owned());
    assert_safe(from_string.as_str());
    assert_safe(SafeText::from(raw.as_ref()).as_str());
    // What the cache does: a string read back from JSON becomes `SafeText` through serde.
    let json = serde_json::to_string(raw.as_ref()).expect("any string is a JSON string");
    let from_json: SafeText = serde_json::from_str(&json).expect("a JSON string");
    assert_safe(from_json.as_str());
    assert_eq!(from_json, safe);
});
