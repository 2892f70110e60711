//! The portfolio view (`P`): one row per instrument held, a header marking the sort, and the
//! totals row. Stale rows are dimmed as the tape dims stale entries; numbers are right-aligned
//! and columns that do not fit are left out from the right.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::portfolio_view::SortColumn;
use crate::domain::Direction;
use crate::format::holdings::{COLUMNS, HEADERS, row_cells, total_cells};
use crate::ui::theme::Theme;
use crate::ui::{fit, fit_padded};

const GAP: usize = 2;
/// Which columns stay when not all fit: what it is and what it is worth first.
const PRIORITY: [usize; COLUMNS] = [0, 4, 7, 8, 5, 6, 9, 1, 3, 2];

/// The header column each sort marks.
fn sorted_column(sort: SortColumn) -> Option<usize> {
    match sort {
        SortColumn::Config => None,
        SortColumn::Symbol => Some(0),
        SortColumn::Quantity => Some(1),
        SortColumn::Value => Some(4),
        SortColumn::DayChange => Some(5),
        SortColumn::DayChangePct => Some(6),
        SortColumn::Pnl => Some(7),
        SortColumn::PnlPct => Some(8),
        SortColumn::Weight => Some(9),
    }
}

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let valuation = app.valuation();
    let view = app.portfolio_view();
    let title = format!(" Portfolio in {} ", valuation.currency);
    let block = Block::bordered()
        .title(fit(&title, usize::from(area.width.saturating_sub(2))).into_owned())
        .border_style(theme.focused_border);
    let inner = block.inner(area);
    block.render(area, buf);
    if valuation.rows.is_empty() {
        let hint = "no positions: add [[portfolio.positions]] to the config";
        Line::styled(fit(hint, usize::from(inner.width)).into_owned(), theme.dim)
            .render(inner, buf);
        return;
    }
    let mut header = HEADERS.map(str::to_owned);
    if let Some(column) = sorted_column(view.sort()) {
        header[column].push(if view.is_reversed() { '▲' } else { '▼' });
    }
    let rows = view.sorted(&valuation.rows);
    let mut lines: Vec<([String; COLUMNS], Style, Option<Direction>)> =
        vec![(header, theme.heading, None)];
    for row in rows {
        let style = if row.is_stale {
            theme.stale
        } else {
            Style::new()
        };
        let direction = row.pnl_base.map(|pnl| {
            if pnl.is_zero() {
                Direction::Unchanged
            } else if pnl.is_sign_positive() {
                Direction::Up
            } else {
                Direction::Down
            }
        });
        lines.push((row_cells(row), style, direction));
    }
    let totals = &valuation.totals;
    let total_style = theme.name.patch(if totals.is_stale {
        theme.stale
    } else {
        Style::new()
    });
    lines.push((total_cells(totals, &valuation.currency), total_style, None));
    let widths: Vec<usize> = (0..COLUMNS)
        .map(|column| {
            lines
                .iter()
                .map(|(cells, ..)| cells[column].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Columns by importance, as many as fit, then shown in their usual order.
    let room = usize::from(inner.width) + GAP;
    let mut used = 0;
    let mut shown: Vec<usize> = PRIORITY
        .iter()
        .copied()
        .take_while(|column| {
            used += widths[*column] + GAP;
            used <= room || *column == 0
        })
        .collect();
    shown.sort_unstable();
    for ((cells, style, direction), y) in lines.iter().zip(inner.y..inner.bottom()) {
        let mut spans = Vec::with_capacity(shown.len() * 2);
        for &column in &shown {
            let (cell, width) = (&cells[column], widths[column]);
            let text = if column == 0 {
                fit_padded(cell, width.min(usize::from(inner.width)))
            } else {
                format!("{cell:>width$}")
            };
            let colour = match (column, direction) {
                (7 | 8, Some(direction)) => theme.direction(*direction),
                _ => Style::new(),
            };
            if column > 0 {
                spans.push(Span::raw(" ".repeat(GAP)));
            }
            spans.push(Span::styled(text, colour.patch(*style)));
        }
        Line::from(spans).render(
            Rect {
                y,
                height: 1,
                ..inner
            },
            buf,
        );
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use rstest::rstest;

    use super::*;
    use crate::app::Mode;
    use crate::app::update::update;
    use crate::domain::Quote;
    use crate::fixtures::{app_with_config, now};
    use crate::message::{Message, SourceId};
    use crate::sanitize::SafeText;

    const CONFIG: &str = r#"
        [[groups]]
        name = "Holdings"
        symbols = ["VOD.L", "AAPL"]
        [[portfolio.positions]]
        symbol = "VOD.L"
        quantity = 1000
        cost = 71.50
        [[portfolio.positions]]
        symbol = "VOD.L"
        quantity = 500
        cost = 80
        [[portfolio.positions]]
        symbol = "AAPL"
        quantity = 10
        cost = 150
        [[portfolio.positions]]
        symbol = "^FTSE"
        quantity = 0
        cost = 7000
    "#;

    /// VOD.L and AAPL priced live with the dollar rate; the FTSE only from the snapshot.
    fn app() -> App {
        let config = crate::config::parse(CONFIG, std::path::Path::new("c.toml")).unwrap();
        let mut app = app_with_config(&config, 120, 40, Mode::Live);
        let quote = |symbol: &str, price, previous, currency: &str| Quote {
            previous_close: Some(previous),
            currency: Some(SafeText::new(currency)),
            ..Quote::new(symbol, price, 2, now())
        };
        let quotes = vec![
            quote("VOD.L", 72.1, 71.9, "GBp"),
            quote("AAPL", 200.0, 198.0, "USD"),
            quote("USDGBP=X", 0.7912, 0.79, "GBP"),
        ];
        let arrived = Message::QuotesArrived {
            source: SourceId::Yahoo,
            quotes,
            failed: Vec::new(),
            fetched_at: now(),
        };
        update(&mut app, arrived, now());
        update(&mut app, Message::TogglePortfolio, now());
        app
    }

    fn drawn(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        render(app, &Theme::colour(), area, &mut buf);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| frame.buffer_mut().merge(&buf))
            .unwrap();
        terminal
    }

    #[rstest]
    fn the_portfolio_at_every_size(
        #[values((120, 12), (80, 24), (40, 12), (1, 1))] size: (u16, u16),
    ) {
        let (width, height) = size;
        let terminal = drawn(&app(), width, height);
        insta::assert_snapshot!(format!("portfolio_{width}x{height}"), terminal.backend());
    }

    #[test]
    fn sorting_marks_the_header_and_stale_rows_are_dim() {
        let mut app = app();
        for _ in 0..3 {
            update(&mut app, Message::NextPortfolioSort, now());
        }
        update(&mut app, Message::ReversePortfolioSort, now());
        let terminal = drawn(&app, 120, 12);
        let text = format!("{}", terminal.backend());
        assert!(text.contains("VALUE▲"), "{text}");
        let rows: Vec<&str> = text.lines().collect();
        assert!(rows[2].contains("^FTSE"), "smallest value first: {text}");
        let buf = terminal.backend().buffer();
        assert_eq!(buf[(1, 2)].modifier, Theme::colour().stale.add_modifier);
        assert!(buf[(1, 3)].modifier.is_empty(), "a live row is not dimmed");
        assert!(rows[5].contains("TOTAL GBP"));
    }
}
