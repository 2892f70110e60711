//! The reader: the full texts we hold, which pages are being fetched or failed, the scroll
//! position, and the text layout (an article wrapped to a width as plain tagged lines). The
//! layout is here, not in `ui::reader`, because update needs the line count to keep scrolling
//! inside the text.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};
use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use crate::bundled::Sample;
use crate::domain::{Article, Block, Headline};
use crate::format::time;
use crate::message::{ArticleRequest, Command, Failure, Scroll};
use crate::sanitize::SafeText;

/// What a laid-out line is, so the ui can style it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Title,
    Meta,
    Heading,
    Body,
    ListItem,
    Quote,
    Blank,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderLine {
    pub kind: LineKind,
    pub text: String,
}

/// The last layout made, keyed by everything it reads.
#[derive(Clone, Debug)]
struct Memo {
    article: Article,
    width: usize,
    tz: TimeZone,
    laid: Layout,
}

/// Where the selected headline's full text stands, for the pane's border.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleStatus<'a> {
    Loading,
    /// Why the page could not be read; the summary is shown instead.
    Failed(&'a SafeText),
    /// Here, or never asked for (no link): nothing to say.
    Settled,
}

#[derive(Clone, Debug, Default)]
pub struct Reader {
    scroll: usize,
    /// Full texts by headline id; a headline without one is read from its summary.
    articles: HashMap<String, Article>,
    /// The bundled samples' texts, made into articles when first read.
    samples: HashMap<String, Sample>,
    /// Headlines whose page is being fetched.
    loading: HashSet<String>,
    /// Why a headline's page could not be read, by headline id.
    failures: HashMap<String, SafeText>,
    /// So frames that only move the tape do not re-wrap the article. A cache, not state: it
    /// is keyed by everything the layout reads, so it cannot go stale.
    layout: RefCell<Option<Memo>>,
}

impl Reader {
    pub fn new(samples: HashMap<String, Sample>) -> Self {
        Self {
            samples,
            ..Self::default()
        }
    }

    /// Asks for a headline's page unless we have it, are getting it, or know it fails. The
    /// worker waits for the selection to settle, so moving quickly costs no requests.
    pub fn request(&mut self, headline: &Headline) -> Option<Command> {
        let url = headline.link.clone()?;
        let id = headline.id.clone();
        if self.articles.contains_key(&id) || self.failures.contains_key(&id) {
            return None;
        }
        let request = ArticleRequest {
            id: id.clone(),
            url,
            source: headline.source.clone(),
            title: headline.title.clone(),
            published: headline.published,
        };
        self.loading.insert(id);
        Some(Command::FetchArticle(request))
    }

    pub fn arrived(&mut self, id: String, article: Article) {
        self.loading.remove(&id);
        self.failures.remove(&id);
        self.articles.insert(id, article);
    }

    pub fn failed(&mut self, id: String, failure: &Failure) {
        self.loading.remove(&id);
        self.failures.insert(id, SafeText::new(&failure.summary()));
    }

