//! Turns a fetched article page into the text the reader pane shows.
//!
//! News pages wrap a few paragraphs in navigation, consent dialogs, share bars, newsletter
//! pitches and advertising. The reader wants only the story, so this module decodes the bytes
//! the way a browser would, strips the obvious clutter by markup, lets `dom_smoothie` (a port
//! of Mozilla's Readability) pick the main content, and then walks that content into
//! [`Block`]s, dropping the clutter that only its text gives away. Links become numbered
//! citations (`text [n]`) because a terminal cannot make text clickable safely; the numbers
//! index [`Article::links`].
//!
//! Decisions a caller may care about:
//! - Images are dropped; a `<figcaption>` is kept as a paragraph starting "Image: " because
//!   captions often carry facts (and credits) the body refers to. A figure holding a quote,
//!   code or a table keeps its caption as a plain paragraph.
//! - A `<footer>` inside the `<article>` is kept: sites put the credit line there. The page
//!   footer is dropped.
//! - A byline is returned without a leading "By ", so the reader can style it uniformly.
//! - The page's own date wins over the feed's; a date without a UTC offset is ignored rather
//!   than guessed, since a wrong zone would shift it by hours.
//! - Parsing and Readability cost grows with the square of nesting depth, so a page is cut
//!   at 8 MiB or where its tags would leave 1000 elements open, and below 400 levels only
//!   text survives. No real article comes near; a hostile page stays fast.
//!
//! Everything is pure and synchronous; nothing here touches the network or panics.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability};
use encoding_rs::Encoding;
use jiff::Timestamp;
use url::{Host, Url};

use crate::domain::{Article, Block};
use crate::sanitize::SafeText;

/// How far into the page to look for a `<meta>` charset. The HTML standard says 1024 bytes;
/// real pages sometimes put long inline scripts first, and looking further costs nothing.
const META_SCAN_BYTES: usize = 4096;

/// Text longer than this is a paragraph that merely starts like clutter ("Subscribe…"), not a
/// promo line, so the prefix rules leave it alone.
const CLUTTER_MAX_CHARS: usize = 200;

/// Turns page bytes into text, deciding the charset the way a browser would so that legacy
/// pages do not turn into mojibake. A byte order mark wins over everything (as in browsers:
/// it cannot be there by accident), then the HTTP `Content-Type` charset, then the page's
/// `<meta charset>` / `<meta http-equiv="Content-Type">`, then detection by chardetng with the
/// URL's top-level domain as a hint. Labels go through the WHATWG Encoding Standard, so
/// ISO-8859-1 decodes as windows-1252 and GB2312 as GBK, as pages expect.
pub fn decode(body: &[u8], content_type: Option<&str>, url: &Url) -> String {
    let encoding = content_type
        .and_then(charset_from_content_type)
        .or_else(|| charset_from_meta(body))
        .unwrap_or_else(|| detect(body, url));
    // `decode` sniffs the BOM first and replaces malformed sequences with U+FFFD.
    let (text, _, _) = encoding.decode(body);
    text.into_owned()
}

fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The charset the page declares near its start. A real parser reads the prefix, so a
/// `<meta>` inside a comment, script or attribute value cannot mislead it; labels are ASCII,
/// so lossy UTF-8 is good enough to find them in any ASCII-compatible encoding.
fn charset_from_meta(body: &[u8]) -> Option<&'static Encoding> {
    let prefix = String::from_utf8_lossy(&body[..body.len().min(META_SCAN_BYTES)]);
    let document = Document::from(prefix.as_ref());
    let metas = document.select("meta");
    let found = metas.nodes().iter().find_map(|meta| {
        if let Some(label) = meta.attr("charset") {
            return Encoding::for_label(label.trim().as_bytes());
        }
        let pragma = meta
            .attr("http-equiv")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("content-type"));
        pragma
            .then(|| meta.attr("content"))
            .flatten()
            .and_then(|content| charset_in_content(&content))
    })?;
    // A page readable as ASCII cannot really be UTF-16, and x-user-defined is never text.
    Some(
        if found == encoding_rs::UTF_16BE || found == encoding_rs::UTF_16LE {
            encoding_rs::UTF_8
        } else if found == encoding_rs::X_USER_DEFINED {
            encoding_rs::WINDOWS_1252
        } else {
            found
        },
    )
}

/// `charset=…` inside a `content="text/html; charset=…"` value.
fn charset_in_content(content: &str) -> Option<&'static Encoding> {
    let at = content.to_ascii_lowercase().find("charset")? + "charset".len();
    let rest = content[at..].trim_start().strip_prefix('=')?.trim_start();
    let value = match rest.strip_prefix(['"', '\'']) {
        Some(quoted) => quoted.split(['"', '\'']).next()?,
        None => rest
            .split(|c: char| c == ';' || c.is_ascii_whitespace())
            .next()?,
    };
    Encoding::for_label(value.as_bytes())
}

fn detect(body: &[u8], url: &Url) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // chardetng panics on a malformed label, so only a plain lower-case one is passed on.
    let tld = match url.host() {
        Some(Host::Domain(host)) => host.rsplit('.').next().filter(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }),
        _ => None,
    };
    detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    #[error("no readable article on the page")]
    NoArticle,
}

