//! A story's summary as blocks: the feed's HTML (or plain text) read with html5ever's tokenizer
//! alone, in linear time whatever the nesting, without scripts, styles or frames, and capped.

use std::cell::RefCell;

use feed_rs::model::Entry;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{clip, prefix, tidy};
use crate::domain::Block;
use crate::sanitize::SafeText;

/// A summary is a teaser shown until the article loads, not the article.
const MAX_BLOCKS: usize = 20;
const MAX_SUMMARY_CHARS: usize = 4_000;
/// HTML past this is not parsed at all: the summary caps are reached long before, and a
/// multi-megabyte `content:encoded` should not cost a parse per poll.
pub(super) const MAX_HTML_BYTES: usize = 64 * 1024;
/// Blocks nest a few deep in real markup; deeper ones read as part of the block around them.
const MAX_OPEN_BLOCKS: usize = 32;
/// Elements whose content is never text for a reader. Each is skipped to its end tag, so
/// only elements that always have one are here (not `<head>`, whose end is often implied).
const SKIPPED: &[&str] = &[
    "script", "style", "iframe", "noscript", "noembed", "noframes", "xmp", "title", "textarea",
    "template", "svg", "math", "canvas", "audio", "video", "select", "button",
];

/// The full content when the feed has it (`content:encoded`, Atom content, JSON
/// `content_html`), else the summary or description.
pub(super) fn summary_blocks(entry: &Entry) -> Vec<Block> {
    let content = (entry.content.as_ref())
        .and_then(|content| blocks_of(content.body.as_deref()?, content.content_type.as_str()));
    content
        .filter(|blocks| !blocks.is_empty())
        .or_else(|| {
            let summary = entry.summary.as_ref()?;
            blocks_of(&summary.content, summary.content_type.as_str())
        })
        .unwrap_or_default()
}

/// `None` for media types that are not text (a base64 image as Atom content, say).
fn blocks_of(body: &str, media_type: &str) -> Option<Vec<Block>> {
    match essence(media_type).as_str() {
        "text/plain" => Some(plain_blocks(body)),
        "text/html" | "application/xhtml" | "application/xhtml+xml" => Some(html_blocks(body)),
        _ => None,
    }
}

pub(super) fn essence(media_type: &str) -> String {
    let essence = media_type.split(';').next().unwrap_or(media_type);
    essence.trim().to_ascii_lowercase()
}

/// Plain text has no markup for structure; blank lines are the only paragraph breaks.
fn plain_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Blocks::default();
    for line in prefix(text, MAX_HTML_BYTES).lines() {
        if line.trim().is_empty() {
            blocks.flush();
        } else {
            blocks.push_text(line);
            blocks.push_text(" ");
        }
    }
    blocks.flush();
    blocks.done
}

/// Reads HTML with html5ever's tokenizer alone, keeping a small stack of open blocks, rather
/// than building a DOM: the tree builder's scope checks and its re-opening of unclosed
/// formatting elements (`<b id=1>…<b id=500>` then `<p>x</p>` many times) cost quadratic
/// time, so 64 kB of nested `<div>`s took a third of a second, for each of hundreds of
/// entries. The tokenizer is linear, and entities, comments and raw text read as in a browser.
pub(super) fn html_blocks(html: &str) -> Vec<Block> {
    let mut blocks = tokenize(html, Sink::default()).0.into_inner();
    blocks.flush();
    blocks.done
}

/// Runs the tokenizer over the capped prefix of `html` into `sink`.
pub(super) fn tokenize<S: TokenSink>(html: &str, sink: S) -> S {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(prefix(html, MAX_HTML_BYTES)));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    // The sink never asks for a script to run, so the tokenizer always reads to the end.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}

/// The tokenizer hands each token to `&self`, so the state lives in a cell.
#[derive(Default)]
pub(super) struct Sink(pub(super) RefCell<Blocks>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut blocks = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(text) if blocks.skipping.is_none() => blocks.push_text(&text),
            Token::TagToken(tag) => return blocks.tag(&tag),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Paragraph,
    Heading,
    ListItem,
    Quote,
}

