//! Walking Readability's content into blocks, then from raw blocks to the article: text-only
//! clutter dropped (share bars, consent lines, ad markers), the surviving links numbered as
//! citations.

use std::collections::HashMap;
use std::fmt::Write as _;

use dom_query::NodeRef;
use url::Url;

use super::clutter::listed;
use crate::domain::Block;
use crate::sanitize::SafeText;

/// Text longer than this is a paragraph that merely starts like clutter ("Subscribe…"), not a
/// promo line, so the prefix rules leave it alone.
const CLUTTER_MAX_CHARS: usize = 200;

// ---------------------------------------------------------------------------------------------
// Walking Readability's content into blocks.

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Paragraph,
    Heading,
    ListItem,
    Quote,
    Caption,
}

pub(super) enum Seg {
    Text(String),
    LinkStart,
    LinkEnd(String),
    Cell,
}

pub(super) struct RawBlock {
    pub(super) kind: Kind,
    pub(super) segs: Vec<Seg>,
}

/// What to do when leaving an element, so the walk can run without recursion: pages nest
/// deeply enough to overflow the stack.
enum Step<'a> {
    Enter(NodeRef<'a>),
    /// End of a block: `inline` ends a table row or caption, `pop_kind` a kind it set.
    Close {
        pop_kind: bool,
        inline: bool,
    },
    EndLink(String),
}

const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "iframe", "template", "svg", "math", "object", "embed",
    "canvas", "audio", "video", "img", "picture", "source", "button", "input", "select",
    "textarea", "nav", "aside", "form", "head", "title", "meta", "link",
];

const BLOCK_CONTAINERS: &[&str] = &[
    "p", "pre", "dt", "dd", "caption", "address", "article", "body", "center", "details", "dialog",
    "div", "dl", "fieldset", "figure", "footer", "header", "hgroup", "hr", "html", "main", "menu",
    "ol", "section", "summary", "table", "tbody", "tfoot", "thead", "ul", "td", "th",
];

#[derive(Default)]
pub(super) struct Walker {
    pub(super) blocks: Vec<RawBlock>,
    buf: Vec<Seg>,
    kinds: Vec<Kind>,
    /// Inside a table row or caption, block boundaries separate words instead of blocks.
    inline_only: usize,
}

impl Walker {
    /// Turns the content under `root` into raw blocks; links resolve against `base`.
    pub(super) fn walk(&mut self, root: NodeRef<'_>, base: &Url) {
        let mut stack: Vec<Step<'_>> = root.children_it(true).map(Step::Enter).collect();
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(node) => self.enter(node, base, &mut stack),
                Step::Close { pop_kind, inline } => {
                    self.inline_only -= usize::from(inline && self.inline_only > 0);
                    self.boundary();
                    if pop_kind {
                        self.kinds.pop();
                    }
                }
                Step::EndLink(target) => self.buf.push(Seg::LinkEnd(target)),
            }
        }
        self.boundary();
    }

    fn enter<'a>(&mut self, node: NodeRef<'a>, base: &Url, stack: &mut Vec<Step<'a>>) {
        if node.is_text() {
            self.buf.push(Seg::Text(node.text().to_string()));
            return;
        }
        let Some(name) = node.node_name() else { return };
        let name = &*name;
        if SKIPPED.contains(&name) {
            return;
        }
        let children =
            |stack: &mut Vec<Step<'a>>| stack.extend(node.children_it(true).map(Step::Enter));
        match name {
            "br" => self.buf.push(Seg::Text(" ".into())),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.open(Kind::Heading, false, stack),
            "li" => self.open(Kind::ListItem, false, stack),
            "blockquote" => self.open(Kind::Quote, false, stack),
            "figcaption" => {
                let kind = if is_image_figure(&node) {
                    Kind::Caption
                } else {
                    Kind::Paragraph
                };
                self.open(kind, true, stack);
            }
            "tr" if !has_block_content(&node) => self.close_later(true, stack),
            "td" | "th" if self.inline_only > 0 => self.buf.push(Seg::Cell),
            "a" => {
                if let Some(target) = node.attr("href").and_then(|href| link_target(base, &href)) {
                    self.buf.push(Seg::LinkStart);
                    stack.push(Step::EndLink(target));
                }
            }
            _ if BLOCK_CONTAINERS.contains(&name) => self.close_later(false, stack),
            _ => {}
        }
        children(stack);
    }

    /// Starts a block of `kind`; with `inline`, nested blocks run into it as words.
    fn open(&mut self, kind: Kind, inline: bool, stack: &mut Vec<Step<'_>>) {
        self.boundary();
        self.kinds.push(kind);
        self.inline_only += usize::from(inline);
        stack.push(Step::Close {
            pop_kind: true,
            inline,
        });
    }

    /// Starts a block whose kind comes from its context (a `<p>` in a quote is a quote).
    fn close_later(&mut self, inline: bool, stack: &mut Vec<Step<'_>>) {
        self.boundary();
        self.inline_only += usize::from(inline);
        stack.push(Step::Close {
            pop_kind: false,
            inline,
        });
    }

    fn boundary(&mut self) {
        if self.inline_only > 0 {
            self.buf.push(Seg::Text(" ".into()));
        } else if !self.buf.is_empty() {
            let kind = self.kinds.last().copied().unwrap_or(Kind::Paragraph);
            self.blocks.push(RawBlock {
                kind,
                segs: std::mem::take(&mut self.buf),
            });
        }
    }
}

