//! The loop: wait for something to happen (a key, a message from a source, a tape step, a
//! deadline, a signal), apply it with `update`, run the commands it returns, and draw — only
//! then. With the tape paused and no source sending, it sleeps: no wake-ups, no bytes.

mod alert_command;
mod clock;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};
use tokio::sync::{mpsc, watch};

use crate::app::App;
use crate::app::update::update;
use crate::cache::Cache;
use crate::config::Config;
use crate::config::edit::{ConfigFile, SaveError};
use crate::domain::Instrument;
use crate::keymap;
use crate::message::{
    ArticleRequest, ChartRequest, Command, Failure, Message, Notification, Scroll, SearchRequest,
    SourceId, Step,
};
use crate::sanitize::SafeText;
use crate::terminal::{QuitSignals, Tty};
use crate::ui;
use crate::ui::theme::Theme;
use clock::Clock;

/// Lines the mouse wheel scrolls the reader by, as most terminals' own scrollback does.
const WHEEL_LINES: u16 = 3;

/// Where commands go: the cache on disk, the inbox (for failures), the pollers (for `r`).
pub struct Effects {
    pub cache: Option<Cache>,
    pub outbox: mpsc::Sender<Message>,
    pub refresh: Vec<mpsc::Sender<()>>,
    /// The article worker's one-slot mailbox: a newer request replaces an unstarted one.
    pub articles: Option<watch::Sender<Option<ArticleRequest>>>,
    /// The user's config file, where watchlist changes are written; `None` without one.
    pub config_file: Option<Arc<Mutex<ConfigFile>>>,
    /// The symbol search worker's one-slot mailbox; `None` when nothing may be fetched.
    pub search: Option<watch::Sender<Option<SearchRequest>>>,
    /// Instruments added in the program, for the quote poller to start polling.
    pub added_instruments: Option<mpsc::UnboundedSender<Instrument>>,
    /// The chart worker's queue; `None` when nothing may be fetched.
    pub charts: Option<mpsc::UnboundedSender<ChartRequest>>,
}

/// The config in force and what colour is allowed: a reload restyles from them.
pub struct Styling {
    pub config: Config,
    /// `NO_COLOR`, which beats any theme.
    pub no_color: Option<std::ffi::OsString>,
}

/// `start` sets the sources going once the first frame is on screen, and again (stopping the
/// old ones) when a reloaded config changes the watchlist or the feeds.
pub async fn run(
    mut app: App,
    mut styling: Styling,
    terminal: &mut Tty,
    mut inbox: mpsc::Receiver<Message>,
    mut start: impl FnMut(&Config) -> anyhow::Result<Effects>,
) -> anyhow::Result<()> {
    let mut theme = Theme::new(&styling.config.appearance, styling.no_color.as_deref());
    let mut events = crate::terminal::events()?;
    let mut signals = QuitSignals::new()?;
    let size = terminal.size()?;
    let area = Rect::new(0, 0, size.width, size.height);
    update(
        &mut app,
        Message::Resized(ui::viewport(area)),
        Timestamp::now(),
    );
    let mut shown = Shown::default();
    draw_frame(terminal, &app, &theme, &mut shown, false)?;
    let mut effects = start(&styling.config)?;
    let mut tape_clock = tape_clock(&app)?;
    let mut deadline = deadline_clock(&app)?;
    loop {
        let message = tokio::select! {
            event = events.recv() => match event {
                Some(Ok(event)) => {
                    if let Event::Resize(width, height) = event {
                        terminal.backend_mut().resized(Size::new(width, height));
                    }
                    translate(&event, &app)
                }
                Some(Err(error)) => return Err(error.into()),
                None => Some(Message::Quit),
            },
            Some(message) = inbox.recv() => Some(message),
            ticked = tick(tape_clock.as_mut()), if tape_clock.is_some() => {
                ticked?;
                Some(Message::TapeStep)
            }
            due = tick(deadline.as_mut()), if deadline.is_some() => {
                due?;
                deadline = None;
                Some(Message::DeadlineReached)
            }
            () = signals.recv() => Some(Message::Quit),
        };
        // An unbound key or an ignored event changed nothing: nothing to draw.
        let Some(message) = message else { continue };
        let speed = app.tape().speed_cols_per_sec();
        let was_moving = app.is_tape_moving();
        let mut is_step_only = message == Message::TapeStep;
        let mut fired = Vec::new();
        let mut reloaded = apply(&mut app, message, &effects, &mut fired);
        // A burst from the sources costs one frame, not one each.
        while let Ok(message) = inbox.try_recv() {
            is_step_only = false;
            reloaded = apply(&mut app, message, &effects, &mut fired).or(reloaded);
        }
        crate::terminal::notify(terminal, &fired)?;
        if let Some(config) = reloaded {
            effects.reread_config_file();
            theme = Theme::new(&config.appearance, styling.no_color.as_deref());
            let old = &styling.config;
            if config.quotes != old.quotes || config.news != old.news {
                tracing::info!("config reloaded: restarting the sources");
                effects = start(&config)?;
            }
            styling.config = *config;
        }
        if app.is_quitting() {
            return Ok(());
        }
        if app.tape().speed_cols_per_sec() != speed || app.is_tape_moving() != was_moving {
            tape_clock = self::tape_clock(&app)?;
        }
        // After a step alone the deadline cannot have moved (see `ui::redraw_tape`).
        if draw_frame(terminal, &app, &theme, &mut shown, is_step_only)? {
            deadline = deadline_clock(&app)?;
        }
    }
}

