//! Drawing: a pure function of `&App` onto a frame, and the one layout ([`viewport`]) that
//! update also uses, so scroll limits and what is drawn always agree. Nothing here mutates
//! state, reads the clock or does I/O.

pub mod alerts;
pub mod detail;
pub mod footer;
pub mod headlines;
pub mod help;
pub mod portfolio;
pub mod reader;
pub mod search;
pub mod status_line;
pub mod tape;
pub mod theme;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::message::Viewport;
use theme::Theme;

/// Below this the panes would be unreadable; a plain message says so instead.
const MIN_WIDTH: u16 = 24;
const MIN_HEIGHT: u16 = 7;
/// Side by side, the reader keeps 80 columns of text, a comfortable measure for prose…
const SIDE_READER_WIDTH: u16 = 82;
/// …and the list needs room for a 120-column title after its time, marker, source and tag.
/// Narrower than both, the list sits above the reader across the whole width: titles are what
/// a list is scanned by, so they get the width (as newsboat and mutt's pager index do).
const SIDE_LIST_WIDTH: u16 = 154;

pub fn viewport(area: Rect) -> Viewport {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Viewport {
            area,
            ..Viewport::default()
        };
    }
    let [status, tape, panes, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [list, reader] = if area.width >= SIDE_LIST_WIDTH + SIDE_READER_WIDTH {
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(SIDE_READER_WIDTH)])
            .areas(panes)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(panes)
    };
    Viewport {
        area,
        status,
        tape,
        list,
        reader,
        footer,
    }
}

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame) {
    let viewport = viewport(frame.area());
    if viewport.list.is_empty() {
        let message = Paragraph::new("terminal too small").wrap(Wrap { trim: true });
        frame.render_widget(message, viewport.area);
        return;
    }
    let buf = frame.buffer_mut();
    status_line::render(app, theme, viewport.status, buf);
    tape::render(app, theme, viewport.tape, buf);
    // The portfolio's ten columns need more room than the list has: it takes both panes.
    let is_portfolio_open = app.portfolio_view().is_open();
    if is_portfolio_open {
        portfolio::render(app, theme, viewport.list.union(viewport.reader), buf);
    } else {
        headlines::render(app, theme, viewport.list, buf);
    }
    if app.is_detail_open() {
        detail::render(app, theme, viewport.reader, buf);
    } else if !is_portfolio_open {
        reader::render(app, theme, &viewport, buf);
    }
    let cursor = search::render(app, theme, viewport.reader, buf);
    footer::render(app, theme, viewport.footer, buf);
    if app.alerts().list_selection().is_some() {
        alerts::render(app, theme, viewport.area, buf);
    }
    if app.is_help_open() {
        help::render(app.keymap(), theme, app.help_scroll(), viewport.area, buf);
    }
    if let Some(cursor) = cursor {
        frame.set_cursor_position(cursor);
    }
}

/// Turns `last`, the frame drawn before some tape steps and nothing else, into the frame
/// [`draw`] would draw now, by drawing the tape row alone: on a step only the tape moves, and
/// whatever else changes with time changes at the app's next deadline, which draws whole.
/// Returns the tape row as it was, for the caller to write only what changed in it. `None`
/// (and `last` untouched) when an overlay may cover the tape (any drawn after the tape in
/// [`draw`] must be named here) or the screen shows no tape, so the caller draws whole.
pub fn redraw_tape(app: &App, theme: &Theme, last: &mut Buffer) -> Option<Buffer> {
    let viewport = viewport(last.area);
    let is_overlay_open =
        app.is_help_open() || app.alerts().list_selection().is_some() || app.search_box().is_some();
    if viewport.list.is_empty() || is_overlay_open {
        return None;
    }
    let tape = viewport.tape;
    let before = row_of(last, tape);
    for x in tape.left()..tape.right() {
        last[(x, tape.y)].reset();
    }
    tape::render(app, theme, tape, last);
    Some(before)
}

/// The cells of `row` (one row of `buf`), as a buffer of their own.
pub fn row_of(buf: &Buffer, row: Rect) -> Buffer {
    let start = buf.index_of(row.x, row.y);
    let mut cells = Buffer::empty(row);
    cells.content = buf.content[start..start + usize::from(row.width)].to_vec();
    cells
}

