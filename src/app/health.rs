//! How each source is doing, so the status line can say what is failing and since when instead
//! of leaving the user to guess why numbers stopped moving.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::message::{Failure, SourceId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    Fresh { at: Timestamp },
    Failed { since: Timestamp, failure: Failure },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceHealth {
    sources: BTreeMap<SourceId, Health>,
}

impl SourceHealth {
    pub fn of(&self, source: SourceId) -> Option<&Health> {
        self.sources.get(&source)
    }

    pub fn mark_fresh(&mut self, source: SourceId, at: Timestamp) {
        self.sources.insert(source, Health::Fresh { at });
    }

    /// A failure that continues keeps its first `since`, so the age says how long it has lasted.
    pub fn mark_failed(&mut self, source: SourceId, failure: Failure, at: Timestamp) {
        let since = match self.sources.get(&source) {
            Some(Health::Failed { since, .. }) => *since,
            _ => at,
        };
        self.sources
            .insert(source, Health::Failed { since, failure });
    }

    /// Failing sources in a stable order, for the status line.
    pub fn failures(&self) -> impl Iterator<Item = (SourceId, Timestamp, &Failure)> {
        self.sources
            .iter()
            .filter_map(|(source, health)| match health {
                Health::Failed { since, failure } => Some((*source, *since, failure)),
                Health::Fresh { .. } => None,
            })
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
            health.of(SourceId::Cache),
            Some(&Health::Failed { since: t1, failure })
        );
        assert_eq!(health.failures().count(), 1);
        health.mark_fresh(SourceId::Cache, t2);
        assert_eq!(health.failures().count(), 0);
    }
}
