//! The world every bench draws: the bundled data, a fixed clock (Friday 28 Jun 2024, 16:42 in
//! London) and a given terminal size, so figures compare across runs and benches.

use jiff::{Timestamp, tz::TimeZone};
use ratatui::layout::Rect;
use tickertape::app::update::update;
use tickertape::app::{App, Mode, Settings};
use tickertape::config::Config;
use tickertape::message::Message;

pub fn app_at(width: u16, height: u16) -> App {
    let now: Timestamp = "2024-06-28T15:42:07Z".parse().expect("a valid time");
    let tz = TimeZone::get("Europe/London").expect("the bundled time zone database");
    let settings = Settings::new(&Config::default(), Mode::Offline, tz);
    let mut app = tickertape::initial_app(settings, None, now).expect("bundled data");
    let viewport = tickertape::ui::viewport(Rect::new(0, 0, width, height));
    update(&mut app, Message::Resized(viewport), now);
    app
}
