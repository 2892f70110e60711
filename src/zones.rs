//! The user's time zone, without jiff's system database: on first use it lists every file
//! under /usr/share/zoneinfo, about a millisecond before the first frame, to look up one zone.
//! (Exchanges' zones are rules of our own, in `market`.)

use jiff::tz::TimeZone;

const LOCALTIME: &str = "/etc/localtime";

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
