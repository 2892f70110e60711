//! Names what a body that holds no feed is, in a word or two for the status line: "HTML
//! page" tells the user the URL is a site's page, "OPML" that it lists feeds rather than
//! being one, "CDF" that it is a format we do not read. Pure, and reads only the start.

use quick_xml::Reader;
use quick_xml::events::Event;

/// A root element's name past this is junk, not a format.
const MAX_NAME_CHARS: usize = 40;
/// Comments, a doctype and processing instructions come before the root; past this much of
/// them the body is not worth reading further.
const MAX_PROLOGUE_EVENTS: usize = 64;

/// What `body` (already decoded to UTF-8) is, when feed-rs found no feed in it.
pub(super) fn format_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(super::trim_start(body));
    if text.is_empty() {
        return "empty body".to_owned();
    }
    if super::starts_with_ignore_case(text.as_bytes(), &[b"<!doctype html", b"<html"]) {
        return "HTML page".to_owned();
    }
    if !text.starts_with('<') {
        return "plain text".to_owned();
    }
    let mut reader = Reader::from_str(&text);
    for _ in 0..MAX_PROLOGUE_EVENTS {
        match reader.read_event() {
            Ok(Event::Start(root) | Event::Empty(root)) => {
                return named(root.local_name().as_ref());
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    "XML without a root element".to_owned()
}

fn named(root: &str) -> String {
    match root.to_ascii_lowercase().as_str() {
        "html" => "HTML page".to_owned(),
        "opml" => "OPML".to_owned(),
        // feed-rs finds no feed in an `<rss>` only when it has no `<channel>`.
        "rss" => "RSS without a channel".to_owned(),
        // Microsoft's Channel Definition Format, `<CHANNEL HREF="…">`, from Internet Explorer 4.
        "channel" => "CDF".to_owned(),
        _ => format!("XML <{}>", super::clip(root, MAX_NAME_CHARS)),
    }
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::super::{FeedError, parse_feed};
    use super::*;
    use crate::sanitize::SafeText;

    const OPML: &[u8] = include_bytes!("../../../tests/fixtures/feeds/opml.xml");
    const CDF: &[u8] = include_bytes!("../../../tests/fixtures/feeds/cdf.xml");
    const EMPTY: &[u8] = include_bytes!("../../../tests/fixtures/feeds/empty.xml");

    fn try_parse(body: &[u8]) -> Result<usize, FeedError> {
        let base = Url::parse("https://news.example.com/feed.xml").unwrap();
        let fetched_at = "2024-06-05T00:00:00Z".parse().unwrap();
        parse_feed(body, &SafeText::new("Test Wire"), &base, fetched_at).map(|h| h.len())
    }

    #[test]
    fn bodies_without_a_feed_say_what_they_are() {
        let unsupported = |format: &str| Err(FeedError::Unsupported(format.to_owned()));
        assert_eq!(try_parse(OPML), unsupported("OPML"));
        assert_eq!(try_parse(CDF), unsupported("CDF"));
        let sitemap = br#"<?xml version="1.0"?><!-- map --><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>"#;
        assert_eq!(try_parse(sitemap), unsupported("XML <urlset>"));
        assert_eq!(
            try_parse(b"<rss version=\"2.0\"></rss>"),
            unsupported("RSS without a channel")
        );
        assert_eq!(
            FeedError::Unsupported("OPML".to_owned()).to_string(),
            "no stories found (unsupported format: OPML)"
        );
    }

    #[test]
    fn a_feed_with_no_stories_is_empty() {
        assert_eq!(try_parse(EMPTY), Err(FeedError::Empty));
        let blank = br#"<rss version="2.0"><channel><title>T</title><item></item><item><title> </title></item></channel></rss>"#;
        assert_eq!(try_parse(blank), Err(FeedError::Empty));
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>"#;
        assert_eq!(try_parse(atom), Err(FeedError::Empty));
        assert_eq!(FeedError::Empty.to_string(), "feed is empty");
    }

    #[test]
    fn root_names_are_named_briefly() {
        assert_eq!(format_of(b"<Opml/>"), "OPML");
        assert_eq!(format_of(b"<x:CHANNEL xmlns:x='u'/>"), "CDF");
        let long = format!("<{}/>", "n".repeat(100));
        assert_eq!(
            format_of(long.as_bytes()).chars().count(),
            "XML <>".len() + 40
        );
        assert_eq!(format_of(b"<<<"), "XML without a root element");
        assert_eq!(format_of(b"{\"a\": 1}"), "plain text");
    }
}
