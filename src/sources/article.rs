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
//! - A byline is returned without a leading "By ", so the reader can style it uniformly. A
//!   byline that parses as a date is no byline; it is the date if the page gives none.
//! - The page's own date wins over the feed's; a date without a UTC offset is ignored rather
//!   than guessed, since a wrong zone would shift it by hours.
//! - Parsing and Readability cost grows with the square of nesting depth, so a page is cut
//!   at 8 MiB or where its tags would leave 1000 elements open, and below 400 levels only
//!   text survives. No real article comes near; a hostile page stays fast.
//!
//! Everything is pure and synchronous; nothing here touches the network or panics.

mod clutter;
mod decode;
mod walk;

use std::str::FromStr;

use dom_query::Document;
use dom_smoothie::{Config, Readability};
use jiff::Timestamp;
use url::Url;

use crate::domain::Article;
use crate::sanitize::SafeText;
use clutter::{bounded, flatten_deep, remove_clutter};
pub use decode::decode;
use walk::{Walker, collapse, finish};

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
    // Some pages put the time in the author slot: a date there is the date, never a byline.
    let byline_date = parsed.byline.as_deref().and_then(date_in_byline);
    let byline = (parsed.byline.as_deref())
        .filter(|_| byline_date.is_none())
        .and_then(clean_byline);
    let published = parsed
        .published_time
        .as_deref()
        .and_then(parse_time)
        .or(page_time)
        .or(byline_date.as_ref().and_then(BylineDate::at))
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
    // Text the sanitiser drops entirely (a lone unassigned or combining character) leaves no
    // block, which is no article either.
    if !prose || blocks.is_empty() {
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

/// How pages write a date where the author should be ("Sunday, Feb 1, 2015 11:57 AM UTC"),
/// after a trailing `UTC` or `GMT` is taken off.
const BYLINE_DATE_FORMATS: &[&str] = &[
    "%A, %b %d, %Y %I:%M %p",
    "%A, %B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%d %B %Y %H:%M",
    "%d %b %Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%A, %b %d, %Y",
    "%A, %B %d, %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
];

/// A byline that is really a date: never shown as a byline, and the article's date if the page
/// gives none, but only when it names its zone (`UTC`, `GMT` or an offset), as for page dates.
#[derive(Debug, PartialEq)]
enum BylineDate {
    Zoned(Timestamp),
    Unzoned,
}

impl BylineDate {
    fn at(&self) -> Option<Timestamp> {
        match self {
            Self::Zoned(at) => Some(*at),
            Self::Unzoned => None,
        }
    }
}

fn date_in_byline(raw: &str) -> Option<BylineDate> {
    let text = collapse(raw);
    let text = text.strip_prefix("Updated ").unwrap_or(&text);
    if let Some(at) = parse_time(text) {
        return Some(BylineDate::Zoned(at));
    }
    let utc = ["UTC", "GMT"]
        .iter()
        .find_map(|zone| text.strip_suffix(zone));
    let civil = utc.unwrap_or(text).trim_end();
    let parts = (BYLINE_DATE_FORMATS.iter())
        .find_map(|format| jiff::fmt::strtime::parse(format, civil).ok())?;
    let at = (parts.to_datetime().ok())
        .filter(|_| utc.is_some())
        .and_then(|at| jiff::tz::TimeZone::UTC.to_timestamp(at).ok());
    Some(at.map_or(BylineDate::Unzoned, BylineDate::Zoned))
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

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use encoding_rs::Encoding;

    use super::clutter::{MAX_DEPTH, MAX_OPEN_ESTIMATE};
    use super::decode::charset_from_meta;
    use super::walk::{Kind, RawBlock, Seg};
    use super::*;
    use crate::domain::Block;
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
    fn a_date_in_the_byline_is_the_date_not_a_byline() {
        let dated = r#"<meta name="author" content="Sunday, Feb 1, 2015 11:57 AM UTC">"#;
        let article = run(&page(dated, "")).unwrap();
        assert_eq!(article.byline, None);
        assert_eq!(
            article.published,
            Some("2015-02-01T11:57:00Z".parse().unwrap())
        );
        // The page's own date wins; the byline is still not shown.
        let both = format!(
            r#"{dated}<meta property="article:published_time" content="2015-02-02T08:00:00Z">"#
        );
        let article = run(&page(&both, "")).unwrap();
        assert_eq!(article.byline, None);
        assert_eq!(
            article.published,
            Some("2015-02-02T08:00:00Z".parse().unwrap())
        );
        for (byline, at) in [
            ("2024-03-05T09:30:00+01:00", "2024-03-05T08:30:00Z"),
            (
                "Updated Tue, 5 Mar 2024 09:00:00 +0000",
                "2024-03-05T09:00:00Z",
            ),
            ("5 March 2024 09:30 GMT", "2024-03-05T09:30:00Z"),
        ] {
            assert_eq!(
                date_in_byline(byline),
                Some(BylineDate::Zoned(at.parse().unwrap())),
                "{byline}"
            );
        }
        // Dates all the same, but without a zone they are not guessed at.
        for byline in [
            "March 5, 2024",
            "5 March 2024 09:30",
            "Sunday, Feb 1, 2015 11:57 AM",
        ] {
            assert_eq!(
                date_in_byline(byline),
                Some(BylineDate::Unzoned),
                "{byline}"
            );
        }
        for name in [
            "Jo Bloggs",
            "May June",
            "Reuters staff, 5 reporters",
            "April Ryan",
        ] {
            assert_eq!(date_in_byline(name), None, "{name}");
        }
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