/// An absolute http(s) target worth citing; `None` for mail, scripts and this page.
fn link_target(base: &Url, href: &str) -> Option<String> {
    if href.trim_start().starts_with('#') {
        return None;
    }
    let target = base.join(href.trim()).ok()?;
    if !matches!(target.scheme(), "http" | "https") {
        return None;
    }
    let same_page = target.fragment().is_some() && {
        let (mut a, mut b) = (target.clone(), base.clone());
        a.set_fragment(None);
        b.set_fragment(None);
        a == b
    };
    (!same_page).then(|| target.to_string())
}

fn is_image_figure(caption: &NodeRef<'_>) -> bool {
    caption.parent().is_some_and(|figure| {
        figure.node_name().as_deref() == Some("figure")
            && !figure.descendants_it().any(|n| {
                matches!(
                    n.node_name().as_deref(),
                    Some("blockquote" | "pre" | "code" | "table")
                )
            })
    })
}

/// A row whose cells hold several paragraphs, lists or headings is page layout, not data;
/// it is walked as blocks. (A single `<p>` per cell is how many editors write data cells.)
fn has_block_content(row: &NodeRef<'_>) -> bool {
    row.element_children().iter().any(|cell| {
        let mut paragraphs = 0;
        cell.descendants_it()
            .any(|n| match n.node_name().as_deref() {
                Some("p") => {
                    paragraphs += 1;
                    paragraphs > 1
                }
                Some(
                    "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre"
                    | "table",
                ) => true,
                _ => false,
            })
    })
}

// ---------------------------------------------------------------------------------------------
// From raw blocks to the article: drop text-only clutter, then number the surviving links.

/// Whole-block texts (normalised: lower case, punctuation as spaces) that only mark ads.
const AD_MARKERS: &str = "ad|ads|advert|advertisement|advertisements|advertising|sponsored|\
    sponsored content|paid content|promoted|promoted content|partner content|\
    story continues below advertisement|story continues below|article continues below|\
    article continues below advertisement|continue reading below|\
    continue reading below advertisement|continue reading the main story|\
    advertisement scroll to continue|scroll to continue with content|skip advertisement|\
    content continues below|ad feedback";

/// Beginnings of short blocks that are share bars, consent banners, promos or link lists.
const CLUTTER_OPENINGS: &str = "share this|share on|share via|share article|we use cookies|\
    this site uses cookies|this website uses cookies|accept all cookies|accept cookies|\
    manage cookies|cookie settings|sign up to our|sign up for our|sign up to the|\
    sign up for the|subscribe|related|read more|see also|more on this|recommended for you|\
    recommended stories|most read|most popular";