/// The frame on screen, kept so a tape step draws one row over it. ratatui's own copy (the
/// previous buffer it diffs the next frame against) is brought up to date just before a whole
/// draw: copying the screen into it on every step cost more than drawing the row.
#[derive(Debug, Default)]
pub struct Shown {
    frame: Buffer,
    is_ratatui_behind: bool,
}

impl Shown {
    pub fn frame(&self) -> &Buffer {
        &self.frame
    }
}

/// Draws the app and keeps the frame in `shown`; true when it was drawn whole. After tape
/// steps alone only the tape row is drawn anew, written as ratatui's own diff of that row,
/// and the rest of the frame stands: a step costs a row, not a screen.
pub fn draw_frame<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &App,
    theme: &Theme,
    shown: &mut Shown,
    is_step_only: bool,
) -> Result<bool, B::Error> {
    let is_same_size = terminal.size()? == shown.frame.area.as_size();
    if is_step_only
        && is_same_size
        && let Some(before) = ui::redraw_tape(app, theme, &mut shown.frame)
    {
        let after = ui::row_of(&shown.frame, before.area);
        terminal.backend_mut().draw(before.diff_iter(&after))?;
        Backend::flush(terminal.backend_mut())?;
        shown.is_ratatui_behind = true;
        return Ok(false);
    }
    // The screen as ratatui's previous frame (a swap makes the current buffer the previous
    // one), so its diff starts from what is shown. After a resize it clears and draws all.
    let current = terminal.current_buffer_mut();
    if std::mem::take(&mut shown.is_ratatui_behind) && current.area == shown.frame.area {
        current.content.clone_from_slice(&shown.frame.content);
        terminal.swap_buffers();
    }
    shown
        .frame
        .clone_from(terminal.draw(|frame| ui::draw(app, theme, frame))?.buffer);
    Ok(true)
}

/// Runs what update asks for; a reloaded config comes back to the loop, which owns the
/// sources and the theme, and fired alerts go to `fired`, for the loop to write to the
/// terminal (their commands start here).
fn apply(
    app: &mut App,
    message: Message,
    effects: &Effects,
    fired: &mut Vec<Notification>,
) -> Option<Box<Config>> {
    let mut reloaded = None;
    for command in update(app, message, Timestamp::now()) {
        match command {
            Command::ApplyConfig(config) => reloaded = Some(config),
            Command::Notify(notification) => {
                alert_command::run(&notification, &effects.outbox);
                fired.push(notification);
            }
            command => effects.run(command),
        }
    }
    reloaded
}

impl Effects {
    /// The file as the reload read it, so a hand edit already applied is not taken for one
    /// made behind the app's back.
    fn reread_config_file(&self) {
        if let Some(file) = &self.config_file {
            file.lock().unwrap_or_else(PoisonError::into_inner).reread();
        }
    }

    /// On a blocking thread, in order (one lock); a failure is said on the status line, and
    /// the change stays in the app for as long as it runs. `what` names it there.
    fn save_config(
        &self,
        what: &'static str,
        save: impl FnOnce(&mut ConfigFile) -> Result<(), SaveError> + Send + 'static,
    ) {
        let (file, outbox) = (self.config_file.clone(), self.outbox.clone());
        tokio::task::spawn_blocking(move || {
            let result = match &file {
                Some(file) => save(&mut file.lock().unwrap_or_else(PoisonError::into_inner)),
                None => Err(SaveError::NoFile),
            };
            if let Err(error) = result {
                tracing::warn!(%error, what, "not saved");
                let text = format!("{what} not saved: {error}; kept until you quit");
                let _ = outbox.blocking_send(Message::Notice(SafeText::new(&text)));
            }
        });
    }

