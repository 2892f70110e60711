use super::*;
use crate::config::Condition::{Above, Below, MovePct};

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).unwrap()
}

fn config(rules: &[(Condition, bool)]) -> AlertsConfig {
    AlertsConfig {
        rules: (rules.iter())
            .map(|(condition, demo)| AlertRule {
                symbol: "^FTSE".to_owned(),
                condition: *condition,
                demo: *demo,
            })
            .collect(),
        ..AlertsConfig::default()
    }
}

fn ftse(price: f64, time: Timestamp) -> Quote {
    Quote {
        previous_close: Some(8000.0),
        ..Quote::new("^FTSE", price, 2, time)
    }
}

/// One quote at `price`, stamped and fetched at `secs`, from `source`: the messages fired.
fn quote(alerts: &mut Alerts, price: f64, secs: i64, source: SourceId) -> Vec<String> {
    let quote = ftse(price, at(secs));
    let name = SafeText::new("FTSE 100");
    let subject = Subject {
        name: &name,
        quote: &quote,
    };
    let liveness = Liveness::of(source, &quote, at(secs));
    (alerts.on_quote(&subject, liveness, at(secs)).into_iter())
        .map(|n| n.message.to_string())
        .collect()
}

fn live(alerts: &mut Alerts, price: f64, secs: i64) -> Vec<String> {
    quote(alerts, price, secs, SourceId::Yahoo)
}

#[test]
fn a_crossing_fires_once_with_the_instruments_number_format() {
    let mut alerts = Alerts::new(&config(&[(Above(8400.0), false)]), &[]);
    assert!(live(&mut alerts, 8399.5, 0).is_empty());
    assert_eq!(
        live(&mut alerts, 8401.25, 15),
        ["FTSE 100 above 8,400.00 at 8,401.25"]
    );
    assert!(live(&mut alerts, 8450.0, 30).is_empty(), "still above");
    assert!(live(&mut alerts, 8401.0, 45).is_empty(), "still fired");
    assert_eq!(
        alerts.rules()[0].state,
        State::Fired {
            at: at(15),
            price: 8401.25
        }
    );
    assert_eq!(
        alerts.unseen().map(|(m, more)| (m.as_str(), more)),
        Some(("FTSE 100 above 8,400.00 at 8,401.25", 0))
    );
    alerts.toggle_list();
    assert_eq!(alerts.unseen(), None, "opening the list sees it");
}

#[test]
fn it_rearms_only_past_the_margin_below_and_move_alike() {
    // 0.1 % of 8,400 is 8.40: back to 8,391.61 is not enough, 8,391.00 is.
    let mut alerts = Alerts::new(&config(&[(Above(8400.0), false)]), &[]);
    live(&mut alerts, 8401.0, 0);
    assert!(live(&mut alerts, 8395.0, 15).is_empty());
    assert!(
        live(&mut alerts, 8401.0, 30).is_empty(),
        "not re-armed by a dip inside the margin"
    );
    live(&mut alerts, 8391.0, 45);
    assert_eq!(alerts.rules()[0].state, State::Armed);
    assert_eq!(live(&mut alerts, 8400.5, 60).len(), 1, "fires again");

    let mut below = Alerts::new(&config(&[(Below(8000.0), false)]), &[]);
    assert_eq!(
        live(&mut below, 7999.0, 0),
        ["FTSE 100 below 8,000.00 at 7,999.00"]
    );
    live(&mut below, 8007.0, 15);
    assert!(
        live(&mut below, 7990.0, 30).is_empty(),
        "8,007 is inside 0.1 %"
    );
    live(&mut below, 8008.5, 45);
    assert_eq!(live(&mut below, 7990.0, 60).len(), 1);

    // The day's move beyond ±1.5 % from 8,000: re-armed under 1.4 %.
    let mut moved = Alerts::new(&config(&[(MovePct(1.5), false)]), &[]);
    assert_eq!(
        live(&mut moved, 7870.0, 0),
        ["FTSE 100 moved -1.62% (beyond ±1.5%) at 7,870.00"]
    );
    live(&mut moved, 7885.0, 15);
    assert!(
        live(&mut moved, 7870.0, 30).is_empty(),
        "-1.44 % is inside the margin"
    );
    live(&mut moved, 7890.0, 45);
    assert_eq!(live(&mut moved, 8130.0, 60).len(), 1, "+1.62 % fires");
}

