//! `--once`: the watchlist printed for scripts and prompts, as an aligned table or as JSON.
//! The only module that writes to stdout.

mod holdings;

use std::io::{self, Write};

use anyhow::Context;
use jiff::Timestamp;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::Exit;
use crate::app::data_state::Origin;
use crate::app::quotes::QuoteBoard;
use crate::cache::Cache;
use crate::cli::Cli;
use crate::config::Config;
use crate::domain::{Instrument, Quote};
use crate::format::{number, time};
use crate::sanitize::SafeText;
use crate::sources;

/// One round of fetching (unless `--offline`), bounded by `--timeout`; symbols it could not
/// price in time fall back to the cache, marked stale. Fresh quotes are merged into the cache,
/// never replace it, so one failing symbol keeps its last good value.
pub fn run_once(cli: &Cli, config: &Config, cache: Option<&Cache>) -> anyhow::Result<Exit> {
    let timeout = std::time::Duration::from_secs(cli.timeout);
    let fresh = if cli.offline {
        Vec::new()
    } else {
        sources::fetch_once(config, timeout)?
    };
    let cached = match cache.map(Cache::load_quotes).transpose() {
        Ok(cached) => cached.flatten(),
        Err(error) => {
            tracing::warn!(%error, "ignoring the cache");
            None
        }
    };
    let (cached, saved_at) =
        cached.map_or((Vec::new(), Timestamp::now()), |c| (c.quotes, c.saved_at));
    let mut board = QuoteBoard::new(cached, Origin::Cache { saved_at });
    let is_fresh = |symbol: &str| fresh.iter().any(|quote| quote.symbol == symbol);
    board.merge(fresh.clone());
    if let (Some(cache), false) = (cache, fresh.is_empty()) {
        let merged: Vec<Quote> = board.all().cloned().collect();
        if let Err(error) = cache.save_quotes(&merged, Timestamp::now()) {
            tracing::warn!(%error, "cannot save quotes");
        }
    }
    if cli.portfolio {
        let text = holdings::text(config, &board, &is_fresh, cli.json)?;
        print(&text).context("cannot write to stdout")?;
        return Ok(Exit::Printed);
    }
    let rows: Vec<Row> = config
        .quotes
        .instruments
        .iter()
        .filter_map(|instrument| {
            let quote = board.get(&instrument.symbol)?;
            let is_stale = !is_fresh(&instrument.symbol);
            Some(Row {
                instrument,
                quote,
                is_stale,
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(Exit::NothingToPrint);
    }
    let text = if cli.json {
        json(&rows)?
    } else {
        table(&rows, Timestamp::now())
    };
    print(&text).context("cannot write to stdout")?;
    Ok(Exit::Printed)
}

/// One watchlist row: the quote if any source had one, and whether it is this run's.
pub struct Row<'a> {
    pub instrument: &'a Instrument,
    pub quote: &'a Quote,
    /// From the cache rather than this run's fetch.
    pub is_stale: bool,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    symbol: &'a str,
    name: &'a str,
    price: f64,
    change: Option<f64>,
    change_pct: Option<f64>,
    currency: Option<&'a str>,
    time: Timestamp,
    stale: bool,
}

/// `NAME  PRICE  CHANGE (PCT%)  AGE`, columns aligned by display width; stale ages say so.
pub fn table(rows: &[Row], now: Timestamp) -> String {
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            let quote = row.quote;
            let movement = number::movement(quote).unwrap_or_else(|| "—".to_owned());
            let age = time::span(now.duration_since(quote.time));
            let age = if row.is_stale {
                format!("{age} stale")
            } else {
                age
            };
            [
                row.instrument.name.to_string(),
                number::price(quote.price, quote.decimals),
                movement,
                age,
            ]
        })
        .collect();
    let header = ["NAME", "PRICE", "CHANGE (PCT%)", "AGE"].map(str::to_owned);
    let all: Vec<&[String; 4]> = std::iter::once(&header).chain(cells.iter()).collect();
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            all.iter()
                .map(|cells| cells[column].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for cells in all {
        let name_pad = widths[0] - cells[0].width();
        let price_pad = widths[1] - cells[1].width();
        let move_pad = widths[2] - cells[2].width();
        let line = format!(
            "{}{}  {}{}  {}{}  {}",
            cells[0],
            " ".repeat(name_pad),
            " ".repeat(price_pad),
            cells[1],
            " ".repeat(move_pad),
            cells[2],
            cells[3]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn json(rows: &[Row]) -> serde_json::Result<String> {
    let rows: Vec<JsonRow> = rows
        .iter()
        .map(|row| JsonRow {
            symbol: &row.instrument.symbol,
            name: row.instrument.name.as_str(),
            price: row.quote.price,
            change: row.quote.change(),
            change_pct: row.quote.change_pct(),
            currency: row.quote.currency.as_ref().map(SafeText::as_str),
            time: row.quote.time,
            stale: row.is_stale,
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rows)?;
    text.push('\n');
    Ok(text)
}

#[expect(clippy::print_stdout, reason = "printing is what --once is for")]
pub fn print(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    print!("{text}");
    stdout.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::instrument;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_719_590_000 + secs).unwrap()
    }

    #[test]
    fn table_aligns_columns_and_marks_stale_rows() {
        let (ftse, cable) = (
            instrument("^FTSE", "FTSE 100"),
            instrument("GBPUSD=X", "GBP/USD"),
        );
        let q1 = Quote {
            previous_close: Some(8179.68),
            ..Quote::new("^FTSE", 8164.12, 2, at(0))
        };
        let q2 = Quote::new("GBPUSD=X", 1.2648, 4, at(-7200));
        let rows = [
            Row {
                instrument: &ftse,
                quote: &q1,
                is_stale: false,
            },
            Row {
                instrument: &cable,
                quote: &q2,
                is_stale: true,
            },
        ];
        assert_eq!(
            table(&rows, at(90)),
            "NAME         PRICE    CHANGE (PCT%)  AGE\n\
             FTSE 100  8,164.12  -15.56 (-0.19%)  1m\n\
             GBP/USD     1.2648                —  2h 1m stale\n"
        );
        let json: serde_json::Value = serde_json::from_str(&json(&rows).unwrap()).unwrap();
        assert_eq!(json[0]["symbol"], "^FTSE");
        assert_eq!(
            json[0]["change"].as_f64().map(|c| (c * 100.0).round()),
            Some(-1556.0)
        );
        assert_eq!(json[1]["stale"], true);
        assert_eq!(json[1]["change"], serde_json::Value::Null);
    }
}
