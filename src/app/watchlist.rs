//! The watchlist as the tape shows it: every instrument polled, the groups they are shown in,
//! and which group is on the tape now. The tape's cursor is an index into the current group.

use crate::config::Group;
use crate::domain::Instrument;
use crate::message::Step;
use crate::sanitize::SafeText;

#[derive(Clone, Debug, PartialEq)]
pub struct Watchlist {
    /// Every instrument polled, each once, whatever groups it is in.
    instruments: Vec<Instrument>,
    groups: Vec<Members>,
    current: usize,
}

/// A group as indices into the instruments, so a quote is looked up once per instrument.
#[derive(Clone, Debug, PartialEq)]
struct Members {
    name: SafeText,
    indices: Vec<usize>,
}

impl Watchlist {
    /// Grouped symbols missing from `instruments` are left out (config validation makes every
    /// one an instrument); no groups at all is one group of every instrument.
    pub fn new(instruments: Vec<Instrument>, groups: &[Group]) -> Self {
        let mut members: Vec<Members> = groups
            .iter()
            .map(|group| Members {
                name: group.name.clone(),
                indices: (group.symbols.iter())
                    .filter_map(|symbol| instruments.iter().position(|i| &i.symbol == symbol))
                    .collect(),
            })
            .collect();
        if members.is_empty() {
            members.push(Members {
                name: SafeText::new("Markets"),
                indices: (0..instruments.len()).collect(),
            });
        }
        Self {
            instruments,
            groups: members,
            current: 0,
        }
    }

    /// Every instrument polled: what headlines are tagged against.
    pub fn all(&self) -> &[Instrument] {
        &self.instruments
    }

    /// The current group's instruments, in its order.
    pub fn shown(&self) -> impl Iterator<Item = &Instrument> {
        self.groups[self.current]
            .indices
            .iter()
            .map(|&index| &self.instruments[index])
    }

    pub fn shown_at(&self, cursor: usize) -> Option<&Instrument> {
        let index = self.groups[self.current].indices.get(cursor)?;
        self.instruments.get(*index)
    }

    pub fn shown_len(&self) -> usize {
        self.groups[self.current].indices.len()
    }

    pub fn group_name(&self) -> &SafeText {
        &self.groups[self.current].name
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Another group, wrapping at either end (`Down` is the next one).
    pub fn switch_group(&mut self, step: Step) {
        let last = self.groups.len() - 1;
        self.current = match step {
            Step::Up => self.current.checked_sub(1).unwrap_or(last),
            Step::Down if self.current >= last => 0,
            Step::Down => self.current + 1,
            Step::First => 0,
            Step::Last => last,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::instrument;

    fn group(name: &str, symbols: &[&str]) -> Group {
        Group {
            name: SafeText::new(name),
            symbols: symbols.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn shown(list: &Watchlist) -> Vec<&str> {
        list.shown().map(|i| i.symbol.as_str()).collect()
    }

    #[test]
    fn groups_switch_both_ways_and_wrap() {
        let all = vec![instrument("^FTSE", "FTSE"), instrument("VOD.L", "Vodafone")];
        let mut list = Watchlist::new(
            all,
            &[
                group("Markets", &["^FTSE"]),
                group("Holdings", &["VOD.L", "^FTSE"]),
            ],
        );
        assert_eq!(
            (list.group_name().as_str(), shown(&list)),
            ("Markets", vec!["^FTSE"])
        );
        list.switch_group(Step::Down);
        assert_eq!(list.group_name().as_str(), "Holdings");
        assert_eq!(shown(&list), ["VOD.L", "^FTSE"]);
        assert_eq!(list.shown_at(0).map(|i| i.name.as_str()), Some("Vodafone"));
        assert_eq!(list.shown_len(), 2);
        list.switch_group(Step::Down);
        assert_eq!(list.group_name().as_str(), "Markets");
        list.switch_group(Step::Up);
        assert_eq!(list.group_name().as_str(), "Holdings");
        assert_eq!(list.all().len(), 2);
    }

    #[test]
    fn no_groups_is_one_group_of_everything() {
        let mut list = Watchlist::new(vec![instrument("A", "A"), instrument("B", "B")], &[]);
        list.switch_group(Step::Down);
        assert_eq!((list.group_count(), shown(&list)), (1, vec!["A", "B"]));
    }
}
