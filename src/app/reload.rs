//! A config reloaded while the program runs, laid over the app: what changes, what stays, and
//! the notice that says so.

use super::{App, Focus, Settings, Watchlist, tag_terms};
use crate::config::Config;
use crate::sanitize::SafeText;

impl App {
    /// A reloaded config: the watchlist and groups (unless they are what the app last saved),
    /// feeds, limits, speed, keys, colours and portfolio change; the selection, read marks,
    /// cached stories, quotes and the tape's place stay. The mode and
    /// time zone are the run's, not the file's. The notice says what changed, so an edit is
    /// seen to have landed.
    pub(super) fn reconfigure(&mut self, config: &Config) {
        let settings = Settings::new(config, self.settings.mode, self.settings.tz.clone());
        let old = &self.settings;
        let mut changed = Vec::new();
        // Against the watchlist shown, not as last read: the app's own saves come back here,
        // and its list still holds an instrument removed until the undo runs out.
        let watchlist = Watchlist::new(settings.instruments.clone(), &settings.groups);
        let is_new_watchlist = watchlist.groups() != self.watchlist.groups()
            || !(watchlist.all().iter()).all(|i| self.watchlist.all().contains(i));
        if is_new_watchlist {
            changed.push(format!("watchlist ({})", settings.instruments.len()));
        }
        if settings.feeds != old.feeds {
            changed.push(format!("feeds ({})", settings.feeds.len()));
        }
        if settings.tape_speed_cols_per_sec != old.tape_speed_cols_per_sec {
            changed.push(format!("tape speed {}", settings.tape_speed_cols_per_sec));
        }
        if settings.keys != old.keys {
            changed.push("keys".to_owned());
        }
        if settings.appearance != old.appearance {
            changed.push("colours".to_owned());
        }
        if settings.portfolio != old.portfolio {
            changed.push("portfolio".to_owned());
        }
        // Against the rules the app holds: its own saves come back here too.
        let held = crate::config::AlertsConfig {
            rules: self.alerts.rules_to_save(),
            ..old.alerts.clone()
        };
        if settings.alerts != held {
            changed.push(format!("alerts ({})", settings.alerts.rules.len()));
        }
        if settings.quote_refresh != old.quote_refresh
            || settings.max_headlines != old.max_headlines
        {
            changed.push("limits".to_owned());
        }
        self.headlines
            .set_tag_terms(&tag_terms(&settings.instruments));
        self.tape.set_speed(settings.tape_speed_cols_per_sec);
        self.alerts.configure(&settings.alerts);
        if is_new_watchlist {
            self.watchlist = watchlist;
            self.undo = None;
        }
        if let Focus::Tape { cursor, .. } = self.focus
            && cursor >= self.watchlist.shown_len()
        {
            self.focus = Focus::List;
        }
        self.settings = settings;
        self.config_error = None;
        self.refresh_tape();
        let what = if changed.is_empty() {
            "nothing that shows".to_owned()
        } else {
            changed.join(", ")
        };
        self.notice = Some(SafeText::new(&format!("config reloaded: {what}")));
    }
}
