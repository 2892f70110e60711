//! Colours and emphasis: the named themes, the config's per-role overrides, and `NO_COLOR`
//! (<https://no-color.org>), honoured here and nowhere else, which beats both. In every theme
//! up and down also read from the arrows and signs, so direction never rests on colour alone.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Appearance, Colors, ThemeName};
use crate::domain::Direction;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub rise: Style,
    pub fall: Style,
    pub flat: Style,
    pub stale: Style,
    pub name: Style,
    pub separator: Style,
    pub selected: Style,
    pub unread: Style,
    /// An instrument a headline mentions.
    pub tag: Style,
    pub dim: Style,
    pub title: Style,
    pub heading: Style,
    pub quote: Style,
    pub focused_border: Style,
    pub border: Style,
    pub warning: Style,
    pub open: Style,
    pub closed: Style,
}

impl Theme {
    pub fn colour() -> Self {
        Self {
            rise: Style::new().fg(Color::Green),
            fall: Style::new().fg(Color::Red),
            flat: Style::new(),
            stale: Style::new().add_modifier(Modifier::DIM),
            name: Style::new().add_modifier(Modifier::BOLD),
            separator: Style::new().fg(Color::DarkGray),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            unread: Style::new().fg(Color::Cyan),
            tag: Style::new().fg(Color::Yellow),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            heading: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            quote: Style::new().add_modifier(Modifier::ITALIC),
            focused_border: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            warning: Style::new().fg(Color::Yellow),
            open: Style::new().fg(Color::Green),
            closed: Style::new(),
        }
    }

    /// Emphasis only: bold, dim, reverse and italic survive where colour is refused.
    pub fn monochrome() -> Self {
        let plain = Style::new();
        Self {
            rise: plain,
            fall: plain,
            flat: plain,
            separator: plain,
            unread: plain.add_modifier(Modifier::BOLD),
            tag: plain.add_modifier(Modifier::UNDERLINED),
            dim: plain.add_modifier(Modifier::DIM),
            heading: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            focused_border: plain.add_modifier(Modifier::BOLD),
            border: plain,
            warning: plain.add_modifier(Modifier::BOLD),
            open: plain.add_modifier(Modifier::BOLD),
            closed: plain,
            ..Self::colour()
        }
    }

    /// For white and pale backgrounds: dark colours only, no yellow or light-grey text. Grey
    /// text is a fixed dark grey (palette 240, #585858): `DarkGray` is light grey in some
    /// palettes.
    pub fn light() -> Self {
        let grey = Color::Indexed(240);
        Self {
            separator: Style::new().fg(grey),
            unread: Style::new().fg(Color::Blue),
            tag: Style::new().fg(Color::Magenta),
            dim: Style::new().fg(grey),
            heading: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            focused_border: Style::new().fg(Color::Blue),
            border: Style::new().fg(grey),
            warning: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ..Self::colour()
        }
    }

    /// Bright, bold colours and no dimming, for low-contrast screens and eyes.
    pub fn high_contrast() -> Self {
        let bold = |color| Style::new().fg(color).add_modifier(Modifier::BOLD);
        Self {
            rise: bold(Color::LightGreen),
            fall: bold(Color::LightRed),
            stale: Style::new().add_modifier(Modifier::ITALIC),
            separator: Style::new().fg(Color::White),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            unread: bold(Color::LightCyan),
            tag: bold(Color::LightYellow),
            dim: Style::new().fg(Color::White),
            heading: bold(Color::LightCyan),
            focused_border: bold(Color::LightCyan),
            border: Style::new().fg(Color::White),
            warning: bold(Color::LightYellow),
            open: bold(Color::LightGreen),
            ..Self::colour()
        }
    }

    /// The theme the config names with its `[colors]` over it, unless `NO_COLOR` is set to
    /// anything non-empty: then no colour at all, whatever the config says.
    pub fn new(appearance: &Appearance, no_color: Option<&std::ffi::OsStr>) -> Self {
        if no_color.is_some_and(|value| !value.is_empty()) {
            return Self::monochrome();
        }
        let theme = match appearance.theme {
            ThemeName::Dark => Self::colour(),
            ThemeName::Light => Self::light(),
            ThemeName::HighContrast => Self::high_contrast(),
            ThemeName::Mono => Self::monochrome(),
        };
        theme.with_colors(&appearance.colors)
    }

