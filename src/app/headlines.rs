//! The headline list: stories newest first, the selection (held by story id so arriving
//! headlines never move it), the text filter, the first visible row, and what has been read.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use crate::domain::Headline;
use crate::message::Step;
use crate::sanitize::SafeText;

/// An instrument as a filter: its name and the words that mark a headline as about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub label: SafeText,
    pub terms: Vec<String>,
}

/// Whether `text` mentions any of `terms` as a whole word, ignoring case. Words are runs of
/// letters and digits, so "oil" matches "Oil slips" but not "turmoil"; terms in scripts
/// without spaces (CJK) match anywhere.
pub fn mentions(text: &str, terms: &[String]) -> bool {
    let text = text.to_lowercase();
    terms.iter().filter(|term| !term.is_empty()).any(|term| {
        let term = term.to_lowercase();
        text.match_indices(term.as_str())
            .any(|(at, _)| stands_alone(&text, at..at + term.len()))
    })
}

/// Whether the mention at `range` of `text` is a whole word. CJK scripts (from U+2E80) write
/// words without spaces between them, so a term in them matches anywhere.
fn stands_alone(text: &str, range: std::ops::Range<usize>) -> bool {
    let has_word_boundaries = text[range.clone()].chars().all(|c| u32::from(c) < 0x2E80);
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !has_word_boundaries
        || (!before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric))
}

/// Which instrument a title is about: the one mentioned first, the longest mention where
/// several start together, the earlier instrument where they are the same. One pass of an
/// Aho-Corasick automaton over all the aliases: a search for each alias in each title was
/// two fifths of a start with 500 cached headlines and 60 instruments.
#[derive(Clone, Debug, Default)]
struct Tagger {
    /// The aliases lowercased; `None` without any.
    automaton: Option<AhoCorasick>,
    /// The instrument each of the automaton's patterns names.
    owners: Vec<usize>,
}

impl Tagger {
    fn new(terms: &[Vec<String>]) -> Self {
        let (owners, patterns): (Vec<usize>, Vec<String>) = terms
            .iter()
            .enumerate()
            .flat_map(|(index, aliases)| {
                aliases
                    .iter()
                    .filter(|alias| !alias.is_empty())
                    .map(move |alias| (index, alias.to_lowercase()))
            })
            .unzip();
        let automaton = (!patterns.is_empty())
            .then(|| AhoCorasick::new(&patterns).ok())
            .flatten();
        Self { automaton, owners }
    }

    fn tag(&self, title: &str) -> Option<usize> {
        let automaton = self.automaton.as_ref()?;
        let text = title.to_lowercase();
        automaton
            .find_overlapping_iter(&text)
            .filter(|found| stands_alone(&text, found.range()))
            .map(|found| {
                let mention = (found.start(), std::cmp::Reverse(found.len()));
                (mention, self.owners[found.pattern().as_usize()])
            })
            .min()
            .map(|(_, index)| index)
    }
}

#[derive(Clone, Debug, Default)]
pub struct HeadlineList {
    /// Newest first; undated stories after dated ones, in arrival order.
    items: Vec<Headline>,
    read: HashSet<String>,
    selected: Option<String>,
    filter: String,
    is_editing_filter: bool,
    /// Only headlines about one instrument, chosen on the tape.
    topic: Option<Topic>,
    /// First visible row of the filtered list; kept here so scrolling is stable between frames.
    offset: usize,
    /// Each instrument's aliases, which tag a headline as about it.
    tagger: Tagger,
    /// Story id → instrument index, found once as a story arrives rather than every frame.
    tags: HashMap<String, usize>,
}

impl HeadlineList {
    pub fn new(items: Vec<Headline>, read: HashSet<String>) -> Self {
        let mut list = Self {
            read,
            ..Self::default()
        };
        list.merge(items, usize::MAX);
        list
    }

