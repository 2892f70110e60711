//! Rewrites the XML feed dialects feed-rs misreads into ones it reads, before it reads them:
//!
//! - Atom 0.3 (`http://purl.org/atom/ns#`) becomes Atom 1.0: `issued`/`modified` become
//!   `published`/`updated`, `tagline` `subtitle`, `copyright` `rights`, an author's `url` its
//!   `uri`, and the text constructs' MIME `type` plus `mode` (`xml`, `escaped`, `base64`) become
//!   Atom 1.0's `text`, `html` or `xhtml`, base64 decoded.
//! - RSS 0.90 (`http://my.netscape.com/rdf/simple/0.9/`) has RSS 1.0's elements in a namespace
//!   of its own, and becomes RSS 1.0.
//! - An RSS 0.90 or 1.0 item without a `<link>`, which feed-rs drops, gets [`NO_PAGE`].
//! - An item or entry with no `<title>` but a `dc:title`, which feed-rs does not read, gets
//!   that as its title.
//!
//! Why rewrite rather than map what feed-rs returns: it drops every element in a namespace it
//! does not know, so an Atom 0.3 feed comes back with no entries and nothing is left to map.
//! Rewritten, the old dialects get all that feed-rs does for the new ones (`xml:base`, relative
//! links, dates, content types) without a second reader of ours to keep in step with it.
//!
//! Only names and attributes change: text, CDATA and entity references are written back as
//! they came (never expanded), and a body that does not read as XML is left to feed-rs as it is.

mod names;

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::Engine as _;
use quick_xml::events::{BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer};

use names::{TextKind, atom10_element, declares_old_namespace, new_namespace};

const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
const RSS_090: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS_10: &str = "http://purl.org/rss/1.0/";
const DUBLIN_CORE: &str = "http://purl.org/dc/elements/1.1/";

/// feed-rs keeps an RDF item only if it has a link, so a linkless one gets this, which names
/// no page: only http(s) links are ever opened, so the item is listed with nothing to open,
/// as a linkless RSS 2.0 item is.
const NO_PAGE: &str = "urn:x-tickertape:no-link";

/// A title or a base64 body past this is not kept whole: the title is cut far shorter later,
/// and a summary is read only so far.
const MAX_CAPTURED_BYTES: usize = 256 * 1024;

/// The body with the dialects above rewritten, or `None` when it has none of them (the usual
/// case, which costs a few substring searches) or does not read as XML.
pub(super) fn rewritten(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let is_wanted = [ATOM_03, RSS_090, RSS_10]
        .iter()
        .any(|namespace| text.contains(namespace))
        || has_dc_title(text);
    if !is_wanted || !text.trim_start().starts_with('<') {
        return None;
    }
    Rewriter::new(text.len()).run(text).ok()
}

/// Whether a prefix bound to Dublin Core names a `title`. Most RSS 2.0 feeds declare Dublin
/// Core for `dc:creator` and `dc:date`, and should not pay for a rewrite they do not need.
fn has_dc_title(text: &str) -> bool {
    text.match_indices(DUBLIN_CORE).any(|(at, _)| {
        // `xmlns:dc="` before the namespace: the prefix is what follows the last `xmlns:`.
        let declaration = text[..at].trim_end_matches(['"', '\'']).trim_end();
        let Some(declaration) = declaration.strip_suffix('=') else {
            return false;
        };
        declaration
            .trim_end()
            .rsplit_once("xmlns:")
            .is_some_and(|(_, prefix)| text.contains(&format!("<{prefix}:title")))
    })
}

/// The namespaces that matter here; `Other` is all the rest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    None,
    Atom03,
    Atom10,
    Rss090,
    Rss10,
    DublinCore,
    Other,
}

impl Ns {
    fn of(resolved: &ResolveResult) -> Self {
        match resolved {
            ResolveResult::Bound(namespace) => match namespace.0 {
                ATOM_03 => Self::Atom03,
                ATOM_10 => Self::Atom10,
                RSS_090 => Self::Rss090,
                RSS_10 => Self::Rss10,
                DUBLIN_CORE => Self::DublinCore,
                _ => Self::Other,
            },
            ResolveResult::Unbound => Self::None,
            ResolveResult::Unknown(_) => Self::Other,
        }
    }

