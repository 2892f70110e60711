//! Price alerts: each rule armed or fired, the pure machine that moves between the two on a
//! quote, the fired alerts not yet seen, the `!` list's selection and the price prompt of `a`.
//! Only a live quote moves a rule: one from a working source, stamped recently; never the
//! bundled snapshot or the cache (they never arrive as a round from a live source), a quote
//! the provider stamped long ago, or a simulated one unless the rule says `demo = true`. A
//! rule fires once per crossing and re-arms only after the price has crossed back by
//! `rearm_pct`. Fired states are saved in the cache, so a restart does not fire them again.

use jiff::{SignedDuration, Timestamp};
use tui_input::{Input, InputRequest};

use crate::cache::FiredAlert;
use crate::config::{AlertRule, AlertsConfig, Condition};
use crate::domain::Quote;
use crate::format::number;
use crate::message::{Notification, SourceId, Step};
use crate::sanitize::SafeText;

/// A quote the provider stamped this long before it was fetched is stale (a closed market's
/// last price, a halted instrument): generous, as some exchanges' prices come 15–20 min late.
const STALE_AFTER: SignedDuration = SignedDuration::from_mins(30);

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum State {
    Armed,
    /// Fired by a live quote at `price`, fetched at `at`; armed again once the price crosses
    /// back by the margin.
    Fired {
        at: Timestamp,
        price: f64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleState {
    pub rule: AlertRule,
    pub state: State,
}

/// Whether a quote may move the rules, by where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// From `--demo`: moves only rules that say `demo = true`.
    Simulated,
    NotLive,
}

impl Liveness {
    pub fn of(source: SourceId, quote: &Quote, fetched_at: Timestamp) -> Self {
        let is_recent = fetched_at.duration_since(quote.time) <= STALE_AFTER;
        match source {
            SourceId::Yahoo | SourceId::CoinGecko if is_recent => Self::Live,
            SourceId::Demo => Self::Simulated,
            _ => Self::NotLive,
        }
    }

    fn moves(self, rule: &AlertRule) -> bool {
        match self {
            Self::Live => true,
            Self::Simulated => rule.demo,
            Self::NotLive => false,
        }
    }
}

/// The instrument a fired alert is about, as the message and command name it.
pub struct Subject<'a> {
    pub name: &'a SafeText,
    pub quote: &'a Quote,
}

/// A price being typed for a new rule on `symbol` (`a` in the detail panel).
#[derive(Clone, Debug)]
pub struct Prompt {
    pub symbol: String,
    pub name: SafeText,
    pub input: Input,
}

#[derive(Clone, Debug, Default)]
pub struct Alerts {
    config: AlertsConfig,
    rules: Vec<RuleState>,
    /// Messages of alerts fired and not yet seen, oldest first; opening `!` sees them.
    unseen: Vec<SafeText>,
    /// The `!` list's selected row, while it is open.
    list: Option<usize>,
    prompt: Option<Prompt>,
}

impl Alerts {
    /// `fired` is what the cache remembers: rules it names start fired.
    pub fn new(config: &AlertsConfig, fired: &[FiredAlert]) -> Self {
        let mut alerts = Self::default();
        alerts.configure(config);
        for rule in &mut alerts.rules {
            let key = rule.rule.to_string();
            if let Some(saved) = fired.iter().find(|f| f.rule == key) {
                rule.state = State::Fired {
                    at: saved.at,
                    price: saved.price,
                };
            }
        }
        alerts
    }

    /// A (re)loaded config: its rules, each keeping its state if it was there before.
    pub fn configure(&mut self, config: &AlertsConfig) {
        let old = std::mem::take(&mut self.rules);
        self.rules = (config.rules.iter())
            .map(|rule| RuleState {
                state: (old.iter())
                    .find(|o| o.rule.to_string() == rule.to_string())
                    .map_or(State::Armed, |o| o.state),
                rule: rule.clone(),
            })
            .collect();
        self.config = AlertsConfig {
            rules: Vec::new(),
            ..config.clone()
        };
        self.list = self
            .list
            .map(|row| row.min(self.rules.len().saturating_sub(1)));
    }

    pub fn rules(&self) -> &[RuleState] {
        &self.rules
    }

    /// The rules as the config file should list them.
    pub fn rules_to_save(&self) -> Vec<AlertRule> {
        self.rules.iter().map(|r| r.rule.clone()).collect()
    }

    /// What the cache keeps: every fired rule, by its identity.
    pub fn fired_to_save(&self) -> Vec<FiredAlert> {
        (self.rules.iter())
            .filter_map(|r| match r.state {
                State::Fired { at, price } => Some(FiredAlert {
                    rule: r.rule.to_string(),
                    at,
                    price,
                }),
                State::Armed => None,
            })
            .collect()
    }

    /// Moves every rule on `subject`'s symbol by its quote; returns what fired, to notify.
    pub fn on_quote(
        &mut self,
        subject: &Subject,
        liveness: Liveness,
        fetched_at: Timestamp,
    ) -> Vec<Notification> {
        let quote = subject.quote;
        let rearm_pct = self.config.rearm_pct;
        let mut fired = Vec::new();
        for rule in (self.rules.iter_mut())
            .filter(|r| r.rule.symbol == quote.symbol && liveness.moves(&r.rule))
        {
            match rule.state {
                State::Armed if meets(rule.rule.condition, quote) => {
                    rule.state = State::Fired {
                        at: fetched_at,
                        price: quote.price,
                    };
                    fired.push(message(&rule.rule, subject));
                }
                State::Fired { .. } if has_crossed_back(rule.rule.condition, quote, rearm_pct) => {
                    rule.state = State::Armed;
                }
                State::Armed | State::Fired { .. } => {}
            }
        }
        self.unseen.extend(fired.iter().cloned());
        fired
            .into_iter()
            .map(|message| self.notification(subject, message))
            .collect()
    }

