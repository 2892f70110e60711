//! What the alert messages do to the app: the price prompt of `a` in the detail panel, the `!`
//! list, and the rules moved by each round of quotes. The rules themselves live in
//! `app::alerts`; this is the glue to the rest of the app and the commands that follow.

use jiff::Timestamp;
use tui_input::InputRequest;

use crate::app::App;
use crate::app::alerts::{Liveness, Subject};
use crate::domain::Quote;
use crate::message::{Command, SourceId, Step};
use crate::sanitize::SafeText;

/// `a` with the detail panel open: a prompt for the chosen instrument's alert price.
pub(super) fn open_prompt(app: &mut App) {
    let Some(instrument) = (app.tape_cursor()).and_then(|c| app.watchlist.shown_at(c)) else {
        return;
    };
    let name = instrument.display_name(app.quotes.get(&instrument.symbol));
    app.alerts.open_prompt(&instrument.symbol, name);
}

pub(super) fn edit_prompt(app: &mut App, request: InputRequest) {
    app.alerts.edit_prompt(request);
}

/// Enter: the rule is added and saved, or the prompt closes saying why not.
pub(super) fn confirm_prompt(app: &mut App) -> Option<Command> {
    let prompt = app.alerts.close_prompt()?;
    let current = app.quotes.get(&prompt.symbol).map(|q| q.price);
    match app
        .alerts
        .add_at(&prompt.symbol, prompt.input.value(), current)
    {
        Ok(rule) => {
            let decimals = app.quotes.get(&prompt.symbol).map_or(2, |q| q.decimals);
            let level = crate::format::number::price(rule.condition.value(), decimals);
            let text = format!(
                "alert set: {} {} {level} · ! lists alerts",
                prompt.name,
                rule.condition.key()
            );
            app.notice = Some(SafeText::new(&text));
            Some(Command::SaveAlertRules(app.alerts.rules_to_save()))
        }
        Err(why) => {
            app.notice = Some(SafeText::new(&format!("no alert set: {why}")));
            None
        }
    }
}

pub(super) fn toggle_list(app: &mut App) {
    app.alerts.toggle_list();
}

pub(super) fn select(app: &mut App, step: Step) {
    app.alerts.select(step);
}

/// `d` in the list: gone from the app, the config file and the cache's fired states.
pub(super) fn delete_selected(app: &mut App) -> Vec<Command> {
    let Some(rule) = app.alerts.delete_selected() else {
        return Vec::new();
    };
    app.notice = Some(SafeText::new(&format!("alert deleted: {rule}")));
    vec![
        Command::SaveAlertRules(app.alerts.rules_to_save()),
        Command::SaveFiredAlerts(app.alerts.fired_to_save()),
    ]
}

/// Esc: the prompt, then the list; whether there was one to close.
pub(super) fn cancel(app: &mut App) -> bool {
    app.alerts.close_prompt().is_some() || app.alerts.close_list()
}

/// A round of quotes moves the rules on its symbols: a notification for each that fired, and
/// the fired states saved whenever one changed.
pub(super) fn quotes_arrived(
    app: &mut App,
    source: SourceId,
    quotes: &[Quote],
    fetched_at: Timestamp,
) -> Vec<Command> {
    if app.alerts.rules().is_empty() {
        return Vec::new();
    }
    let before = app.alerts.fired_to_save();
    let mut commands = Vec::new();
    for quote in quotes {
        let Some(instrument) = (app.watchlist.all().iter()).find(|i| i.symbol == quote.symbol)
        else {
            continue;
        };
        let subject = Subject {
            name: instrument.display_name(Some(quote)),
            quote,
        };
        let liveness = Liveness::of(source, quote, fetched_at);
        let fired = app.alerts.on_quote(&subject, liveness, fetched_at);
        commands.extend(fired.into_iter().map(Command::Notify));
    }
    let after = app.alerts.fired_to_save();
    if after != before {
        commands.push(Command::SaveFiredAlerts(after));
    }
    commands
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::app::update::update;
    use crate::config::{AlertRule, Condition};
    use crate::fixtures::{app_from_snapshot, now};
    use crate::keymap::message_for;
    use crate::message::Command;

    /// Keys as the terminal sends them, through the keymap, into update.
    fn press(app: &mut crate::app::App, keys: &str) -> Vec<Command> {
        let mut commands = Vec::new();
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\x08' => KeyCode::Backspace,
                c => KeyCode::Char(c),
            };
            let message = message_for(KeyEvent::new(code, KeyModifiers::NONE), app);
            if let Some(message) = message {
                commands.extend(update(app, message, now()));
            }
        }
        commands
    }

    #[test]
    fn a_in_the_detail_panel_adds_a_rule_at_the_typed_price_and_saves_it() {
        let mut app = app_from_snapshot(120, 40);
        assert!(
            press(&mut app, "a").is_empty(),
            "a means nothing in the list"
        );
        assert!(app.alerts.prompt().is_none());
        press(&mut app, "t\n");
        assert!(app.is_detail_open());
        // The snapshot's FTSE 100 is at 8,164.12: 8,400 is above it; `x` is typed and erased.
        let commands = press(&mut app, "a8,4x\x0800\n");
        let wanted = AlertRule {
            symbol: "^FTSE".to_owned(),
            condition: Condition::Above(8400.0),
            demo: false,
        };
        assert_eq!(commands, [Command::SaveAlertRules(vec![wanted.clone()])]);
        assert_eq!(
            app.notice().map(crate::sanitize::SafeText::as_str),
            Some("alert set: FTSE 100 above 8,400.00 · ! lists alerts")
        );
        press(&mut app, "a8000\n");
        assert_eq!(
            app.alerts.rules()[1].rule.condition,
            Condition::Below(8000.0)
        );
        assert!(press(&mut app, "a\x1b").is_empty(), "Esc adds nothing");
        assert!(app.alerts.prompt().is_none() && app.is_detail_open());

        press(&mut app, "!j");
        assert_eq!(app.alerts.list_selection(), Some(1));
        let commands = press(&mut app, "d");
        assert_eq!(
            commands,
            [
                Command::SaveAlertRules(vec![wanted]),
                Command::SaveFiredAlerts(Vec::new())
            ]
        );
        press(&mut app, "\x1b");
        assert_eq!(app.alerts.list_selection(), None);
        assert!(app.is_detail_open(), "Esc closed the list only");
    }
}
