//! Colours and emphasis. `NO_COLOR` (<https://no-color.org>) is honoured here and nowhere else:
//! without colour, up and down still read from the arrows and signs, stale from dimming.

use ratatui::style::{Color, Modifier, Style};

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

    /// Green up, red down: the tape's change and the detail chart's line agree.
    pub fn direction(&self, direction: Direction) -> Style {
        match direction {
            Direction::Up => self.rise,
            Direction::Down => self.fall,
            Direction::Unchanged | Direction::Unknown => self.flat,
        }
    }

    /// `NO_COLOR` set to anything non-empty turns colour off.
    pub fn from_no_color(no_color: Option<&std::ffi::OsStr>) -> Self {
        match no_color {
            Some(value) if !value.is_empty() => Self::monochrome(),
            _ => Self::colour(),
        }
    }
}
