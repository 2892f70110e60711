//! The alert list (`!`): every rule with its instrument, level and state (armed, or fired at
//! a time and price), the chosen one highlighted for `d`. An overlay, like help.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row, StatefulWidget, Table, TableState, Widget};

use crate::app::App;
use crate::app::alerts::{RuleState, State};
use crate::config::Condition;
use crate::format::{number, time};
use crate::ui::theme::Theme;

/// Wide enough for a long name, the level and "fired 28 Jun at 18,401.25".
const WIDTH: u16 = 90;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let rules = app.alerts().rules();
    let rows: Vec<Row> = rules.iter().map(|rule| row(app, rule)).collect();
    let height = u16::try_from(rows.len().max(1) + 3)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let width = WIDTH.min(area.width);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    Clear.render(popup, buf);
    let block = Block::bordered()
        .title(" Alerts ")
        .title_bottom(Line::from(" d deletes · ! or Esc closes ").right_aligned())
        .border_style(theme.focused_border);
    if rules.is_empty() {
        let inner = block.inner(popup);
        block.render(popup, buf);
        let hint = "no alerts: a in an instrument's detail panel adds one";
        Line::styled(
            super::fit(hint, usize::from(inner.width)).into_owned(),
            theme.dim,
        )
        .render(inner, buf);
        return;
    }
    let table = Table::new(
        rows,
        [
            Constraint::Fill(2),
            Constraint::Length(18),
            Constraint::Fill(3),
        ],
    )
    .header(Row::new(["instrument", "when", "state"]).style(theme.title))
    .row_highlight_style(theme.selected)
    .highlight_symbol("› ")
    .block(block);
    let mut state = TableState::default().with_selected(app.alerts().list_selection());
    StatefulWidget::render(table, popup, buf, &mut state);
}

fn row<'a>(app: &App, rule: &'a RuleState) -> Row<'a> {
    let symbol = &rule.rule.symbol;
    let quote = app.quotes().get(symbol);
    let decimals = quote.map_or(2, |q| q.decimals);
    let name = (app.instruments().iter())
        .find(|i| &i.symbol == symbol)
        .map_or_else(|| symbol.clone(), |i| i.display_name(quote).to_string());
    let when = match rule.rule.condition {
        Condition::Above(level) => format!("above {}", number::price(level, decimals)),
        Condition::Below(level) => format!("below {}", number::price(level, decimals)),
        Condition::MovePct(pct) => format!("move ±{pct}%"),
    };
    let demo = if rule.rule.demo { " (demo too)" } else { "" };
    let state = match rule.state {
        State::Armed => format!("armed{demo}"),
        State::Fired { at, price } => format!(
            "fired {} at {}{demo}",
            time::headline_time(at, app.now(), app.tz()),
            number::price(price, decimals)
        ),
    };
    Row::new([name, when, state])
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use crate::app::update::update;
    use crate::app::{App, Mode};
    use crate::domain::Quote;
    use crate::fixtures::{app_with_config, now, yahoo_round};
    use crate::message::Message;
    use crate::ui::tests::screen;

    /// Three rules on the snapshot's board, the FTSE 100's fired by a live quote at 8,401.25.
    fn app_with_alerts(width: u16, height: u16) -> App {
        let text = "[[alerts.rules]]\nsymbol = \"^FTSE\"\nabove = 8400\n\
                    [[alerts.rules]]\nsymbol = \"GBPUSD=X\"\nbelow = 1.25\n\
                    [[alerts.rules]]\nsymbol = \"^GDAXI\"\nmove_pct = 1.5\ndemo = true\n";
        let config = crate::config::parse(text, std::path::Path::new("c.toml")).unwrap();
        let mut app = app_with_config(&config, width, height, Mode::Live);
        let quote = Quote {
            previous_close: Some(8179.68),
            ..Quote::new("^FTSE", 8401.25, 2, now())
        };
        update(&mut app, yahoo_round(quote), now());
        app
    }

    #[test]
    fn a_fired_alert_waits_on_the_footer_until_the_list_is_opened() {
        let mut app = app_with_alerts(120, 40);
        let footer = |app: &App| {
            let terminal = screen(app, 120, 40);
            let buffer = terminal.backend().buffer();
            (0..120)
                .map(|x| buffer[(x, 39)].symbol())
                .collect::<String>()
        };
        assert!(
            footer(&app).starts_with("⚑ FTSE 100 above 8,400.00 at 8,401.25 · ! lists alerts"),
            "{}",
            footer(&app)
        );
        update(&mut app, Message::Move(crate::message::Step::Down), now());
        assert!(
            footer(&app).starts_with("⚑ FTSE 100"),
            "a key does not see it"
        );
        update(&mut app, Message::ToggleAlerts, now());
        update(&mut app, Message::Cancel, now());
        assert!(!footer(&app).contains("FTSE 100 above"), "{}", footer(&app));
    }

    #[rstest]
    #[case(120, 40)]
    #[case(80, 24)]
    #[case(30, 8)]
    fn the_list_with_armed_and_fired_rules(#[case] width: u16, #[case] height: u16) {
        let mut app = app_with_alerts(width, height);
        update(&mut app, Message::ToggleAlerts, now());
        update(
            &mut app,
            Message::SelectAlert(crate::message::Step::Down),
            now(),
        );
        insta::assert_snapshot!(
            format!("alerts_{width}x{height}"),
            screen(&app, width, height).backend()
        );
    }

    #[test]
    fn the_list_draws_in_one_cell_and_empty() {
        let mut app = app_with_alerts(1, 1);
        update(&mut app, Message::ToggleAlerts, now());
        let _ = screen(&app, 1, 1);
        let mut empty = crate::fixtures::app_from_snapshot(80, 24);
        update(&mut empty, Message::ToggleAlerts, now());
        let text = format!("{:?}", screen(&empty, 80, 24).backend());
        assert!(text.contains("no alerts: a in an instrument"), "{text}");
    }
}
