//! How the screen is coloured, as the config says: a named theme and per-role colour
//! overrides, and their checks. Plain values; `ui::theme` turns them into styles (and
//! `NO_COLOR` beats both).

use std::fmt;
use std::str::FromStr;

use ratatui::style::Color;
use toml::Spanned;

use super::ConfigError;
use super::raw::RawColors;
use super::validate::Source;

/// `theme = "…"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// For dark backgrounds: today's colours.
    #[default]
    Dark,
    /// For white or pale backgrounds: no yellow or light grey text.
    Light,
    /// Bright, bold colours and no dimming.
    HighContrast,
    /// No colour at all: emphasis only, as under `NO_COLOR`.
    Mono,
}

impl ThemeName {
    pub const ALL: [(Self, &'static str); 4] = [
        (Self::Dark, "dark"),
        (Self::Light, "light"),
        (Self::HighContrast, "high-contrast"),
        (Self::Mono, "mono"),
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Self::ALL
            .iter()
            .find(|(t, _)| t == self)
            .map_or("dark", |(_, n)| n);
        f.write_str(name)
    }
}

/// The roles `[colors]` can set, each overriding the theme's colour for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Colors {
    pub up: Option<Color>,
    pub down: Option<Color>,
    pub unchanged: Option<Color>,
    pub stale: Option<Color>,
    pub border: Option<Color>,
    pub selected: Option<Color>,
    pub dim: Option<Color>,
    pub accent: Option<Color>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Appearance {
    pub theme: ThemeName,
    pub colors: Colors,
}

/// A colour as the config writes it: a name (`red`, `light-blue`, `dark-gray`, …) or
/// `#rrggbb`. Numbers (palette indexes) are refused: they mean different colours in different
/// terminals, which is what a theme is for.
pub fn parse_color(text: &str) -> Option<Color> {
    if text.is_empty() || text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Color::from_str(text).ok()
}

/// The config's form of a colour, which [`parse_color`] reads back.
pub fn color_name(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        // Indexed colours cannot come from the config; print what ratatui calls them.
        other => {
            let name = other.to_string();
            let mut out = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        }
    }
}

/// `theme = "…"`: one of the named themes.
pub(super) fn theme(src: &Source, name: &Spanned<String>) -> Result<ThemeName, ConfigError> {
    ThemeName::parse(name.get_ref()).ok_or_else(|| {
        let names: Vec<String> = ThemeName::ALL
            .iter()
            .map(|(_, n)| format!("{n:?}"))
            .collect();
        let message = format!(
            "theme {:?} is not known; use {}",
            name.get_ref(),
            names.join(", ")
        );
        src.invalid(name.span(), message)
    })
}

/// Each role set in `[colors]`, checked as a colour name or `#rrggbb`.
pub(super) fn colors(src: &Source, raw: &RawColors) -> Result<Colors, ConfigError> {
    let color = |value: &Option<Spanned<String>>, role: &str| {
        value
            .as_ref()
            .map(|value| {
                parse_color(value.get_ref()).ok_or_else(|| {
                    let message = format!(
                        "colors.{role}: {:?} is not a colour; use a name (red, light-blue, dark-gray, …) or #rrggbb",
                        value.get_ref()
                    );
                    src.invalid(value.span(), message)
                })
            })
            .transpose()
    };
    Ok(Colors {
        up: color(&raw.up, "up")?,
        down: color(&raw.down, "down")?,
        unchanged: color(&raw.unchanged, "unchanged")?,
        stale: color(&raw.stale, "stale")?,
        border: color(&raw.border, "border")?,
        selected: color(&raw.selected, "selected")?,
        dim: color(&raw.dim, "dim")?,
        accent: color(&raw.accent, "accent")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_names_or_hex_and_print_back() {
        for (text, color, printed) in [
            ("red", Color::Red, "red"),
            ("Light-Blue", Color::LightBlue, "light-blue"),
            ("dark_grey", Color::DarkGray, "dark-gray"),
            ("#1A2b3c", Color::Rgb(0x1a, 0x2b, 0x3c), "#1a2b3c"),
        ] {
            assert_eq!(parse_color(text), Some(color), "{text}");
            assert_eq!(color_name(color), printed);
            assert_eq!(parse_color(printed), Some(color));
        }
        for bad in [
            "",
            "12",
            "#12345",
            "#1234567",
            "#gggggg",
            "redish",
            "rgb(1,2,3)",
        ] {
            assert_eq!(parse_color(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn theme_names_round_trip() {
        for (theme, name) in ThemeName::ALL {
            assert_eq!(ThemeName::parse(name), Some(theme));
            assert_eq!(theme.to_string(), name);
        }
        assert_eq!(ThemeName::parse("Dark"), None);
    }
}
