//! How each source is doing, so the status line can say what is failing and since when instead
//! of leaving the user to guess why numbers stopped moving.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::message::{Failure, SourceId};

/// A source that is failing, since when and why. A source not listed is working (or has not
/// been heard from), which is all anything reads.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Failing {
    since: Timestamp,
    failure: Failure,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceHealth {
    failing: BTreeMap<SourceId, Failing>,
}

impl SourceHealth {
    pub fn mark_fresh(&mut self, source: SourceId) {
        self.failing.remove(&source);
    }

    /// A failure that continues keeps its first `since`, so the age says how long it has lasted.
    pub fn mark_failed(&mut self, source: SourceId, failure: Failure, at: Timestamp) {
        let since = self
            .failing
            .get(&source)
            .map_or(at, |failing| failing.since);
        self.failing.insert(source, Failing { since, failure });
    }

    /// Failing sources in a stable order, for the status line.
    pub fn failures(&self) -> impl Iterator<Item = (SourceId, Timestamp, &Failure)> {
        self.failing
            .iter()
            .map(|(source, failing)| (*source, failing.since, &failing.failure))
    }

    /// Whether a quote source is failing: that, unlike a failing feed, makes prices stale.
    pub fn are_quotes_failing(&self) -> bool {
        self.failures()
            .any(|(source, _, _)| matches!(source, SourceId::Yahoo | SourceId::CoinGecko))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::SafeText;

    #[test]
    fn a_continuing_failure_keeps_its_start_and_recovery_clears_it() {
        let mut health = SourceHealth::default();
        let t1 = Timestamp::from_second(100).unwrap();
        let t2 = Timestamp::from_second(200).unwrap();
        let failure = Failure::Io {
            detail: SafeText::new("disk full"),
        };
        health.mark_failed(SourceId::Cache, failure.clone(), t1);
        health.mark_failed(SourceId::Cache, failure.clone(), t2);
        assert_eq!(
            health.failures().next(),
            Some((SourceId::Cache, t1, &failure))
        );
        assert_eq!(health.failures().count(), 1);
        health.mark_fresh(SourceId::Cache);
        assert_eq!(health.failures().count(), 0);
    }
}
