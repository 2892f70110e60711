//! The detail panel of the instrument chosen on the tape: every number we hold for it, where
//! it came from, its market's state, and the intraday chart with gaps left as gaps.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Clear, Dataset, GraphType, Widget};

use crate::app::App;
use crate::app::data_state::Origin;
use crate::domain::{Instrument, Quote};
use crate::format::{number, time};
use crate::market;
use crate::sanitize::SafeText;
use crate::ui::theme::Theme;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(instrument) = app
        .tape_cursor()
        .and_then(|cursor| app.watchlist().shown_at(cursor))
    else {
        return;
    };
    Clear.render(area, buf);
    let title = format!(" {} · {} ", instrument.name, instrument.symbol);
    let block = Block::bordered()
        .title(super::fit(&title, usize::from(area.width.saturating_sub(2))).into_owned())
        .title_bottom(Line::from(" Esc closes ").right_aligned())
        .border_style(theme.focused_border);
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(quote) = app.quotes().get(&instrument.symbol) else {
        Line::styled("no quote yet", theme.dim).render(inner, buf);
        return;
    };
    let facts = facts(app, instrument, quote);
    let rows = u16::try_from(facts.len()).unwrap_or(u16::MAX);
    let [text, chart] =
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(inner);
    for (row, (label, value)) in facts.into_iter().enumerate() {
        let y = text.y + u16::try_from(row).unwrap_or(u16::MAX);
        if y >= text.bottom() {
            break;
        }
        let line = Line::from(vec![
            Span::styled(format!("{label:<12}"), theme.dim),
            Span::raw(value),
        ]);
        line.render(
            Rect {
                y,
                height: 1,
                ..text
            },
            buf,
        );
    }
    render_chart(theme, quote, chart, buf);
}

/// Label and value rows, in the order a trader reads them.
fn facts(app: &App, instrument: &Instrument, quote: &Quote) -> Vec<(&'static str, String)> {
    let price = |value: f64| number::price(value, quote.decimals);
    let currency = match quote.currency.as_ref().map(SafeText::as_str) {
        Some("GBp") => "GBp (pence)".to_owned(),
        Some(code) => code.to_owned(),
        None => "—".to_owned(),
    };
    let movement = number::movement(quote).unwrap_or_else(|| "—".to_owned());
    let range = match (quote.day_low, quote.day_high) {
        (Some(low), Some(high)) => format!("{} – {}", price(low), price(high)),
        _ => "—".to_owned(),
    };
    let status = market::status_with_session(instrument.market, quote.session.as_ref(), app.now());
    let market_state = match (status.is_open, status.next_change) {
        (true, Some(at)) => format!(
            "open, closes in {}",
            time::span(at.duration_since(app.now()))
        ),
        (true, None) => "open".to_owned(),
        (false, Some(at)) => format!(
            "closed, opens in {}",
            time::span(at.duration_since(app.now()))
        ),
        (false, None) => "closed".to_owned(),
    };
    let source = match (app.quotes().origin(), app.quotes().received(&quote.symbol)) {
        (Origin::Snapshot { taken_at }, _) => {
            format!("bundled snapshot of {}", time::date(*taken_at, app.tz()))
        }
        (Origin::Cache { saved_at }, _) => format!(
            "cache saved {} ago",
            time::age(app.now().duration_since(*saved_at))
        ),
        (Origin::Live { .. }, Some(received)) => format!(
            "received {} ago",
            time::span(app.now().duration_since(received))
        ),
        (Origin::Live { .. }, None) => "not fetched yet in this run".to_owned(),
    };
    let mut rows = vec![
        ("Price", price(quote.price)),
        ("Change", movement),
        (
            "Prev close",
            quote.previous_close.map_or_else(|| "—".to_owned(), price),
        ),
        ("Day range", range),
        ("Currency", currency),
        (
            "Exchange",
            quote
                .exchange
                .as_ref()
                .map_or_else(|| "—".to_owned(), ToString::to_string),
        ),
        (
            "Market",
            format!("{} · {market_state}", instrument.market.name()),
        ),
        (
            "Updated",
            format!("{} · {source}", time::date_time(quote.time, app.tz())),
        ),
    ];
    if let Some(failure) = app.quotes().failure(&quote.symbol) {
        rows.push(("Failing", failure.summary()));
    }
    rows
}

/// The intraday series as a line; missing points are skipped, never drawn as zero.
fn render_chart(theme: &Theme, quote: &Quote, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    // Each unbroken run is its own line, so a missing point shows as a gap, not a bridge.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, value) in quote.series.iter().enumerate() {
        match (value, runs.last_mut()) {
            (Some(v), Some(run)) => run.push((position(i), *v)),
            (None, Some(run)) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
    }
    let points: Vec<(f64, f64)> = runs.iter().flatten().copied().collect();
    let (Some(low), Some(high)) = (
        points.iter().map(|p| p.1).reduce(f64::min),
        points.iter().map(|p| p.1).reduce(f64::max),
    ) else {
        Line::styled("no intraday data", theme.dim).render(area, buf);
        return;
    };
    let style = theme.direction(quote.direction());
    let datasets: Vec<Dataset> = runs
        .iter()
        .filter(|run| !run.is_empty())
        .map(|run| {
            // A lone point has no line to draw; it is still a price.
            let graph = if run.len() == 1 {
                GraphType::Scatter
            } else {
                GraphType::Line
            };
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(graph)
                .style(style)
                .data(run)
        })
        .collect();
    let padding = ((high - low) * 0.05).max(f64::EPSILON);
    let x_max = position(quote.series.len().saturating_sub(1).max(1));
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().bounds([0.0, x_max]))
        .y_axis(
            Axis::default()
                .bounds([low - padding, high + padding])
                .labels([
                    number::price(low, quote.decimals),
                    number::price(high, quote.decimals),
                ])
                .style(theme.dim),
        );
    chart.render(area, buf);
}

/// A series index as a chart coordinate; a day of five-minute bars is far below `u32::MAX`.
fn position(index: usize) -> f64 {
    f64::from(u32::try_from(index).unwrap_or(u32::MAX))
}