    /// Cache writes go to a blocking thread so a slow disk never stalls a frame; a failure
    /// comes back as a message like any source's.
    fn run(&self, command: Command) {
        let (cache, outbox) = match command {
            Command::Refresh => {
                for poller in &self.refresh {
                    // Full means a refresh is already pending: one is as good as two.
                    let _ = poller.try_send(());
                }
                return;
            }
            Command::FetchArticle(request) => {
                if let Some(articles) = &self.articles {
                    articles.send_replace(Some(request));
                }
                return;
            }
            Command::OpenUrl(url) => {
                open_in_browser(&url, &self.outbox);
                return;
            }
            Command::FetchChart(request) => {
                if let Some(charts) = &self.charts {
                    // Gone only when the worker is: the app is shutting down.
                    let _ = charts.send(request);
                }
                return;
            }
            // The loop applies a config and writes notifications itself (see `apply`).
            Command::ApplyConfig(_) | Command::Notify(_) => return,
            Command::SaveWatchlist {
                instruments,
                groups,
            } => {
                self.save_config("watchlist", move |file| {
                    file.save_watchlist(&instruments, &groups)
                });
                return;
            }
            Command::Search(request) => {
                if let Some(search) = &self.search {
                    search.send_replace(request);
                }
                return;
            }
            Command::PollInstrument(instrument) => {
                if let Some(added) = &self.added_instruments {
                    let _ = added.send(instrument);
                }
                return;
            }
            Command::SaveAlertRules(rules) => {
                self.save_config("alerts", move |file| file.save_alert_rules(&rules));
                return;
            }
            Command::SaveReadState { .. }
            | Command::SaveQuotes { .. }
            | Command::SaveFiredAlerts(_) => {
                let Some(cache) = self.cache.clone() else {
                    return;
                };
                (cache, self.outbox.clone())
            }
        };
        tokio::task::spawn_blocking(move || {
            let result = match command {
                Command::SaveReadState { read } => cache.save_read(&read),
                Command::SaveQuotes { quotes, saved_at } => cache.save_quotes(&quotes, saved_at),
                Command::SaveFiredAlerts(fired) => cache.save_alerts(&fired),
                Command::Refresh
                | Command::FetchArticle(_)
                | Command::OpenUrl(_)
                | Command::ApplyConfig(_)
                | Command::SaveWatchlist { .. }
                | Command::Search(_)
                | Command::PollInstrument(_)
                | Command::Notify(_)
                | Command::SaveAlertRules(_)
                | Command::FetchChart(_) => Ok(()),
            };
            if let Err(error) = result {
                tracing::warn!(%error, "cache write failed");
                let failure = Failure::Io {
                    detail: SafeText::new(&error.to_string()),
                };
                let _ = outbox.blocking_send(Message::SourceFailed {
                    source: SourceId::Cache,
                    failure,
                    at: Timestamp::now(),
                });
            }
        });
    }
}

/// Starts `$BROWSER` (else the platform opener) detached, with its output away from our
/// screen; if none starts, the URL is shown so it can be copied.
fn open_in_browser(url: &str, outbox: &mpsc::Sender<Message>) {
    let browser = std::env::var_os("BROWSER").filter(|b| !b.is_empty());
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let program = browser.unwrap_or_else(|| opener.into());
    let spawned = std::process::Command::new(&program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reaped on a blocking thread so no zombie is left and the UI never waits.
        Ok(mut child) => drop(tokio::task::spawn_blocking(move || child.wait())),
        Err(error) => {
            tracing::info!(%error, program = ?program, "no browser");
            let notice = SafeText::new(&format!("no browser could start; the link is {url}"));
            let _ = outbox.try_send(Message::Notice(notice));
        }
    }
}

/// A clock only while the tape moves: a still tape keeps no timer that could wake us.
fn tape_clock(app: &App) -> std::io::Result<Option<Clock>> {
    app.is_tape_moving()
        .then(|| Clock::every(app.tape().step_interval()))
        .transpose()
}

/// A clock for the app's next deadline (a market opening, a countdown's next minute).
fn deadline_clock(app: &App) -> std::io::Result<Option<Clock>> {
    app.next_deadline()
        .map(|at| {
            let wait = at.duration_since(Timestamp::now());
            Clock::once(Duration::try_from(wait).unwrap_or(Duration::ZERO))
        })
        .transpose()
}

async fn tick(clock: Option<&mut Clock>) -> std::io::Result<()> {
    match clock {
        Some(clock) => clock.tick().await,
        None => std::future::pending().await,
    }
}