    fn is_rdf(self) -> bool {
        matches!(self, Self::Rss090 | Self::Rss10)
    }
}

/// An open `<item>` or `<entry>`: what it has had so far.
struct Item {
    depth: usize,
    ns: Ns,
    /// `"rss:"` for `<rss:item>`, so what is added lands in the item's namespace.
    prefix: String,
    has_title: bool,
    has_link: bool,
    dc_title: Option<String>,
}

enum Want {
    Title,
    Link,
    DcTitle,
    /// The element, already given its Atom 1.0 type, held back until its body is decoded.
    Base64(BytesStart<'static>),
}

/// The text of an element being read, up to its end tag at `depth`.
struct Capture {
    depth: usize,
    want: Want,
    text: String,
}

struct Rewriter {
    writer: Writer<Vec<u8>>,
    depth: usize,
    /// For each open element, the name to close it with when it was renamed.
    renamed: Vec<Option<String>>,
    items: Vec<Item>,
    capture: Option<Capture>,
}

impl Rewriter {
    fn new(capacity: usize) -> Self {
        Self {
            writer: Writer::new(Vec::with_capacity(capacity + 1024)),
            depth: 0,
            renamed: Vec::new(),
            items: Vec::new(),
            capture: None,
        }
    }

    fn run(mut self, text: &str) -> quick_xml::Result<Vec<u8>> {
        let mut reader = NsReader::from_str(text);
        loop {
            let (resolved, event) = reader.read_resolved_event()?;
            let ns = Ns::of(&resolved);
            match event {
                Event::Start(start) => self.start(ns, &start, false)?,
                Event::Empty(start) => self.start(ns, &start, true)?,
                Event::End(end) => self.end(&end)?,
                Event::Text(ref text) => self.text(text, event.clone())?,
                Event::CData(ref text) => self.text(text, event.clone())?,
                Event::GeneralRef(ref reference) => {
                    self.text(&referenced(reference), event.clone())?;
                }
                Event::Eof => break,
                other => self.write(other)?,
            }
        }
        Ok(self.writer.into_inner())
    }

    fn start(&mut self, ns: Ns, start: &BytesStart, is_empty: bool) -> quick_xml::Result<()> {
        let (local, prefix) = start.name().decompose();
        let local = local.as_ref();
        let prefix = prefix.map_or(String::new(), |prefix| format!("{}:", prefix.as_ref()));
        let (name, kind) = if ns == Ns::Atom03 {
            atom10_element(local, start)
        } else {
            (None, None)
        };
        let name = name.map(|name| format!("{prefix}{name}"));
        let event = if name.is_some() || kind.is_some() || declares_old_namespace(start) {
            rebuild(start, name.as_deref(), kind.as_ref())?
        } else {
            start.clone().into_owned()
        };
        if is_empty {
            return self.write(Event::Empty(event));
        }
        self.depth += 1;
        self.renamed.push(name);
        if self.capture.is_none() {
            let is_base64 = kind.is_some_and(|kind| kind.is_base64);
            self.capture = self.wanted(ns, local, &event, is_base64);
        }
        if is_item(ns, local) {
            self.items.push(Item {
                depth: self.depth,
                ns,
                prefix,
                has_title: false,
                has_link: false,
                dc_title: None,
            });
        }
        self.write(Event::Start(event))
    }

    /// Writes `event`, unless a base64 body is being held back to be decoded.
    fn write(&mut self, event: Event) -> quick_xml::Result<()> {
        match &self.capture {
            Some(Capture {
                want: Want::Base64(_),
                ..
            }) => Ok(()),
            _ => Ok(self.writer.write_event(event)?),
        }
    }

