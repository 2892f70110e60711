//! Turns the body of a news feed into [`Headline`]s. A feed is the least trustworthy input the
//! program reads: whoever runs it (or sits between it and us) picks every byte, and real feeds
//! are messy even when nobody means harm. So this module is pure (bytes in, values out, no I/O)
//! and assumes the worst:
//!
//! - Formats: RSS 0.90/0.9x/2.0, RDF (RSS 1.0), Atom 0.3/1.0 and JSON Feed, read by feed-rs,
//!   which also applies `xml:base` and unwraps CDATA; the dialects it misreads are rewritten
//!   first (see [`dialects`]). The charset a BOM or the XML declaration names (GB2312/GBK,
//!   Windows-1252, UTF-16, …) is decoded here first, as quick-xml can panic on it.
//! - Wrong bodies: an outage or consent page, an OPML list or a CDF file served with status
//!   200 is [`FeedError::Unsupported`], naming what it is, and a feed without stories
//!   [`FeedError::Empty`], so the user is told why nothing is listed rather than shown nothing
//!   or an XML error. An `<rss>` root with no or an unusual version ("2.01"), which feed-rs
//!   refuses, is read as RSS 2.0.
//! - Markup where text belongs: RSS titles carry tags, entities escaped twice (`&amp;#8217;`)
//!   and HTML entities XML never declared (`&rsquo;`, left as text by the XML reader); they are
//!   decoded and stripped. Summaries are HTML and become [`Block`]s, without scripts, styles
//!   or iframes, read in linear time whatever the nesting (see [`html_blocks`]).
//! - XML entity declarations are never expanded, so neither "billion laughs" nor an external
//!   entity (`SYSTEM "file:///…"`) does anything.
//! - Terminal injection: every string goes through [`SafeText`], so escape sequences (colours,
//!   OSC 8 links, OSC 52 clipboard writes) and bidi overrides never reach the screen.
//! - Size: titles, summaries, ids and the number of entries are capped.
//! - Identity: one story arrives through several feeds and many polls, with different guids
//!   and tracking parameters; [`story_key`] gives it one id.

use feed_rs::model::{Entry, FeedType, Link, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use jiff::{SignedDuration, Timestamp};
use url::Url;

use crate::domain::Headline;
use crate::sanitize::SafeText;

mod decode;
mod dialects;
mod identity;
mod sniff;
mod summary;
use decode::{
    as_rss2, is_no_root, read, starts_with_ignore_case, trim_start, without_declarations,
};
pub use identity::{canonical_link, story_key};
use identity::{distinct, guid};
use summary::{essence, html_blocks, summary_blocks};

/// Why a body produced no headlines. The user sees it next to the feed's name, worded as an
/// outage is, so a feed that shows nothing always says why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedError {
    /// No feed at all: an HTML page, an OPML list of feeds, a CDF channel, an empty body. It
    /// names what came (see [`sniff`]), so a wrong URL reads differently from a format we do
    /// not read.
    #[error("no stories found (unsupported format: {0})")]
    Unsupported(String),
    /// A feed we read, with no stories in it.
    #[error("feed is empty")]
    Empty,
    /// XML that feed-rs cannot read: name briefly what failed, sanitised, <= 200 chars.
    #[error("malformed feed: {0}")]
    Malformed(String),
}

/// A list row shows one line; past this a title is noise (and a hostile one is 10 kB).
const MAX_TITLE_CHARS: usize = 300;
/// An untitled story is listed by the start of its summary, about a line's worth.
const FALLBACK_TITLE_CHARS: usize = 80;
const UNTITLED: &str = "(untitled)";
/// Real feeds carry 10 to 100 items; more is a dump, and the list only keeps so many anyway.
const MAX_ENTRIES: usize = 500;
/// Ids are kept in the read set and the cache; a 10 kB guid should not be.
const MAX_GUID_CHARS: usize = 512;
const MAX_ERROR_CHARS: usize = 200;
/// A date up to this far after the fetch is a mislabelled time zone and is read as "now"; a
/// date further ahead is junk, and either would pin the story to the top of the list.
const FUTURE_SLACK: SignedDuration = SignedDuration::from_hours(24);

/// Parses one RSS 0.9x/2.0, RDF (RSS 1.0), Atom or JSON Feed body into headlines, newest
/// first as the feed gives them. `source` is the feed's configured name (shown in the list);
/// `base` is the feed URL, against which relative links resolve.
///
/// Entries with no title, no summary and no link are dropped, as is a second entry with the
/// id of an earlier one (the first, usually newest, wins): the list keys stories by id. Entries
/// of one feed that share a link but not a guid stay distinct (see [`distinct`]). Dates
/// are the feed's published, else updated, else `None`; `fetched_at` only bounds them (see
/// [`FUTURE_SLACK`]), it never stands in for a missing one.
pub fn parse_feed(
    body: &[u8],
    source: &SafeText,
    base: &Url,
    fetched_at: Timestamp,
) -> Result<Vec<Headline>, FeedError> {
    let body = &*without_declarations(body);
    let start = trim_start(body);
    if start.is_empty() || starts_with_ignore_case(start, &[b"<!doctype html", b"<html"]) {
        return Err(FeedError::Unsupported(sniff::format_of(body)));
    }
    let rewritten = dialects::rewritten(body);
    let body = rewritten.as_deref().unwrap_or(body);
    let mut parsed = read(body, base);
    if is_no_root(&parsed)
        && let Some(fixed) = as_rss2(body)
    {
        parsed = read(&fixed, base);
    }
    let feed = parsed.map_err(|error| match error {
        // feed-rs read the markup and found no feed in it: an XHTML page, a SOAP fault, text.
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            FeedError::Unsupported(sniff::format_of(body))
        }
        other => FeedError::Malformed(clip(&tidy(&other.to_string()), MAX_ERROR_CHARS)),
    })?;
    // Atom `type="text"` and JSON Feed titles are plain text by their specs; RSS titles are
    // whatever the publisher's CMS emitted, so markup in them is read as HTML.
    let plain_titles = matches!(feed.feed_type, FeedType::Atom | FeedType::JSON);
    let headlines = feed.entries.iter().take(MAX_ENTRIES).filter_map(|entry| {
        let headline = headline(entry, source, base, fetched_at, plain_titles)?;
        Some((guid(entry), headline))
    });
    let headlines = distinct(headlines.collect());
    if headlines.is_empty() {
        return Err(FeedError::Empty);
    }
    Ok(headlines)
}