    /// The text to read: the full article when we have it, else the feed's summary.
    pub fn text_for<'a>(&'a self, headline: &Headline) -> Cow<'a, Article> {
        if let Some(article) = self.articles.get(&headline.id) {
            return Cow::Borrowed(article);
        }
        if let Some(sample) = self.samples.get(&headline.id) {
            return Cow::Borrowed(sample.article());
        }
        Cow::Owned(Article {
            title: headline.title.clone(),
            source: headline.source.clone(),
            published: headline.published,
            byline: None,
            blocks: headline.summary.clone(),
            links: Vec::new(),
        })
    }

    pub fn status(&self, id: &str) -> ArticleStatus<'_> {
        if self.loading.contains(id) {
            ArticleStatus::Loading
        } else if let Some(reason) = self.failures.get(id) {
            ArticleStatus::Failed(reason)
        } else {
            ArticleStatus::Settled
        }
    }

    /// The lines a pane `rows` high shows the article from: at the top, a screenful and one
    /// more line, which tells `Top` from `All`; further down, all of them, for the position.
    pub fn lines_shown(
        &self,
        article: &Article,
        width: usize,
        tz: &TimeZone,
        rows: usize,
    ) -> Ref<'_, [ReaderLine]> {
        let at_least = match self.scroll {
            0 => rows + 1,
            _ => usize::MAX,
        };
        self.lines(article, width, tz, at_least)
    }

    /// The article laid out to `width`, at least `at_least` lines of it (all of it when it is
    /// shorter), remembered so frames that only move the tape do not re-wrap it.
    fn lines(
        &self,
        article: &Article,
        width: usize,
        tz: &TimeZone,
        at_least: usize,
    ) -> Ref<'_, [ReaderLine]> {
        let mut slot = self.layout.borrow_mut();
        if !(slot.as_ref())
            .is_some_and(|m| m.width == width && m.article == *article && m.tz == *tz)
        {
            *slot = None;
        }
        let memo = slot.get_or_insert_with(|| Memo {
            article: article.clone(),
            width,
            tz: tz.clone(),
            laid: Layout::new(article, width, tz),
        });
        memo.laid.grow(article, at_least);
        drop(slot);
        Ref::map(self.layout.borrow(), |memo| {
            memo.as_ref().map_or(&[][..], |memo| &memo.laid.lines[..])
        })
    }

    /// Scrolls `headline`'s text as laid out in `area` (the pane inside its border), below
    /// the title that stays pinned at the top. A move that ends at the top needs a screenful
    /// laid out; any other needs the end of the text.
    pub fn scroll_in(
        &mut self,
        scroll: Scroll,
        headline: Option<&Headline>,
        area: Rect,
        tz: &TimeZone,
    ) {
        let rows = usize::from(area.height);
        let width = usize::from(area.width);
        let (header, total) = headline.map_or((0, 0), |headline| {
            let article = self.text_for(headline);
            let lines = self.lines(&article, width, tz, rows + 1);
            let header = header_rows(&lines, rows);
            if self.moved(scroll, rows - header) == 0 {
                return (header, lines.len() - header);
            }
            drop(lines);
            (
                header,
                self.lines(&article, width, tz, usize::MAX).len() - header,
            )
        });
        self.apply(scroll, total, rows - header);
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// A new article starts at its top.
    pub fn reset(&mut self) {
        self.scroll = 0;
    }

    /// Keeps at least one screenful in view: the last line can reach the bottom, not the top.
    pub fn apply(&mut self, scroll: Scroll, total_lines: usize, page_rows: usize) {
        let max = total_lines.saturating_sub(page_rows);
        self.scroll = self.moved(scroll, page_rows).min(max);
    }

    /// Where `scroll` goes before it is kept inside the text.
    fn moved(&self, scroll: Scroll, page_rows: usize) -> usize {
        let page = page_rows.saturating_sub(1).max(1);
        match scroll {
            Scroll::Up(n) => self.scroll.saturating_sub(usize::from(n)),
            Scroll::Down(n) => self.scroll.saturating_add(usize::from(n)),
            Scroll::PageUp => self.scroll.saturating_sub(page),
            Scroll::PageDown => self.scroll.saturating_add(page),
            Scroll::Top => 0,
            Scroll::Bottom => usize::MAX,
        }
    }
}

/// How many of `lines` (the wrapped title) stay pinned above the scrolling text in a pane of
/// `rows`, so the whole title can always be read: at most half the pane, which keeps room for
/// the text in a short one.
pub fn header_rows(lines: &[ReaderLine], rows: usize) -> usize {
    let title = lines
        .iter()
        .take_while(|line| line.kind == LineKind::Title)
        .count();
    title.min(rows / 2)
}

/// The article as lines of at most `width` display columns: title, source, byline and date,
/// then blocks with a blank line between paragraphs, then the numbered links the text cites.
pub fn layout(article: &Article, width: usize, tz: &TimeZone) -> Vec<ReaderLine> {
    let mut laid = Layout::new(article, width, tz);
    laid.grow(article, usize::MAX);
    laid.lines
}

