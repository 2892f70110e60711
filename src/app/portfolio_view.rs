//! The portfolio view's own state: whether it is shown in place of the headlines, and how its
//! rows are sorted. The figures themselves are worked out by `crate::portfolio` from the board.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::portfolio::Row;

/// The columns `s` cycles through, in the order they are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortColumn {
    /// The order the positions are written in the config.
    #[default]
    Config,
    Symbol,
    Quantity,
    Value,
    DayChange,
    DayChangePct,
    Pnl,
    PnlPct,
    Weight,
}

const COLUMNS: [SortColumn; 9] = [
    SortColumn::Config,
    SortColumn::Symbol,
    SortColumn::Quantity,
    SortColumn::Value,
    SortColumn::DayChange,
    SortColumn::DayChangePct,
    SortColumn::Pnl,
    SortColumn::PnlPct,
    SortColumn::Weight,
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortfolioView {
    is_open: bool,
    sort: SortColumn,
    is_reversed: bool,
}

impl PortfolioView {
    pub fn is_open(&self) -> bool {
        self.is_open
    }

    pub fn toggle(&mut self) {
        self.is_open = !self.is_open;
    }

    pub fn sort(&self) -> SortColumn {
        self.sort
    }

    /// Reversed from the column's natural order: names A–Z, numbers largest first.
    pub fn is_reversed(&self) -> bool {
        self.is_reversed
    }

    /// The next column, in its natural order.
    pub fn next_sort(&mut self) {
        let at = COLUMNS.iter().position(|c| *c == self.sort).unwrap_or(0);
        self.sort = COLUMNS[(at + 1) % COLUMNS.len()];
        self.is_reversed = false;
    }

    pub fn reverse_sort(&mut self) {
        self.is_reversed = !self.is_reversed;
    }

    /// `rows` in the chosen order; rows without a figure go last either way.
    pub fn sorted<'a>(&self, rows: &'a [Row]) -> Vec<&'a Row> {
        let mut sorted: Vec<&Row> = rows.iter().collect();
        let figure = |row: &Row| -> Option<Decimal> {
            match self.sort {
                SortColumn::Config | SortColumn::Symbol => None,
                SortColumn::Quantity => Some(row.quantity),
                SortColumn::Value => row.value_base,
                SortColumn::DayChange => row.day_change_base,
                SortColumn::DayChangePct => row.day_change_pct,
                SortColumn::Pnl => row.pnl_base,
                SortColumn::PnlPct => row.pnl_pct,
                SortColumn::Weight => row.weight_pct,
            }
        };
        let reversed = |ordering: Ordering| {
            if self.is_reversed {
                ordering.reverse()
            } else {
                ordering
            }
        };
        match self.sort {
            SortColumn::Config => {
                if self.is_reversed {
                    sorted.reverse();
                }
            }
            SortColumn::Symbol => sorted.sort_by(|a, b| reversed(a.symbol.cmp(&b.symbol))),
            _ => sorted.sort_by(|a, b| match (figure(a), figure(b)) {
                (Some(a), Some(b)) => reversed(b.cmp(&a)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }),
        }
        sorted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(symbol: &str, value: Option<i64>) -> Row {
        Row {
            symbol: symbol.to_owned(),
            quantity: Decimal::ONE,
            avg_cost: None,
            price: None,
            currency: None,
            value: None,
            value_base: value.map(Decimal::from),
            day_change_base: None,
            day_change_pct: None,
            pnl_base: None,
            pnl_pct: None,
            weight_pct: None,
            is_stale: false,
        }
    }

    fn order(view: &PortfolioView, rows: &[Row]) -> Vec<String> {
        view.sorted(rows).iter().map(|r| r.symbol.clone()).collect()
    }

    #[test]
    fn s_cycles_columns_and_capital_s_reverses_unpriced_rows_staying_last() {
        let rows = [row("B", Some(5)), row("C", None), row("A", Some(9))];
        let mut view = PortfolioView::default();
        assert_eq!(order(&view, &rows), ["B", "C", "A"]);
        view.reverse_sort();
        assert_eq!(order(&view, &rows), ["A", "C", "B"]);
        view.next_sort();
        assert_eq!(
            (view.sort(), view.is_reversed()),
            (SortColumn::Symbol, false)
        );
        assert_eq!(order(&view, &rows), ["A", "B", "C"]);
        view.next_sort();
        view.next_sort();
        assert_eq!(view.sort(), SortColumn::Value);
        assert_eq!(order(&view, &rows), ["A", "B", "C"]);
        view.reverse_sort();
        assert_eq!(order(&view, &rows), ["B", "A", "C"]);
        for _ in 0..6 {
            view.next_sort();
        }
        assert_eq!(view.sort(), SortColumn::Config, "wraps round");
    }
}