fn headline(
    entry: &Entry,
    source: &SafeText,
    base: &Url,
    fetched_at: Timestamp,
    plain_titles: bool,
) -> Option<Headline> {
    let summary = summary_blocks(entry);
    // A `dc:title` arrives as the title itself (see `dialects`); feed-rs files `media:title`
    // under the entry's media.
    let media_titles = entry.media.iter().filter_map(|media| media.title.as_ref());
    let title = (entry.title.iter().chain(media_titles))
        .map(|title| title_text(title, plain_titles))
        .find(|title| !title.is_empty());
    let guid = guid(entry);
    // An RSS guid is a permalink unless it says otherwise, and many Atom ids are the page's
    // URL: better than no link at all.
    let link = entry_link(&entry.links, base)
        .or_else(|| guid.and_then(http_url))
        .map(|link| canonical_link(&link));
    if title.is_none() && summary.is_empty() && link.is_none() {
        return None;
    }
    let title = title
        .or_else(|| {
            let text = summary.iter().map(|block| block.text().as_str());
            Some(clip(
                &text.collect::<Vec<_>>().join(" "),
                FALLBACK_TITLE_CHARS,
            ))
            .filter(|text| !text.is_empty())
        })
        .map_or_else(
            || UNTITLED.to_owned(),
            |title| clip(&title, MAX_TITLE_CHARS),
        );
    let published = (entry.published.or(entry.updated))
        .and_then(|date| {
            let nanos = i32::try_from(date.timestamp_subsec_nanos()).ok()?;
            Timestamp::new(date.timestamp(), nanos).ok()
        })
        .and_then(|at| plausible(at, fetched_at));
    Some(Headline {
        id: story_key(link.as_ref().map(Url::as_str), guid, &title),
        title: SafeText::new(&title),
        source: source.clone(),
        published,
        link: link.map(String::from),
        summary,
    })
}

fn plausible(at: Timestamp, fetched_at: Timestamp) -> Option<Timestamp> {
    if at <= fetched_at {
        Some(at)
    } else if at.duration_since(fetched_at) <= FUTURE_SLACK {
        Some(fetched_at)
    } else {
        None
    }
}

/// The story's own page: an alternate link before any other, never a comments link, and only
/// http(s), which also keeps `javascript:` and `data:` links off the screen.
fn entry_link(links: &[Link], base: &Url) -> Option<Url> {
    let resolve = |link: &Link| base.join(link.href.trim()).ok().filter(is_http);
    let candidates = links.iter().filter(|link| link.target.is_none());
    candidates
        .clone()
        .filter(|link| {
            (link.rel.as_deref()).is_none_or(|rel| rel.eq_ignore_ascii_case("alternate"))
        })
        .find_map(resolve)
        .or_else(|| candidates.clone().find_map(resolve))
}

