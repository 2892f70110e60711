//! Clock times, dates and ages. The time zone is an argument so tests and the user's
//! `TZ` are treated alike; nothing here reads the clock.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

/// `16:42:07`, for "updated …".
pub fn clock(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%H:%M:%S")
        .to_string()
}

/// `16:40`: a moment within a trading day.
pub fn clock_minutes(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%H:%M")
        .to_string()
}

/// A headline's time: `16:40` when it is from the same local day as `now`, else `28 Jun`.
pub fn headline_time(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let at = at.to_zoned_datetime(tz.clone());
    if at.date() == now.to_zoned_datetime(tz.clone()).date() {
        at.strftime("%H:%M").to_string()
    } else {
        at.strftime("%d %b").to_string()
    }
}

/// A moment ahead as a reader places it: `14:30` later today, `Mon 14:30` within the week,
/// `6 Jan 14:30` further off.
pub fn moment(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let at = at.to_zoned_datetime(tz.clone());
    let today = now.to_zoned_datetime(tz.clone()).date();
    let days = today
        .until(at.date())
        .map_or(i64::MAX, |span| i64::from(span.get_days()));
    let format = match days {
        0 => "%H:%M",
        1..7 => "%a %H:%M",
        _ => "%-d %b %H:%M",
    };
    at.strftime(format).to_string()
}

/// `28 Jun 2024`.
pub fn date(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%-d %b %Y")
        .to_string()
}

/// `28 Jun 2024 16:40`.
pub fn date_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%-d %b %Y %H:%M")
        .to_string()
}

/// A short age or wait: `12s`, `4m`, `2h 10m`, `3d`; a negative span (clock skew) reads `0s`.
pub fn span(duration: SignedDuration) -> String {
    let secs = duration.as_secs().max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 if secs % 3600 / 60 == 0 => format!("{}h", secs / 3600),
        3600..86_400 => format!("{}h {}m", secs / 3600, secs % 3600 / 60),
        _ if secs % 86_400 / 3600 == 0 => format!("{}d", secs / 86_400),
        _ => format!("{}d {}h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// The first moment after `now` at which [`span`] of the time left until `end` shows another
/// figure: whole hours left past a day, whole minutes below (seconds, under a minute, are not
/// followed). A millisecond after the figure changes, so a frame drawn then shows it.
pub fn span_changes_at(end: Timestamp, now: Timestamp) -> Timestamp {
    let left = end.duration_since(now).as_secs().max(0);
    let unit = if left >= 86_400 { 3_600 } else { 60 };
    end - SignedDuration::from_secs(left / unit * unit) + SignedDuration::from_millis(1)
}

/// An age on a line that is only redrawn each minute: seconds would freeze, so `<1m`.
pub fn age(duration: SignedDuration) -> String {
    if duration.as_secs() < 60 {
        "<1m".to_owned()
    } else {
        span(duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    #[test]
    fn a_span_changes_when_its_last_figure_does() {
        let end = ts("2024-07-01T14:30:00Z");
        let now = end - SignedDuration::from_millis(9_292_400); // 2h 34m 52.4s left
        let at = span_changes_at(end, now);
        assert_eq!(at, now + SignedDuration::from_millis(52_401));
        assert_eq!(span(end.duration_since(now)), "2h 34m");
        assert_eq!(span(end.duration_since(at)), "2h 33m");
        // Past a day the figure is whole hours: the next change is at the hour.
        let now = end - SignedDuration::from_secs(2 * 86_400 + 15 * 3_600 + 600);
        let at = span_changes_at(end, now);
        assert_eq!(at, now + SignedDuration::from_millis(600_001));
        assert_eq!(span(end.duration_since(at)), "2d 14h");
    }

    #[test]
    fn a_moment_ahead_names_its_day_once_it_is_not_today() {
        let now = ts("2024-06-28T22:30:00Z"); // Friday 23:30 in London
        let moment = |at: &str| moment(ts(at), now, &london());
        assert_eq!(moment("2024-06-28T22:45:00Z"), "23:45");
        assert_eq!(moment("2024-07-01T07:00:00Z"), "Mon 08:00");
        assert_eq!(moment("2024-07-04T07:00:00Z"), "Thu 08:00");
        // A week on, the weekday would name today.
        assert_eq!(moment("2024-07-05T07:00:00Z"), "5 Jul 08:00");
    }

    #[test]
    fn clock_uses_the_given_zone_with_dst() {
        assert_eq!(clock(ts("2024-06-28T15:42:07Z"), &london()), "16:42:07");
        assert_eq!(clock(ts("2024-01-10T15:42:07Z"), &london()), "15:42:07");
    }

    #[test]
    fn headline_time_is_a_clock_today_and_a_date_before() {
        let now = ts("2024-06-28T22:30:00Z"); // 23:30 in London
        assert_eq!(
            headline_time(ts("2024-06-28T15:40:00Z"), now, &london()),
            "16:40"
        );
        assert_eq!(
            headline_time(ts("2024-06-27T15:40:00Z"), now, &london()),
            "27 Jun"
        );
        // Same UTC day but already the next day in Tokyo.
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(
            headline_time(ts("2024-06-28T14:00:00Z"), now, &tokyo),
            "28 Jun"
        );
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(date(ts("2024-06-28T20:00:00Z"), &london()), "28 Jun 2024");
        assert_eq!(date(ts("2024-07-01T08:00:00Z"), &london()), "1 Jul 2024");
        assert_eq!(
            date_time(ts("2024-02-19T09:00:00Z"), &london()),
            "19 Feb 2024 09:00"
        );
    }

    #[test]
    fn spans_are_short() {
        assert_eq!(span(SignedDuration::from_secs(12)), "12s");
        assert_eq!(span(SignedDuration::from_secs(4 * 60 + 59)), "4m");
        assert_eq!(
            span(SignedDuration::from_secs(2 * 3600 + 10 * 60)),
            "2h 10m"
        );
        assert_eq!(span(SignedDuration::from_secs(3 * 3600)), "3h");
        assert_eq!(span(SignedDuration::from_secs(3 * 86_400 + 5)), "3d");
        assert_eq!(
            span(SignedDuration::from_secs(2 * 86_400 + 15 * 3600 + 59)),
            "2d 15h"
        );
        assert_eq!(span(SignedDuration::from_secs(-30)), "0s");
        assert_eq!(age(SignedDuration::from_secs(59)), "<1m");
        assert_eq!(age(SignedDuration::from_secs(61)), "1m");
    }
}
