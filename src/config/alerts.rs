//! `[alerts]`: the price rules that call for attention, and how they call (the bell, a desktop
//! notification through the terminal, a command). The file as written, its checks with line
//! and column, and the plain values the app works from. A rule's symbol is checked against the
//! instruments once the layers are merged (`validate`), like a position's.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use toml::{Spanned, Table, Value};

use super::ConfigError;
use super::raw::Amount;
use super::validate::Source;

/// The re-arm margin may be at most this many percent: more would never re-arm in practice.
const MAX_REARM_PCT: f64 = 10.0;

#[derive(Clone, Debug, PartialEq)]
pub struct AlertsConfig {
    /// Ring the terminal bell when an alert fires.
    pub bell: bool,
    pub desktop: Desktop,
    /// argv run without a shell when an alert fires, `{symbol}` `{name}` `{price}` `{message}`
    /// filled in; empty runs nothing.
    pub command: Vec<String>,
    /// How far (percent of the level, or percentage points of a day move) the price must cross
    /// back before a fired rule can fire again.
    pub rearm_pct: f64,
    /// In the order written; each symbol is an instrument of the watchlist or a group.
    pub rules: Vec<AlertRule>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            bell: true,
            desktop: Desktop::default(),
            command: Vec::new(),
            rearm_pct: 0.1,
            rules: Vec::new(),
        }
    }
}

/// How a fired alert reaches the desktop: through the terminal, as the terminal understands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Desktop {
    /// `ESC ] 9 ; message BEL` (`iTerm2`, `WezTerm`, kitty, Windows Terminal, foot).
    #[default]
    Osc9,
    /// `ESC ] 777 ; notify ; title ; message BEL` (VTE terminals, urxvt, `WezTerm`).
    Osc777,
    Off,
}

impl Desktop {
    const ALL: [(Self, &'static str); 3] = [
        (Self::Osc9, "osc9"),
        (Self::Osc777, "osc777"),
        (Self::Off, "off"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(d, _)| *d == self)
            .map_or("off", |(_, n)| n)
    }
}

/// One `[[alerts.rules]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRule {
    pub symbol: String,
    pub condition: Condition,
    /// Fires on `--demo`'s simulated prices too.
    pub demo: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    Above(f64),
    Below(f64),
    /// The day's move beyond ± this many percent.
    MovePct(f64),
}

impl Condition {
    /// The config key that sets it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Above(_) => "above",
            Self::Below(_) => "below",
            Self::MovePct(_) => "move_pct",
        }
    }

    pub fn value(self) -> f64 {
        match self {
            Self::Above(v) | Self::Below(v) | Self::MovePct(v) => v,
        }
    }
}

impl fmt::Display for AlertRule {
    /// Its identity across restarts and edits: `^FTSE above 8400`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let condition = self.condition;
        write!(
            f,
            "{} {} {}",
            self.symbol,
            condition.key(),
            condition.value()
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [alerts] table")]
pub(super) struct RawAlerts {
    bell: Option<bool>,
    desktop: Option<Spanned<String>>,
    command: Option<Vec<Spanned<String>>>,
    rearm_pct: Option<Spanned<Amount>>,
    rules: Option<Vec<RawRule>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an [[alerts.rules]] entry with symbol and one of above, below or move_pct"
)]
pub(super) struct RawRule {
    symbol: Spanned<String>,
    above: Option<Spanned<Amount>>,
    below: Option<Spanned<Amount>>,
    move_pct: Option<Spanned<Amount>>,
    demo: Option<bool>,
}

/// One file's `[alerts]`; `None` where it does not set the key.
#[derive(Default)]
pub(super) struct AlertsLayer {
    bell: Option<bool>,
    desktop: Option<Desktop>,
    command: Option<Vec<String>>,
    rearm_pct: Option<f64>,
    /// Spanned by the symbol, checked against the instruments once the layers are merged.
    pub(super) rules: Option<Vec<Spanned<AlertRule>>>,
}

impl AlertsLayer {
    pub(super) fn over(self, base: Self) -> Self {
        Self {
            bell: self.bell.or(base.bell),
            desktop: self.desktop.or(base.desktop),
            command: self.command.or(base.command),
            rearm_pct: self.rearm_pct.or(base.rearm_pct),
            rules: self.rules.or(base.rules),
        }
    }

