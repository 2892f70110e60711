//! The loop: wait for something to happen (a key, a message from a source, a tape step, a
//! deadline, a signal), apply it with `update`, run the commands it returns, and draw — only
//! then. With the tape paused and no source sending, it sleeps: no wake-ups, no bytes.

use std::time::Duration;

use crossterm::event::{Event, EventStream, MouseEvent, MouseEventKind};
use futures_util::StreamExt;
use jiff::Timestamp;
use ratatui::layout::{Position, Rect};
use tokio::sync::mpsc;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::app::App;
use crate::app::update::update;
use crate::cache::Cache;
use crate::keymap;
use crate::message::{Command, Failure, Message, Scroll, SourceId, Step};
use crate::sanitize::SafeText;
use crate::terminal::{QuitSignals, Tty};
use crate::ui;

/// Lines the mouse wheel scrolls the reader by, as most terminals' own scrollback does.
const WHEEL_LINES: u16 = 3;

/// Where commands go: the cache on disk, the inbox (for failures), the pollers (for `r`).
pub struct Effects {
    pub cache: Option<Cache>,
    pub outbox: mpsc::Sender<Message>,
    pub refresh: Vec<mpsc::Sender<()>>,
}

pub async fn run(
    mut app: App,
    terminal: &mut Tty,
    mut inbox: mpsc::Receiver<Message>,
    effects: Effects,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut signals = QuitSignals::new()?;
    let size = terminal.size()?;
    let area = Rect::new(0, 0, size.width, size.height);
    update(
        &mut app,
        Message::Resized(ui::viewport(area)),
        Timestamp::now(),
    );
    terminal.draw(|frame| ui::draw(&app, frame))?;
    let mut tape_timer = tape_timer(&app);
    loop {
        let deadline = app.next_deadline().map(instant_of);
        let message = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => translate(&event, &app),
                Some(Err(error)) => return Err(error.into()),
                None => Some(Message::Quit),
            },
            Some(message) = inbox.recv() => Some(message),
            _ = tape_timer.tick(), if app.is_tape_moving() => Some(Message::TapeStep),
            () = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                Some(Message::DeadlineReached)
            }
            () = signals.recv() => Some(Message::Quit),
        };
        // An unbound key or an ignored event changed nothing: nothing to draw.
        let Some(message) = message else { continue };
        let speed = app.tape.speed_cols_per_sec();
        let was_moving = app.is_tape_moving();
        apply(&mut app, message, &effects);
        // A burst from the sources costs one frame, not one each.
        while let Ok(message) = inbox.try_recv() {
            apply(&mut app, message, &effects);
        }
        if app.is_quitting {
            return Ok(());
        }
        if app.tape.speed_cols_per_sec() != speed || (app.is_tape_moving() && !was_moving) {
            tape_timer = self::tape_timer(&app);
        }
        terminal.draw(|frame| ui::draw(&app, frame))?;
    }
}

fn apply(app: &mut App, message: Message, effects: &Effects) {
    for command in update(app, message, Timestamp::now()) {
        effects.run(command);
    }
}

impl Effects {
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
            Command::SaveReadState { .. } | Command::SaveQuotes { .. } => {
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
                Command::Refresh => Ok(()),
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

/// The tape's clock. Skipping missed ticks means no burst of steps after a suspended laptop.
fn tape_timer(app: &App) -> Interval {
    let period = app.tape.step_interval();
    let mut timer = tokio::time::interval_at(Instant::now() + period, period);
    timer.set_missed_tick_behavior(MissedTickBehavior::Skip);
    timer
}

fn instant_of(at: Timestamp) -> Instant {
    let wait = at.duration_since(Timestamp::now());
    Instant::now() + Duration::try_from(wait).unwrap_or(Duration::ZERO)
}

/// What a terminal event means for the app; `None` for events that change nothing.
fn translate(event: &Event, app: &App) -> Option<Message> {
    match event {
        Event::Key(key) => keymap::message_for(*key, app),
        Event::Resize(width, height) => Some(Message::Resized(ui::viewport(Rect::new(
            0, 0, *width, *height,
        )))),
        Event::Mouse(mouse) => wheel(*mouse, app),
        _ => None,
    }
}

/// The wheel scrolls whichever pane it is over.
fn wheel(mouse: MouseEvent, app: &App) -> Option<Message> {
    let at = Position::new(mouse.column, mouse.row);
    let over_list = app.viewport.list.contains(at);
    let over_reader = app.viewport.reader.contains(at);
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
