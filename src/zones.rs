//! Time zones, without jiff's system database: on first use it lists every file under
//! /usr/share/zoneinfo, about a millisecond before the first frame, to look up two or three
//! zones. Exchanges' zones come from the tzdb bundled with jiff (the session tables and
//! holiday calendars are ours and dated anyway); the user's own zone is read from the system.

use std::sync::LazyLock;

use jiff::tz::{TimeZone, TimeZoneDatabase};

static BUNDLED: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

const LOCALTIME: &str = "/etc/localtime";

/// An exchange's zone by IANA name; UTC for a name the bundled tzdb lacks (none of ours).
pub fn exchange(name: &str) -> TimeZone {
    BUNDLED.get(name).unwrap_or(TimeZone::UTC)
}

/// The user's zone. `TZ` (a name, a POSIX rule or a path) is left to jiff, as is a system
/// without a readable, linked /etc/localtime; otherwise that file's rules, named by its link.
pub fn local() -> TimeZone {
    if std::env::var_os("TZ").is_some() {
        return TimeZone::system();
    }
    let name = std::fs::read_link(LOCALTIME).ok().and_then(|target| {
        let (_, name) = target.to_str()?.split_once("zoneinfo/")?;
        Some(name.to_owned())
    });
    name.zip(std::fs::read(LOCALTIME).ok())
        .and_then(|(name, tzif)| TimeZone::tzif(&name, &tzif).ok())
        .unwrap_or_else(TimeZone::system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_zones_come_from_the_bundled_tzdb() {
        let london = exchange("Europe/London");
        assert_eq!(london.iana_name(), Some("Europe/London"));
        let summer: jiff::Timestamp = "2024-06-28T12:00:00Z".parse().unwrap();
        assert_eq!(london.to_offset(summer), jiff::tz::offset(1));
        assert_eq!(exchange("Nowhere/Atlantis"), TimeZone::UTC);
    }

    /// Whatever the machine's zone, it is the one jiff itself finds.
    #[test]
    fn the_local_zone_has_the_systems_rules() {
        let now = jiff::Timestamp::now();
        let ours = local();
        let jiffs = TimeZone::system();
        for days in [0, 90, 180, 270] {
            let at = now + jiff::SignedDuration::from_hours(24 * days);
            assert_eq!(ours.to_offset(at), jiffs.to_offset(at));
        }
    }
}