    /// Tags every story by the instrument it mentions first (see [`Self::tag`]).
    pub fn set_tag_terms(&mut self, terms_by_instrument: &[Vec<String>]) {
        self.tagger = Tagger::new(terms_by_instrument);
        self.tags = self
            .items
            .iter()
            .filter_map(|h| Some((h.id.clone(), self.tagger.tag(h.title.as_str())?)))
            .collect();
    }

    /// The instrument (index into the terms given to [`Self::set_tag_terms`]) a story is about.
    pub fn tag(&self, id: &str) -> Option<usize> {
        self.tags.get(id).copied()
    }

    /// Adds new stories and replaces known ones by id, keeping the selection where it was;
    /// beyond `max_items` the oldest go (never the selected one).
    pub fn merge(&mut self, incoming: Vec<Headline>, max_items: usize) {
        for headline in incoming {
            match self.tagger.tag(headline.title.as_str()) {
                Some(tag) => self.tags.insert(headline.id.clone(), tag),
                None => self.tags.remove(&headline.id),
            };
            match self.items.iter_mut().find(|h| h.id == headline.id) {
                Some(known) => *known = headline,
                None => self.items.push(headline),
            }
        }
        // Stable sort: undated stories keep their arrival order at the end.
        self.items.sort_by(|a, b| {
            b.published
                .is_some()
                .cmp(&a.published.is_some())
                .then(b.published.cmp(&a.published))
        });
        if self.items.len() > max_items {
            let selected = self.selected.clone();
            let mut kept = 0;
            self.items.retain(|h| {
                kept += 1;
                kept <= max_items || selected.as_deref() == Some(h.id.as_str())
            });
            self.forget_gone_tags();
        }
        if self.selected.is_none() {
            self.selected = self.visible().first().map(|h| h.id.clone());
        }
    }

    /// Drops every story from `source` (the samples, once real news arrives).
    pub fn remove_source(&mut self, source: &str) {
        self.items.retain(|h| h.source.as_str() != source);
        self.forget_gone_tags();
        if self.selected().is_none() {
            self.selected = self.visible().first().map(|h| h.id.clone());
        }
    }

    /// Keeps the tags the size of the list, however long the program runs.
    fn forget_gone_tags(&mut self) {
        let ids: HashSet<&str> = self.items.iter().map(|h| h.id.as_str()).collect();
        self.tags.retain(|id, _| ids.contains(id.as_str()));
    }

    pub fn topic(&self) -> Option<&Topic> {
        self.topic.as_ref()
    }

    pub fn set_topic(&mut self, topic: Topic) {
        self.topic = Some(topic);
        self.reselect_visible();
    }