    /// Each role's colour replaced where `[colors]` sets it; emphasis (bold, reverse) stays.
    fn with_colors(mut self, colors: &Colors) -> Self {
        let set = |style: &mut Style, color: Option<Color>| {
            if let Some(color) = color {
                *style = style.fg(color);
            }
        };
        set(&mut self.rise, colors.up);
        set(&mut self.fall, colors.down);
        set(&mut self.flat, colors.unchanged);
        set(&mut self.stale, colors.stale);
        set(&mut self.border, colors.border);
        set(&mut self.separator, colors.border);
        set(&mut self.selected, colors.selected);
        set(&mut self.dim, colors.dim);
        for style in [
            &mut self.focused_border,
            &mut self.heading,
            &mut self.unread,
        ] {
            set(style, colors.accent);
        }
        self
    }

    /// Green up, red down: the tape's change and the detail chart's line agree.
    pub fn direction(&self, direction: Direction) -> Style {
        match direction {
            Direction::Up => self.rise,
            Direction::Down => self.fall,
            Direction::Unchanged | Direction::Unknown => self.flat,
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::style::Color;
    use rstest::rstest;

    use super::Theme;
    use crate::config::{Appearance, Colors, ThemeName};
    use crate::fixtures::app_from_snapshot;

    fn drawn(theme: &Theme, width: u16, height: u16) -> Buffer {
        let app = app_from_snapshot(width, height);
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| crate::ui::draw(&app, theme, frame))
            .unwrap();
        terminal.backend().buffer().clone()
    }

    fn themed(theme: ThemeName) -> Appearance {
        Appearance {
            theme,
            colors: Colors::default(),
        }
    }

    #[test]
    fn no_color_beats_any_theme_and_any_override() {
        let loud = Appearance {
            theme: ThemeName::Light,
            colors: Colors {
                up: Some(Color::Rgb(0, 255, 0)),
                accent: Some(Color::Magenta),
                ..Colors::default()
            },
        };
        let no_color = Some(std::ffi::OsStr::new("1"));
        assert_eq!(Theme::new(&loud, no_color), Theme::monochrome());
        assert_ne!(
            Theme::new(&loud, Some(std::ffi::OsStr::new(""))),
            Theme::monochrome()
        );
        assert_eq!(Theme::new(&themed(ThemeName::Dark), None), Theme::colour());
    }

    #[test]
    fn overrides_recolour_their_roles_and_keep_the_emphasis() {
        let appearance = Appearance {
            theme: ThemeName::Dark,
            colors: Colors {
                up: Some(Color::Blue),
                down: Some(Color::Rgb(0xff, 0x80, 0)),
                selected: Some(Color::Magenta),
                accent: Some(Color::LightBlue),
                border: Some(Color::Black),
                ..Colors::default()
            },
        };
        let theme = Theme::new(&appearance, None);
        assert_eq!(theme.rise.fg, Some(Color::Blue));
        assert_eq!(theme.fall.fg, Some(Color::Rgb(0xff, 0x80, 0)));
        assert_eq!(theme.selected.fg, Some(Color::Magenta));
        assert!(
            theme
                .selected
                .add_modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
        assert_eq!(theme.focused_border.fg, Some(Color::LightBlue));
        assert_eq!(theme.heading.fg, Some(Color::LightBlue));
        assert_eq!(
            (theme.border.fg, theme.separator.fg),
            (Some(Color::Black), Some(Color::Black))
        );
        assert_eq!(theme.flat, Theme::colour().flat);
    }

    /// Direction never rests on colour: every theme draws the same arrows and signs.
    #[test]
    fn every_theme_keeps_the_arrows_and_signs() {
        for (name, _) in ThemeName::ALL {
            let buf = drawn(&Theme::new(&themed(name), None), 120, 40);
            let tape: String = (0..120).map(|x| buf[(x, 1)].symbol()).collect();
            assert!(tape.contains("▼-15.56 (-0.19%)"), "{name}: {tape}");
        }
    }

    /// Text on a white background: nothing light (yellow, light grey, white, the bright
    /// colours) in the light theme, at any cell.
    #[rstest]
    #[case(120, 40)]
    #[case(80, 24)]
    fn the_light_theme_has_no_pale_text(#[case] width: u16, #[case] height: u16) {
        let buf = drawn(&Theme::light(), width, height);
        for cell in &buf.content {
            let pale = matches!(
                cell.fg,
                Color::Gray
                    | Color::White
                    | Color::Yellow
                    | Color::DarkGray
                    | Color::LightRed
                    | Color::LightGreen
                    | Color::LightYellow
                    | Color::LightBlue
                    | Color::LightMagenta
                    | Color::LightCyan
            ) || matches!(cell.fg, Color::Indexed(i) if i > 243);
            assert!(!pale, "{:?} in {:?}", cell.symbol(), cell.fg);
        }
        // The snapshot keeps the styles (ratatui's Buffer debug form lists each run).
        insta::assert_snapshot!(format!("light_{width}x{height}"), format!("{buf:?}"));
    }
}
