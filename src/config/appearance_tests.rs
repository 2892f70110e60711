//! `theme` and `[colors]` in the config: what they set, and every kind of bad value with its
//! line and column.

use std::path::Path;

use ratatui::style::Color;

use super::tests::{PATH, error};
use super::{Appearance, Colors, ThemeName, parse};

fn appearance(text: &str) -> Appearance {
    parse(text, Path::new(PATH)).unwrap().appearance
}

#[test]
fn dark_by_default_and_each_theme_by_name() {
    assert_eq!(appearance(""), Appearance::default());
    assert_eq!(appearance("").theme, ThemeName::Dark);
    for (theme, name) in ThemeName::ALL {
        assert_eq!(appearance(&format!("theme = {name:?}\n")).theme, theme);
    }
}

#[test]
fn colors_set_only_their_roles() {
    let set = appearance(
        "theme = \"light\"\n[colors]\nup = \"blue\"\ndown = \"#C00000\"\naccent = \"dark-gray\"\n",
    );
    assert_eq!(
        set,
        Appearance {
            theme: ThemeName::Light,
            colors: Colors {
                up: Some(Color::Blue),
                down: Some(Color::Rgb(0xc0, 0, 0)),
                accent: Some(Color::DarkGray),
                ..Colors::default()
            },
        }
    );
}

#[test]
fn an_unknown_theme_is_an_error_at_its_value() {
    assert_eq!(
        error("theme = \"solarized\"\n"),
        "/etc/c.toml:1:9: theme \"solarized\" is not known; use \"dark\", \"light\", \"high-contrast\", \"mono\""
    );
    assert_eq!(
        error("theme = 1\n"),
        "/etc/c.toml:1:9: invalid type: integer `1`, expected a string"
    );
}

#[test]
fn every_bad_colour_is_an_error_at_its_value() {
    for (role, value, column) in [
        ("up", "\"redish\"", 6),
        ("down", "\"#12345\"", 8),
        ("unchanged", "\"#1234567\"", 13),
        ("stale", "\"#gggggg\"", 9),
        ("border", "\"12\"", 10),
        ("selected", "\"\"", 12),
        ("dim", "\"rgb(1, 2, 3)\"", 7),
        ("accent", "\"light blue sky\"", 10),
    ] {
        let message = error(&format!("[colors]\n{role} = {value}\n"));
        let wanted = format!(
            "/etc/c.toml:2:{column}: colors.{role}: {value} is not a colour; use a name (red, light-blue, dark-gray, …) or #rrggbb"
        );
        assert_eq!(message, wanted);
    }
}

#[test]
fn an_unknown_role_or_a_wrong_type_is_an_error_where_it_is() {
    assert_eq!(
        error("[colors]\nup = \"red\"\nbackground = \"white\"\n"),
        "/etc/c.toml:3:1: unknown field `background`, expected one of `up`, `down`, `unchanged`, `stale`, `border`, `selected`, `dim`, `accent`"
    );
    assert_eq!(
        error("[colors]\nup = 2\n"),
        "/etc/c.toml:2:6: invalid type: integer `2`, expected a string"
    );
    assert_eq!(
        error("colors = \"red\"\n"),
        "/etc/c.toml:1:10: invalid type: string \"red\", expected a [colors] table"
    );
}