/// What a terminal event means for the app; `None` for events that change nothing.
fn translate(event: &Event, app: &App) -> Option<Message> {
    panic_if_asked(event);
    match event {
        Event::Key(key) => keymap::message_for(*key, app),
        Event::Resize(width, height) => Some(Message::Resized(ui::viewport(Rect::new(
            0, 0, *width, *height,
        )))),
        Event::Mouse(mouse) => wheel(*mouse, app).or_else(|| click(*mouse, app)),
        _ => None,
    }
}

/// The wheel scrolls whichever pane it is over.
fn wheel(mouse: MouseEvent, app: &App) -> Option<Message> {
    let at = Position::new(mouse.column, mouse.row);
    let over_list = app.viewport().list.contains(at);
    let over_reader = app.viewport().reader.contains(at);
    match mouse.kind {
        MouseEventKind::ScrollDown if over_reader => {
            Some(Message::ScrollReader(Scroll::Down(WHEEL_LINES)))
        }
        MouseEventKind::ScrollUp if over_reader => {
            Some(Message::ScrollReader(Scroll::Up(WHEEL_LINES)))
        }
        MouseEventKind::ScrollDown if over_list => Some(Message::Move(Step::Down)),
        MouseEventKind::ScrollUp if over_list => Some(Message::Move(Step::Up)),
        _ => None,
    }
}

/// A left click selects the headline under it, or opens the detail of the tape entry under it.
fn click(mouse: MouseEvent, app: &App) -> Option<Message> {
    if mouse.kind != MouseEventKind::Down(MouseButton::Left) {
        return None;
    }
    let at = Position::new(mouse.column, mouse.row);
    let viewport = app.viewport();
    let rows = viewport.list.inner(ratatui::layout::Margin::new(1, 1));
    if rows.contains(at) {
        let row = usize::from(mouse.row - rows.y) + app.headlines().offset();
        return Some(Message::SelectHeadline(row));
    }
    if viewport.tape.contains(at) {
        let column = usize::from(mouse.column - viewport.tape.x);
        return app.tape().entry_at(column).map(Message::OpenInstrument);
    }
    None
}

/// Debug builds only, for the pty test that proves a panic gives the terminal back: F12 panics
/// when `TICKERTAPE_TEST_PANIC` is set. Release builds have no such key.
fn panic_if_asked(event: &Event) {
    if cfg!(debug_assertions)
        && let Event::Key(key) = event
        && key.code == crossterm::event::KeyCode::F(12)
        && std::env::var_os("TICKERTAPE_TEST_PANIC").is_some()
    {
        panic!("a panic asked for by TICKERTAPE_TEST_PANIC");
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

    use super::translate;
    use crate::app::update::update;
    use crate::fixtures::{app_from_snapshot, now};
    use crate::message::Message;

    fn left_click(column: u16, row: u16) -> crossterm::event::Event {
        crossterm::event::Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    }

    #[test]
    fn a_click_on_a_headline_selects_it() {
        let mut app = app_from_snapshot(120, 40);
        let list = app.viewport().list;
        let message = translate(&left_click(30, list.y + 3), &app);
        assert_eq!(message, Some(Message::SelectHeadline(2)));
        update(&mut app, message.unwrap(), now());
        assert_eq!(app.headlines().selected_row(), Some(2));
        // The last row inside the border; the border itself selects nothing.
        let message = translate(&left_click(30, list.y + list.height - 2), &app);
        let last_row = usize::from(list.height) - 3;
        assert_eq!(message, Some(Message::SelectHeadline(last_row)));
        assert_eq!(translate(&left_click(30, list.y), &app), None);
        // A row past the last story (a short list) leaves the selection alone.
        update(&mut app, Message::SelectHeadline(99), now());
        assert_eq!(app.headlines().selected_row(), Some(2));
    }

    #[test]
    fn a_click_on_a_tape_entry_opens_its_detail() {
        let mut app = app_from_snapshot(120, 40);
        let tape = app.viewport().tape;
        // `FTSE 100 8,164.12 ▼-15.56 (-0.19%) │ FTSE 250 …`: column 40 is in the second entry.
        let message = translate(&left_click(40, tape.y), &app);
        assert_eq!(message, Some(Message::OpenInstrument(1)));
        update(&mut app, message.unwrap(), now());
        assert!(app.is_detail_open());
        assert_eq!(app.tape_cursor(), Some(1));
        // The separator between entries opens nothing.
        assert_eq!(translate(&left_click(35, tape.y), &app), None);
        // A right click is not a click.
        let right = crossterm::event::Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Right),
            column: 5,
            row: tape.y,
            modifiers: KeyModifiers::NONE,
        });
        assert_eq!(translate(&right, &app), None);
    }
}