    /// Stories passing the filter, in display order.
    pub fn visible(&self) -> Vec<&Headline> {
        let needle = self.filter.to_lowercase();
        self.items
            .iter()
            .filter(|h| {
                needle.is_empty()
                    || h.title.as_str().to_lowercase().contains(&needle)
                    || h.source.as_str().to_lowercase().contains(&needle)
            })
            .filter(|h| {
                self.topic
                    .as_ref()
                    .is_none_or(|topic| mentions(h.title.as_str(), &topic.terms))
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Every story, whatever the filter: a chart marks the news about an instrument, not the
    /// list's current view of it.
    pub fn all(&self) -> &[Headline] {
        &self.items
    }

    /// Selects the story `id`, dropping a filter that hides it; `false` if it is gone.
    pub fn select_id(&mut self, id: &str) -> bool {
        if !self.items.iter().any(|h| h.id == id) {
            return false;
        }
        if !self.visible().iter().any(|h| h.id == id) {
            self.clear_filter();
        }
        self.selected = Some(id.to_owned());
        true
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn selected(&self) -> Option<&Headline> {
        let id = self.selected.as_deref()?;
        self.items.iter().find(|h| h.id == id)
    }

    /// Row of the selection within [`Self::visible`].
    pub fn selected_row(&self) -> Option<usize> {
        let id = self.selected.as_deref()?;
        self.visible().iter().position(|h| h.id == id)
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.read.contains(id)
    }

    /// What to remember as read: only stories still in the list, so the file stays the size
    /// of the list however long the program runs. Sorted, so saves are stable.
    pub fn read_to_save(&self) -> Vec<String> {
        let mut read: Vec<String> = self
            .items
            .iter()
            .filter(|h| self.read.contains(&h.id))
            .map(|h| h.id.clone())
            .collect();
        read.sort_unstable();
        read
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn is_editing_filter(&self) -> bool {
        self.is_editing_filter
    }

    /// Returns whether the selection changed.
    pub fn move_selection(&mut self, step: Step) -> bool {
        let visible = self.visible();
        let Some(last) = visible.len().checked_sub(1) else {
            return false;
        };
        let current = self.selected_row();
        let target = match (step, current) {
            (Step::First, _) | (Step::Down | Step::Up, None) => 0,
            (Step::Last, _) => last,
            (Step::Down, Some(row)) => (row + 1).min(last),
            (Step::Up, Some(row)) => row.saturating_sub(1),
        };
        self.select_row(target)
    }

    /// Selects row `row` of [`Self::visible`] (a click); returns whether the selection changed.
    pub fn select_row(&mut self, row: usize) -> bool {
        let Some(headline) = self.visible().get(row).copied() else {
            return false;
        };
        let id = headline.id.clone();
        let changed = self.selected.as_deref() != Some(id.as_str());
        self.selected = Some(id);
        changed
    }

    /// Returns whether this was news (so the caller knows to save read state).
    pub fn mark_selected_read(&mut self) -> bool {
        match self.selected.clone() {
            Some(id) => self.read.insert(id),
            None => false,
        }
    }

    pub fn start_filter(&mut self) {
        self.is_editing_filter = true;
    }

    pub fn push_filter(&mut self, c: char) {
        self.filter.push(c);
        self.reselect_visible();
    }

    pub fn pop_filter(&mut self) {
        self.filter.pop();
        self.reselect_visible();
    }

    pub fn accept_filter(&mut self) {
        self.is_editing_filter = false;
    }

    /// Returns whether there was anything to clear.
    pub fn clear_filter(&mut self) -> bool {
        let had_filter = self.is_editing_filter || !self.filter.is_empty() || self.topic.is_some();
        self.is_editing_filter = false;
        self.filter.clear();
        self.topic = None;
        self.reselect_visible();
        had_filter
    }

    /// Keeps the selection inside the filtered list; a hidden selection moves to the first match.
    /// With nothing matching, the selection stays put so clearing the filter returns to it.
    fn reselect_visible(&mut self) {
        if self.selected_row().is_none()
            && let Some(first) = self.visible().first()
        {
            self.selected = Some(first.id.clone());
        }
    }

    /// Moves the window the least needed to show the selection in `rows` rows.
    pub fn scroll_into_view(&mut self, rows: usize) {
        let count = self.visible().len();
        let row = self.selected_row().unwrap_or(0);
        if rows == 0 {
            return;
        }
        if row < self.offset {
            self.offset = row;
        } else if row >= self.offset + rows {
            self.offset = row + 1 - rows;
        }
        self.offset = self.offset.min(count.saturating_sub(rows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use proptest::prelude::*;

    /// What the tagger replaced: each instrument's aliases searched for one by one.
    fn tag_by_searching_each_alias(title: &str, terms: &[Vec<String>]) -> Option<usize> {
        let text = title.to_lowercase();
        let first_mention = |aliases: &Vec<String>| {
            aliases
                .iter()
                .filter(|alias| !alias.is_empty())
                .filter_map(|alias| {
                    let alias = alias.to_lowercase();
                    text.match_indices(alias.as_str())
                        .find(|(at, _)| stands_alone(&text, *at..at + alias.len()))
                        .map(|(at, _)| (at, std::cmp::Reverse(alias.len())))
                })
                .min()
        };
        terms
            .iter()
            .enumerate()
            .filter_map(|(index, aliases)| Some((first_mention(aliases)?, index)))
            .min_by_key(|(mention, _)| *mention)
            .map(|(_, index)| index)
    }

    proptest! {
        /// Aliases that cannot overlap themselves, where both ways must agree exactly.
        #[test]
        fn the_tagger_tags_as_searching_each_alias_does(
            words in prop::collection::vec(
                (0usize..11, prop::sample::select(vec![" ", "", "-", ", "])), 0..12),
            terms in prop::collection::vec(
                prop::collection::vec(prop::sample::select(vec![
                    "ftse", "FTSE 250", "oil", "Brent", "恒生", "恒生指数", "250", "gold", "US", "",
                ]), 0..3),
                0..5),
        ) {
            const WORDS: [&str; 11] = [
                "ftse", "FTSE", "250", "oil", "turmoil", "brent", "恒生", "指数", "us", "gold", "x",
            ];
            let title: String = words.iter().flat_map(|&(w, sep)| [WORDS[w], sep]).collect();
            let terms: Vec<Vec<String>> = terms
                .into_iter()
                .map(|aliases| aliases.into_iter().map(str::to_owned).collect())
                .collect();
            prop_assert_eq!(
                Tagger::new(&terms).tag(&title),
                tag_by_searching_each_alias(&title, &terms)
            );
        }
    }

    fn headline(id: &str, title: &str, minute: Option<i64>) -> Headline {
        Headline {
            id: id.to_owned(),
            title: SafeText::new(title),
            source: SafeText::new("tickertape sample"),
            published: minute.map(|m| Timestamp::from_second(m * 60).unwrap()),
            link: None,
            summary: Vec::new(),
        }
    }

    fn ids(list: &HeadlineList) -> Vec<&str> {
        list.visible().iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn tags_follow_the_stories_and_leave_with_them() {
        let stories = vec![
            headline("a", "Oil slips", Some(1)),
            headline("z", "FTSE dips", Some(0)),
        ];
        let mut list = HeadlineList::new(stories, HashSet::new());
        let terms = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        list.set_tag_terms(&[terms(&["FTSE"]), terms(&["Brent", "oil"])]);
        assert_eq!((list.tag("a"), list.tag("z")), (Some(1), Some(0)));
        list.merge(vec![headline("a", "FTSE 100 and oil", Some(1))], 10);
        assert_eq!(list.tag("a"), Some(0), "a story retitled is tagged again");
        list.merge(vec![headline("b", "Brent rises", Some(2))], 2);
        assert_eq!(ids(&list), ["b", "a"]);
        assert_eq!(list.tag("b"), Some(1));
        assert!(
            !list.tags.contains_key("z"),
            "tags of dropped stories are forgotten"
        );
    }

    #[test]
    fn newest_first_undated_last_and_first_is_selected() {
        let list = HeadlineList::new(
            vec![
                headline("a", "A", Some(1)),
                headline("u", "U", None),
                headline("c", "C", Some(3)),
            ],
            HashSet::new(),
        );
        assert_eq!(ids(&list), ["c", "a", "u"]);
        assert_eq!(list.selected().unwrap().id, "c");
    }

    #[test]
    fn arriving_headlines_do_not_move_the_selection() {
        let mut list = HeadlineList::new(
            vec![headline("a", "A", Some(1)), headline("b", "B", Some(2))],
            HashSet::new(),
        );
        list.move_selection(Step::Down);
        assert_eq!(list.selected().unwrap().id, "a");
        list.merge(
            vec![
                headline("c", "C", Some(3)),
                headline("a", "A updated", Some(1)),
            ],
            500,
        );
        assert_eq!(list.selected().unwrap().id, "a");
        assert_eq!(list.selected().unwrap().title.as_str(), "A updated");
        assert_eq!(ids(&list), ["c", "b", "a"]);
        // Over the cap the oldest go, but never the one being read.
        list.merge(vec![headline("d", "D", Some(4))], 2);
        assert_eq!(ids(&list), ["d", "c", "a"]);
    }

    #[test]
    fn mentions_match_whole_words_in_any_case_and_cjk_anywhere() {
        let terms = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(mentions("Oil slips as OPEC+ meets", &terms(&["oil"])));
        assert!(!mentions("Turmoil in gilts", &terms(&["oil"])));
        assert!(mentions("Brent crude at $86", &terms(&["brent"])));
        assert!(mentions("S&P 500 closes lower", &terms(&["S&P"])));
        assert!(mentions("恒指收报17718点", &terms(&["恒指"])));
        assert!(!mentions("anything", &terms(&[""])));
    }

    #[test]
    fn a_topic_filters_by_its_terms_and_clears_with_the_filter() {
        let mut list = HeadlineList::new(
            vec![
                headline("oil", "Oil slips", Some(2)),
                headline("ftse", "FTSE falls", Some(1)),
            ],
            HashSet::new(),
        );
        list.set_topic(Topic {
            label: SafeText::new("Crude Oil"),
            terms: vec!["oil".to_owned(), "Brent".to_owned()],
        });
        assert_eq!(ids(&list), ["oil"]);
        assert!(list.clear_filter());
        assert_eq!(ids(&list), ["oil", "ftse"]);
    }

    #[test]
    fn moves_stop_at_the_ends() {
        let mut list = HeadlineList::new(
            vec![headline("a", "A", Some(1)), headline("b", "B", Some(2))],
            HashSet::new(),
        );
        assert!(!list.move_selection(Step::Up));
        assert!(list.move_selection(Step::Last));
        assert!(!list.move_selection(Step::Down));
        assert_eq!(list.selected().unwrap().id, "a");
        assert!(list.move_selection(Step::First));
        assert_eq!(list.selected().unwrap().id, "b");
    }

    #[test]
    fn filter_matches_title_or_source_case_insensitively_and_reselects() {
        let mut list = HeadlineList::new(
            vec![
                headline("oil", "Oil slips", Some(2)),
                headline("ftse", "FTSE falls", Some(1)),
            ],
            HashSet::new(),
        );
        assert_eq!(list.selected().unwrap().id, "oil");
        list.start_filter();
        for c in "ftse".chars() {
            list.push_filter(c);
        }
        assert_eq!(ids(&list), ["ftse"]);
        assert_eq!(list.selected().unwrap().id, "ftse");
        list.pop_filter();
        list.push_filter('x');
        assert!(list.visible().is_empty());
        assert!(list.clear_filter());
        assert_eq!(ids(&list), ["oil", "ftse"]);
        assert_eq!(list.selected().unwrap().id, "ftse");
        assert!(!list.clear_filter());
    }

    #[test]
    fn read_marks_are_news_once() {
        let mut list = HeadlineList::new(vec![headline("a", "A", Some(1))], HashSet::new());
        assert!(!list.is_read("a"));
        assert!(list.mark_selected_read());
        assert!(!list.mark_selected_read());
        assert!(list.is_read("a"));
    }

    #[test]
    fn window_follows_the_selection_minimally() {
        let items = (0..10)
            .map(|i| headline(&i.to_string(), "T", Some(100 - i)))
            .collect();
        let mut list = HeadlineList::new(items, HashSet::new());
        for _ in 0..5 {
            list.move_selection(Step::Down);
        }
        list.scroll_into_view(3);
        assert_eq!(list.offset(), 3);
        list.move_selection(Step::Up);
        list.scroll_into_view(3);
        assert_eq!(list.offset(), 3);
        list.move_selection(Step::First);
        list.scroll_into_view(3);
        assert_eq!(list.offset(), 0);
        list.move_selection(Step::Last);
        list.scroll_into_view(20);
        assert_eq!(list.offset(), 0);
    }
}