/// The readable article in `html` (already decoded), for the reader pane. `source` is the
/// feed name to show; `fallback_title`/`fallback_published` come from the headline and are
/// used when the page has none, so the reader never shows an untitled story.
pub fn extract(
    html: &str,
    url: &Url,
    source: &SafeText,
    fallback_title: &SafeText,
    fallback_published: Option<Timestamp>,
) -> Result<Article, ExtractError> {
    let document = Document::from(bounded(html));
    flatten_deep(&document);
    remove_clutter(&document);
    let page_time = time_element(&document);
    // dom_smoothie refuses a base URL without "scheme://"; links then resolve here instead.
    let base = matches!(url.scheme(), "http" | "https").then(|| url.as_str());
    let mut readability = Readability::with_document(document, base, Some(Config::default()))
        .map_err(|_| ExtractError::NoArticle)?;
    let parsed = readability.parse().map_err(|_| ExtractError::NoArticle)?;

    let title = Some(collapse(&parsed.title))
        .filter(|title| !title.is_empty())
        .map_or_else(|| fallback_title.clone(), |title| SafeText::new(&title));
    let byline = parsed.byline.as_deref().and_then(clean_byline);
    let published = parsed
        .published_time
        .as_deref()
        .and_then(parse_time)
        .or(page_time)
        .or(fallback_published);

    // The parsed tree still holds the content; re-parsing `parsed.content` is the fallback.
    let mut walker = Walker::default();
    let in_place = readability.doc.select_single("#readability-page-1");
    if let Some(root) = in_place.nodes().first() {
        walker.walk(*root, url);
    } else {
        walker.walk(Document::from(parsed.content.as_ref()).root(), url);
    }
    let (blocks, links, prose) = finish(walker.blocks, title.as_str(), byline.as_ref());
    if !prose {
        return Err(ExtractError::NoArticle);
    }
    Ok(Article {
        title,
        source: source.clone(),
        published,
        byline,
        blocks,
        links,
    })
}

// ---------------------------------------------------------------------------------------------
// Bounds: html5ever and Readability slow down with the square of nesting depth, so hostile
// or badly broken pages are cut down to a size and depth no real article needs.

const MAX_HTML_BYTES: usize = 8 << 20;

/// Open elements the estimate may reach before the rest of the page is dropped.
const MAX_OPEN_ESTIMATE: usize = 1000;

/// Depth below which the tree is kept as text only.
const MAX_DEPTH: usize = 400;

/// Elements that never stay open: void ones, and ones the parser closes when a sibling
/// starts. Only the others can pile up into deep nesting.
const SELF_CLOSING: &[&[u8]] = &[
    b"p", b"a", b"li", b"br", b"img", b"td", b"tr", b"th", b"dt", b"dd", b"hr", b"meta", b"link",
    b"input", b"option", b"col", b"area", b"base", b"embed", b"param", b"source", b"track", b"wbr",
    b"thead", b"tbody", b"tfoot", b"caption", b"nobr",
];

/// Whether `item` is one of the `|`-separated entries of `list`. Lists are strings so that
/// they stay readable in a few lines.
fn listed(list: &str, item: &str) -> bool {
    list.split('|').any(|entry| entry.trim_start() == item)
}

/// `html` cut before the first tag that would leave more than [`MAX_OPEN_ESTIMATE`]
/// elements open, counting start against end tags.
fn bounded(html: &str) -> &str {
    let mut end = html.len().min(MAX_HTML_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = &html.as_bytes()[..end];
    let mut open = 0usize;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let tag = at + offset;
        let closing = bytes.get(tag + 1) == Some(&b'/');
        let start = tag + 1 + usize::from(closing);
        let mut stop = start;
        while stop < bytes.len() && bytes[stop].is_ascii_alphanumeric() {
            stop += 1;
        }
        let name = &bytes[start..stop];
        let ends_name = bytes
            .get(stop)
            .is_none_or(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace());
        let self_closing = || SELF_CLOSING.iter().any(|e| e.eq_ignore_ascii_case(name));
        if !name.is_empty() && ends_name && !self_closing() {
            if closing {
                open = open.saturating_sub(1);
            } else if open == MAX_OPEN_ESTIMATE {
                return &html[..tag];
            } else {
                open += 1;
            }
        }
        at = stop.max(tag + 1);
    }
    &html[..end]
}