/// What a block-level element makes of its text: headings, list items and quotes name their
/// kind, plain containers (`<p>` inside `<blockquote>`) keep the kind around them. `None` for
/// inline elements, whose text joins the block they are in.
fn block_kind(name: &str, outer: Kind) -> Option<Kind> {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Kind::Heading),
        "li" | "dt" | "dd" => Some(Kind::ListItem),
        "blockquote" => Some(Kind::Quote),
        "p" | "div" | "ul" | "ol" | "dl" | "section" | "article" | "header" | "footer"
        | "aside" | "main" | "nav" | "figure" | "figcaption" | "table" | "caption" | "tr"
        | "pre" | "hr" | "address" | "details" | "summary" | "center" | "form" | "fieldset"
        | "body" => Some(outer),
        _ => None,
    }
}

/// How the tokenizer must read a skipped element's content: as one run of text up to its end
/// tag, as a browser does, so markup inside a script never opens a block.
fn raw_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "title" | "textarea" => Some(RawKind::Rcdata),
        "style" | "iframe" | "noscript" | "noembed" | "noframes" | "xmp" => Some(RawKind::Rawtext),
        _ => None,
    }
}

/// Collects text into blocks until either summary cap is reached.
#[derive(Default)]
pub(super) struct Blocks {
    done: Vec<Block>,
    text: String,
    /// The open block elements, innermost last, at most [`MAX_OPEN_BLOCKS`].
    pub(super) open: Vec<(String, Kind)>,
    /// A skipped element being read, and how many of its name are open inside it.
    skipping: Option<(String, usize)>,
    chars: usize,
}

impl Blocks {
    fn kind(&self) -> Kind {
        self.open.last().map_or(Kind::Paragraph, |(_, kind)| *kind)
    }

    fn is_full(&self) -> bool {
        self.done.len() >= MAX_BLOCKS || self.chars >= MAX_SUMMARY_CHARS
    }

    fn push_text(&mut self, text: &str) {
        if self.text.len() < MAX_HTML_BYTES {
            self.text.push_str(text);
        }
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let opens = tag.kind == TagKind::StartTag && !tag.self_closing;
        if let Some((skipped, depth)) = &mut self.skipping {
            if name == skipped.as_str() {
                *depth = if opens {
                    *depth + 1
                } else {
                    depth.saturating_sub(1)
                };
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            return TokenSinkResult::Continue;
        }
        if tag.kind == TagKind::StartTag && SKIPPED.contains(&name) {
            // `<script/>` still opens a script in HTML: only foreign elements (`<svg/>`) close
            // themselves.
            let raw = raw_kind(name);
            if opens || raw.is_some() {
                self.skipping = Some((name.to_owned(), 1));
            }
            return raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData);
        }
        // Line breaks and table cells separate words but not blocks.
        if matches!(name, "br" | "td" | "th") {
            self.push_text(" ");
        }
        if block_kind(name, Kind::Paragraph).is_none() {
            return TokenSinkResult::Continue;
        }
        self.flush();
        if tag.kind == TagKind::EndTag {
            if let Some(at) = self.open.iter().rposition(|(open, _)| open == name) {
                self.open.truncate(at);
            }
        } else {
            // HTML's implied end tags: a block closes an open `<p>`, and an item an open item,
            // so an unclosed one does not lend its kind to everything after it.
            let closes = |open: &str| {
                open == "p"
                    || (matches!(name, "li" | "dt" | "dd") && matches!(open, "li" | "dt" | "dd"))
            };
            while self.open.last().is_some_and(|(open, _)| closes(open)) {
                self.open.pop();
            }
            if opens && name != "hr" && self.open.len() < MAX_OPEN_BLOCKS {
                let kind = block_kind(name, self.kind()).unwrap_or(Kind::Paragraph);
                self.open.push((name.to_owned(), kind));
            }
        }
        TokenSinkResult::Continue
    }

    /// Ends the current block; an empty one is dropped.
    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.text);
        if self.is_full() {
            return;
        }
        let text = clip(&tidy(&raw), MAX_SUMMARY_CHARS - self.chars);
        if text.is_empty() {
            return;
        }
        self.chars += text.chars().count();
        let text = SafeText::new(&text);
        self.done.push(match self.kind() {
            Kind::Paragraph => Block::Paragraph(text),
            Kind::Heading => Block::Heading(text),
            Kind::ListItem => Block::ListItem(text),
            Kind::Quote => Block::Quote(text),
        });
    }
}