    /// What to read of an element just opened at `self.depth`, if anything.
    fn wanted(&self, ns: Ns, local: &str, start: &BytesStart, is_base64: bool) -> Option<Capture> {
        let want = if is_base64 {
            Want::Base64(start.clone().into_owned())
        } else {
            let item = self
                .items
                .last()
                .filter(|item| item.depth + 1 == self.depth)?;
            match (ns, local) {
                (Ns::DublinCore, "title") => Want::DcTitle,
                (_, "title") if ns == item.ns => Want::Title,
                (_, "link") if ns == item.ns => Want::Link,
                _ => return None,
            }
        };
        Some(Capture {
            depth: self.depth,
            want,
            text: String::new(),
        })
    }

    fn text(&mut self, text: &str, event: Event) -> quick_xml::Result<()> {
        if let Some(capture) = &mut self.capture {
            let room = MAX_CAPTURED_BYTES.saturating_sub(capture.text.len());
            capture.text.push_str(super::prefix(text, room));
        }
        self.write(event)
    }

    fn end(&mut self, end: &BytesEnd) -> quick_xml::Result<()> {
        let captured = self.capture.take_if(|capture| capture.depth == self.depth);
        if let Some(item) = self.items.pop_if(|item| item.depth == self.depth) {
            self.complete(&item)?;
        }
        self.depth = self.depth.saturating_sub(1);
        let end = match self.renamed.pop().flatten() {
            Some(name) => BytesEnd::new(name),
            None => end.clone(),
        };
        match captured {
            Some(Capture {
                want: Want::Base64(start),
                text,
                ..
            }) => self.decode(start, &text, end),
            Some(capture) => {
                self.captured(capture);
                self.write(Event::End(end))
            }
            None => self.write(Event::End(end)),
        }
    }

    fn captured(&mut self, capture: Capture) {
        let has_text = !capture.text.trim().is_empty();
        let Some(item) = self.items.last_mut() else {
            return;
        };
        match capture.want {
            Want::Title => item.has_title |= has_text,
            Want::Link => item.has_link |= has_text,
            Want::DcTitle if has_text => {
                item.dc_title.get_or_insert(capture.text);
            }
            _ => {}
        }
    }

    /// Writes a base64 element decoded, and empty when it does not decode. A body cut at
    /// [`MAX_CAPTURED_BYTES`] is decoded up to its last whole four characters.
    fn decode(&mut self, start: BytesStart, base64: &str, end: BytesEnd) -> quick_xml::Result<()> {
        let mut clean: Vec<u8> = base64
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        clean.truncate(clean.len() / 4 * 4);
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(clean)
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&decoded);
        self.write(Event::Start(start))?;
        self.write(Event::Text(BytesText::new(&text)))?;
        self.write(Event::End(end))
    }

    /// Adds what the item lacks just before its end tag, where feed-rs reads it last.
    fn complete(&mut self, item: &Item) -> quick_xml::Result<()> {
        let mut add = |name: &str, text: &str| -> quick_xml::Result<()> {
            let name = format!("{}{name}", item.prefix);
            self.writer
                .write_event(Event::Start(BytesStart::new(name.as_str())))?;
            self.writer.write_event(Event::Text(BytesText::new(text)))?;
            Ok(self.writer.write_event(Event::End(BytesEnd::new(name)))?)
        };
        if let (false, Some(title)) = (item.has_title, &item.dc_title) {
            add("title", title)?;
        }
        if item.ns.is_rdf() && !item.has_link {
            add("link", NO_PAGE)?;
        }
        Ok(())
    }
}

fn is_item(ns: Ns, local: &str) -> bool {
    match local {
        "item" => matches!(ns, Ns::None | Ns::Rss090 | Ns::Rss10),
        "entry" => matches!(ns, Ns::Atom03 | Ns::Atom10),
        _ => false,
    }
}

/// A reference in text as the character it stands for; one XML does not define (an HTML
/// entity, say) stays as written, as feed-rs leaves it.
fn referenced(reference: &BytesRef) -> Cow<'static, str> {
    let named = match &**reference {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => reference.resolve_char_ref().ok().flatten(),
    };
    named.map_or_else(
        || Cow::Owned(format!("&{};", &**reference)),
        |c| Cow::Owned(c.to_string()),
    )
}