/// The kept blocks, their cited links, and whether they read as prose rather than a list of
/// links (what is left of a page that is all navigation).
pub(super) fn finish(
    raw: Vec<RawBlock>,
    title: &str,
    byline: Option<&SafeText>,
) -> (Vec<Block>, Vec<SafeText>, bool) {
    let (mut prose_chars, mut link_chars) = (0, 0);
    let title = normalise(title);
    let byline = byline.map(|b| normalise(b.as_str()));
    let mut blocks = Vec::new();
    let mut links: Vec<SafeText> = Vec::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut in_link_list = false;
    for block in raw {
        let text = collapse(&render(&block.segs, None));
        // Rules ("* * *") and stray bullets say nothing in a terminal.
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        // Every text compared below is short, so long prose skips the normalising; an empty
        // `plain` matches nothing.
        let plain = if text.len() <= 4 * CLUTTER_MAX_CHARS {
            normalise(&text)
        } else {
            String::new()
        };
        let is_list_item = block.kind == Kind::ListItem;
        if in_link_list && is_list_item {
            continue;
        }
        in_link_list = false;
        let starts_clutter = !plain.is_empty()
            && plain.chars().count() <= CLUTTER_MAX_CHARS
            && CLUTTER_OPENINGS.split('|').any(|opening| {
                plain
                    .strip_prefix(opening.trim_start())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            });
        if starts_clutter && !is_list_item {
            in_link_list = block.kind == Kind::Heading;
            continue;
        }
        let repeats_title = !plain.is_empty()
            && plain == title
            && (block.kind == Kind::Heading || blocks.is_empty());
        let repeats_byline = byline.as_ref().is_some_and(|b| {
            !b.is_empty() && (plain == *b || plain.strip_prefix("by ") == Some(b))
        });
        if listed(AD_MARKERS, &plain) || repeats_title || repeats_byline {
            continue;
        }
        let (prose, linked) = char_counts(&block.segs);
        prose_chars += prose;
        link_chars += linked;
        let text = if block.segs.iter().any(|seg| matches!(seg, Seg::LinkEnd(_))) {
            collapse(&render(&block.segs, Some((&mut links, &mut numbers))))
        } else {
            text
        };
        let block = match block.kind {
            Kind::Paragraph => Block::Paragraph(SafeText::new(&text)),
            Kind::Heading => Block::Heading(SafeText::new(&text)),
            Kind::ListItem => Block::ListItem(SafeText::new(&text)),
            Kind::Quote => Block::Quote(SafeText::new(&text)),
            Kind::Caption => Block::Paragraph(SafeText::new(&format!("Image: {text}"))),
        };
        if !block.text().is_empty() {
            blocks.push(block);
        }
    }
    (blocks, links, prose_chars > link_chars)
}

/// Visible characters outside and inside links.
fn char_counts(segs: &[Seg]) -> (usize, usize) {
    let (mut prose, mut linked, mut in_link) = (0, 0, false);
    for seg in segs {
        match seg {
            Seg::Text(text) => {
                let count = text.chars().filter(|c| !c.is_whitespace()).count();
                *(if in_link { &mut linked } else { &mut prose }) += count;
            }
            Seg::LinkStart => in_link = true,
            Seg::LinkEnd(_) => in_link = false,
            Seg::Cell => {}
        }
    }
    (prose, linked)
}

/// A block's text; with `links`, each cited link gains its `[n]`, numbered on first sight.
fn render(
    segs: &[Seg],
    mut links: Option<(&mut Vec<SafeText>, &mut HashMap<String, usize>)>,
) -> String {
    let mut cells: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut link_has_text = false;
    for seg in segs {
        match seg {
            Seg::Text(text) => {
                link_has_text |= text.chars().any(|c| !c.is_whitespace());
                out.push_str(text);
            }
            Seg::LinkStart => link_has_text = false,
            Seg::LinkEnd(target) if link_has_text => {
                if let Some((list, numbers)) = links.as_mut() {
                    let n = numbers.get(target).copied().unwrap_or_else(|| {
                        list.push(SafeText::new(target));
                        numbers.insert(target.clone(), list.len());
                        list.len()
                    });
                    let _ = write!(out, " [{n}]");
                }
            }
            Seg::LinkEnd(_) => {}
            Seg::Cell => {
                if out.chars().any(|c| !c.is_whitespace()) {
                    cells.push(collapse(&out));
                }
                out.clear();
            }
        }
    }
    if cells.is_empty() {
        return out;
    }
    if out.chars().any(|c| !c.is_whitespace()) {
        cells.push(collapse(&out));
    }
    cells.join(" · ")
}

/// Whitespace runs (including no-break spaces) as single spaces, trimmed.
pub(super) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower case with punctuation as spaces, for comparing texts that differ only in trimmings.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}
