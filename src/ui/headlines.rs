//! The headline list, drawn from the list's selection and the window offset update keeps; no
//! scrolling decisions are made here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, StatefulWidget, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Focus};
use crate::format::time;
use crate::ui::theme::Theme;
use crate::ui::{fit, fit_padded};

/// Source labels (`feeds[].short`) are cut to this many columns; the column is as wide as the
/// widest label on screen, so titles line up and get every column the labels do not need.
const SOURCE_COLS: usize = 10;
/// An instrument tag before a title is kept short: it marks, the title tells.
const TAG_COLS: usize = 9;

pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let visible = app.headlines().visible();
    let title = if app.headlines().filter().is_empty() && app.headlines().topic().is_none() {
        format!(" Headlines ({}) ", visible.len())
    } else {
        format!(
            " Headlines ({} of {}) ",
            visible.len(),
            app.headlines().len()
        )
    };
    let border = if app.focus() == Focus::List {
        theme.focused_border
    } else {
        theme.border
    };
    let block = Block::bordered()
        .title(fit(&title, usize::from(area.width.saturating_sub(2))).into_owned())
        .border_style(border);
    let inner_width = usize::from(area.width.saturating_sub(2));
    // Only the rows on screen are built: the list may hold hundreds, and this runs every frame.
    let rows = usize::from(area.height.saturating_sub(2));
    let offset = app.headlines().offset();
    let on_screen = visible.iter().skip(offset).take(rows);
    let source_cols = on_screen
        .clone()
        .map(|headline| app.headline_source_label(&headline.source).width())
        .max()
        .unwrap_or(0)
        .min(SOURCE_COLS);
    let items: Vec<ListItem> = on_screen
        .map(|headline| {
            let when = headline.published.map_or_else(
                || " ".repeat(6),
                |at| format!("{:>6}", time::headline_time(at, app.now(), app.tz())),
            );
            let (marker, marker_style) = if app.headlines().is_read(&headline.id) {
                (" ", theme.dim)
            } else {
                ("•", theme.unread)
            };
            let source = fit_padded(app.headline_source_label(&headline.source), source_cols);
            let tag = app
                .headlines()
                .tag(&headline.id)
                .and_then(|index| app.instruments().get(index))
                .map(|i| format!("[{}] ", fit(i.name.as_str(), TAG_COLS)));
            let tag = tag.unwrap_or_default();
            let used = when.width() + 1 + 1 + 1 + source_cols + 1 + tag.width();
            let title = fit(headline.title.as_str(), inner_width.saturating_sub(used));
            ListItem::new(Line::from(vec![
                Span::styled(when, theme.dim),
                Span::raw(" "),
                Span::styled(marker, marker_style),
                Span::raw(" "),
                Span::styled(source, theme.dim),
                Span::raw(" "),
                Span::styled(tag, theme.tag),
                Span::raw(title.into_owned()),
            ]))
        })
        .collect();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected);
    let mut state = ListState::default().with_selected(
        app.headlines()
            .selected_row()
            .and_then(|row| row.checked_sub(offset)),
    );
    StatefulWidget::render(list, area, buf, &mut state);
    if empty && area.height > 2 && area.width > 2 {
        let message = if app.headlines().filter().is_empty() && app.headlines().topic().is_none() {
            "no headlines yet"
        } else {
            "no headline matches the filter"
        };
        Line::styled(fit(message, inner_width).into_owned(), theme.dim)
            .render(Rect::new(area.x + 1, area.y + 1, area.width - 2, 1), buf);
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;

    use crate::app::App;
    use crate::app::update::update;
    use crate::domain::Headline;
    use crate::fixtures::{app_from_snapshot, now};
    use crate::message::{Message, SourceId};
    use crate::sanitize::SafeText;
    use crate::ui::tests::{row_text, screen};

    /// Wide and awkward titles, newest first so they head the list: CJK, emoji, mixed scripts
    /// and one of exactly 120 columns.
    const TITLES: [&str; 4] = [
        "日本銀行が国債買い入れの減額計画を公表、円相場は一時161円台に下落し輸出関連株が上昇",
        "📈 Chipmakers rally 🚀 after results beat forecasts and analysts raise targets across the sector 💹",
        "恒生指数 Hang Seng closes higher as 腾讯 Tencent and 阿里巴巴 Alibaba lead a broad rally in Hong Kong tech",
        "Pound edges higher against the dollar as traders pare bets on an August rate cut after stronger services inflation data",
    ];

    fn app_with_wide_titles(width: u16, height: u16) -> App {
        let mut app = app_from_snapshot(width, height);
        let headlines = TITLES
            .iter()
            .zip(1..)
            .map(|(title, minutes)| Headline {
                id: format!("wide-{minutes}"),
                title: SafeText::new(title),
                source: SafeText::new("BBC Business"),
                published: now()
                    .checked_sub(jiff::SignedDuration::from_mins(minutes))
                    .ok(),
                link: None,
                summary: Vec::new(),
            })
            .collect();
        let arrived = Message::HeadlinesArrived {
            source: SourceId::Feed(0),
            headlines,
            fetched_at: now(),
        };
        update(&mut app, arrived, now());
        app
    }

    /// The first `cols` display columns of `title`, whole characters only.
    fn leading_columns(title: &str, cols: usize) -> String {
        let mut out = String::new();
        for grapheme in title.graphemes(true) {
            if out.width() + grapheme.width() > cols {
                break;
            }
            out.push_str(grapheme);
        }
        out
    }

    /// Every row of the list shows at least `wanted` columns of its title (all of a shorter
    /// one), wide characters included, for the sample stories and for awkward titles.
    #[rstest]
    #[case(120, 40, 60)]
    #[case(80, 24, 40)]
    #[case(200, 50, 120)]
    fn every_row_shows_enough_of_its_title(
        #[case] width: u16,
        #[case] height: u16,
        #[case] wanted: usize,
    ) {
        for app in [
            app_from_snapshot(width, height),
            app_with_wide_titles(width, height),
        ] {
            assert_rows_show(&app, width, height, wanted);
        }
    }

    fn assert_rows_show(app: &App, width: u16, height: u16, wanted: usize) {
        let list = app.viewport().list;
        let visible = app.headlines().visible();
        let rows = usize::from(list.height - 2).min(visible.len());
        assert!(rows >= 4, "only {rows} rows at {width}x{height}");
        for (row, headline) in visible.iter().take(rows).enumerate() {
            let y = list.y + 1 + u16::try_from(row).unwrap();
            let text = row_text(app, width, height, y);
            let title = headline.title.as_str();
            let shown = leading_columns(title, wanted);
            assert!(
                text.contains(&shown),
                "{width}x{height} row {row} lacks {shown:?}: {text:?}"
            );
            if width == 200 && title.width() <= 120 {
                assert!(text.contains(title), "{width}x{height}: {text:?}");
            }
        }
    }

    #[rstest]
    #[case(120, 40)]
    #[case(80, 24)]
    #[case(200, 50)]
    fn wide_titles_keep_the_columns_aligned(#[case] width: u16, #[case] height: u16) {
        let app = app_with_wide_titles(width, height);
        let list = app.viewport().list;
        let right = list.x + list.width - 1;
        let terminal = screen(&app, width, height);
        let buf = terminal.backend().buffer();
        for y in list.y..list.y + list.height {
            assert!(
                matches!(buf[(right, y)].symbol(), "│" | "┐" | "┘"),
                "row {y}"
            );
        }
        insta::assert_snapshot!(format!("titles_{width}x{height}"), terminal.backend());
    }
}
