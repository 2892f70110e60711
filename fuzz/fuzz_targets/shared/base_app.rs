//! The app the drawing targets start from: the first start (bundled quotes and sample news) on
//! a fixed clock in London, as `benches/support/app.rs` builds it.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tickertape::app::App;
use tickertape::config::Config;

pub const NOW: &str = "2024-06-28T15:42:07Z";

thread_local! {
    /// Built once per thread since it parses the bundled data, and cloned for each input.
    /// (`App` is not `Sync`.)
    static BASE_APP: App = {
        let now: Timestamp = NOW.parse().expect("a valid time");
        let tz = TimeZone::get("Europe/London").expect("the bundled time zone database");
        tickertape::initial_app(&Config::default(), None, now, tz).expect("bundled data")
    };
}

pub fn base_app() -> App {
    BASE_APP.with(App::clone)
}
