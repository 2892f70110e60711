//! Cutting a page down before Readability scores it: bounds on size and nesting depth (html5ever
//! and Readability slow down with the square of depth), then the clutter that markup alone gives
//! away (ads, share bars, consent dialogs), keeping whatever wraps the story.

use dom_query::{Document, NodeRef};

// ---------------------------------------------------------------------------------------------
// Bounds: html5ever and Readability slow down with the square of nesting depth, so hostile
// or badly broken pages are cut down to a size and depth no real article needs.

const MAX_HTML_BYTES: usize = 8 << 20;

/// Open elements the estimate may reach before the rest of the page is dropped.
pub(super) const MAX_OPEN_ESTIMATE: usize = 1000;

/// Depth below which the tree is kept as text only.
pub(super) const MAX_DEPTH: usize = 400;

/// Elements that never stay open: void ones, and ones the parser closes when a sibling
/// starts. Only the others can pile up into deep nesting.
const SELF_CLOSING: &[&[u8]] = &[
    b"p", b"a", b"li", b"br", b"img", b"td", b"tr", b"th", b"dt", b"dd", b"hr", b"meta", b"link",
    b"input", b"option", b"col", b"area", b"base", b"embed", b"param", b"source", b"track", b"wbr",
    b"thead", b"tbody", b"tfoot", b"caption", b"nobr",
];

/// Whether `item` is one of the `|`-separated entries of `list`. Lists are strings so that
/// they stay readable in a few lines.
pub(super) fn listed(list: &str, item: &str) -> bool {
    list.split('|').any(|entry| entry.trim_start() == item)
}

/// `html` cut before the first tag that would leave more than [`MAX_OPEN_ESTIMATE`]
/// elements open, counting start against end tags.
pub(super) fn bounded(html: &str) -> &str {
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
pub(super) fn flatten_deep(document: &Document) {
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

pub(super) fn remove_clutter(document: &Document) {
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
pub(super) fn words(value: &str) -> Vec<String> {
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