/// An article's lines as far as they have been asked for, a block at a time: the first frame
/// shows a screenful of what may be a long read, and optimal-fit wrapping costs thousands of
/// instructions a word.
#[derive(Clone, Debug)]
struct Layout {
    width: usize,
    lines: Vec<ReaderLine>,
    /// The next block to lay out; past the last, the links are laid out too.
    next: usize,
}

impl Layout {
    /// The title and the line under it.
    fn new(article: &Article, width: usize, tz: &TimeZone) -> Self {
        let width = width.max(1);
        let mut lines = Vec::new();
        push_wrapped(
            &mut lines,
            LineKind::Title,
            article.title.as_str(),
            width,
            "",
            "",
        );
        let mut meta = article.source.to_string();
        if let Some(byline) = &article.byline {
            meta = format!("{meta} · {byline}");
        }
        if let Some(at) = article.published {
            meta = format!("{meta} · {}", time::date_time(at, tz));
        }
        push_wrapped(&mut lines, LineKind::Meta, &meta, width, "", "");
        Self {
            width,
            lines,
            next: 0,
        }
    }

    /// Lays out blocks until there are `at_least` lines or the article ends.
    fn grow(&mut self, article: &Article, at_least: usize) {
        let width = self.width;
        let lines = &mut self.lines;
        while lines.len() < at_least && self.next <= article.blocks.len() {
            let Some(block) = article.blocks.get(self.next) else {
                push_links(lines, &article.links, width);
                self.next += 1;
                break;
            };
            let previous = self.next.checked_sub(1).map(|at| &article.blocks[at]);
            let is_list_run = matches!(
                (previous, block),
                (Some(Block::ListItem(_)), Block::ListItem(_))
            );
            if !is_list_run {
                lines.push(ReaderLine {
                    kind: LineKind::Blank,
                    text: String::new(),
                });
            }
            let text = block.text().as_str();
            match block {
                Block::Paragraph(_) => push_wrapped(lines, LineKind::Body, text, width, "", ""),
                Block::Heading(_) => push_wrapped(lines, LineKind::Heading, text, width, "", ""),
                Block::ListItem(_) => {
                    push_wrapped(lines, LineKind::ListItem, text, width, "• ", "  ");
                }
                Block::Quote(_) => push_wrapped(lines, LineKind::Quote, text, width, "│ ", "│ "),
            }
            self.next += 1;
        }
    }
}

fn push_links(lines: &mut Vec<ReaderLine>, cited: &[SafeText], width: usize) {
    if cited.is_empty() {
        return;
    }
    lines.push(ReaderLine {
        kind: LineKind::Blank,
        text: String::new(),
    });
    push_wrapped(lines, LineKind::Heading, "Links", width, "", "");
    for (number, link) in cited.iter().enumerate() {
        let label = format!("[{}] ", number + 1);
        let indent = " ".repeat(label.len());
        push_wrapped(lines, LineKind::Meta, link.as_str(), width, &label, &indent);
    }
}