    /// With `rules` already checked against the instruments.
    pub(super) fn complete(self, rules: Vec<AlertRule>) -> AlertsConfig {
        let defaults = AlertsConfig::default();
        AlertsConfig {
            bell: self.bell.unwrap_or(defaults.bell),
            desktop: self.desktop.unwrap_or(defaults.desktop),
            command: self.command.unwrap_or(defaults.command),
            rearm_pct: self.rearm_pct.unwrap_or(defaults.rearm_pct),
            rules,
        }
    }
}

pub(super) fn alerts(src: &Source, raw: RawAlerts) -> Result<AlertsLayer, ConfigError> {
    let desktop = (raw.desktop.as_ref())
        .map(|name| {
            let found = Desktop::ALL.iter().find(|(_, n)| n == name.get_ref());
            found.map(|(d, _)| *d).ok_or_else(|| {
                let message = format!(
                    "alerts.desktop {:?} is not known; use \"osc9\", \"osc777\" or \"off\"",
                    name.get_ref()
                );
                src.invalid(name.span(), message)
            })
        })
        .transpose()?;
    if let Some(program) = raw.command.as_ref().and_then(|argv| argv.first())
        && program.get_ref().trim().is_empty()
    {
        let message = "alerts.command must start with a program to run";
        return Err(src.invalid(program.span(), message));
    }
    let rearm_pct = (raw.rearm_pct.as_ref())
        .map(|value| {
            let pct = value.get_ref().0.to_f64().unwrap_or(f64::NAN);
            if (0.0..=MAX_REARM_PCT).contains(&pct) {
                Ok(pct)
            } else {
                let message = format!("alerts.rearm_pct must be 0 to {MAX_REARM_PCT} (got {pct})");
                Err(src.invalid(value.span(), message))
            }
        })
        .transpose()?;
    let rules = (raw.rules.as_deref())
        .map(|rules| rules.iter().map(|rule| self::rule(src, rule)).collect())
        .transpose()?;
    Ok(AlertsLayer {
        bell: raw.bell,
        desktop,
        command: raw
            .command
            .map(|argv| argv.into_iter().map(Spanned::into_inner).collect()),
        rearm_pct,
        rules,
    })
}

/// Exactly one of `above`, `below` and `move_pct`, a positive number.
fn rule(src: &Source, raw: &RawRule) -> Result<Spanned<AlertRule>, ConfigError> {
    let symbol = raw.symbol.get_ref();
    let given: Vec<_> = [
        (&raw.above, Condition::Above as fn(f64) -> Condition),
        (&raw.below, Condition::Below),
        (&raw.move_pct, Condition::MovePct),
    ]
    .into_iter()
    .filter_map(|(value, make)| value.as_ref().map(|v| (v, make)))
    .collect();
    let (value, make) = match given.as_slice() {
        [one] => *one,
        [] => {
            let message = format!("alert for {symbol:?} needs one of above, below or move_pct");
            return Err(src.invalid(raw.symbol.span(), message));
        }
        [_, second, ..] => {
            let message = format!("alert for {symbol:?} takes one of above, below or move_pct");
            return Err(src.invalid(second.0.span(), message));
        }
    };
    let number = value.get_ref().0.to_f64().unwrap_or(f64::NAN);
    let condition = make(number);
    if !(number > 0.0 && number.is_finite()) {
        let message = format!(
            "{} of the alert for {symbol:?} must be more than 0",
            condition.key()
        );
        return Err(src.invalid(value.span(), message));
    }
    let rule = AlertRule {
        symbol: symbol.clone(),
        condition,
        demo: raw.demo.unwrap_or(false),
    };
    Ok(Spanned::new(raw.symbol.span(), rule))
}

/// `--print-config`'s `[alerts]`.
pub(super) fn to_table(alerts: &AlertsConfig) -> Table {
    let mut table = Table::new();
    table.insert("bell".into(), alerts.bell.into());
    table.insert("desktop".into(), alerts.desktop.name().into());
    let argv = alerts.command.iter().map(|a| Value::from(a.as_str()));
    table.insert("command".into(), Value::Array(argv.collect()));
    table.insert("rearm_pct".into(), alerts.rearm_pct.into());
    let rules = alerts
        .rules
        .iter()
        .map(|rule| Value::Table(rule_table(rule)));
    table.insert("rules".into(), Value::Array(rules.collect()));
    table
}

fn rule_table(rule: &AlertRule) -> Table {
    let mut table = Table::new();
    table.insert("symbol".into(), rule.symbol.as_str().into());
    table.insert(rule.condition.key().into(), rule.condition.value().into());
    if rule.demo {
        table.insert("demo".into(), true.into());
    }
    table
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::parse;
    use crate::config::tests::{PATH, error};

    #[test]
    fn rules_read_with_their_defaults_and_print_back() {
        let text = "[alerts]\ndesktop = \"osc777\"\ncommand = [\"notify-send\", \"{message}\"]\n\
            [[alerts.rules]]\nsymbol = \"^FTSE\"\nabove = 8400\n\
            [[alerts.rules]]\nsymbol = \"GBPUSD=X\"\nmove_pct = 1.5\ndemo = true\n";
        let config = parse(text, Path::new(PATH)).unwrap();
        let alerts = &config.alerts;
        assert!(alerts.bell);
        assert_eq!(alerts.desktop, Desktop::Osc777);
        assert_eq!(alerts.command, ["notify-send", "{message}"]);
        assert!((alerts.rearm_pct - 0.1).abs() < 1e-12);
        let rules: Vec<String> = alerts.rules.iter().map(ToString::to_string).collect();
        assert_eq!(rules, ["^FTSE above 8400", "GBPUSD=X move_pct 1.5"]);
        assert!(alerts.rules[1].demo && !alerts.rules[0].demo);
        let printed = crate::config::to_toml(&config);
        let reread = parse(&printed, Path::new("printed.toml")).unwrap();
        assert_eq!(reread.alerts, config.alerts, "{printed}");
    }

    #[test]
    fn bad_alerts_are_reported_where_they_are() {
        let rule = |body: &str| format!("[[alerts.rules]]\nsymbol = \"^FTSE\"\n{body}");
        let cases = [
            (
                "[alerts]\ndesktop = \"growl\"\n".to_owned(),
                "2:11: alerts.desktop \"growl\" is not known; use \"osc9\", \"osc777\" or \"off\"",
            ),
            (
                "[alerts]\nrearm_pct = 50\n".to_owned(),
                "2:13: alerts.rearm_pct must be 0 to 10 (got 50)",
            ),
            (
                "[alerts]\ncommand = [\" \"]\n".to_owned(),
                "2:12: alerts.command must start with a program to run",
            ),
            (
                rule(""),
                "2:10: alert for \"^FTSE\" needs one of above, below or move_pct",
            ),
            (
                rule("above = 1\nbelow = 2\n"),
                "4:9: alert for \"^FTSE\" takes one of above, below or move_pct",
            ),
            (
                rule("below = -2\n"),
                "3:9: below of the alert for \"^FTSE\" must be more than 0",
            ),
            (
                rule("above = \"high\"\n"),
                "3:9: invalid type: string \"high\", expected a number",
            ),
            (
                "[[alerts.rules]]\nsymbol = \"NOPE\"\nabove = 1\n".to_owned(),
                "2:10: alert symbol \"NOPE\" is not an instrument: add it to [[quotes.symbols]] or a [[groups]] list",
            ),
            (
                rule("above = 1\nabove_pct = 1\n"),
                "4:1: unknown field `above_pct`, expected one of `symbol`, `above`, `below`, `move_pct`, `demo`",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error(&text), format!("{PATH}:{expected}"), "{text}");
        }
    }
}
