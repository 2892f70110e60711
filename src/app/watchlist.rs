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
        self.current = super::step_wrapping(self.current, self.groups.len(), step);
    }
}

/// One instrument taken off a group, kept so `u` can put it back where it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Removal {
    group: usize,
    position: usize,
    index: usize,
}

impl Watchlist {
    /// The groups as the config writes them, by symbol.
    pub fn groups(&self) -> Vec<Group> {
        self.groups
            .iter()
            .map(|group| Group {
                name: group.name.clone(),
                symbols: (group.indices.iter())
                    .map(|&index| self.instruments[index].symbol.clone())
                    .collect(),
            })
            .collect()
    }

    /// Takes the instrument at `cursor` off the current group. The first group keeps one at
    /// least: the config needs it.
    pub fn remove(&mut self, cursor: usize) -> Option<Removal> {
        let group = &mut self.groups[self.current];
        if cursor >= group.indices.len() || (self.current == 0 && group.indices.len() == 1) {
            return None;
        }
        let index = group.indices.remove(cursor);
        Some(Removal {
            group: self.current,
            position: cursor,
            index,
        })
    }

    pub fn removed_name(&self, removal: &Removal) -> &SafeText {
        &self.instruments[removal.index].name
    }

    /// Puts a removed instrument back, shows its group, and returns its place there.
    pub fn restore(&mut self, removal: Removal) -> usize {
        let indices = &mut self.groups[removal.group].indices;
        let position = removal.position.min(indices.len());
        indices.insert(position, removal.index);
        self.current = removal.group;
        position
    }

    /// Puts `instrument` at `position` in the current group, polled from now on if it is new
    /// to the watchlist; returns its place there.
    pub fn add(&mut self, position: usize, instrument: Instrument) -> usize {
        let known = (self.instruments.iter()).position(|i| i.symbol == instrument.symbol);
        let index = known.unwrap_or_else(|| {
            self.instruments.push(instrument);
            self.instruments.len() - 1
        });
        let indices = &mut self.groups[self.current].indices;
        let position = position.min(indices.len());
        indices.insert(position, index);
        position
    }

    /// Moves the instrument at `cursor` one place left (`Up`) or right (`Down`) within the
    /// group, stopping at the ends; returns its new place.
    pub fn move_instrument(&mut self, cursor: usize, step: Step) -> Option<usize> {
        let indices = &mut self.groups[self.current].indices;
        let to = match step {
            Step::Up | Step::First => cursor.checked_sub(1)?,
            Step::Down | Step::Last => cursor + 1,
        };
        if to >= indices.len() {
            return None;
        }
        indices.swap(cursor, to);
        Some(to)
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
    fn remove_restore_and_move_within_the_current_group() {
        let all = vec![
            instrument("A", "A"),
            instrument("B", "B"),
            instrument("C", "C"),
        ];
        let mut list = Watchlist::new(
            all,
            &[group("Markets", &["A"]), group("Mine", &["A", "B", "C"])],
        );
        assert_eq!(list.remove(0), None, "the first group keeps one");
        list.switch_group(Step::Down);
        let removal = list.remove(1).unwrap();
        assert_eq!(list.removed_name(&removal).as_str(), "B");
        assert_eq!(shown(&list), ["A", "C"]);
        list.switch_group(Step::Up);
        assert_eq!(list.restore(removal), 1);
        assert_eq!(
            (list.group_name().as_str(), shown(&list)),
            ("Mine", vec!["A", "B", "C"])
        );
        assert_eq!(list.move_instrument(0, Step::Down), Some(1));
        assert_eq!(shown(&list), ["B", "A", "C"]);
        assert_eq!(
            list.move_instrument(0, Step::Up),
            None,
            "stops at the left end"
        );
        assert_eq!(
            list.move_instrument(2, Step::Down),
            None,
            "and at the right"
        );
        assert_eq!(list.groups()[1].symbols, ["B", "A", "C"]);
    }

    #[test]
    fn no_groups_is_one_group_of_everything() {
        let mut list = Watchlist::new(vec![instrument("A", "A"), instrument("B", "B")], &[]);
        list.switch_group(Step::Down);
        assert_eq!((list.group_count(), shown(&list)), (1, vec!["A", "B"]));
    }
}