#[test]
fn never_on_cached_stale_or_simulated_quotes_unless_the_rule_takes_demo() {
    let mut alerts = Alerts::new(&config(&[(Above(8400.0), false)]), &[]);
    assert!(quote(&mut alerts, 8500.0, 0, SourceId::Cache).is_empty());
    assert!(quote(&mut alerts, 8500.0, 0, SourceId::Demo).is_empty());
    // A live source, but the provider stamped the price 31 minutes before it was fetched.
    let old = ftse(8500.0, at(0));
    let name = SafeText::new("FTSE 100");
    let subject = Subject {
        name: &name,
        quote: &old,
    };
    let liveness = Liveness::of(SourceId::Yahoo, &old, at(31 * 60));
    assert_eq!(liveness, Liveness::NotLive);
    assert!(alerts.on_quote(&subject, liveness, at(31 * 60)).is_empty());
    assert_eq!(alerts.rules()[0].state, State::Armed);
    assert_eq!(
        Liveness::of(SourceId::Yahoo, &old, at(30 * 60)),
        Liveness::Live
    );

    let mut demo = Alerts::new(&config(&[(Above(8400.0), true)]), &[]);
    assert_eq!(quote(&mut demo, 8500.0, 0, SourceId::Demo).len(), 1);
    assert!(quote(&mut demo, 8300.0, 0, SourceId::Cache).is_empty());
    assert!(
        matches!(demo.rules()[0].state, State::Fired { .. }),
        "the cache re-arms nothing"
    );
}

/// The bundled snapshot and the cache reach the app as its first board, never as a round: a
/// rule already met by them stays armed until a live quote comes.
#[test]
fn the_first_board_fires_nothing_in_the_app() {
    let mut app = crate::fixtures::app_from_snapshot(120, 40);
    let snapshot_price = app.quotes.get("^FTSE").map(|q| q.price).unwrap();
    app.alerts = Alerts::new(&config(&[(Above(snapshot_price - 100.0), false)]), &[]);
    let commands = crate::app::update::update(
        &mut app,
        crate::message::Message::TapeStep,
        crate::fixtures::now(),
    );
    assert!(commands.is_empty());
    assert_eq!(app.alerts.rules()[0].state, State::Armed);
}

#[test]
fn a_restart_with_the_saved_state_does_not_fire_the_same_crossing() {
    let rules = config(&[(Above(8400.0), false), (Below(8000.0), false)]);
    let mut first = Alerts::new(&rules, &[]);
    live(&mut first, 8401.0, 0);
    let saved = first.fired_to_save();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].rule, "^FTSE above 8400");
    // Through the cache on disk, as a restart reads it.
    let dir = tempfile::tempdir().unwrap();
    let cache = crate::cache::Cache::new(dir.path().to_owned());
    cache.save_alerts(&saved).unwrap();
    let mut second = Alerts::new(&rules, &cache.load_alerts().unwrap());
    assert!(live(&mut second, 8402.0, 60).is_empty());
    assert_eq!(second.rules()[0].state, first.rules()[0].state);
    live(&mut second, 8300.0, 75);
    assert_eq!(
        live(&mut second, 8401.0, 90).len(),
        1,
        "a new crossing fires"
    );
}

#[test]
fn the_prompt_adds_above_or_below_the_price_now() {
    let mut alerts = Alerts::new(&config(&[]), &[]);
    let rule = alerts.add_at("^FTSE", "8,400", Some(8164.12)).unwrap();
    assert_eq!(rule.condition, Above(8400.0));
    let rule = alerts.add_at("^FTSE", " 7900.5 ", Some(8164.12)).unwrap();
    assert_eq!(rule.condition, Below(7900.5));
    assert_eq!(alerts.rules().len(), 2);
    assert_eq!(
        alerts.add_at("^FTSE", "8400", Some(8164.12)),
        Err("that alert is set already".to_owned())
    );
    assert_eq!(
        alerts.add_at("^FTSE", "lots", Some(8164.12)),
        Err("\"lots\" is not a price".to_owned())
    );
    assert!(alerts.add_at("^FTSE", "-3", Some(8164.12)).is_err());
    assert!(alerts.add_at("^FTSE", "8164.12", Some(8164.12)).is_err());
    assert!(alerts.add_at("^FTSE", "8400", None).is_err());
    alerts.toggle_list();
    alerts.select(Step::Down);
    assert_eq!(
        alerts.delete_selected().map(|r| r.condition),
        Some(Below(7900.5))
    );
    assert_eq!(alerts.list_selection(), Some(0));
    assert_eq!(alerts.rules().len(), 1);
}

#[test]
fn the_command_gets_its_placeholders_filled() {
    let mut config = config(&[(Above(8400.0), false)]);
    config.command = ["notify", "{symbol}", "{name}: {price}", "{message}"]
        .map(String::from)
        .to_vec();
    let mut alerts = Alerts::new(&config, &[]);
    let quote = ftse(8401.25, at(0));
    let name = SafeText::new("FTSE 100");
    let subject = Subject {
        name: &name,
        quote: &quote,
    };
    let fired = alerts.on_quote(&subject, Liveness::Live, at(0));
    assert_eq!(
        fired[0].command,
        [
            "notify",
            "^FTSE",
            "FTSE 100: 8,401.25",
            "FTSE 100 above 8,400.00 at 8,401.25"
        ]
    );
    assert!(fired[0].bell);
}
