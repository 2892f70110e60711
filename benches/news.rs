//! Figures for news and the reader: parsing a 1 MB feed, decoding and extracting a 1 MB article
//! page, and the time from `Enter` to text when the article is cached, both through the worker
//! (which waits out the 250 ms settle by design) and without it (cache read, update, drawn
//! reader). `cargo bench --bench news`.
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark: a broken setup should stop it loudly, and its sizes are printed"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "support/app.rs"]
mod support;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tickertape::app::update::update;
use tickertape::cache::Cache;
use tickertape::message::{ArticleRequest, Message};
use tickertape::sanitize::SafeText;
use tickertape::sources::article_worker::{ArticleWorker, SETTLE};
use tickertape::sources::{article, feeds};
use tokio::sync::{mpsc, watch};
use url::Url;

const MEGABYTE: usize = 1_000_000;

/// An RSS 2.0 feed of about 1 MB, shaped like a real one: dated items with tracked links,
/// guids, and HTML descriptions of a few paragraphs with links and emphasis.
fn feed_of_a_megabyte() -> (Vec<u8>, usize) {
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>"#,
        "<title>Bench Markets Wire</title><link>https://news.example.com/</link>",
        "<description>Generated for the benchmark</description>\n",
    ));
    let mut items = 0;
    while xml.len() < MEGABYTE {
        items += 1;
        let (hour, minute) = (23 - (items / 60) % 24, 59 - items % 60);
        let _ = write!(
            xml,
            r#"<item>
<title>Company {items} shares rise &amp; bonds slip after results beat forecasts</title>
<link>https://news.example.com/markets/2024/06/04/story-{items}.html?utm_source=rss&amp;utm_medium=feed&amp;id={items}</link>
<guid isPermaLink="false">bench-{items}</guid>
<pubDate>Tue, 04 Jun 2024 {hour:02}:{minute:02}:00 +0000</pubDate>
<dc:creator>Desk {creator}</dc:creator>
<description><![CDATA[<p>Shares in Company {items} rose <b>4.2 per cent</b> in early trade after the group reported
quarterly revenue ahead of analysts&rsquo; forecasts and raised its guidance for the year, citing
strong demand in its <a href="https://news.example.com/sectors/industrials">industrials</a> division.</p>
<p>&ldquo;We are seeing a broad-based recovery,&rdquo; the chief executive said on a call with
analysts, adding that margins had improved for a third consecutive quarter as input costs eased.</p>
<ul><li>Revenue up 12 per cent year on year.</li><li>Operating margin 18.4 per cent.</li>
<li>Dividend raised by 5 per cent.</li></ul>
<p>Government bond yields edged higher as investors moved into equities; the ten-year yield rose
three basis points. <a href="https://news.example.com/markets/bonds">Bond markets</a> had rallied
earlier in the week on softer inflation data.</p>
<p>Analysts at several brokers lifted their price targets, though some cautioned that the
valuation already reflected much of the good news and that currency moves could weigh on the
second half of the year.</p>
<p>The group said it would update investors on its capital allocation plans at a capital
markets day in the autumn, where it is expected to set out targets for its <i>services</i> arm
and discuss the sale of two smaller businesses that it no longer regards as core to its
strategy. Trading volumes in the stock were roughly twice the daily average by midday.</p>
<p>Elsewhere in the sector, peers traded mixed: two rivals gained after brokers upgraded them,
while a third fell on a profit warning tied to higher freight and energy costs.</p>]]></description>
</item>
"#,
            creator = items % 7,
        );
    }
    xml.push_str("</channel></rss>\n");
    (xml.into_bytes(), items)
}

fn parse_feed(c: &mut Criterion) {
    let (body, items) = feed_of_a_megabyte();
    let source = SafeText::new("Bench Markets Wire");
    let base = Url::parse("https://news.example.com/feeds/markets.xml").unwrap();
    let fetched_at: Timestamp = "2024-06-05T00:00:00Z".parse().unwrap();
    let headlines = feeds::parse_feed(&body, &source, &base, fetched_at).unwrap();
    // Real feeds carry 10 to 100 items; the parser keeps at most 500, so the megabyte is
    // made of fewer, longer items and every one of them is read.
    assert!(items <= 500, "{items} items");
    assert_eq!(headlines.len(), items);
    println!(
        "news/parse_feed_1mb: {} bytes, {items} items, {} headlines",
        body.len(),
        headlines.len()
    );
    c.bench_function("news/parse_feed_1mb", |b| {
        b.iter(|| feeds::parse_feed(black_box(&body), &source, &base, fetched_at).unwrap());
    });
}