/// Replaces every element at [`MAX_DEPTH`] by its text, so nothing after this walks a
/// deeper tree.
fn flatten_deep(document: &Document) {
    let mut stack = vec![(document.root(), 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth < MAX_DEPTH {
            stack.extend(node.children_it(false).map(|child| (child, depth + 1)));
        } else if node.is_element() {
            let text: String = node
                .descendants_it()
                .filter(|n| {
                    n.is_text()
                        && n.parent()
                            .is_some_and(|p| !listed(RAW_TEXT, &p.node_name().unwrap_or_default()))
                })
                .map(|n| n.text().to_string())
                .collect();
            node.set_text(text.as_str());
        }
    }
}

/// Elements whose text is code or markup, never prose.
const RAW_TEXT: &str = "script|style|noscript|template";

// ---------------------------------------------------------------------------------------------
// Pre-cleaning: drop what markup alone shows is not the story, before Readability scores it.

/// Whole words of class/id/role names that mark clutter. Whole words, so `shared-content`
/// or `header` survive while `share-bar` and `ad-slot` go.
const CLUTTER_WORDS: &str = "ad|ads|adslot|adunit|adsense|adbox|adwrap|adwrapper|adcontainer|dfp|\
    gpt|banner|banners|share|shares|sharing|sharebar|sharetools|sharebuttons|subscribe|\
    navigation|complementary|contentinfo";

/// Word prefixes with no innocent longer form (unlike `share` → `shareholders`, `subscribe`
/// → `subscriber-content`, `ad` → `address`).
const CLUTTER_PREFIXES: &str =
    "advert|promo|sponsor|newsletter|cookie|consent|social|related|outbrain|taboola";

const ALWAYS_REMOVED: &str =
    "script|style|noscript|iframe|template|object|embed|button|input|select|textarea";

fn remove_clutter(document: &Document) {
    let total = paragraph_chars(document.root());
    let story = story_and_ancestors(document, total);
    let mut doomed = Vec::new();
    let mut stack: Vec<NodeRef<'_>> = document.root().children_it(true).collect();
    while let Some(node) = stack.pop() {
        let Some(name) = node.node_name() else {
            continue;
        };
        // Readability reads metadata there: the head, and JSON-LD wherever it is.
        let json_ld = || node.attr("type").is_some_and(|t| t.contains("ld+json"));
        if &*name == "head" || (&*name == "script" && json_ld()) {
            continue;
        }
        let keep = |node: &NodeRef<'_>| {
            story.contains(&node.id) || {
                let own = paragraph_chars(*node);
                own > 0 && own * 2 >= total
            }
        };
        if listed(ALWAYS_REMOVED, &name) || (is_clutter(&node, &name) && !keep(&node)) {
            doomed.push(node);
        } else {
            stack.extend(node.children_it(true).filter(NodeRef::is_element));
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// What wraps the story, which must stay whatever its class says. The story is the innermost
/// `articleBody`, `<article>` or `<main>` holding half the paragraph text (else the one
/// holding most). Only its wrappers are protected, not every `<article>`'s: teaser cards
/// in a related box go with the box.
fn story_and_ancestors(document: &Document, total: usize) -> Vec<dom_query::NodeId> {
    let candidates: Vec<(NodeRef<'_>, usize)> = document
        .root()
        .descendants_it()
        .filter(|n| {
            matches!(n.node_name().as_deref(), Some("article" | "main"))
                || n.attr("itemprop")
                    .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
        })
        .map(|n| (n, paragraph_chars(n)))
        .collect();
    let story = candidates
        .iter()
        .filter(|(_, chars)| *chars > 0 && chars * 2 >= total)
        .max_by_key(|(n, _)| n.ancestors_it(None).count())
        .or_else(|| candidates.iter().max_by_key(|(_, chars)| *chars));
    story.map_or_else(Vec::new, |(story, _)| {
        std::iter::once(story.id)
            .chain(story.ancestors_it(None).map(|a| a.id))
            .collect()
    })
}

fn is_clutter(node: &NodeRef<'_>, name: &str) -> bool {
    match name {
        "html" | "body" | "article" | "main" => return false,
        "nav" | "aside" | "form" => return true,
        "footer" => {
            let in_article = node
                .ancestors_it(None)
                .any(|a| a.node_name().as_deref() == Some("article"));
            if !in_article {
                return true;
            }
        }
        _ => {}
    }
    if node
        .attr("itemprop")
        .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
    {
        return false;
    }
    let attribute_words = |attribute: &str| {
        node.attr(attribute)
            .is_some_and(|value| words(&value).iter().any(|word| is_clutter_word(word)))
    };
    // An aria-label is prose ("Share price chart"), so only its first word is telling.
    let label = node
        .attr("aria-label")
        .and_then(|label| words(&label).into_iter().next());
    attribute_words("class")
        || attribute_words("id")
        || attribute_words("role")
        || label.is_some_and(|word| is_clutter_word(&word))
}

fn is_clutter_word(word: &str) -> bool {
    listed(CLUTTER_WORDS, word) || CLUTTER_PREFIXES.split('|').any(|p| word.starts_with(p))
}

/// Lower-case words of an attribute, split at punctuation and camelCase humps.
fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in value.chars() {
        if (!c.is_alphanumeric() || (previous_lower && c.is_uppercase())) && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn paragraph_chars(node: NodeRef<'_>) -> usize {
    node.descendants_it()
        .filter(|n| n.node_name().as_deref() == Some("p"))
        .map(|p| p.normalized_char_count())
        .sum()
}

/// The page's `<time datetime>`, preferring one inside the article.
fn time_element(document: &Document) -> Option<Timestamp> {
    ["article time[datetime]", "time[datetime]"]
        .iter()
        .find_map(|selector| parse_time(&document.select_single(selector).attr("datetime")?))
}

fn parse_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    Timestamp::from_str(raw).ok().or_else(|| {
        jiff::fmt::rfc2822::parse(raw)
            .ok()
            .map(|zoned| zoned.timestamp())
    })
}

fn clean_byline(raw: &str) -> Option<SafeText> {
    let text = collapse(raw);
    let text = match text.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => &text[3..],
        _ => &text,
    };
    let plausible = !text.is_empty()
        && text.chars().count() <= 100
        && !text.starts_with("http://")
        && !text.starts_with("https://");
    plausible.then(|| SafeText::new(text))
}

// ---------------------------------------------------------------------------------------------
// Walking Readability's content into blocks.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Paragraph,
    Heading,
    ListItem,
    Quote,
    Caption,
}

enum Seg {
    Text(String),
    LinkStart,
    LinkEnd(String),
    Cell,
}

struct RawBlock {
    kind: Kind,
    segs: Vec<Seg>,
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
struct Walker {
    blocks: Vec<RawBlock>,
    buf: Vec<Seg>,
    kinds: Vec<Kind>,
    /// Inside a table row or caption, block boundaries separate words instead of blocks.
    inline_only: usize,
}

impl Walker {
    /// Turns the content under `root` into raw blocks; links resolve against `base`.
    fn walk(&mut self, root: NodeRef<'_>, base: &Url) {
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
fn finish(
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
fn collapse(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn url(raw: &str) -> Url {
        Url::parse(raw).unwrap()
    }

    fn page_url() -> Url {
        url("https://www.harbourstreet.example/markets/commodities/copper-record-2024-03-05")
    }

    fn run(html: &str) -> Result<Article, ExtractError> {
        extract(
            html,
            &page_url(),
            &SafeText::new("Feed"),
            &SafeText::new("Feed headline"),
            None,
        )
    }

    /// Blocks and links of a content fragment, skipping Readability, to test the walk alone.
    fn walk(html: &str, title: &str) -> (Vec<Block>, Vec<SafeText>) {
        let document = Document::from(html);
        let mut walker = Walker::default();
        walker.walk(document.root(), &page_url());
        let (blocks, links, _) = finish(walker.blocks, title, None);
        (blocks, links)
    }

    fn p(text: &str) -> Block {
        Block::Paragraph(SafeText::new(text))
    }
    fn h(text: &str) -> Block {
        Block::Heading(SafeText::new(text))
    }
    fn li(text: &str) -> Block {
        Block::ListItem(SafeText::new(text))
    }
    fn q(text: &str) -> Block {
        Block::Quote(SafeText::new(text))
    }

    /// A page with enough body text for Readability to take it as an article.
    fn page(head: &str, body: &str) -> String {
        let filler = "<p>Filler paragraph tells the story of the market at length, with enough words that a readability scorer sees real prose here.</p>".repeat(4);
        format!("<html><head>{head}</head><body><article>{body}{filler}</article></body></html>")
    }

    #[test]
    fn news_page_keeps_exactly_the_story() {
        let bytes = include_bytes!("../../tests/fixtures/articles/news_with_clutter.html");
        let html = decode(bytes, Some("text/html"), &page_url());
        let article = extract(
            &html,
            &page_url(),
            &SafeText::new("Harbour Street"),
            &SafeText::new("Copper record"),
            None,
        )
        .unwrap();
        assert_eq!(
            article.title.as_str(),
            "Copper hits record as Chilean smelters cut output"
        );
        assert_eq!(article.source.as_str(), "Harbour Street");
        assert_eq!(article.byline, Some(SafeText::new("Maria Lindqvist")));
        assert_eq!(
            article.published,
            Some("2024-03-05T14:32:00Z".parse().unwrap())
        );
        assert_eq!(
            article.blocks,
            vec![
                p(
                    "LONDON, March 5 \u{2013} Benchmark copper climbed to an all-time high of $10,912 a tonne on Tuesday after two Chilean smelters said they would curtail production, tightening a market that traders had already described as the tightest in a decade [1]."
                ),
                p(
                    "The Ventanas and Altonorte plants, which together process roughly a tenth of the country's concentrate, blamed a shortage of ore and a dispute over treatment charges that has dragged on since January."
                ),
                p(
                    "Stocks of refined metal in warehouses registered with the exchange have fallen by 38 per cent since the start of the year, according to figures published by the Metals Warehousing Board [2], leaving fabricators scrambling for prompt cargoes."
                ),
                h("Supply squeeze deepens"),
                p(
                    "Analysts at Kestrel Commodities said the curtailments would remove about 180,000 tonnes of refined copper from the market this year, turning a previously forecast deficit [1] into the largest since 2010."
                ),
                li("Treatment charges have fallen below $10 a tonne for the first time."),
                li("Chinese smelters agreed a joint output cut of ten per cent."),
                li("Peruvian mine disruptions cost a further 60,000 tonnes."),
                q(
                    "\u{201c}We have never seen concentrate this scarce,\u{201d} said one trader in Geneva."
                ),
                q("\u{201c}Everybody is bidding for the same ships.\u{201d}"),
                p(
                    "Fund managers added to bullish positions for a fifth straight week, exchange data showed, although some warned that the rally had run ahead of physical demand. Queries about the data can be sent to the metals desk, and the methodology is explained in the note below."
                ),
                p(
                    "Aluminium and zinc followed copper higher, though nickel slipped as Indonesian output continued to expand at a record pace."
                ),
                p(
                    "The exchange said it was monitoring positions closely and had no plans to change margin requirements for the three-month contract."
                ),
                p("Reporting by A. Writer; Editing by B. Editor"),
            ]
        );
        assert_eq!(
            article.links,
            vec![
                SafeText::new("https://www.harbourstreet.example/markets/metals/copper-deficit"),
                SafeText::new("https://www.metalsboard.example/stocks?week=10"),
            ]
        );
    }

    #[test]
    fn windows_1252_meta_decodes_smart_quotes_and_euro() {
        let bytes = include_bytes!("../../tests/fixtures/articles/windows1252.html");
        assert!(bytes.contains(&0x80) && bytes.contains(&0x92) && bytes.contains(&0x93));
        let html = decode(bytes, None, &url("https://news.example.com/bonds"));
        assert!(html.contains("\u{201c}The disinflation story is intact,\u{201d}"));
        assert!(html.contains("Markets don\u{2019}t need"));
        assert!(html.contains("50 million \u{20ac} bond"));
        let article = run(&html).unwrap();
        assert_eq!(
            article.title.as_str(),
            "Euro zone bonds rally as inflation cools"
        );
        assert!(article.blocks.iter().any(|b| {
            b.text()
                .as_str()
                .contains("Germany\u{2019}s two-year yield")
        }));
    }

    #[test]
    fn latin1_without_meta_decodes_by_detection_or_header() {
        let bytes = include_bytes!("../../tests/fixtures/articles/latin1_no_meta.html");
        let detected = decode(bytes, None, &url("https://bourse.example.fr/cloture"));
        assert!(
            detected.contains("a termin\u{e9} la s\u{e9}ance"),
            "{detected}"
        );
        assert!(detected.contains("\u{e0} dix ans") && detected.contains("M\u{fc}nchen"));
        let labelled = decode(
            bytes,
            Some("text/html; charset=ISO-8859-1"),
            &url("https://x.example.com/"),
        );
        assert_eq!(labelled, detected);
        assert!(
            run(&labelled)
                .unwrap()
                .title
                .as_str()
                .starts_with("March\u{e9}s")
        );
    }

    #[test]
    fn gbk_meta_decodes_chinese() {
        let bytes = include_bytes!("../../tests/fixtures/articles/gbk.html");
        let html = decode(bytes, None, &url("https://finance.example.com/a"));
        assert!(
            html.contains("\u{4e0a}\u{6d77}\u{8bc1}\u{5238}\u{4ea4}\u{6613}\u{6240}"),
            "{html}"
        );
        assert!(!html.contains('\u{fffd}'));
        let article = run(&html).unwrap();
        assert_eq!(
            article.title.as_str(),
            "\u{6caa}\u{6307}\u{6536}\u{6da8}\u{7ea6}\u{767e}\u{5206}\u{4e4b}\u{4e00} \u{94f6}\u{884c}\u{80a1}\u{9886}\u{6da8}"
        );
        assert_eq!(article.blocks.len(), 3);
        // GB2312 is labelled often and means GBK under WHATWG.
        assert_eq!(
            decode(bytes, Some("text/html; charset=gb2312"), &page_url()),
            html
        );
    }

    #[test]
    fn shift_jis_without_meta_decodes_with_jp_hint_or_header() {
        let bytes = include_bytes!("../../tests/fixtures/articles/shift_jis.html");
        let detected = decode(bytes, None, &url("https://www.kabu.example.jp/news/1"));
        assert!(
            detected.contains("\u{65e5}\u{7d4c}\u{5e73}\u{5747}\u{682a}\u{4fa1}"),
            "{detected}"
        );
        assert!(!detected.contains('\u{fffd}'));
        assert_eq!(
            decode(bytes, Some("text/html;charset=\"Shift_JIS\""), &page_url()),
            detected
        );
        assert_eq!(run(&detected).unwrap().blocks.len(), 3);
    }

    #[test]
    fn euc_kr_header_decodes_korean() {
        let korean = "\u{cf54}\u{c2a4}\u{d53c} \u{c9c0}\u{c218} \u{c0c1}\u{c2b9}";
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(korean);
        assert_eq!(
            decode(&bytes, Some("text/html; charset=euc-kr"), &page_url()),
            korean
        );
        let meta = [b"<meta charset=euc-kr>".as_slice(), &bytes].concat();
        assert!(decode(&meta, None, &page_url()).ends_with(korean));
    }

    #[test]
    fn utf8_bom_is_honoured_and_stripped() {
        let bytes = include_bytes!("../../tests/fixtures/articles/utf8_bom.html");
        let html = decode(bytes, None, &url("https://markets.example.ch/smi"));
        assert!(html.starts_with("<!DOCTYPE"));
        assert!(html.contains("Z\u{fc}rich-listed insurers rose on Thursday after the regulator eased capital rules \u{2014}"));
        // The BOM is stronger evidence than a server's default header.
        assert_eq!(
            decode(bytes, Some("text/html; charset=iso-8859-1"), &page_url()),
            html
        );
        assert_eq!(
            run(&html).unwrap().title.as_str(),
            "Z\u{fc}rich insurers gain \u{2014} SMI closes higher"
        );
    }

    #[test]
    fn header_charset_beats_meta_and_meta_beats_detection() {
        let body = "<meta charset=\"windows-1252\"><p>caf\u{e9}</p>".as_bytes();
        assert!(decode(body, Some("text/html; charset=utf-8"), &page_url()).contains("caf\u{e9}"));
        assert!(decode(body, None, &page_url()).contains("caf\u{c3}\u{a9}"));
        // An unknown header label falls through to the page's own declaration.
        assert!(
            decode(body, Some("text/html; charset=bogus"), &page_url()).contains("caf\u{c3}\u{a9}")
        );
    }

    #[test]
    fn meta_prescan_follows_the_html_rules() {
        let cases: [(&[u8], Option<&'static Encoding>); 8] = [
            (
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">",
                Some(encoding_rs::SHIFT_JIS),
            ),
            (
                b"<META CONTENT='text/html;charset=euc-kr' HTTP-EQUIV='content-type'>",
                Some(encoding_rs::EUC_KR),
            ),
            (b"<meta content=\"text/html; charset=gbk\">", None),
            (
                b"<!-- <meta charset=gbk> --><meta charset=utf-8>",
                Some(encoding_rs::UTF_8),
            ),
            (b"<div title='<meta charset=gbk>'></div>", None),
            (b"<meta charset=\"utf-16le\">", Some(encoding_rs::UTF_8)),
            (
                b"<meta charset=x-user-defined>",
                Some(encoding_rs::WINDOWS_1252),
            ),
            (
                b"<meta name=x><meta charset=latin1>",
                Some(encoding_rs::WINDOWS_1252),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                charset_from_meta(bytes),
                expected,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn odd_hosts_do_not_upset_detection() {
        for raw in [
            "http://127.0.0.1/a",
            "http://[::1]/",
            "http://localhost./x",
            "file:///tmp/a.html",
            "data:text/html,x",
        ] {
            let _ = decode(b"\xff\xfe\x80 caf\xe9", None, &url(raw));
        }
    }

    #[test]
    fn navigation_only_and_empty_pages_have_no_article() {
        let nav = String::from_utf8(
            include_bytes!("../../tests/fixtures/articles/nav_only.html").to_vec(),
        )
        .unwrap();
        assert_eq!(run(&nav), Err(ExtractError::NoArticle));
        assert_eq!(run(""), Err(ExtractError::NoArticle));
        assert_eq!(
            run("<html><body><script>var a = 1;</script></body></html>"),
            Err(ExtractError::NoArticle)
        );
    }

    #[test]
    fn preclean_matches_whole_words_and_spares_the_story() {
        let html = r#"<html><body>
            <div class="shared-content"><p id="a">kept shared</p></div>
            <div class="article-body"><p id="b">kept body</p></div>
            <div id="shareholders"><p id="c">kept holders</p></div>
            <div class="subscriber-content"><p id="d">kept subscriber</p></div>
            <div class="share-bar"><p id="x1">share</p></div>
            <div class="adSlot"><p id="x2">ad</p></div>
            <div id="div-gpt-ad-1"><p id="x3">gpt</p></div>
            <div class="cookie-consent"><p id="x4">cookies</p></div>
            <section class="newsletterSignup"><p id="x5">newsletter</p></section>
            <div role="navigation"><p id="x6">nav</p></div>
            <div aria-label="Share this article"><p id="x7">share label</p></div>
            <div class="taboola-feed"><p id="x8">taboola</p></div>
            <div class="OUTBRAIN"><p id="x9">outbrain</p></div>
            <div role="complementary"><p id="x10">aside</p></div>
            <figure aria-label="Chart of share prices"><p id="e">kept chart</p></figure>
            <footer><p id="x11">page footer</p></footer>
            <main class="promo-layout"><article class="ad-free"><p id="f">kept article</p>
            <div class="social-wrap" itemprop="articleBody"><p id="h">kept body text</p></div>
            <footer><p id="g">kept credit</p></footer></article>
            <div class="related-stories"><article class="teaser"><p id="x12">teaser</p></article></div></main>
        </body></html>"#;
        let document = Document::from(html);
        remove_clutter(&document);
        for id in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            assert!(document.select(&format!("p#{id}")).exists(), "lost #{id}");
        }
        for n in 1..=12 {
            assert!(!document.select(&format!("p#x{n}")).exists(), "kept #x{n}");
        }
    }

    #[test]
    fn preclean_keeps_a_wrapper_holding_most_of_the_text() {
        let body = "<p>Words of the story go on and on about the markets.</p>".repeat(5);
        let html = format!(
            "<html><body><form id=\"aspnetForm\"><div class=\"promo\">{body}</div></form><form><p>Search</p></form></body></html>"
        );
        let document = Document::from(html.as_str());
        remove_clutter(&document);
        assert_eq!(document.select("p").length(), 5);
    }

    #[test]
    fn walk_maps_markup_to_blocks() {
        let (blocks, _) = walk(
            r"<h1>The Title</h1><h2>Section</h2><p>One<br>two</p>
            <ul><li>first<ul><li>nested a</li><li>nested b</li></ul></li><li><p>second</p></li></ul>
            <blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>
            <pre>let x =
    1;</pre>
            <figure><img src=a.png><figcaption>Traders on the floor. <small>Photo: Agency</small></figcaption></figure>
            <figure><blockquote>Pull quote.</blockquote><figcaption>A. Speaker</figcaption></figure>
            <figure><img src=b.png></figure>
            <div>Loose <b>text</b> in a div</div>",
            "The title",
        );
        assert_eq!(
            blocks,
            vec![
                h("Section"),
                p("One two"),
                li("first"),
                li("nested a"),
                li("nested b"),
                li("second"),
                q("Quoted one."),
                q("Quoted two."),
                p("let x = 1;"),
                p("Image: Traders on the floor. Photo: Agency"),
                q("Pull quote."),
                p("A. Speaker"),
                p("Loose text in a div"),
            ]
        );
    }

    #[test]
    fn tables_become_one_paragraph_per_row() {
        let (blocks, links) = walk(
            r#"<table><caption>Closing prices</caption>
            <thead><tr><th>Index</th><th>Close</th><th></th><th>Change</th></tr></thead>
            <tbody><tr><td><a href="/ftse">FTSE 100</a></td><td>7,640.3</td><td> </td><td><p>+0.4%</p></td></tr>
            <tr><td>DAX</td><td>17,716.7<br>pts</td><td>-0.1%</td></tr></tbody></table>
            <table><tr><td><p>A layout cell paragraph.</p><p>Another one.</p></td></tr></table>"#,
            "",
        );
        assert_eq!(
            blocks,
            vec![
                p("Closing prices"),
                p("Index \u{b7} Close \u{b7} Change"),
                p("FTSE 100 [1] \u{b7} 7,640.3 \u{b7} +0.4%"),
                p("DAX \u{b7} 17,716.7 pts \u{b7} -0.1%"),
                p("A layout cell paragraph."),
                p("Another one."),
            ]
        );
        assert_eq!(
            links,
            vec![SafeText::new("https://www.harbourstreet.example/ftse")]
        );
    }

    #[test]
    fn links_are_numbered_by_distinct_target_in_order() {
        let (blocks, links) = walk(
            r##"<p>See <a href="https://b.example/x">bee</a> and <a href="../../other">other</a>.</p>
            <p><a href="mailto:a@b.example">mail</a>, <a href="javascript:void(0)">js</a>,
            <a href="#top">top</a>, <a href="/markets/commodities/copper-record-2024-03-05#c2">here</a>,
            <a href="ftp://files.example/x">ftp</a>, <a href="https://b.example/x">bee again</a>,
            <a href="https://c.example/"><img src=x.png></a>, <a href="https://d.example/">  </a>.</p>"##,
            "",
        );
        assert_eq!(
            blocks,
            vec![
                p("See bee [1] and other [2]."),
                p("mail, js, top, here, ftp, bee again [1], , ."),
            ]
        );
        assert_eq!(
            links,
            vec![
                SafeText::new("https://b.example/x"),
                SafeText::new("https://www.harbourstreet.example/other")
            ]
        );
    }

    #[test]
    fn text_only_clutter_is_dropped_but_lookalike_prose_stays() {
        let (blocks, links) = walk(
            r#"<p>Story starts.</p><p>Advertisement</p><p> ADVERTISEMENT </p><p>Ad</p><p>Sponsored</p>
            <p>Story continues below advertisement</p><div>Continue reading below</div>
            <p>Advertisement - Scroll to continue</p>
            <p>Share this article</p><p>Share on Twitter</p><p>Share on LinkedIn</p>
            <p>We use cookies to improve your experience.</p><p>Accept all cookies</p>
            <p>Sign up to our newsletter for daily briefings.</p><p>Subscribe</p>
            <p><b>Read more:</b> <a href="/gold">Gold steadies</a></p>
            <h3>Related articles</h3><ul><li><a href="/r1">One</a></li><li><a href="/r2">Two</a></li></ul>
            <p>Subscribers to the service rose 5% in the quarter.</p>
            <p>Advertisement revenue at the broadcaster fell by a third.</p>
            <ul><li>Ad</li><li>Real item</li></ul>
            <p>Additional reporting by C. Reporter; Editing by D. Editor</p>
            <p>&copy; 2024 Harbour Street Media</p>"#,
            "",
        );
        assert_eq!(
            blocks,
            vec![
                p("Story starts."),
                p("Subscribers to the service rose 5% in the quarter."),
                p("Advertisement revenue at the broadcaster fell by a third."),
                li("Real item"),
                p("Additional reporting by C. Reporter; Editing by D. Editor"),
                p("\u{a9} 2024 Harbour Street Media"),
            ]
        );
        assert!(
            links.is_empty(),
            "links of dropped blocks must not be numbered: {links:?}"
        );
    }

    #[test]
    fn headline_and_byline_repeats_are_dropped() {
        let raw = |kind, text: &str| RawBlock {
            kind,
            segs: vec![Seg::Text(text.into())],
        };
        let (blocks, _, _) = finish(
            vec![
                raw(Kind::Paragraph, "Copper hits record"),
                raw(Kind::Paragraph, "By Maria  Lindqvist"),
                raw(Kind::Paragraph, "Body."),
                raw(Kind::Heading, "Copper hits record!"),
                raw(Kind::Paragraph, "Copper hits record"),
            ],
            "Copper hits record",
            Some(&SafeText::new("Maria Lindqvist")),
        );
        assert_eq!(blocks, vec![p("Body."), p("Copper hits record")]);
    }

    #[test]
    fn metadata_prefers_the_page_then_the_headline() {
        let head = r#"<title>Page title | Site</title><meta property="og:title" content="OG title">
            <meta name="author" content="By Jo Bloggs"><meta property="article:published_time" content="Tue, 5 Mar 2024 09:00:00 +0100">"#;
        let article = run(&page(head, "")).unwrap();
        assert_eq!(article.title.as_str(), "OG title");
        assert_eq!(article.byline, Some(SafeText::new("Jo Bloggs")));
        assert_eq!(
            article.published,
            Some("2024-03-05T08:00:00Z".parse().unwrap())
        );

        let fallback: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        let timed = page(
            "",
            r#"<time datetime="2024-03-05T10:15:00+09:00">5 March</time>"#,
        );
        let article = extract(
            &timed,
            &page_url(),
            &SafeText::new("F"),
            &SafeText::new("Feed headline"),
            Some(fallback),
        )
        .unwrap();
        assert_eq!(article.title.as_str(), "Feed headline");
        assert_eq!(article.byline, None);
        assert_eq!(
            article.published,
            Some("2024-03-05T01:15:00Z".parse().unwrap())
        );

        let ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"LD headline",
            "datePublished":"2024-03-06T07:00:00Z","author":{"@type":"Person","name":"Ann Author"}}</script>"#;
        let article = run(&page("", ld)).unwrap();
        assert_eq!(
            article.published,
            Some("2024-03-06T07:00:00Z".parse().unwrap())
        );
        assert_eq!(article.byline, Some(SafeText::new("Ann Author")));

        let unzoned = page("", r#"<time datetime="2024-03-05T10:15:00">5 March</time>"#);
        let article = extract(
            &unzoned,
            &page_url(),
            &SafeText::new("F"),
            &SafeText::new("T"),
            Some(fallback),
        )
        .unwrap();
        assert_eq!(article.published, Some(fallback));
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let html = page(
            "<title>Evil\u{1b}[2J title\u{202e}</title>",
            "<p>Bad \u{1b}]52;c;x\u{7} text\u{9b}</p>",
        );
        let article = run(&html).unwrap();
        assert_eq!(article.title.as_str(), "Evil[2J title");
        assert!(
            article
                .blocks
                .iter()
                .any(|b| b.text().as_str() == "Bad ]52;c;x text")
        );
    }

    #[test]
    fn runaway_nesting_is_cut_off_but_sloppy_markup_is_not() {
        let deep = format!(
            "<p>Before.</p>{}<p>Inside.</p>",
            "<div><span>".repeat(100_000)
        );
        let cut = bounded(&deep);
        assert!(
            cut.starts_with("<p>Before.</p>") && cut.len() < 11 * 501 + 20,
            "{}",
            cut.len()
        );
        // Unclosed paragraphs, list items and void elements never pile up.
        let sloppy = format!(
            "<ul>{}",
            "<li>item<p>para<br><img src=x><a href=y>link<td>cell".repeat(20_000)
        );
        assert_eq!(bounded(&sloppy).len(), sloppy.len());
        let balanced = "<div><span><b>x</b></span></div>".repeat(20_000);
        assert_eq!(bounded(&balanced).len(), balanced.len());
        // The tree builder's work grows with the elements left open, so a page of nothing but
        // openings reaches it cut to the estimate, however long it is.
        let openings = "<div>".repeat(200_000);
        assert_eq!(bounded(&openings).len(), "<div>".len() * MAX_OPEN_ESTIMATE);
    }

    #[test]
    fn text_below_the_depth_limit_survives_as_text() {
        let deep = format!(
            "<article><p>A first paragraph of ordinary depth.</p>{}<p>Deep <b>paragraph</b>.</p><script>hidden()</script>{}</article>",
            "<section>".repeat(MAX_DEPTH + 100),
            "</section>".repeat(MAX_DEPTH + 100),
        );
        let article = run(&page("", &deep)).unwrap();
        let texts: Vec<&str> = article.blocks.iter().map(|b| b.text().as_str()).collect();
        assert!(texts.contains(&"A first paragraph of ordinary depth."));
        assert!(texts.contains(&"Deep paragraph."), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("hidden")));
    }

    fn megabyte_page() -> (String, usize) {
        let mut html = String::from(
            "<html><head><title>Long read</title></head><body><nav><a href=/>Home</a></nav><article>",
        );
        let mut n = 0;
        while html.len() < 1_000_000 {
            n += 1;
            let _ = writeln!(
                html,
                "<p>Paragraph {n} of the long read explains how <a href=\"/ref/{}\">the market</a> moved on day {n}, with detail enough to matter.</p>",
                n % 50
            );
            if n % 40 == 0 {
                let _ = writeln!(
                    html,
                    "<h2>Part {}</h2>\n<div class=\"ad-slot\"><p>Advertisement</p></div>",
                    n / 40
                );
            }
        }
        html.push_str("</article><footer><p>&copy; Site</p></footer></body></html>");
        (html, n)
    }

    #[test]
    fn a_megabyte_page_extracts_every_paragraph() {
        let (html, n) = megabyte_page();
        let article = run(&html).unwrap();
        let paragraphs: Vec<&Block> = article
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Paragraph(_)))
            .collect();
        assert_eq!(paragraphs.len(), n);
        for (i, block) in paragraphs.iter().enumerate() {
            assert!(
                block
                    .text()
                    .as_str()
                    .starts_with(&format!("Paragraph {} of", i + 1))
            );
        }
        assert_eq!(article.links.len(), 50);
    }

    /// `cargo test --release -- --ignored --nocapture timing` prints the per-page cost.
    #[test]
    #[ignore = "timing, meaningful only in release"]
    #[allow(clippy::print_stderr, reason = "the measurement is the output")]
    fn timing_of_a_megabyte_page() {
        let (html, _) = megabyte_page();
        let bytes = html.as_bytes();
        let runs = 5;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            let text = decode(bytes, None, &page_url());
            run(&text).unwrap();
        }
        eprintln!(
            "decode + extract of {} bytes: {:?} per page",
            bytes.len(),
            start.elapsed() / runs
        );
    }

    fn html_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<p>".to_owned()),
            Just("</p>".to_owned()),
            Just("<div class=ad>".to_owned()),
            Just("</div>".to_owned()),
            Just("<ul><li>".to_owned()),
            Just("</li></ul>".to_owned()),
            Just("<table><tr><td>".to_owned()),
            Just("</td></tr></table>".to_owned()),
            Just("<a href=\"/x\">".to_owned()),
            Just("<a href=\"javascript:x\">".to_owned()),
            Just("</a>".to_owned()),
            Just("<blockquote>".to_owned()),
            Just("<h2>".to_owned()),
            Just("<figure><figcaption>".to_owned()),
            Just("<br>".to_owned()),
            Just("<script>".to_owned()),
            Just("<article>".to_owned()),
            Just("<meta charset=gbk>".to_owned()),
            any::<String>(),
            "[a-z .,]{0,80}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    fn assert_clean(article: &Article) {
        let texts = std::iter::once(&article.title)
            .chain(article.byline.iter())
            .chain(article.blocks.iter().map(Block::text))
            .chain(article.links.iter());
        for text in texts {
            assert!(!text.as_str().chars().any(char::is_control), "{text:?}");
        }
        assert!(!article.blocks.is_empty());
        assert!(
            article
                .blocks
                .iter()
                .map(Block::text)
                .chain(article.links.iter())
                .all(|t| !t.is_empty())
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), ct in prop::option::of("[ -~]{0,40}")) {
            let html = decode(&bytes, ct.as_deref(), &page_url());
            if let Ok(article) = run(&html) {
                assert_clean(&article);
            }
        }

        #[test]
        fn damaged_fixture_never_panics(cut in 0..7443usize, flips in prop::collection::vec((0..7443usize, any::<u8>()), 0..16)) {
            let mut bytes = include_bytes!("../../tests/fixtures/articles/news_with_clutter.html").to_vec();
            for (at, byte) in flips {
                if let Some(slot) = bytes.get_mut(at) {
                    *slot = byte;
                }
            }
            bytes.truncate(cut);
            let html = decode(&bytes, None, &page_url());
            if let Ok(article) = run(&html) {
                assert_clean(&article);
            }
        }

        #[test]
        fn html_soup_never_panics(html in html_soup()) {
            let decoded = decode(html.as_bytes(), None, &url("https://example.jp/"));
            for source in [&html, &decoded] {
                if let Ok(article) = run(source) {
                    assert_clean(&article);
                }
            }
        }
    }
}