/// The start tag renamed to `name`, old namespaces declared as new ones and, for a text
/// construct, 0.3's `type` and `mode` replaced by its Atom 1.0 type.
fn rebuild(
    start: &BytesStart,
    name: Option<&str>,
    kind: Option<&TextKind>,
) -> quick_xml::Result<BytesStart<'static>> {
    let name = name.unwrap_or(start.name().0);
    let mut content = name.to_owned();
    for attribute in start.attributes() {
        let attribute = attribute?;
        let key = attribute.key.0;
        if kind.is_some() && matches!(key, "type" | "mode") {
            continue;
        }
        let value = new_namespace(key, &attribute.value)
            .map_or_else(|| attribute.value.replace('"', "&quot;"), str::to_owned);
        let _ = write!(content, " {key}=\"{value}\"");
    }
    if let Some(new_type) = kind.and_then(|kind| kind.new_type.as_deref()) {
        let _ = write!(content, " type=\"{new_type}\"");
    }
    Ok(BytesStart::from_content(content, name.len()))
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use proptest::prelude::*;
    use url::Url;

    use super::super::parse_feed;
    use super::*;
    use crate::domain::{Block, Headline};
    use crate::sanitize::SafeText;

    const ATOM03: &[u8] = include_bytes!("../../../tests/fixtures/feeds/atom03.xml");
    const RSS090: &[u8] = include_bytes!("../../../tests/fixtures/feeds/rss090.xml");
    const RDF_NO_LINKS: &[u8] = include_bytes!("../../../tests/fixtures/feeds/rdf_no_links.xml");
    const OTHER_TITLES: &[u8] = include_bytes!("../../../tests/fixtures/feeds/other_titles.xml");

    fn parse(body: &[u8]) -> Vec<Headline> {
        let base = Url::parse("https://news.example.com/feeds/markets.xml").unwrap();
        let fetched_at = "2024-06-05T00:00:00Z".parse().unwrap();
        parse_feed(body, &SafeText::new("Test Wire"), &base, fetched_at).unwrap()
    }

    fn fields<'a, T>(headlines: &'a [Headline], field: impl Fn(&'a Headline) -> T) -> Vec<T> {
        headlines.iter().map(field).collect()
    }

    fn title(headline: &Headline) -> &str {
        headline.title.as_str()
    }

    fn link(headline: &Headline) -> Option<&str> {
        headline.link.as_deref()
    }

    fn paragraphs(texts: &[&str]) -> Vec<Block> {
        texts
            .iter()
            .map(|text| Block::Paragraph(SafeText::new(text)))
            .collect()
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn atom_03_reads_as_atom_1_0_with_its_dates_content_modes_and_relative_links() {
        let headlines = parse(ATOM03);
        assert_eq!(
            fields(&headlines, title),
            [
                "Copper & tin rally",
                "Zinc slips",
                "Nickel notes",
                "Lead, inline"
            ],
            "escaped markup stripped, a base64 title decoded"
        );
        assert_eq!(
            fields(&headlines, link),
            [
                // The feed's relative xml:base against the feed URL, the alternate link
                // against that, never the `service.edit` link before it.
                Some("https://news.example.com/archive/2004/06/copper.html"),
                // An entry's own absolute xml:base.
                Some("https://mirror.lamplighter.example/notes/zinc.html"),
                Some("https://news.example.com/archive/2004/06/nickel.html"),
                Some("https://news.example.com/archive/2004/06/lead.html"),
            ]
        );
        assert_eq!(
            fields(&headlines, |h| h.published.unwrap()),
            [
                ts("2004-06-03T08:00:00Z"), // issued, not modified
                ts("2004-06-02T12:30:00Z"), // modified, not dcterms:modified
                ts("2004-06-01T07:15:00Z"),
                ts("2004-05-31T07:15:00Z"),
            ]
        );
        assert_eq!(
            fields(&headlines, |h| h.summary.clone()),
            [
                paragraphs(&["Copper rose 4%.", "Tin followed."]), // mode="escaped"
                paragraphs(&["Zinc fell for a third day."]),       // text/plain summary
                paragraphs(&["Nickel was flat."]),                 // mode="base64"
                paragraphs(&["Lead held steady."]),                // mode="xml"
            ]
        );
    }

    #[test]
    fn rss_090_and_rdf_items_without_links_are_listed_with_nothing_to_open() {
        let old = parse(RSS090);
        assert_eq!(
            fields(&old, title),
            [
                "Harbour dues to rise in July",
                "Market closed for the regatta"
            ]
        );
        assert_eq!(
            fields(&old, link),
            [Some("https://quill.example.net/harbour-dues"), None]
        );
        let rdf = parse(RDF_NO_LINKS);
        assert_eq!(
            fields(&rdf, title),
            [
                "Trading halt lifted in Brimstone plc",
                "Dividend dates moved",
                "Index review published"
            ]
        );
        assert_eq!(
            fields(&rdf, link),
            [None, None, Some("https://notices.example.org/2024-119")]
        );
        let rss2 = parse(
            br#"<rss version="2.0"><channel><item>
                <title>Trading halt lifted in Brimstone plc</title>
                <description>Shares resume trading at 10:00.</description>
                <pubDate>Tue, 04 Jun 2024 09:30:00 GMT</pubDate>
            </item></channel></rss>"#,
        );
        assert_eq!(rdf[0], rss2[0], "the same as a linkless RSS 2.0 item");
        assert_eq!(
            rdf[0].summary,
            paragraphs(&["Shares resume trading at 10:00."])
        );
    }

    #[test]
    fn dc_title_then_media_title_stand_in_for_a_missing_title() {
        assert_eq!(
            fields(&parse(OTHER_TITLES), title),
            [
                "Only a Dublin Core title",
                "Only a Media RSS title",
                "Dublin Core title wins",
                "RSS title wins",
                "Blank RSS title gives way",
                "No title of any kind, so the summary stands in.",
            ]
        );
        let atom = parse(
            br#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://purl.org/dc/elements/1.1/">
                <entry><d:title>Caf&#233; &amp; bar</d:title><link href="/cafe"/></entry></feed>"#,
        );
        assert_eq!(fields(&atom, title), ["Café & bar"]);
    }

    #[test]
    fn a_broken_or_oversized_base64_body_costs_only_itself() {
        let entry = |id: u8, content: &str| {
            format!(
                r#"<entry><title>T{id}</title><content type="text/html" mode="base64">{content}</content></entry>"#
            )
        };
        let long = format!("<p>{}</p>", "a".repeat(300_000));
        let big = base64::engine::general_purpose::STANDARD.encode(long);
        let body = format!(
            r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#">{}{}{}</feed>"#,
            entry(1, "%%% not base64"),
            entry(2, &big),
            // Once cut at a byte inside the second character, and panicked.
            entry(3, "&#x202E;&#x202E;"),
        );
        let headlines = parse(body.as_bytes());
        assert_eq!(fields(&headlines, title), ["T1", "T2", "T3"]);
        assert_eq!(
            (&headlines[0].summary, &headlines[2].summary),
            (&vec![], &vec![])
        );
        let text = headlines[1].summary[0].text().as_str();
        assert!(
            text.starts_with("aaaa") && text.ends_with('…'),
            "{text:.20}"
        );
    }

    #[test]
    fn rewriting_keeps_entities_unexpanded_and_leaves_other_bodies_alone() {
        let body = br#"<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<item><title>&xxe; &lt;b&gt; <![CDATA[<i>]]></title></item></rdf:RDF>"#;
        let text = String::from_utf8(rewritten(body).unwrap()).unwrap();
        assert!(
            text.contains(&format!(
                "<title>&xxe; &lt;b&gt; <![CDATA[<i>]]></title><link>{NO_PAGE}</link></item>"
            )),
            "{text}"
        );
        assert_eq!(fields(&parse(body), title), ["&xxe;"]);
        assert_eq!(rewritten(b"<rss version=\"2.0\"><channel/></rss>"), None);
        let creator_only = br#"<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
            <channel><item><dc:creator>A</dc:creator><title>T</title></item></channel></rss>"#;
        assert_eq!(
            rewritten(creator_only),
            None,
            "Dublin Core without a dc:title"
        );
        let spaced = br#"<rss xmlns:d = 'http://purl.org/dc/elements/1.1/' version="2.0">
            <channel><item><d:title>T</d:title></item></channel></rss>"#;
        assert!(rewritten(spaced).is_some());
        assert_eq!(rewritten(br#"{"title": "http://purl.org/rss/1.0/"}"#), None);
        let broken = br#"<rdf:RDF xmlns="http://purl.org/rss/1.0/"><item></rdf:RDF>"#;
        assert_eq!(rewritten(broken), None, "left for feed-rs to report");
    }

    /// An element an item may hold, with text that may be markup, references or base64.
    fn child() -> impl Strategy<Value = String> {
        let tags = prop_oneof![
            Just(("<title>", "</title>")),
            Just((r#"<title type="text/html" mode="escaped">"#, "</title>")),
            Just((r#"<title mode="base64">"#, "</title>")),
            Just((r#"<content type="text/html" mode="base64">"#, "</content>")),
            Just(("<content type='application/xhtml+xml'>", "</content>")),
            Just(("<summary type=\"image/png\" mode=\"base64\">", "</summary>")),
            Just(("<issued>", "</issued>")),
            Just(("<modified>", "</modified>")),
            Just(("<link>", "</link>")),
            Just((r#"<link href="a" rel="alternate">"#, "</link>")),
            Just(("<dc:title>", "</dc:title>")),
            Just(("<description>", "</description>")),
        ];
        let text = prop_oneof![
            Just("PHA+aGk8L3A+"),
            Just("&amp;"),
            Just("&#x202E;"),
            Just("&rsquo;"),
            Just("<![CDATA[<b>]]>"),
            Just("<br/>"),
            Just("2004-06-03T09:00:00Z"),
            Just(" "),
            Just("x"),
        ];
        (tags, proptest::collection::vec(text, 0..4))
            .prop_map(|((open, close), text)| format!("{open}{}{close}", text.concat()))
    }

    proptest! {
        /// Whatever the rewriter is given, it writes back XML that reads to the end, and the
        /// parse never panics.
        #[test]
        fn dialect_shaped_feeds_rewrite_to_readable_xml_and_never_panic(
            root in 0..4_usize,
            items in proptest::collection::vec(proptest::collection::vec(child(), 0..5), 0..4),
        ) {
            let (open, item, close) = [
                (r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">"#, "entry", "</feed>"),
                (r#"<rdf:RDF xmlns:rdf="r" xmlns="http://my.netscape.com/rdf/simple/0.9/" xmlns:dc="http://purl.org/dc/elements/1.1/">"#, "item", "</rdf:RDF>"),
                (r#"<rdf:RDF xmlns:rdf="r" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">"#, "item", "</rdf:RDF>"),
                (r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>"#, "item", "</channel></rss>"),
            ][root];
            let items = items
                .iter()
                .map(|children| format!("<{item}>{}</{item}>", children.concat()))
                .collect::<Vec<_>>()
                .concat();
            let body = format!("{open}{items}{close}");
            let rewritten = rewritten(body.as_bytes()).map(String::from_utf8);
            prop_assert!(
                matches!(rewritten, Some(Ok(_))) || !body.contains(":title>"),
                "{body}"
            );
            if let Some(Ok(text)) = rewritten {
                let mut reader = NsReader::from_str(&text);
                loop {
                    match reader.read_event() {
                        Ok(Event::Eof) => break,
                        Ok(_) => {}
                        Err(error) => prop_assert!(false, "{error}: {body} became {text}"),
                    }
                }
            }
            let base = Url::parse("https://news.example.com/feed.xml").unwrap();
            let fetched_at = "2024-06-05T00:00:00Z".parse().unwrap();
            let _ = parse_feed(body.as_bytes(), &SafeText::new("T"), &base, fetched_at);
        }
    }
}