fn push_wrapped(
    lines: &mut Vec<ReaderLine>,
    kind: LineKind,
    text: &str,
    width: usize,
    first_indent: &str,
    indent: &str,
) {
    let options = textwrap::Options::new(width)
        .initial_indent(first_indent)
        .subsequent_indent(indent);
    lines.extend(
        textwrap::wrap(text, options)
            .into_iter()
            .map(|line| ReaderLine {
                kind,
                text: line.into_owned(),
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::SafeText;
    use unicode_width::UnicodeWidthStr;

    fn article(blocks: Vec<Block>) -> Article {
        Article {
            title: SafeText::new("Title"),
            source: SafeText::new("tickertape sample"),
            published: Some("2024-06-28T15:40:00Z".parse().unwrap()),
            byline: None,
            blocks,
            links: Vec::new(),
        }
    }

    #[test]
    fn layout_has_title_meta_and_spaced_paragraphs_with_list_runs_together() {
        let lines = layout(
            &article(vec![
                Block::Paragraph(SafeText::new("one two three four")),
                Block::ListItem(SafeText::new("first")),
                Block::ListItem(SafeText::new("second")),
                Block::Quote(SafeText::new("quoted")),
            ]),
            10,
            &TimeZone::UTC,
        );
        let texts: Vec<(LineKind, &str)> =
            lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (LineKind::Title, "Title"),
                (LineKind::Meta, "tickertape"),
                (LineKind::Meta, "sample"),
                (LineKind::Meta, "· 28 Jun"),
                (LineKind::Meta, "2024 15:40"),
                (LineKind::Blank, ""),
                (LineKind::Body, "one two"),
                (LineKind::Body, "three four"),
                (LineKind::Blank, ""),
                (LineKind::ListItem, "• first"),
                (LineKind::ListItem, "• second"),
                (LineKind::Blank, ""),
                (LineKind::Quote, "│ quoted"),
            ]
        );
    }

    #[test]
    fn cjk_lines_never_exceed_the_width() {
        let text = "恒生指数周五小幅收高，科技股表现分化，地产股继续承压。".repeat(4);
        let lines = layout(
            &article(vec![Block::Paragraph(SafeText::new(&text))]),
            11,
            &TimeZone::UTC,
        );
        assert!(lines.iter().all(|l| l.text.width() <= 11), "{lines:?}");
        let body: String = lines
            .iter()
            .filter(|l| l.kind == LineKind::Body)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(body, text);
    }

    /// A screenful is laid out without the rest; asking for more goes on where it stopped and
    /// ends as laying out the whole article at once does, links included.
    #[test]
    fn a_long_article_is_laid_out_as_far_as_it_is_read() {
        let mut long = article(
            (0..40)
                .map(|n| {
                    let text = format!("Paragraph {n} is long enough to wrap over lines.");
                    Block::Paragraph(SafeText::new(&text))
                })
                .collect(),
        );
        long.links = vec![SafeText::new("https://example.com/a")];
        let whole = layout(&long, 20, &TimeZone::UTC);
        let reader = Reader::default();
        let first = reader.lines(&long, 20, &TimeZone::UTC, 12).to_vec();
        assert!((12..20).contains(&first.len()), "{}", first.len());
        assert_eq!(first[..], whole[..first.len()]);
        let all = reader.lines(&long, 20, &TimeZone::UTC, usize::MAX).to_vec();
        assert_eq!(all, whole);
        assert!(all.iter().any(|line| line.text.starts_with("[1] https://")));
    }

    #[test]
    fn scrolling_stays_within_the_text() {
        let mut reader = Reader::default();
        reader.apply(Scroll::PageDown, 100, 20);
        assert_eq!(reader.scroll(), 19);
        reader.apply(Scroll::Down(200), 100, 20);
        assert_eq!(reader.scroll(), 80);
        reader.apply(Scroll::PageUp, 100, 20);
        assert_eq!(reader.scroll(), 61);
        reader.apply(Scroll::Top, 100, 20);
        assert_eq!(reader.scroll(), 0);
        reader.apply(Scroll::Bottom, 10, 20);
        assert_eq!(reader.scroll(), 0);
        reader.apply(Scroll::Up(3), 100, 20);
        assert_eq!(reader.scroll(), 0);
    }

    #[test]
    fn byline_and_numbered_links_are_shown() {
        let mut with_links = article(vec![Block::Paragraph(SafeText::new(
            "Rates [1] and gilts [2].",
        ))]);
        with_links.byline = Some(SafeText::new("A. Writer"));
        with_links.links = vec![
            SafeText::new("https://example.com/rates"),
            SafeText::new("https://example.com/gilts"),
        ];
        let lines = layout(&with_links, 60, &TimeZone::UTC);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts[1],
            "tickertape sample · A. Writer · 28 Jun 2024 15:40"
        );
        assert_eq!(
            &texts[texts.len() - 3..],
            [
                "Links",
                "[1] https://example.com/rates",
                "[2] https://example.com/gilts"
            ]
        );
    }
}
