//! The detail panel of the instrument chosen on the tape: every number we hold for it, where
//! it came from, its market's state, and its chart over the chosen range (points made once
//! per fetch by `app::chart_plot`), with the headline marks on the 1D chart. Gaps stay gaps.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Clear, Dataset, GraphType, Widget};

use crate::app::charts::ChartEntry;
use crate::app::data_state::Origin;
use crate::app::{App, Mode};
use crate::domain::{Instrument, Quote};
use crate::format::{number, time};
use crate::market;
use crate::message::ChartRange;
use crate::sanitize::SafeText;
use crate::ui::theme::Theme;

/// Rows the chart needs to be worth drawing, with its range line and time labels.
const MIN_CHART_ROWS: usize = 12;

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
    let mut facts = facts(app, instrument, quote);
    // Short of room, the chart matters more than provenance: the four price facts, two a row.
    let is_compact = usize::from(inner.height) < facts.len() + MIN_CHART_ROWS;
    if is_compact {
        facts.truncate(4);
    }
    let columns = if is_compact && inner.width >= 60 {
        2
    } else {
        1
    };
    let rows = u16::try_from(facts.len().div_ceil(columns)).unwrap_or(u16::MAX);
    let [text, chart] =
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(inner);
    let cells = Layout::horizontal(vec![Constraint::Fill(1); columns]).split(text);
    for (i, (label, value)) in facts.into_iter().enumerate() {
        let (Some(cell), Ok(row)) = (cells.get(i % columns), u16::try_from(i / columns)) else {
            break;
        };
        if row >= cell.height {
            break;
        }
        let line = Line::from(vec![
            Span::styled(format!("{label:<12}"), theme.dim),
            Span::raw(value),
        ]);
        line.render(
            Rect {
                y: cell.y + row,
                height: 1,
                ..*cell
            },
            buf,
        );
    }
    render_chart(app, theme, &instrument.symbol, chart, buf);
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

/// The chosen range's chart with its state: which range, whether a newer series is loading,
/// why the last fetch failed, the chosen headline mark's title.
fn render_chart(app: &App, theme: &Theme, symbol: &str, area: Rect, buf: &mut Buffer) {
    if area.height < 2 {
        return;
    }
    let range = app.charts().range();
    let entry = app.charts().entry(symbol, range);
    let marks = if range == ChartRange::Day {
        app.chart_marks()
    } else {
        Vec::new()
    };
    let chosen = (marks.iter())
        .position(|mark| Some(mark.headline.id.as_str()) == app.charts().chosen_mark());
    let [ranges, note, chart] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(chosen.is_some())),
        Constraint::Fill(1),
    ])
    .areas(area);
    range_line(app, theme, range, entry, ranges, buf);
    if let Some(mark) = chosen.and_then(|i| marks.get(i)) {
        let when = (mark.headline.published).map(|at| time::clock_minutes(at, app.tz()));
        let text = format!("{} {}", when.unwrap_or_default(), mark.headline.title);
        Line::styled(
            super::fit(text.trim_start(), usize::from(note.width)).into_owned(),
            theme.warning,
        )
        .render(note, buf);
    }
    let Some(plot) = entry.and_then(|entry| entry.plot.as_ref()) else {
        let empty = match (entry, range) {
            (Some(entry), _) if entry.is_loading() || entry.failure.is_some() => "",
            (_, ChartRange::Day) => "no intraday data",
            _ => "nothing fetched yet",
        };
        Line::styled(empty, theme.dim).render(chart, buf);
        return;
    };
    if chart.height < 3 || chart.width < 10 {
        return;
    }
    let style = theme.direction(plot.direction);
    let [low, high] = plot.y_bounds;
    let mark_lines: Vec<[(f64, f64); 2]> = (marks.iter())
        .map(|mark| [(mark.x, low), (mark.x, high)])
        .collect();
    let level = plot
        .previous_close
        .map(|close| [(plot.x_bounds[0], close), (plot.x_bounds[1], close)]);
    let line = |data, style| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(style)
            .data(data)
    };
    let mut datasets: Vec<Dataset> = (mark_lines.iter().enumerate())
        .map(|(i, data)| {
            line(
                data,
                if Some(i) == chosen {
                    theme.warning
                } else {
                    theme.dim
                },
            )
        })
        .collect();
    datasets.extend(level.iter().map(|data| line(data, theme.dim)));
    datasets.extend(plot.runs.iter().map(|run| {
        // A lone point has no line to draw; it is still a price.
        let graph = if run.len() == 1 {
            GraphType::Scatter
        } else {
            GraphType::Line
        };
        line(run, style).graph_type(graph)
    }));
    let chart_widget = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds(plot.x_bounds)
                .labels(thinned(&plot.x_labels, chart.width < 60))
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds(plot.y_bounds)
                .labels(thinned(&plot.y_labels, chart.height < 12))
                .style(theme.dim),
        );
    chart_widget.render(chart, buf);
}

/// `1D 5D 1M …` with the chosen one marked, then the chosen range's state.
fn range_line(
    app: &App,
    theme: &Theme,
    range: ChartRange,
    entry: Option<&ChartEntry>,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut spans: Vec<Span> = ChartRange::ALL
        .iter()
        .flat_map(|each| {
            let style = if *each == range {
                theme.selected
            } else {
                theme.dim
            };
            [
                Span::styled(format!(" {} ", each.label()), style),
                Span::raw(" "),
            ]
        })
        .collect();
    let state = match (entry, app.mode()) {
        (_, Mode::Offline) if range != ChartRange::Day => Some((
            "offline: 1D only, from the quotes".to_owned(),
            theme.warning,
        )),
        (_, Mode::Demo) if range != ChartRange::Day => Some((
            "demo: 1D only, from the simulated quotes".to_owned(),
            theme.warning,
        )),
        (Some(entry), _) if entry.is_loading() => Some(("loading…".to_owned(), theme.dim)),
        (
            Some(ChartEntry {
                failure: Some(failure),
                ..
            }),
            _,
        ) => Some((format!("failed: {}", failure.summary()), theme.warning)),
        (
            Some(ChartEntry {
                fetched_at: Some(at),
                ..
            }),
            _,
        ) if range != ChartRange::Day => Some((
            format!("fetched {}", time::clock_minutes(*at, app.tz())),
            theme.dim,
        )),
        _ => None,
    };
    if let Some((text, style)) = state {
        spans.push(Span::styled(text, style));
    }
    Line::from(spans).render(area, buf);
}

/// All labels, or every other one (first, middle, last) where the axis is short.
fn thinned(labels: &[String], is_short: bool) -> Vec<String> {
    let step = if is_short { 2 } else { 1 };
    labels.iter().step_by(step).cloned().collect()
}

#[cfg(test)]
mod tests;