    fn notification(&self, subject: &Subject, message: SafeText) -> Notification {
        let price = number::price(subject.quote.price, subject.quote.decimals);
        let fill = |arg: &String| {
            arg.replace("{symbol}", &subject.quote.symbol)
                .replace("{name}", subject.name.as_str())
                .replace("{price}", &price)
                .replace("{message}", message.as_str())
        };
        Notification {
            command: self.config.command.iter().map(fill).collect(),
            bell: self.config.bell,
            desktop: self.config.desktop,
            message,
        }
    }

    /// The newest alert not yet seen, and how many others wait.
    pub fn unseen(&self) -> Option<(&SafeText, usize)> {
        let newest = self.unseen.last()?;
        Some((newest, self.unseen.len() - 1))
    }

    pub fn list_selection(&self) -> Option<usize> {
        self.list
    }

    /// `!`: the list opens (which sees every fired alert) or closes.
    pub fn toggle_list(&mut self) {
        if self.list.take().is_none() {
            self.unseen.clear();
            self.list = Some(0);
        }
    }

    pub fn close_list(&mut self) -> bool {
        self.list.take().is_some()
    }

    pub fn select(&mut self, step: Step) {
        let last = self.rules.len().saturating_sub(1);
        if let Some(row) = &mut self.list {
            *row = match step {
                Step::Up => row.saturating_sub(1),
                Step::Down => (*row + 1).min(last),
                Step::First => 0,
                Step::Last => last,
            };
        }
    }

    /// `d` in the list: the selected rule goes; `None` when there is none.
    pub fn delete_selected(&mut self) -> Option<AlertRule> {
        let row = self.list?;
        (row < self.rules.len()).then(|| {
            let removed = self.rules.remove(row).rule;
            self.list = Some(row.min(self.rules.len().saturating_sub(1)));
            removed
        })
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    pub fn open_prompt(&mut self, symbol: &str, name: &SafeText) {
        self.prompt = Some(Prompt {
            symbol: symbol.to_owned(),
            name: name.clone(),
            input: Input::default(),
        });
    }

    pub fn edit_prompt(&mut self, request: InputRequest) {
        if let Some(prompt) = &mut self.prompt {
            prompt.input.handle(request);
        }
    }

    pub fn close_prompt(&mut self) -> Option<Prompt> {
        self.prompt.take()
    }

    /// A rule at the typed price, above or below `current`: what the user means by a level on
    /// the far side of today's price. Errors are said on the status line.
    pub fn add_at(
        &mut self,
        symbol: &str,
        typed: &str,
        current: Option<f64>,
    ) -> Result<AlertRule, String> {
        let level = parse_price(typed).ok_or_else(|| format!("{typed:?} is not a price"))?;
        let current = current.ok_or("no price yet to compare it with")?;
        let condition = match level.partial_cmp(&current) {
            Some(std::cmp::Ordering::Greater) => Condition::Above(level),
            Some(std::cmp::Ordering::Less) => Condition::Below(level),
            _ => return Err("that is the price now".to_owned()),
        };
        let rule = AlertRule {
            symbol: symbol.to_owned(),
            condition,
            demo: false,
        };
        if self.rules.iter().any(|r| r.rule == rule) {
            return Err("that alert is set already".to_owned());
        }
        self.rules.push(RuleState {
            rule: rule.clone(),
            state: State::Armed,
        });
        Ok(rule)
    }
}

/// `8400`, `8,400.5`: thousands separators as the tape shows them are allowed.
fn parse_price(typed: &str) -> Option<f64> {
    let digits: String = typed.trim().chars().filter(|c| *c != ',').collect();
    let value: f64 = digits.parse().ok()?;
    (value.is_finite() && value > 0.0).then_some(value)
}

fn meets(condition: Condition, quote: &Quote) -> bool {
    match condition {
        Condition::Above(level) => quote.price > level,
        Condition::Below(level) => quote.price < level,
        Condition::MovePct(pct) => quote.change_pct().is_some_and(|moved| moved.abs() > pct),
    }
}

/// Back across the level by the margin: percent of the level, or points of the day's move.
fn has_crossed_back(condition: Condition, quote: &Quote, rearm_pct: f64) -> bool {
    let margin = 1.0 + rearm_pct / 100.0;
    match condition {
        Condition::Above(level) => quote.price * margin < level,
        Condition::Below(level) => quote.price > level * margin,
        Condition::MovePct(pct) => quote
            .change_pct()
            .is_some_and(|moved| moved.abs() < pct - rearm_pct),
    }
}

/// `FTSE 100 above 8,400.00 at 8,401.25`, in the instrument's own number format.
fn message(rule: &AlertRule, subject: &Subject) -> SafeText {
    let quote = subject.quote;
    let at = number::price(quote.price, quote.decimals);
    let text = match rule.condition {
        Condition::Above(level) | Condition::Below(level) => format!(
            "{} {} {} at {at}",
            subject.name,
            rule.condition.key(),
            number::price(level, quote.decimals)
        ),
        Condition::MovePct(pct) => format!(
            "{} moved {} (beyond ±{pct}%) at {at}",
            subject.name,
            quote.change_pct().map_or_else(String::new, number::percent)
        ),
    };
    SafeText::new(&text)
}

#[cfg(test)]
mod tests;
