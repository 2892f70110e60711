//! `[[alerts.rules]]` rewritten in the user's file: a rule that stays keeps its table (and its
//! comments), a new one is appended, a deleted one goes with its comments.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::config::AlertRule;

/// `text` with its alert rules replaced by `rules`.
///
/// # Errors
/// When `text` is not TOML.
pub(super) fn edited(text: &str, rules: &[AlertRule]) -> Result<String, toml_edit::TomlError> {
    let mut doc: DocumentMut = text.parse()?;
    let alerts = doc.entry("alerts").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    let Some(alerts) = alerts.as_table_like_mut() else {
        return Ok(doc.to_string());
    };
    let old = match alerts.remove("rules") {
        Some(Item::ArrayOfTables(tables)) => tables,
        _ => ArrayOfTables::new(),
    };
    let mut new = ArrayOfTables::new();
    for rule in rules {
        let kept = old.iter().find(|table| is_table_of(table, rule)).cloned();
        new.push(kept.unwrap_or_else(|| table_of(rule)));
    }
    alerts.insert("rules", Item::ArrayOfTables(new));
    Ok(doc.to_string())
}

fn is_table_of(table: &Table, rule: &AlertRule) -> bool {
    let number = |key: &str| {
        let item = table.get(key)?;
        item.as_float()
            .or_else(|| item.as_integer()?.to_string().parse().ok())
    };
    let demo = table.get("demo").and_then(Item::as_bool).unwrap_or(false);
    table.get("symbol").and_then(Item::as_str) == Some(rule.symbol.as_str())
        && number(rule.condition.key()) == Some(rule.condition.value())
        && demo == rule.demo
}

fn table_of(rule: &AlertRule) -> Table {
    let mut table = Table::new();
    table.insert("symbol", value(rule.symbol.as_str()));
    let level = rule.condition.value();
    // A whole level is written as one: `above = 8400`, as a person would.
    let level = match level.to_string().parse::<i64>() {
        Ok(whole) => value(whole),
        Err(_) => value(level),
    };
    table.insert(rule.condition.key(), level);
    if rule.demo {
        table.insert("demo", value(true));
    }
    table
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::{Condition, parse};

    fn rule(symbol: &str, condition: Condition) -> AlertRule {
        AlertRule {
            symbol: symbol.to_owned(),
            condition,
            demo: false,
        }
    }

    #[test]
    fn rules_are_added_and_deleted_keeping_comments_and_the_rest() {
        let text = "# mine\n[alerts]\nbell = false # quiet\n\n# the big one\n[[alerts.rules]]\n\
                    symbol = \"^FTSE\"\nabove = 8400\n\n[[alerts.rules]]\nsymbol = \"^FTMC\"\nbelow = 19000.5\n";
        let rules = [
            rule("^FTSE", Condition::Above(8400.0)),
            rule("GBPUSD=X", Condition::Below(1.25)),
            rule("^GDAXI", Condition::Above(18000.0)),
        ];
        let out = edited(text, &rules).unwrap();
        assert!(
            out.starts_with("# mine\n[alerts]\nbell = false # quiet\n"),
            "{out}"
        );
        assert!(
            out.contains("# the big one\n[[alerts.rules]]\nsymbol = \"^FTSE\""),
            "{out}"
        );
        assert!(!out.contains("^FTMC"), "{out}");
        assert!(out.contains("below = 1.25"), "{out}");
        assert!(out.contains("above = 18000\n"), "{out}");
        let config = parse(&out, Path::new("c.toml")).unwrap();
        assert_eq!(config.alerts.rules, rules);
        assert!(!config.alerts.bell);
        let fresh = edited("[ticker]\nspeed = 3\n", &rules[..1]).unwrap();
        assert_eq!(
            fresh,
            "[ticker]\nspeed = 3\n\n[[alerts.rules]]\nsymbol = \"^FTSE\"\nabove = 8400\n"
        );
    }
}