/// `text` cut to `width` display columns with an ellipsis, never splitting a wide character.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let Some(room) = width.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w > room {
            break;
        }
        used += w;
        out.push_str(grapheme);
    }
    out.push('…');
    Cow::Owned(out)
}

/// [`fit`], then padded with spaces to exactly `width` columns so the next column lines up.
pub fn fit_padded(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let pad = width.saturating_sub(fitted.width());
    format!("{fitted}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::update::update;
    use crate::fixtures::{app_from_snapshot, app_in_mode, now};
    use crate::message::{Message, Scroll};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use rstest::rstest;

    pub(crate) fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(app, &Theme::colour(), frame))
            .unwrap();
        terminal
    }

    /// A screen row as text, one entry per character however many cells it covers.
    pub(crate) fn row_text(app: &App, width: u16, height: u16, y: u16) -> String {
        let terminal = screen(app, width, height);
        let buf = terminal.backend().buffer();
        let mut text = String::new();
        let mut x = 0;
        while x < width {
            let symbol = buf[(x, y)].symbol();
            text.push_str(symbol);
            x += u16::try_from(symbol.width().max(1)).unwrap();
        }
        text
    }

    #[rstest]
    #[case(200, 50)]
    #[case(120, 40)]
    #[case(80, 24)]
    #[case(40, 12)]
    #[case(1, 1)]
    fn whole_screen(#[case] width: u16, #[case] height: u16) {
        let app = app_from_snapshot(width, height);
        insta::assert_snapshot!(
            format!("screen_{width}x{height}"),
            screen(&app, width, height).backend()
        );
    }

    /// Every size and layout, the tape moving for many steps at once and one by one: the row
    /// redrawn alone always makes the frame a whole draw makes.
    #[rstest]
    fn a_redrawn_tape_row_makes_the_whole_frame(
        #[values((250, 70), (120, 40), (80, 24), (24, 7))] size: (u16, u16),
        #[values(1, 3, 40)] steps_per_frame: usize,
    ) {
        let (width, height) = size;
        let mut app = app_from_snapshot(width, height);
        let mut last = screen(&app, width, height).backend().buffer().clone();
        let mut at = now();
        let mut moves = 0;
        for _ in 0..60 {
            for _ in 0..steps_per_frame {
                at += jiff::SignedDuration::from_millis(200);
                update(&mut app, Message::TapeStep, at);
            }
            let before = last.clone();
            let row = redraw_tape(&app, &Theme::colour(), &mut last).unwrap();
            assert_eq!(row, row_of(&before, viewport(before.area).tape));
            assert_eq!(&last, screen(&app, width, height).backend().buffer());
            moves += usize::from(last != before);
        }
        assert!(moves > 50, "the tape moved in only {moves} of 60 frames");
    }

    /// Paused, nothing counts down: a closed market's opening reads as a clock time (Friday
    /// 16:42 in London; London opens Monday at 08:00, Tokyo at 01:00 London time).
    #[test]
    fn paused_a_closed_market_says_when_it_opens() {
        let mut app = app_from_snapshot(200, 50);
        let status = |app: &App| row_text(app, 200, 50, 0);
        assert!(status(&app).starts_with("UK markets closed (opens in 2d 15h) ·"));
        update(&mut app, Message::TogglePause, now());
        let paused = status(&app);
        assert!(
            paused.starts_with("UK markets closed (opens Mon 08:00) · "),
            "{paused}"
        );
        assert!(
            paused.contains("Asia markets closed (opens Mon 01:00)"),
            "{paused}"
        );
    }

    #[test]
    fn no_tape_row_is_redrawn_under_an_overlay_or_on_a_screen_too_small() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::ToggleHelp, now());
        let mut last = screen(&app, 120, 40).backend().buffer().clone();
        let before = last.clone();
        assert!(redraw_tape(&app, &Theme::colour(), &mut last).is_none());
        assert_eq!(last, before);
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::ToggleAlerts, now());
        let mut last = screen(&app, 120, 40).backend().buffer().clone();
        assert!(redraw_tape(&app, &Theme::colour(), &mut last).is_none());
        let app = app_from_snapshot(10, 5);
        let mut last = screen(&app, 10, 5).backend().buffer().clone();
        assert!(redraw_tape(&app, &Theme::colour(), &mut last).is_none());
    }

    #[test]
    fn a_one_cell_terminal_shows_the_first_letter_of_the_notice() {
        let app = app_from_snapshot(1, 1);
        assert_eq!(screen(&app, 1, 1).backend().buffer()[(0, 0)].symbol(), "t");
    }

    #[test]
    fn zero_sized_terminals_draw_nothing_and_do_not_panic() {
        for (width, height) in [(0, 0), (80, 0), (0, 24)] {
            let app = app_from_snapshot(width, height);
            let terminal = screen(&app, width, height);
            assert!(terminal.backend().buffer().area.is_empty());
        }
    }

    /// Every widget alone at every size, drawn into the whole area it is given.
    #[rstest]
    fn each_widget(
        #[values("status", "tape", "headlines", "reader", "footer", "help")] widget: &str,
        #[values((120, 40), (80, 24), (40, 12), (1, 1))] size: (u16, u16),
    ) {
        let (width, height) = size;
        let app = app_from_snapshot(120, 40);
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        let theme = &Theme::colour();
        match widget {
            "status" => status_line::render(&app, theme, area, &mut buf),
            "tape" => tape::render(&app, theme, area, &mut buf),
            "headlines" => headlines::render(&app, theme, area, &mut buf),
            "reader" => {
                let viewport = Viewport {
                    reader: area,
                    ..Viewport::default()
                };
                reader::render(&app, theme, &viewport, &mut buf);
            }
            "footer" => footer::render(&app, theme, area, &mut buf),
            _ => help::render(app.keymap(), theme, 0, area, &mut buf),
        }
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| frame.buffer_mut().merge(&buf))
            .unwrap();
        insta::assert_snapshot!(format!("{widget}_{width}x{height}"), terminal.backend());
    }

    /// On a terminal tall enough for the whole table (its rows, header and border): the
    /// overlay does not scroll, so the height grows with the table.
    #[test]
    fn help_overlay_lists_every_binding() {
        let height = u16::try_from(crate::keymap::BINDINGS.len() + 4).unwrap();
        let mut app = app_from_snapshot(100, height);
        update(&mut app, Message::ToggleHelp, now());
        let terminal = screen(&app, 100, height);
        let text = format!("{}", terminal.backend());
        for binding in crate::keymap::BINDINGS {
            assert!(
                text.contains(binding.description),
                "help lacks {:?}",
                binding.description
            );
        }
        insta::assert_snapshot!("help_overlay_100_wide", terminal.backend());
    }

    /// At 120x40 the table is taller than the screen: `j` scrolls it to its last row and no
    /// further, and the border counts the rows out of sight.
    #[test]
    fn a_help_overlay_taller_than_the_screen_scrolls_to_its_last_row() {
        let mut app = app_from_snapshot(120, 40);
        update(&mut app, Message::ToggleHelp, now());
        let first = format!("{}", screen(&app, 120, 40).backend());
        assert!(first.contains("first headline") && !first.contains("help: scroll up"));
        assert!(first.contains("j/k scroll (0 above"), "{first}");
        let scroll = crate::keymap::message_for(
            crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('j')),
            &app,
        );
        assert_eq!(scroll, Some(Message::ScrollHelp(Scroll::Down(1))));
        for _ in 0..200 {
            update(&mut app, Message::ScrollHelp(Scroll::Down(1)), now());
        }
        let last = screen(&app, 120, 40).backend().to_string();
        assert!(last.contains("help: scroll up") && !last.contains("first headline"));
        assert!(last.contains(", 0 below)"), "{last}");
        insta::assert_snapshot!("help_overlay_120x40_scrolled_to_the_end", last);
        update(&mut app, Message::ToggleHelp, now());
        update(&mut app, Message::ToggleHelp, now());
        assert_eq!(app.help_scroll(), 0, "a reopened help starts at the top");
    }

    #[test]
    fn falls_are_red_rises_green_and_snapshot_prices_dim() {
        let app = app_from_snapshot(250, 40);
        let terminal = screen(&app, 250, 40);
        let buf = terminal.backend().buffer();
        let row: String = (0..250).map(|x| buf[(x, 1)].symbol()).collect();
        let column_of = |needle: &str| {
            let byte = row.find(needle).unwrap();
            u16::try_from(UnicodeWidthStr::width(&row[..byte])).unwrap()
        };
        let fall = column_of("▼-15.56");
        assert_eq!(buf[(fall, 1)].fg, Theme::colour().fall.fg.unwrap());
        let rise = column_of("▲+0.0006");
        assert_eq!(buf[(rise, 1)].fg, Theme::colour().rise.fg.unwrap());
        let price = column_of("8,164.12");
        assert!(
            buf[(price, 1)]
                .modifier
                .contains(ratatui::style::Modifier::DIM)
        );
    }

    #[test]
    fn a_cjk_headline_keeps_the_list_border_aligned_in_a_narrow_pane() {
        let mut app = app_from_snapshot(40, 30);
        update(&mut app, Message::StartFilter, now());
        update(&mut app, Message::FilterInput('恒'), now());
        let terminal = screen(&app, 40, 30);
        let buf = terminal.backend().buffer();
        let list = app.viewport().list;
        let right = list.x + list.width - 1;
        for y in list.y..list.y + list.height {
            assert!(
                matches!(buf[(right, y)].symbol(), "│" | "┐" | "┘"),
                "row {y}"
            );
        }
        insta::assert_snapshot!("cjk_filter_40x30", terminal.backend());
    }

    #[test]
    fn fit_cuts_by_columns_and_keeps_wide_characters_whole() {
        assert_eq!(fit("FTSE 100", 8), "FTSE 100");
        assert_eq!(fit("FTSE 100", 5), "FTSE…");
        assert_eq!(fit("中国企业家", 6), "中国…");
        assert_eq!(fit("中国企业家", 5), "中国…");
        assert_eq!(fit("中国企业家", 4), "中…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_padded("中国企业家", 8), "中国企… ");
        assert_eq!(fit_padded("BBC", 5), "BBC  ");
    }

    #[test]
    fn layout_is_side_by_side_when_wide_stacked_when_narrow_and_empty_when_tiny() {
        let wide = viewport(Rect::new(0, 0, 240, 40));
        assert_eq!(wide.list.y, wide.reader.y);
        assert_eq!(
            (wide.list.width, wide.reader.width, wide.list.height),
            (158, 82, 37)
        );
        let medium = viewport(Rect::new(0, 0, 120, 40));
        assert_eq!((medium.list.width, medium.list.x), (120, medium.reader.x));
        let narrow = viewport(Rect::new(0, 0, 80, 24));
        assert_eq!(narrow.list.x, narrow.reader.x);
        assert_eq!(narrow.list.height + narrow.reader.height, 21);
        let tiny = viewport(Rect::new(0, 0, 1, 1));
        assert!(tiny.list.is_empty() && tiny.reader.is_empty() && tiny.tape.is_empty());
    }

    fn status_text(app: &App, width: u16) -> String {
        let terminal = screen(app, width, 40);
        let buf = terminal.backend().buffer();
        (0..width)
            .map(|x| buf[(x, 0)].symbol())
            .collect::<String>()
            .trim_end()
            .to_owned()
    }

    #[test]
    fn the_status_line_names_the_group_only_when_there_are_several() {
        use crate::app::Mode;
        let app = app_in_mode(120, 40, Mode::Offline);
        assert!(status_text(&app, 120).starts_with("UK markets"));
        let text = "[[groups]]\nname = \"Holdings\"\nsymbols = [\"VOD.L\"]\n";
        let config = crate::config::parse(text, std::path::Path::new("c.toml")).unwrap();
        let mut app = crate::fixtures::app_with_config(&config, 120, 40, Mode::Offline);
        let status = status_text(&app, 120);
        assert!(status.starts_with("Markets · UK"), "{status}");
        update(
            &mut app,
            Message::SwitchGroup(crate::message::Step::Down),
            now(),
        );
        let status = status_text(&app, 120);
        assert!(status.starts_with("Holdings · UK"), "{status}");
        let tape: String = (0..20)
            .map(|x| {
                screen(&app, 120, 40).backend().buffer()[(x, 1)]
                    .symbol()
                    .to_owned()
            })
            .collect();
        assert!(tape.starts_with("VOD.L —"), "{tape}");
    }

    #[test]
    fn past_the_holiday_calendars_the_status_line_says_holidays_unknown() {
        let mut app = app_from_snapshot(200, 40);
        update(
            &mut app,
            Message::DeadlineReached,
            "2027-12-31T10:00:00Z".parse().unwrap(),
        );
        let covered = status_text(&app, 200);
        assert!(!covered.contains("holidays unknown"), "{covered}");
        update(
            &mut app,
            Message::DeadlineReached,
            "2028-01-04T10:00:00Z".parse().unwrap(),
        );
        let text = status_text(&app, 200);
        assert!(
            text.starts_with("UK markets open · Europe markets open · US markets closed")
                && text.contains(") · holidays unknown "),
            "{text}"
        );
    }

    #[test]
    fn the_status_line_says_live_then_stale_and_names_the_failure() {
        use crate::app::Mode;
        use crate::domain::Quote;
        use crate::message::{Failure, SourceId, SymbolFailure};
        let mut app = app_in_mode(160, 40, Mode::Live);
        assert!(
            status_text(&app, 160).ends_with("connecting · snapshot 28 Jun 2024"),
            "{}",
            status_text(&app, 160)
        );
        let later = |secs| {
            now()
                .checked_add(jiff::SignedDuration::from_secs(secs))
                .unwrap()
        };
        let quote = Quote::new("^FTSE", 8170.0, 2, later(1));
        let arrived = Message::QuotesArrived {
            source: SourceId::Yahoo,
            quotes: vec![quote],
            failed: Vec::new(),
            fetched_at: later(1),
        };
        update(&mut app, arrived, later(1));
        assert!(
            status_text(&app, 160).ends_with("live · updated 16:42:08"),
            "{}",
            status_text(&app, 160)
        );
        let failed = vec![SymbolFailure {
            symbol: "^FTSE".to_owned(),
            failure: Failure::Timeout,
        }];
        let timed_out = Message::QuotesArrived {
            source: SourceId::Yahoo,
            quotes: Vec::new(),
            failed,
            fetched_at: later(16),
        };
        update(&mut app, timed_out, later(136));
        assert!(
            status_text(&app, 160).ends_with("stale · updated 16:42:08 · yahoo: timed out (2m)"),
            "{}",
            status_text(&app, 160)
        );
        // With room to spare, closed markets say when they open.
        assert!(
            status_text(&app, 200).starts_with("UK markets closed (opens in 2d 15h)"),
            "{}",
            status_text(&app, 200)
        );
    }

    #[test]
    fn the_detail_panel_shows_the_chosen_instrument_and_its_chart() {
        use crate::domain::Quote;
        use crate::message::SourceId;
        let mut app = app_from_snapshot(120, 40);
        let series = vec![
            Some(8150.0),
            Some(8160.0),
            None,
            Some(8155.0),
            Some(8170.0),
            Some(8164.12),
        ];
        let quote = Quote {
            previous_close: Some(8179.68),
            currency: Some(crate::sanitize::SafeText::new("GBp")),
            day_low: Some(8150.0),
            day_high: Some(8170.0),
            series,
            ..Quote::new("^FTSE", 8164.12, 2, now())
        };
        let arrived = Message::QuotesArrived {
            source: SourceId::Yahoo,
            quotes: vec![quote],
            failed: Vec::new(),
            fetched_at: now(),
        };
        update(&mut app, arrived, now());
        update(&mut app, Message::ToggleTapeFocus, now());
        assert_eq!(app.tape_cursor(), Some(0));
        update(&mut app, Message::ToggleDetail, now());
        let terminal = screen(&app, 120, 40);
        let text = format!("{}", terminal.backend());
        for expected in [
            "FTSE 100 · ^FTSE",
            "8,164.12",
            "-15.56 (-0.19%)",
            "8,150.00 – 8,170.00",
            "GBp (pence)",
            "london · closed",
        ] {
            assert!(text.contains(expected), "detail lacks {expected:?}");
        }
        insta::assert_snapshot!("detail_120x40", terminal.backend());
        update(&mut app, Message::Cancel, now());
        assert!(!app.is_detail_open());
        update(&mut app, Message::Cancel, now());
        assert_eq!(app.focus(), crate::app::Focus::List);
    }
}
