//! Turning values into the short strings the screen shows. Pure: the clock and the time zone are
//! always passed in.

pub mod holdings;
pub mod number;
pub mod time;