fn http_url(raw: &str) -> Option<Url> {
    Url::parse(raw.trim()).ok().filter(is_http)
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

fn title_text(title: &Text, plain: bool) -> String {
    if plain && essence(title.content_type.as_str()) == "text/plain" {
        return tidy(&title.content);
    }
    if !title.content.contains(['<', '&']) {
        return tidy(&title.content);
    }
    let blocks = html_blocks(&title.content);
    let text = blocks.iter().map(|block| block.text().as_str());
    text.collect::<Vec<_>>().join(" ")
}

/// Sanitised, with every run of whitespace one space and none at the ends.
fn tidy(raw: &str) -> String {
    let safe = SafeText::new(raw);
    safe.as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` chars, the last an ellipsis when anything was cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        return text.to_owned();
    }
    let cut = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(0, |(at, _)| at);
    format!("{}…", text[..cut].trim_end())
}

/// The longest prefix of at most `max_bytes` that ends on a char boundary.
fn prefix(text: &str, max_bytes: usize) -> &str {
    let mut end = max_bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use html5ever::tokenizer::{Token, TokenSink, TokenSinkResult};

    use super::summary::{MAX_HTML_BYTES, Sink, tokenize};
    use super::*;
    use crate::domain::Block;
    use proptest::prelude::*;

    const RSS2: &[u8] = include_bytes!("../../tests/fixtures/feeds/rss2.xml");
    const RSS091: &[u8] = include_bytes!("../../tests/fixtures/feeds/rss091.xml");
    const RDF: &[u8] = include_bytes!("../../tests/fixtures/feeds/rdf.xml");
    const ATOM: &[u8] = include_bytes!("../../tests/fixtures/feeds/atom.xml");
    const JSON_FEED: &[u8] = include_bytes!("../../tests/fixtures/feeds/json_feed.json");
    const HOSTILE: &[u8] = include_bytes!("../../tests/fixtures/feeds/hostile.xml");
    const CJK: &[u8] = include_bytes!("../../tests/fixtures/feeds/cjk.xml");
    const MALFORMED: &[u8] = include_bytes!("../../tests/fixtures/feeds/malformed.xml");
    const NOT_A_FEED: &[u8] = include_bytes!("../../tests/fixtures/feeds/not_a_feed.html");
    const TRACKING: &[u8] = include_bytes!("../../tests/fixtures/feeds/tracking.xml");
    const GBK: &[u8] = include_bytes!("../../tests/fixtures/feeds/gbk.xml");

    const BASE: &str = "https://news.example.com/feeds/markets.xml";
    const FETCHED: &str = "2024-06-05T00:00:00Z";

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn try_parse(body: &[u8]) -> Result<Vec<Headline>, FeedError> {
        let base = Url::parse(BASE).unwrap();
        parse_feed(body, &SafeText::new("Test Wire"), &base, ts(FETCHED))
    }

    fn parse(body: &[u8]) -> Vec<Headline> {
        try_parse(body).unwrap()
    }

    fn rss(items: &str) -> Vec<u8> {
        format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>"#)
            .into_bytes()
    }

    fn titles(headlines: &[Headline]) -> Vec<&str> {
        headlines.iter().map(|h| h.title.as_str()).collect()
    }

    fn ids(headlines: &[Headline]) -> Vec<&str> {
        headlines.iter().map(|h| h.id.as_str()).collect()
    }

    fn links(headlines: &[Headline]) -> Vec<Option<&str>> {
        headlines.iter().map(|h| h.link.as_deref()).collect()
    }

    fn paragraph(text: &str) -> Block {
        Block::Paragraph(SafeText::new(text))
    }

    /// Every string of a headline, for the properties that must hold of all of them.
    fn strings(headline: &Headline) -> Vec<&str> {
        let mut all = vec![
            headline.id.as_str(),
            headline.title.as_str(),
            headline.source.as_str(),
        ];
        all.extend(headline.link.as_deref());
        all.extend(headline.summary.iter().map(|block| block.text().as_str()));
        all
    }

    fn is_clean(text: &str) -> bool {
        text.chars().all(|c| {
            !c.is_control()
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
    }

    #[test]
    fn rss2_titles_are_decoded_stripped_and_collapsed() {
        let headlines = parse(RSS2);
        assert_eq!(
            titles(&headlines),
            [
                "Gilts rally as central bank signals \u{2018}patient\u{2019} path",
                "FTSE 100 edges higher; miners & banks lead, investors\u{2019} mood lifts",
                "Explainer: what a steeper yield curve means",
                "A wire item that arrived without any title at all, so the reader needs somethin…",
                "Copper hits two-year high",
                "Oil SLIPS on Supply News",
            ]
        );
        assert!(headlines.iter().all(|h| h.source.as_str() == "Test Wire"));
    }

    #[test]
    fn rss2_links_are_absolute_and_canonical_and_ids_prefer_them() {
        let headlines = parse(RSS2);
        assert_eq!(
            links(&headlines),
            [
                Some("https://news.example.com/markets/a.html"),
                Some("https://news.example.com/markets/b.html"),
                Some("https://news.example.com/markets/c.html?page=2"),
                Some("https://news.example.com/markets/d.html"),
                None,
                None,
            ]
        );
        assert_eq!(
            ids(&headlines),
            [
                // This item has a guid too: the link wins, for cross-feed de-duplication.
                "link:https://news.example.com/markets/a.html",
                "link:https://news.example.com/markets/b.html",
                "link:https://news.example.com/markets/c.html?page=2",
                "link:https://news.example.com/markets/d.html",
                "guid:hsj-2024-0005",
                "title:oil slips on supply news",
            ]
        );
    }

    #[test]
    fn rss2_dates_are_the_feeds_or_none() {
        let published: Vec<_> = parse(RSS2).iter().map(|h| h.published).collect();
        assert_eq!(
            published,
            [
                Some(ts("2024-06-04T06:30:00Z")),
                None,
                Some(ts("2024-06-03T18:05:00Z")),
                Some(ts("2024-06-03T12:00:00Z")),
                Some(ts("2024-06-03T09:00:00Z")),
                None,
            ]
        );
    }

    #[test]
    fn content_encoded_wins_over_description_and_becomes_blocks_in_order() {
        let headlines = parse(RSS2);
        assert_eq!(
            headlines[2].summary,
            [
                paragraph("The curve steepened again. Traders shrugged."),
                Block::Heading(SafeText::new("Why it matters")),
                Block::ListItem(SafeText::new(
                    "Mortgage rates follow the \u{201C}five-year\u{201D} swap."
                )),
                Block::ListItem(SafeText::new("Pension funds rebalance.")),
                Block::Quote(SafeText::new(
                    "\u{201C}We are watching closely,\u{201D} one strategist said."
                )),
                paragraph("Loose text after the quote."),
            ]
        );
    }

    #[test]
    fn description_html_and_entities_are_decoded() {
        let headlines = parse(RSS2);
        assert_eq!(
            headlines[0].summary,
            [paragraph(
                "Ten-year yields fell 12 basis points in early trade."
            )]
        );
        assert_eq!(
            headlines[1].summary,
            [paragraph(
                "Plain description with an entity & a line break."
            )]
        );
        assert!(headlines[4].summary.is_empty());
    }

    #[test]
    fn an_entry_with_nothing_to_show_is_dropped() {
        assert_eq!(parse(RSS2).len(), 6);
        let blank = "<item><title> </title></item>";
        let kept = "<item><title>Kept</title></item>";
        assert_eq!(titles(&parse(&rss(&format!("{blank}{kept}")))), ["Kept"]);
        assert_eq!(try_parse(&rss(blank)), Err(FeedError::Empty));
    }

    #[test]
    fn untitled_entry_without_summary_is_untitled() {
        let headlines = parse(&rss("<item><link>https://a.example/x</link></item>"));
        assert_eq!(titles(&headlines), ["(untitled)"]);
        assert_eq!(ids(&headlines), ["link:https://a.example/x"]);
    }

    #[test]
    fn rss091_is_read_and_relative_links_resolve_against_the_feed_url() {
        let headlines = parse(RSS091);
        assert_eq!(
            titles(&headlines),
            ["Sterling steady against the euro", "Café chain shares jump"]
        );
        assert_eq!(
            links(&headlines),
            [
                Some("http://gazette.example.net/fx/sterling.html"),
                Some("https://news.example.com/feeds/fx/cafe.html"),
            ]
        );
        assert!(headlines.iter().all(|h| h.published.is_none()));
        assert_eq!(
            headlines[0].summary,
            [paragraph("Cable traded in a narrow range.")]
        );
    }

    #[test]
    fn rdf_uses_dc_date_and_drops_tracking_parameters() {
        let headlines = parse(RDF);
        assert_eq!(
            titles(&headlines),
            [
                "Nikkei closes at record as exporters gain",
                "DAX slips in thin trade"
            ]
        );
        assert_eq!(
            links(&headlines),
            [
                Some("https://rdf.example.org/2024/06/04/nikkei"),
                Some("https://rdf.example.org/2024/06/04/dax"),
            ]
        );
        assert_eq!(
            headlines.iter().map(|h| h.published).collect::<Vec<_>>(),
            [
                Some(ts("2024-06-04T06:10:00Z")),
                Some(ts("2024-06-04T17:45:30Z"))
            ]
        );
    }

    #[test]
    fn atom_resolves_xml_base_and_falls_back_to_updated() {
        let headlines = parse(ATOM);
        assert_eq!(
            links(&headlines),
            [
                Some("https://wire.example.org/markets/2024/06/04/yen.html"),
                Some("https://wire.example.org/equities/spx.html"),
                // No link element: the id is the page's URL.
                Some("https://wire.example.org/markets/2024/06/04/xetra.html"),
            ]
        );
        assert_eq!(
            headlines.iter().map(|h| h.published).collect::<Vec<_>>(),
            [
                Some(ts("2024-06-04T09:58:00Z")),
                Some(ts("2024-06-04T06:30:00Z")),
                None
            ]
        );
        assert_eq!(
            ids(&headlines)[0],
            "link:https://wire.example.org/markets/2024/06/04/yen.html"
        );
    }

    #[test]
    fn atom_html_titles_are_stripped_and_text_titles_kept_literally() {
        assert_eq!(
            titles(&parse(ATOM)),
            [
                "Yen weakens past 157 per dollar",
                "S&P 500 < 5,400 as <b> tags stay literal",
                "Xetra opens flat",
            ]
        );
    }

    #[test]
    fn atom_content_text_summary_and_xhtml_become_blocks() {
        let headlines = parse(ATOM);
        assert_eq!(
            headlines[0].summary,
            [
                paragraph("The yen fell."),
                paragraph("Officials declined to comment.")
            ]
        );
        assert_eq!(
            headlines[1].summary,
            [
                paragraph("First paragraph."),
                paragraph("Second paragraph after a blank line.")
            ]
        );
        assert_eq!(
            headlines[2].summary,
            [
                paragraph("Opening call: flat."),
                Block::ListItem(SafeText::new("SAP up"))
            ]
        );
    }

    #[test]
    fn json_feed_is_read() {
        let headlines = parse(JSON_FEED);
        assert_eq!(
            titles(&headlines),
            [
                "Bitcoin ETF flows turn positive",
                "Ether upgrade date set",
                "A title-less microblog note about <stablecoins> & their reserves.",
            ]
        );
        assert_eq!(
            ids(&headlines),
            [
                "link:https://ledger.example.io/posts/btc-etf",
                "link:https://news.example.com/posts/eth-upgrade",
                "guid:2024-06-03-note",
            ]
        );
        assert_eq!(
            headlines.iter().map(|h| h.published).collect::<Vec<_>>(),
            [
                Some(ts("2024-06-04T06:00:00Z")),
                Some(ts("2024-06-03T21:15:00Z")),
                None
            ]
        );
        assert_eq!(
            headlines[0].summary,
            [
                paragraph("Net inflows returned on Monday."),
                Block::Heading(SafeText::new("By fund")),
                Block::ListItem(SafeText::new("Fund A")),
                Block::ListItem(SafeText::new("Fund B")),
            ]
        );
        assert_eq!(
            headlines[1].summary,
            [
                paragraph("Developers agreed on a date."),
                paragraph("Testnets go first.")
            ]
        );
    }

    #[test]
    fn hostile_feed_loses_every_control_and_bidi_character() {
        let headlines = parse(HOSTILE);
        assert_eq!(headlines.len(), 4);
        for text in headlines.iter().flat_map(strings) {
            assert!(is_clean(text), "unsafe text: {text:?}");
        }
        assert_eq!(
            titles(&headlines)[..3],
            [
                "[31mRED ALERT[0m markets crash",
                "]52;c;cm0gLXJmIH4=clipboard [2J1;1H raw",
                "Price 0001$ reversed and isolate",
            ]
        );
        assert_eq!(
            headlines[0].summary,
            [paragraph("]8;;https://evil.example/click me]8;;")]
        );
        assert_eq!(
            headlines[1].summary,
            [paragraph("raw [5m blink bell"), paragraph("gnp.exe")]
        );
    }

    #[test]
    fn hostile_ten_thousand_char_title_is_capped_at_300() {
        let title = parse(HOSTILE)[3].title.as_str().to_owned();
        assert_eq!(title.chars().count(), 300);
        assert!(title.starts_with("Markets Markets"));
        assert!(title.ends_with("Mar…"), "{title}");
    }

    #[test]
    fn only_http_links_are_kept() {
        let headlines = parse(HOSTILE);
        assert_eq!(
            links(&headlines),
            [
                Some("https://hostile.example.com/1"),
                None,
                None,
                Some("https://hostile.example.com/long")
            ]
        );
        // The guid with an escape sequence loses to the link; without one it is sanitised.
        assert_eq!(ids(&headlines)[0], "link:https://hostile.example.com/1");
        let guid_only = parse(&rss(
            "<item><title>x</title><guid>evil&#27;[2J-\u{202E}guid</guid></item>",
        ));
        assert_eq!(ids(&guid_only), ["guid:evil[2J-guid"]);
    }

    #[test]
    fn cjk_titles_survive() {
        let headlines = parse(CJK);
        assert_eq!(
            titles(&headlines),
            [
                "沪深300指数收涨1.2%，科技股领涨",
                "日経平均株価、終値で最高値を更新"
            ]
        );
        assert_eq!(headlines[0].summary, [paragraph("北向资金净流入。")]);
        assert_eq!(headlines[0].published, Some(ts("2024-06-04T07:05:00Z")));
        assert_eq!(
            headlines[1].link.as_deref(),
            Some("https://cjk.example.jp/news/nikkei-%E6%9C%80%E9%AB%98%E5%80%A4.html")
        );
    }

    #[test]
    fn gb2312_feed_is_decoded_from_its_xml_declaration() {
        // "人民币" in GB2312, not UTF-8.
        assert!(GBK.windows(6).any(|w| w == b"\xC8\xCB\xC3\xF1\xB1\xD2"));
        let headlines = parse(GBK);
        assert_eq!(titles(&headlines), ["人民币汇率中间价上调"]);
        assert_eq!(headlines[0].summary, [paragraph("外汇市场交投清淡。")]);
        assert_eq!(headlines[0].published, Some(ts("2024-06-04T01:15:00Z")));
    }

    /// Found by `cargo fuzz run feed`: quick-xml panicked (`set_encoding() called after prefix
    /// buffer was drained`) on a declaration naming another charset past its first 64 bytes,
    /// and with `panic = "abort"` a feed could end the program.
    #[test]
    fn declarations_past_the_first_bytes_never_panic_and_still_name_the_charset() {
        let items = "<channel><title>x</title><item><title>caf\u{e9}</title>\
            <link>https://e.com/a</link></item></channel></rss>";
        let rss = format!("<rss version=\"2.0\">{items}");
        let latin1 = |text: &str| -> Vec<u8> {
            text.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap())
                .collect()
        };
        let declaration = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";
        // After blank lines (PHP feeds often start so), and after a long declaration.
        let padded = format!("{}{declaration}{rss}", "\n".repeat(80));
        let long = format!(
            "<?xml version=\"1.0\"{}encoding=\"ISO-8859-1\"?>{rss}",
            " ".repeat(80)
        );
        for body in [latin1(&padded), latin1(&long)] {
            assert_eq!(titles(&parse(&body)), ["caf\u{e9}"]);
        }
        // A UTF-16BE feed with its standard declaration, with and without a BOM.
        let utf16 = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{rss}");
        let be: Vec<u8> = utf16.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = [&[0xFE, 0xFF][..], &be].concat();
        for body in [be, with_bom] {
            assert_eq!(titles(&parse(&body)), ["caf\u{e9}"]);
        }
        // A second declaration mid-file, or one after a comment: ill-formed, but no panic.
        let mid = format!("<?xml version=\"1.0\"?>{rss}").replace("</title>", declaration);
        let _ = try_parse(mid.as_bytes());
        let _ = try_parse(format!("<!-- {} -->{declaration}{rss}", "x".repeat(80)).as_bytes());
        // A malformed byte that quick-xml skipped, revealing a declaration past the first bytes.
        let hidden = [
            &b"<\xB0?xml"[..],
            &[b' '; 80],
            &declaration.as_bytes()[5..],
            rss.as_bytes(),
        ]
        .concat();
        let _ = try_parse(&hidden);
    }

    #[test]
    fn truncated_feed_is_malformed_with_a_short_clean_reason() {
        let Err(FeedError::Malformed(reason)) = try_parse(MALFORMED) else {
            panic!("expected Malformed");
        };
        assert!(reason.starts_with("unable to parse XML"), "{reason}");
        assert!(reason.chars().count() <= 200 && is_clean(&reason));
    }

    #[test]
    fn html_pages_and_empty_bodies_are_not_feeds() {
        let unsupported = |format: &str| Err(FeedError::Unsupported(format.to_owned()));
        assert_eq!(try_parse(NOT_A_FEED), unsupported("HTML page"));
        let bodies: [(&[u8], &str); 7] = [
            (b"", "empty body"),
            (b" \r\n\t ", "empty body"),
            (b"\xEF\xBB\xBF", "empty body"),
            (b"\xEF\xBB\xBF  <HTML><body>hi</body></HTML>", "HTML page"),
            (b"<!doctype HTML><p>consent</p>", "HTML page"),
            (b"Service Unavailable", "plain text"),
            (
                br#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>"#,
                "HTML page",
            ),
        ];
        for (body, format) in bodies {
            assert_eq!(try_parse(body), unsupported(format), "{body:?}");
        }
        assert_eq!(
            FeedError::Unsupported("HTML page".to_owned()).to_string(),
            "no stories found (unsupported format: HTML page)"
        );
    }

    #[test]
    fn rss_without_a_known_version_is_read_as_rss2() {
        for root in [
            "<rss>",
            r#"<rss version="2.01">"#,
            "<rss\n  xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
        ] {
            let body = format!(
                "<?xml version=\"1.0\"?>{root}<channel><item><title>Hi</title></item></channel></rss>"
            );
            assert_eq!(titles(&parse(body.as_bytes())), ["Hi"], "{root}");
        }
    }

    #[test]
    fn links_differing_only_by_tracking_get_one_id() {
        let headlines = parse(TRACKING);
        let gold = "https://track.example.com/story/gold?id=42&page=1";
        // Two guids in one feed are two stories; the one listed last keeps the link's id.
        assert_eq!(
            ids(&headlines),
            [
                "guid:feed-a-1001",
                format!("link:{gold}").as_str(),
                "link:https://track.example.com/story/silver"
            ]
        );
        assert_eq!(headlines[0].link.as_deref(), Some(gold));
        assert_eq!(headlines[1].link.as_deref(), Some(gold));
        let a =
            "https://Track.Example.com/story/gold?id=42&utm_source=rss&utm_medium=feed&page=1#top";
        let b = "https://track.example.com/story/gold?fbclid=IwAR0abc&id=42&page=1&UTM_Campaign=x";
        assert_eq!(
            story_key(Some(a), Some("feed-a-1001"), "x"),
            story_key(Some(b), Some("feed-b-77"), "y")
        );
    }

    #[test]
    fn stories_sharing_a_link_in_one_feed_stay_distinct_by_guid() {
        let item = |title: &str, guid: &str, date: &str| {
            format!(
                "<item><title>{title}</title><link>https://live.example.com/blog?utm_source=rss</link>\
                 <guid isPermaLink=\"false\">{guid}</guid><pubDate>{date}</pubDate></item>"
            )
        };
        let body = rss(&[
            item("Third post", "post-3", "Tue, 04 Jun 2024 12:00:00 GMT"),
            item("Second post", "post-2", "Tue, 04 Jun 2024 11:00:00 GMT"),
            item(
                "Second post again",
                "post-2",
                "Tue, 04 Jun 2024 11:00:00 GMT",
            ),
            item("First post", "post-1", "Tue, 04 Jun 2024 10:00:00 GMT"),
        ]
        .concat());
        let headlines = parse(&body);
        assert_eq!(
            titles(&headlines),
            ["Third post", "Second post", "First post"]
        );
        // The first posted keeps the link's id, which the same link in another feed meets.
        assert_eq!(
            ids(&headlines),
            [
                "guid:post-3",
                "guid:post-2",
                "link:https://live.example.com/blog"
            ]
        );
    }

    #[test]
    fn story_key_prefers_link_then_guid_then_title() {
        assert_eq!(
            story_key(Some("https://a.example/s?utm_source=x"), Some("g-1"), "T"),
            "link:https://a.example/s"
        );
        assert_eq!(story_key(None, Some(" g-1 "), "T"), "guid:g-1");
        assert_eq!(story_key(Some("not a url"), Some("g-1"), "T"), "guid:g-1");
        assert_eq!(
            story_key(Some("javascript:alert(1)"), Some(""), "  Big\tNEWS  today "),
            "title:big news today"
        );
        assert_eq!(
            story_key(None, Some("https://a.example/p#c"), "T"),
            "link:https://a.example/p",
            "a URL guid meets the same story given as a link"
        );
    }

    #[test]
    fn story_key_kinds_never_collide() {
        let guid = story_key(None, Some("link:https://a.example/"), "T");
        let title = story_key(None, None, "guid:x");
        assert_eq!(guid, "guid:link:https://a.example/");
        assert_eq!(title, "title:guid:x");
        let long = "g".repeat(5_000);
        assert_eq!(story_key(None, Some(&long), "T").chars().count(), 5 + 512);
    }

    #[test]
    fn canonical_link_drops_tracking_and_fragment_and_keeps_order() {
        let canonical = |raw: &str| canonical_link(&Url::parse(raw).unwrap()).to_string();
        assert_eq!(
            canonical(
                "HTTPS://WWW.Example.COM/Path/A?b=2&utm_source=x&a=1&CMP=rss&ocid=y&at_custom3=z#frag"
            ),
            "https://www.example.com/Path/A?b=2&a=1"
        );
        assert_eq!(
            canonical(
                "https://e.example/a?gclid=1&mc_cid=2&mc_eid=3&ref=rss&rss=1&taid=9&utm%5Fmedium=e"
            ),
            "https://e.example/a"
        );
        assert_eq!(
            canonical("https://e.example/a?q=caf%C3%A9&&page=2&reference=keep"),
            "https://e.example/a?q=caf%C3%A9&page=2&reference=keep"
        );
        assert_eq!(canonical("https://e.example/?#"), "https://e.example/");
    }

    #[test]
    fn dates_after_the_fetch_are_clamped_or_dropped() {
        let item =
            |date: &str| format!("<item><title>{date}</title><pubDate>{date}</pubDate></item>");
        let body = rss(&[
            item("Tue, 04 Jun 2024 23:00:00 GMT"),
            item("Wed, 05 Jun 2024 03:00:00 GMT"),
            item("Fri, 07 Jun 2030 03:00:00 GMT"),
            item("not a date"),
        ]
        .concat());
        let published: Vec<_> = parse(&body).iter().map(|h| h.published).collect();
        assert_eq!(
            published,
            [
                Some(ts("2024-06-04T23:00:00Z")),
                Some(ts(FETCHED)),
                None,
                None
            ]
        );
    }

    #[test]
    fn summary_is_capped_at_twenty_blocks_and_four_thousand_chars() {
        let many = "&lt;p&gt;para&lt;/p&gt;".repeat(50);
        let long = "word ".repeat(2_000);
        let body = rss(&format!(
            "<item><title>a</title><description>{many}</description></item>\
             <item><title>b</title><description>{long}</description></item>"
        ));
        let headlines = parse(&body);
        assert_eq!(headlines[0].summary.len(), 20);
        let text = headlines[1].summary[0].text().as_str();
        assert_eq!(text.chars().count(), 4_000);
        assert!(text.ends_with('…'));
    }

    /// Counts the work [`Sink`] does: one step per token, plus one per open block it may scan
    /// (closing a block searches the stack), so a stack that grew with the input would show.
    #[derive(Default)]
    struct CountingSink {
        inner: Sink,
        steps: std::cell::Cell<usize>,
    }

    impl TokenSink for CountingSink {
        type Handle = ();

        fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
            let result = self.inner.process_token(token, line);
            let open = self.inner.0.borrow().open.len();
            self.steps.set(self.steps.get() + 1 + open);
            result
        }
    }

    fn steps(html: &str) -> usize {
        tokenize(html, CountingSink::default()).steps.get()
    }

    /// Nesting, and formatting elements a tree builder would re-open for every paragraph: work
    /// counted for n and 2n stays within a generous 2.5x, where quadratic work would be 4x.
    #[test]
    fn pathological_html_takes_linear_time() {
        let nested = |n: usize| "<div>".repeat(n);
        let formatting = |n: usize| {
            let open = (0..n).map(|i| format!("<b id={i}>")).collect::<Vec<_>>();
            let open = open.concat();
            format!("{open}{}", "<p>x</p>".repeat(n))
        };
        let closing = |n: usize| format!("{}{}", "<div><p>".repeat(n), "</div>".repeat(n));
        for (name, html) in [
            ("nested", &nested as &dyn Fn(usize) -> String),
            ("formatting", &formatting),
            ("closing", &closing),
        ] {
            let (small, large) = (html(1_500), html(3_000));
            assert!(large.len() < MAX_HTML_BYTES, "{name}: cut by the cap");
            let (once, twice) = (steps(&small), steps(&large));
            assert!(
                twice * 2 <= once * 5,
                "{name}: {once} steps for n, {twice} for 2n"
            );
        }
        let item = |html: &str| {
            let escaped = html.replace('<', "&lt;").replace('>', "&gt;");
            format!("<item><title>t</title><description>{escaped}deep</description></item>")
        };
        let body = rss(&[item(&nested(6_000)), item(&formatting(2_000))].join(""));
        assert_eq!(parse(&body).len(), 1, "same title, no link: one story");
    }

    #[test]
    fn html_that_trips_naive_readers_is_read_as_a_browser_would() {
        let html = "<p>one<p>two<ul><li>a<li>b</ul>after</p></div></li>\
                    <script/>var s = '<p>not text</p>';</script>\
                    <!-- <p>comment</p> --><svg><text>chart</text></svg><svg/>\
                    <textarea><p>typed</textarea><noscript><p>enable js</p></noscript>end";
        assert_eq!(
            html_blocks(html),
            [
                paragraph("one"),
                paragraph("two"),
                Block::ListItem(SafeText::new("a")),
                Block::ListItem(SafeText::new("b")),
                paragraph("after"),
                paragraph("end"),
            ]
        );
    }

    #[test]
    fn entity_declarations_are_not_expanded() {
        let body = br#"<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><item><title>&c;&xxe;</title><link>https://a.example/</link></item></channel></rss>"#;
        assert_eq!(titles(&parse(body)), ["&c;&xxe;"]);
    }

    #[test]
    fn html_entities_undeclared_in_xml_are_decoded() {
        let body = rss("<item><title>It&rsquo;s&nbsp;here &mdash; caf&eacute;</title></item>");
        assert_eq!(titles(&parse(&body)), ["It\u{2019}s here \u{2014} café"]);
    }

    #[test]
    fn paragraphs_inside_quotes_and_items_keep_the_outer_kind() {
        let html = "<blockquote><p>q1</p><p>q2</p></blockquote><ul><li><p>i1</p></li></ul>\
                    text<br>after<h3>h<em>!</em></h3><table><tr><td>a</td><td>b</td></tr></table>";
        assert_eq!(
            html_blocks(html),
            [
                Block::Quote(SafeText::new("q1")),
                Block::Quote(SafeText::new("q2")),
                Block::ListItem(SafeText::new("i1")),
                paragraph("text after"),
                Block::Heading(SafeText::new("h!")),
                paragraph("a b"),
            ]
        );
    }

    /// Arbitrary text, or markup-heavy text with escape sequences and bidi controls.
    fn text() -> BoxedStrategy<String> {
        prop_oneof![
            any::<String>(),
            "(<(p|li|h2|b|br|script|blockquote)>|</(p|li|h2|b|script|blockquote)>|&(amp|lt|nbsp|#27|#x202E);|\u{1b}\\[31m|\u{1b}]8;;x\u{7}|\u{202E}|[^<&]{0,6})*",
        ]
        .boxed()
    }

    fn link() -> BoxedStrategy<String> {
        prop_oneof![
            any::<String>(),
            "https?://[a-zA-Z.]{1,10}/[a-z?=&_#%]{0,20}",
            "(/|javascript:|data:)[a-z]{0,5}",
        ]
        .boxed()
    }

    /// Escapes text for XML, control characters as character references.
    fn xml(raw: &str) -> String {
        raw.chars()
            .filter(|&c| c != '\0')
            .map(|c| match c {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '"' => "&quot;".to_owned(),
                c if c.is_control() => format!("&#{};", u32::from(c)),
                c => c.to_string(),
            })
            .collect()
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(headlines) = try_parse(&body) {
                for text in headlines.iter().flat_map(strings) {
                    prop_assert!(is_clean(text), "unsafe text: {:?}", text);
                }
            }
        }

        #[test]
        fn feed_shaped_noise_never_panics_and_stays_clean(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("<rss version=\"2.0\">"), Just("<channel>"), Just("<item>"),
                    Just("</item>"), Just("<title>"), Just("</title>"), Just("<link>"),
                    Just("</link>"), Just("<guid>"), Just("</guid>"), Just("<description>"),
                    Just("</description>"), Just("<![CDATA["), Just("]]>"), Just("&#27;[31m"),
                    Just("&lt;p&gt;"), Just("&lt;li&gt;"), Just("&lt;script&gt;"), Just("\u{202E}"),
                    Just("\u{7}"), Just("\u{9b}"), Just("https://a.example/x?utm_source=1"),
                    Just("/rel"), Just("<pubDate>"), Just("Tue, 04 Jun 2024 07:30:00 +0100"),
                    Just("</pubDate>"), Just("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
                    Just("<entry>"), Just("<content type=\"html\">"), Just("</content>"),
                    Just("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"title\":\""),
                    Just("\"}]}"), Just("\u{1b}]8;;x\u{7}"),
                ].prop_map(str::to_owned)
                .boxed()
                .prop_union(any::<String>().boxed()),
                0..40,
            )
        ) {
            if let Ok(headlines) = try_parse(parts.concat().as_bytes()) {
                for headline in &headlines {
                    prop_assert!(headline.title.as_str().chars().count() <= 300);
                    prop_assert!(headline.summary.len() <= 20);
                    for text in strings(headline) {
                        prop_assert!(is_clean(text), "unsafe text: {:?}", text);
                    }
                }
            }
        }

        #[test]
        fn any_text_in_any_field_of_any_format_parses_and_stays_clean(
            items in proptest::collection::vec((text(), text(), link(), text()), 1..4),
            format in 0..3_u8,
        ) {
            let body = match format {
                0 => rss(&items.iter().map(|(title, summary, link, guid)| [
                    "<item><title>", &xml(title), "</title><description>", &xml(summary),
                    "</description><link>", &xml(link), "</link><guid>", &xml(guid), "</guid></item>",
                ].concat()).collect::<Vec<_>>().concat()),
                1 => [
                    r#"<feed xmlns="http://www.w3.org/2005/Atom">"#.to_owned(),
                    items.iter().map(|(title, summary, link, guid)| [
                        r#"<entry><title type="html">"#, &xml(title), r#"</title><content type="html">"#,
                        &xml(summary), r#"</content><link href=""#, &xml(link), r#""/><id>"#, &xml(guid),
                        "</id></entry>",
                    ].concat()).collect::<Vec<_>>().concat(),
                    "</feed>".to_owned(),
                ].concat().into_bytes(),
                _ => serde_json::json!({
                    "version": "https://jsonfeed.org/version/1.1", "title": "T",
                    "items": items.iter().map(|(title, summary, link, guid)| serde_json::json!({
                        "id": guid, "title": title, "content_html": summary, "url": link,
                    })).collect::<Vec<_>>(),
                }).to_string().into_bytes(),
            };
            let headlines = try_parse(&body);
            // Empty: every item was blank.
            prop_assert!(matches!(headlines, Ok(_) | Err(FeedError::Empty)), "{:?}", headlines);
            for headline in headlines.iter().flatten() {
                prop_assert!(headline.title.as_str().chars().count() <= 300);
                prop_assert!(headline.summary.len() <= 20);
                prop_assert!(!headline.title.is_empty() && !headline.id.is_empty());
                for text in strings(headline) {
                    prop_assert!(is_clean(text), "unsafe text: {:?}", text);
                }
            }
        }

        #[test]
        fn canonical_link_is_idempotent(
            path in "[a-z/]{0,12}",
            query in proptest::collection::vec(("(utm_[a-z]{1,5}|fbclid|id|page|q)", "[a-z0-9%]{0,6}"), 0..6),
        ) {
            let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let raw = format!("https://Example.COM/{path}?{}#f", query.join("&"));
            let once = canonical_link(&Url::parse(&raw).unwrap());
            prop_assert_eq!(canonical_link(&once), once.clone());
            prop_assert!(once.fragment().is_none());
            prop_assert!(!once.as_str().contains("utm_") && !once.as_str().contains("fbclid"));
        }
    }
}
