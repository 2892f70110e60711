//! `[keys]` in the config: remapping, and every kind of bad entry with its line and column.

use std::path::Path;

use super::tests::{PATH, error};
use super::{DEFAULT_CONFIG_TEXT, parse};
use crate::keymap::{Key, KeyMap};

fn keys(text: &str) -> KeyMap {
    parse(text, Path::new(PATH)).unwrap().keys
}

#[test]
fn an_entry_replaces_that_actions_keys_and_leaves_the_rest() {
    let map = keys("[keys]\nquit = [\"x\", \"ctrl-q\"]\nrefresh = \"F5\"\nhelp = []\n");
    let mut wanted = KeyMap::default();
    let parse = |text| Key::parse(text).unwrap();
    wanted
        .bind("quit", vec![parse("x"), parse("ctrl-q")])
        .unwrap();
    wanted.bind("refresh", vec![parse("F5")]).unwrap();
    wanted.bind("help", Vec::new()).unwrap();
    assert_eq!(map, wanted);
    assert_ne!(map, KeyMap::default());
}

#[test]
fn the_default_map_is_conflict_free_and_written_out_in_the_default_file() {
    assert_eq!(KeyMap::default().conflict(), None);
    assert!(DEFAULT_CONFIG_TEXT.contains(&KeyMap::default().to_toml()));
}

#[test]
fn the_printed_map_reads_back_as_the_same_map() {
    let remapped = keys("[keys]\nquit = [\"x\"]\nnext_headline = [\"n\", \"ctrl-down\", \"F2\"]\n");
    assert_eq!(keys(&remapped.to_toml()), remapped);
}

#[test]
fn an_unknown_action_is_named_where_it_is() {
    let message = error("[keys]\nquit = [\"q\"]\njump = [\"J\"]\n");
    assert!(
        message.starts_with(
            "/etc/c.toml:3:1: [keys]: \"jump\" is not an action; the actions are next_headline, "
        ),
        "{message}"
    );
}

#[test]
fn an_unparsable_key_is_pointed_at_in_its_list() {
    assert_eq!(
        error("[keys]\nrefresh = [\"r\", \"F55\"]\n")
            .split(';')
            .next()
            .unwrap(),
        "/etc/c.toml:2:17: \"F55\" is not a key"
    );
    for bad in ["\"\"", "\"qq\"", "\"ctrl-\"", "\"hyper-x\"", "\" \""] {
        let message = error(&format!("[keys]\nquit = {bad}\n"));
        assert!(message.starts_with("/etc/c.toml:2:8: "), "{message}");
        assert!(message.contains("is not a key"), "{message}");
    }
}

#[test]
fn a_value_that_is_not_keys_is_a_type_error() {
    assert_eq!(
        error("[keys]\nquit = 7\n"),
        "/etc/c.toml:2:8: invalid type: integer `7`, expected a key or a list of keys"
    );
    assert_eq!(
        error("[keys]\nquit = [7]\n"),
        "/etc/c.toml:2:9: invalid type: integer `7`, expected a string"
    );
    assert_eq!(
        error("keys = 1\n"),
        "/etc/c.toml:1:8: invalid type: integer `1`, expected a map"
    );
}

#[test]
fn one_key_for_two_actions_at_once_is_a_conflict() {
    // Both anywhere.
    assert_eq!(
        error("[keys]\npause = \"r\"\n"),
        "/etc/c.toml:2:9: [keys]: \"r\" is bound to both refresh and pause (anywhere)"
    );
    // The list and anywhere are active together.
    assert_eq!(
        error("[keys]\nnext_headline = [\"j\", \"q\"]\n"),
        "/etc/c.toml:2:17: [keys]: \"q\" is bound to both next_headline and quit (headlines)"
    );
    // Two user entries: the later is pointed at.
    assert_eq!(
        error("[keys]\nrefresh = \"x\"\nhelp = \"x\"\n"),
        "/etc/c.toml:3:8: [keys]: \"x\" is bound to both refresh and help (anywhere)"
    );
}

#[test]
fn panes_that_are_never_active_together_may_share_a_key() {
    let map =
        keys("[keys]\nscroll_down = [\"n\"]\nnext_headline = [\"n\"]\nnext_instrument = [\"n\"]\n");
    assert_eq!(map.conflict(), None);
}
