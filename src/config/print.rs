//! `--print-config`: the config in use, defaults filled in, as TOML that loads back as the
//! same config. Built as a `toml` table so quoting and escaping are the crate's, not ours.

use toml::{Table, Value};

use super::{Config, Feed, color_name};
use crate::domain::{Instrument, Provider};

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(Value::from).collect())
}

fn secs(duration: std::time::Duration) -> Value {
    Value::Integer(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
}

fn symbol(instrument: &Instrument) -> Value {
    let mut table = Table::new();
    table.insert("symbol".into(), instrument.symbol.as_str().into());
    table.insert("name".into(), instrument.name.as_str().into());
    table.insert("market".into(), instrument.market.name().into());
    if !instrument.aliases.is_empty() {
        table.insert(
            "aliases".into(),
            strings(instrument.aliases.iter().map(String::as_str)),
        );
    }
    if let Provider::CoinGecko { id, vs } = &instrument.provider {
        table.insert("provider".into(), "coingecko".into());
        table.insert("id".into(), id.as_str().into());
        table.insert("vs".into(), vs.as_str().into());
    }
    Value::Table(table)
}

fn feed(feed: &Feed) -> Value {
    let mut table = Table::new();
    table.insert("name".into(), feed.name.as_str().into());
    table.insert("url".into(), feed.url.as_str().into());
    if let Some(short) = &feed.short {
        table.insert("short".into(), short.as_str().into());
    }
    Value::Table(table)
}

/// The whole config as TOML text.
pub fn to_toml(config: &Config) -> String {
    let mut quotes = Table::new();
    quotes.insert(
        "base_url".into(),
        strings(config.quotes.base_urls.iter().map(String::as_str)),
    );
    quotes.insert(
        "coingecko_url".into(),
        config.quotes.coingecko_url.as_str().into(),
    );
    quotes.insert("refresh_secs".into(), secs(config.quotes.refresh));
    let symbols = config.quotes.instruments.iter().map(symbol).collect();
    quotes.insert("symbols".into(), Value::Array(symbols));

    let mut news = Table::new();
    news.insert("refresh_secs".into(), secs(config.news.refresh));
    news.insert(
        "max_items".into(),
        Value::Integer(i64::try_from(config.news.max_items).unwrap_or(i64::MAX)),
    );
    let megabytes = config.news.article_cache_bytes / (1024 * 1024);
    news.insert(
        "article_cache_mb".into(),
        Value::Integer(i64::try_from(megabytes).unwrap_or(i64::MAX)),
    );
    news.insert(
        "feeds".into(),
        Value::Array(config.news.feeds.iter().map(feed).collect()),
    );

    let mut ticker = Table::new();
    ticker.insert(
        "speed".into(),
        Value::Integer(config.ticker.speed_cols_per_sec.into()),
    );

    let colors = &config.appearance.colors;
    let mut color_table = Table::new();
    for (role, color) in [
        ("up", colors.up),
        ("down", colors.down),
        ("unchanged", colors.unchanged),
        ("stale", colors.stale),
        ("border", colors.border),
        ("selected", colors.selected),
        ("dim", colors.dim),
        ("accent", colors.accent),
    ] {
        if let Some(color) = color {
            color_table.insert(role.into(), color_name(color).into());
        }
    }

    let mut keys = Table::new();
    for (action, bound) in config.keys.entries() {
        keys.insert(action.into(), strings(bound.iter().map(String::as_str)));
    }

    let mut root = Table::new();
    root.insert("theme".into(), config.appearance.theme.to_string().into());
    root.insert("quotes".into(), Value::Table(quotes));
    root.insert("news".into(), Value::Table(news));
    root.insert("ticker".into(), Value::Table(ticker));
    root.insert("colors".into(), Value::Table(color_table));
    root.insert("keys".into(), Value::Table(keys));
    root.insert(
        "alerts".into(),
        Value::Table(super::alerts::to_table(&config.alerts)),
    );
    toml::to_string(&root).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::to_toml;
    use crate::config::{Config, parse};

    #[test]
    fn the_printed_defaults_load_back_as_the_defaults() {
        let printed = to_toml(&Config::default());
        assert_eq!(
            parse(&printed, Path::new("printed.toml")).unwrap(),
            Config::default()
        );
        assert!(printed.contains("theme = \"dark\""), "{printed}");
    }

    #[test]
    fn a_changed_config_prints_and_loads_back_unchanged() {
        let text = "theme = \"light\"\n[colors]\nup = \"#00af5f\"\ndown = \"light-red\"\n\
            [quotes]\nrefresh_secs = 30\n[[quotes.symbols]]\nsymbol = \"BTC\"\nname = \"Bitcoin \\\"BTC\\\"\"\n\
            provider = \"coingecko\"\nid = \"bitcoin\"\nvs = \"gbp\"\naliases = [\"crypto\"]\n\
            [news]\nfeeds = [{ name = \"The Wire\", url = \"https://w.example/rss\", short = \"W\" }]\n\
            [keys]\nquit = [\"x\"]\n[ticker]\nspeed = 12\n";
        let config = parse(text, Path::new("c.toml")).unwrap();
        let printed = to_toml(&config);
        assert_eq!(
            parse(&printed, Path::new("printed.toml")).unwrap(),
            config,
            "{printed}"
        );
    }
}