/// An article page of about 1 MB: navigation, a long story of linked paragraphs with
/// headings, and advertisement slots between them, as `sources::article`'s own test builds.
fn page_of_a_megabyte() -> (Vec<u8>, usize) {
    let mut html = String::from(concat!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Long read</title></head><body>",
        "<nav><a href=/>Home</a> <a href=/markets>Markets</a></nav>",
        "<div class=\"cookie-banner\"><p>We use cookies.</p><button>Accept</button></div>",
        "<article><h1>Long read</h1><p class=\"byline\">By A. Writer</p>\n",
    ));
    let mut paragraphs = 0;
    while html.len() < MEGABYTE {
        paragraphs += 1;
        let _ = writeln!(
            html,
            "<p>Paragraph {paragraphs} of the long read explains how <a href=\"/ref/{}\">the market</a> moved on day {paragraphs}, with <em>detail</em> enough to matter.</p>",
            paragraphs % 50
        );
        if paragraphs % 40 == 0 {
            let _ = writeln!(
                html,
                "<h2>Part {}</h2>\n<div class=\"ad-slot\"><p>Advertisement</p></div>",
                paragraphs / 40
            );
        }
    }
    html.push_str("</article><footer><p>&copy; Site</p></footer></body></html>");
    (html.into_bytes(), paragraphs)
}

fn extract_article(c: &mut Criterion) {
    let (body, paragraphs) = page_of_a_megabyte();
    let url = Url::parse("https://news.example.com/markets/long-read").unwrap();
    let (source, title) = (SafeText::new("Bench"), SafeText::new("Long read"));
    let extract = |bytes: &[u8]| {
        let html = article::decode(bytes, Some("text/html; charset=utf-8"), &url);
        article::extract(&html, &url, &source, &title, None).unwrap()
    };
    let article = extract(&body);
    println!(
        "news/extract_article_1mb: {} bytes, {paragraphs} paragraphs in, {} blocks and {} links out",
        body.len(),
        article.blocks.len(),
        article.links.len()
    );
    c.bench_function("news/extract_article_1mb", |b| {
        b.iter(|| extract(black_box(&body)));
    });
}

/// The app at 120x40 showing the first sample headline, and an extracted article for it in
/// a cache on disk, as after an earlier reading.
struct CachedReader {
    app: tickertape::app::App,
    now: Timestamp,
    cache: Cache,
    request: ArticleRequest,
    _dir: tempfile::TempDir,
}

fn cached_reader() -> CachedReader {
    let app = support::app_at(120, 40);
    let now = app.now();
    let headline = app.headlines().selected().unwrap().clone();
    let url = "https://news.example.com/markets/copper-record".to_owned();
    let page = include_bytes!("../tests/fixtures/articles/news_with_clutter.html");
    let parsed = Url::parse(&url).unwrap();
    let html = article::decode(page, Some("text/html; charset=utf-8"), &parsed);
    let text = article::extract(&html, &parsed, &headline.source, &headline.title, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().join("tickertape"));
    cache.save_article(&url, &text, 50 << 20).unwrap();
    let request = ArticleRequest {
        id: headline.id.clone(),
        url,
        source: headline.source.clone(),
        title: headline.title.clone(),
        published: headline.published,
    };
    CachedReader {
        app,
        now,
        cache,
        request,
        _dir: dir,
    }
}

/// The worker's path: the request goes onto the watch channel as the runtime sends it, and
/// the clock stops when `ArticleArrived` is in the inbox. Includes the 250 ms settle.
fn enter_to_text_with_settle(c: &mut Criterion) {
    let reader = cached_reader();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let worker = ArticleWorker {
        // Cached articles are answered before the network is considered; offline proves it.
        client: None,
        cache: Some(reader.cache.clone()),
        cache_budget_bytes: 50 << 20,
    };
    let (requests, receiver) = watch::channel(None);
    let (outbox, mut inbox) = mpsc::channel(16);
    runtime.spawn(tickertape::sources::article_worker::run(
        worker, receiver, outbox,
    ));
    let mut group = c.benchmark_group("reader");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("enter_to_text_cached_with_settle", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iterations {
                    requests.send_replace(Some(reader.request.clone()));
                    let message = inbox.recv().await.unwrap();
                    assert!(
                        matches!(message, Message::ArticleArrived { .. }),
                        "{message:?}"
                    );
                }
                start.elapsed()
            })
        });
    });
    group.finish();
    println!(
        "reader/enter_to_text_cached_with_settle: includes SETTLE = {} ms by design",
        SETTLE.as_millis()
    );
}

/// The same without the settle: read the cached article, apply it, draw the screen.
fn enter_to_text_excluding_settle(c: &mut Criterion) {
    let CachedReader {
        mut app,
        now,
        cache,
        request,
        _dir,
    } = cached_reader();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("reader/enter_to_text_cached_excluding_settle", |b| {
        b.iter(|| {
            let article = cache.load_article(&request.url).unwrap();
            let message = Message::ArticleArrived {
                id: request.id.clone(),
                article,
            };
            update(&mut app, message, now);
            let theme = tickertape::ui::theme::Theme::colour();
            terminal
                .draw(|frame| tickertape::ui::draw(&app, &theme, frame))
                .unwrap();
        });
    });
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("Copper hits record as Chilean smelters cut output"));
}

criterion_group!(
    benches,
    parse_feed,
    extract_article,
    enter_to_text_excluding_settle,
    enter_to_text_with_settle
);
criterion_main!(benches);
