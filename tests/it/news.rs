//! The feed poller against a real HTTP server on 127.0.0.1 (wiremock) serving feeds we wrote:
//! the three formats in one round, conditional GETs across polls and restarts, a feed that
//! breaks while the others keep working, one story from two feeds, hostile and CJK titles on
//! screen, and rate limits.
//!
//! Time is never slept through: each round gets an explicit `now`, as the poller's task would
//! pass it, so "a refresh later" costs nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tickertape::app::App;
use tickertape::app::update::update;
use tickertape::app::{Mode, Settings};
use tickertape::cache::Cache;
use tickertape::config::Feed;
use tickertape::domain::Headline;
use tickertape::message::{Failure, Message, SourceId};
use tickertape::sources::feed_poller::FeedPoller;
use tickertape::sources::poll::Polled;
use tokio::time::Instant;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    body, config_with_feeds, draw, feed, hits, requested_paths, screen_rows, serve, wait_until,
};

const RSS2: &[u8] = include_bytes!("../fixtures/feeds/rss2.xml");
const ATOM: &[u8] = include_bytes!("../fixtures/feeds/atom.xml");
const RDF: &[u8] = include_bytes!("../fixtures/feeds/rdf.xml");
const MALFORMED: &[u8] = include_bytes!("../fixtures/feeds/malformed.xml");
const HOSTILE: &[u8] = include_bytes!("../fixtures/feeds/hostile.xml");
const CJK: &[u8] = include_bytes!("../fixtures/feeds/cjk.xml");
const DUP_A: &[u8] = include_bytes!("../fixtures/feeds/dup_a.xml");
const DUP_B: &[u8] = include_bytes!("../fixtures/feeds/dup_b.xml");
const LIVE_BLOG: &[u8] = include_bytes!("../fixtures/feeds/live_blog.xml");
const LIVE_BLOG_ELSEWHERE: &[u8] = include_bytes!("../fixtures/feeds/live_blog_elsewhere.xml");
const ATOM03: &[u8] = include_bytes!("../fixtures/feeds/atom03.xml");
const OPML: &[u8] = include_bytes!("../fixtures/feeds/opml.xml");
const CDF: &[u8] = include_bytes!("../fixtures/feeds/cdf.xml");
const EMPTY: &[u8] = include_bytes!("../fixtures/feeds/empty.xml");

const XML: &str = "application/rss+xml; charset=utf-8";
/// Short, so "a refresh later" is a few seconds of `Instant` arithmetic. Success reschedules
/// at the refresh ±10 %, so `REFRESH + 1 s` is always past it.
const REFRESH: Duration = Duration::from_secs(5);
const LAST_MODIFIED: &str = "Tue, 04 Jun 2024 10:00:00 GMT";

/// The day after every fixture's newest date, so no date is clamped as "in the future".
fn wall() -> Timestamp {
    "2024-06-05T00:00:00Z".parse().expect("a valid time")
}

fn ts(text: &str) -> Timestamp {
    text.parse().expect("a valid time")
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn poller(feeds: Vec<Feed>, cache: Option<Cache>, now: Instant) -> FeedPoller {
    let client = tickertape::sources::client().expect("the HTTP client");
    FeedPoller::new(client, feeds, REFRESH, cache, now)
}

/// A round's messages by source: the poller fetches feeds concurrently, so their order is
/// not part of the contract, but there must be exactly one per feed.
fn by_source(messages: Vec<Message>) -> BTreeMap<SourceId, Message> {
    let count = messages.len();
    let map: BTreeMap<SourceId, Message> = messages
        .into_iter()
        .map(|message| match &message {
            Message::HeadlinesArrived { source, .. } | Message::SourceFailed { source, .. } => {
                (*source, message)
            }
            other => panic!("a feed round sent {other:#?}"),
        })
        .collect();
    assert_eq!(map.len(), count, "two messages for one feed: {map:#?}");
    map
}

/// The headlines of a `HeadlinesArrived`, checking its source and time.
fn arrived(message: &Message, want_source: SourceId, want_at: Timestamp) -> Vec<Headline> {
    let Message::HeadlinesArrived {
        source,
        headlines,
        fetched_at,
    } = message
    else {
        panic!("expected HeadlinesArrived from {want_source:?}, got {message:#?}");
    };
    assert_eq!((*source, *fetched_at), (want_source, want_at));
    headlines.clone()
}

fn titles(headlines: &[Headline]) -> Vec<&str> {
    headlines.iter().map(|h| h.title.as_str()).collect()
}

fn links(headlines: &[Headline]) -> Vec<Option<&str>> {
    headlines.iter().map(|h| h.link.as_deref()).collect()
}

fn published(headlines: &[Headline]) -> Vec<Option<Timestamp>> {
    headlines.iter().map(|h| h.published).collect()
}

/// The app as `run` starts it with these feeds and no cache, sized to `width` x `height`.
fn app_with(feeds: Vec<Feed>, now: Timestamp, width: u16, height: u16) -> App {
    let config = config_with_feeds(feeds);
    let settings = Settings::new(&config, Mode::Live, TimeZone::UTC);
    let mut app = tickertape::initial_app(settings, None, now).expect("the first frame");
    let viewport = tickertape::ui::viewport(ratatui::layout::Rect::new(0, 0, width, height));
    update(&mut app, Message::Resized(viewport), now);
    app
}

fn apply(app: &mut App, messages: Vec<Message>, now: Timestamp) {
    for message in messages {
        update(app, message, now);
    }
}

fn list_titles(app: &App) -> Vec<&str> {
    app.headlines()
        .visible()
        .iter()
        .map(|h| h.title.as_str())
        .collect()
}

#[tokio::test]
async fn rss_atom_and_rdf_arrive_in_one_round_with_exact_titles_links_and_dates() {
    let server = MockServer::start().await;
    serve(&server, "/markets/rss.xml", body(RSS2, XML)).await;
    serve(
        &server,
        "/wire/atom.xml",
        body(ATOM, "application/atom+xml"),
    )
    .await;
    serve(&server, "/digest.rdf", body(RDF, "application/rdf+xml")).await;
    let base = server.uri();
    let feeds = vec![
        feed("Harbour Street", &format!("{base}/markets/rss.xml")),
        feed("Meridian Wire", &format!("{base}/wire/atom.xml")),
        feed("Lantern Digest", &format!("{base}/digest.rdf")),
    ];
    let now = Instant::now();
    let mut poller = poller(feeds, None, now);
    let round = by_source(poller.round(now, wall()).await);
    assert_eq!(
        round.keys().copied().collect::<Vec<_>>(),
        [SourceId::Feed(0), SourceId::Feed(1), SourceId::Feed(2)]
    );

    check_rss2(
        &arrived(&round[&SourceId::Feed(0)], SourceId::Feed(0), wall()),
        &base,
    );
    check_atom(&arrived(
        &round[&SourceId::Feed(1)],
        SourceId::Feed(1),
        wall(),
    ));
    check_rdf(&arrived(
        &round[&SourceId::Feed(2)],
        SourceId::Feed(2),
        wall(),
    ));
    assert_eq!(
        requested_paths(&server).await.len(),
        3,
        "one request per feed"
    );
}

/// `rss2.xml` as served from `base`: the same values `sources::feeds`' own tests expect.
fn check_rss2(rss: &[Headline], base: &str) {
    assert_eq!(
        titles(rss),
        [
            "Gilts rally as central bank signals \u{2018}patient\u{2019} path",
            "FTSE 100 edges higher; miners & banks lead, investors\u{2019} mood lifts",
            "Explainer: what a steeper yield curve means",
            "A wire item that arrived without any title at all, so the reader needs somethin…",
            "Copper hits two-year high",
            "Oil SLIPS on Supply News",
        ]
    );
    // The relative link resolves against the feed's real URL: this server.
    let own_page = format!("{base}/markets/a.html");
    assert_eq!(
        links(rss),
        [
            Some(own_page.as_str()),
            Some("https://news.example.com/markets/b.html"),
            Some("https://news.example.com/markets/c.html?page=2"),
            Some("https://news.example.com/markets/d.html"),
            None,
            None,
        ]
    );
    assert_eq!(
        published(rss),
        [
            Some(ts("2024-06-04T06:30:00Z")),
            None,
            Some(ts("2024-06-03T18:05:00Z")),
            Some(ts("2024-06-03T12:00:00Z")),
            Some(ts("2024-06-03T09:00:00Z")),
            None,
        ],
        "items without a date have none; the fetch time never stands in"
    );
    assert!(rss.iter().all(|h| h.source.as_str() == "Harbour Street"));
}

/// `atom.xml`: `xml:base` resolution, HTML and text titles, `updated` standing in for a date.
fn check_atom(atom: &[Headline]) {
    assert_eq!(
        titles(atom),
        [
            "Yen weakens past 157 per dollar",
            "S&P 500 < 5,400 as <b> tags stay literal",
            "Xetra opens flat",
        ]
    );
    assert_eq!(
        links(atom),
        [
            Some("https://wire.example.org/markets/2024/06/04/yen.html"),
            Some("https://wire.example.org/equities/spx.html"),
            Some("https://wire.example.org/markets/2024/06/04/xetra.html"),
        ]
    );
    assert_eq!(
        published(atom),
        [
            Some(ts("2024-06-04T09:58:00Z")),
            Some(ts("2024-06-04T06:30:00Z")),
            None
        ]
    );
    assert!(atom.iter().all(|h| h.source.as_str() == "Meridian Wire"));
}

/// `rdf.xml`: RSS 1.0 with `dc:date`, tracking parameters dropped from links.
fn check_rdf(rdf: &[Headline]) {
    assert_eq!(
        titles(rdf),
        [
            "Nikkei closes at record as exporters gain",
            "DAX slips in thin trade"
        ]
    );
    assert_eq!(
        links(rdf),
        [
            Some("https://rdf.example.org/2024/06/04/nikkei"),
            Some("https://rdf.example.org/2024/06/04/dax"),
        ]
    );
    assert_eq!(
        published(rdf),
        [
            Some(ts("2024-06-04T06:10:00Z")),
            Some(ts("2024-06-04T17:45:30Z"))
        ]
    );
    assert!(rdf.iter().all(|h| h.source.as_str() == "Lantern Digest"));
}

#[tokio::test]
async fn validators_are_sent_back_a_304_is_nothing_new_and_both_survive_a_restart() {
    let server = MockServer::start().await;
    // Mounted first, so it wins whenever the client asks conditionally with the right tag.
    Mock::given(method("GET"))
        .and(path("/feed.xml"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304).insert_header("ETag", "\"v1\""))
        .mount(&server)
        .await;
    let fresh = body(RSS2, XML)
        .insert_header("ETag", "\"v1\"")
        .insert_header("Last-Modified", LAST_MODIFIED);
    serve(&server, "/feed.xml", fresh).await;
    let url = format!("{}/feed.xml", server.uri());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = Cache::new(dir.path().join("tickertape"));

    let t0 = Instant::now();
    let mut first_run = poller(vec![feed("Harbour Street", &url)], Some(cache.clone()), t0);
    let round = by_source(first_run.round(t0, wall()).await);
    let headlines = arrived(&round[&SourceId::Feed(0)], SourceId::Feed(0), wall());
    assert_eq!(headlines.len(), 6);

    let later = wall() + secs(6);
    let round = by_source(first_run.round(t0 + REFRESH + secs(1), later).await);
    assert_eq!(
        arrived(&round[&SourceId::Feed(0)], SourceId::Feed(0), later),
        [],
        "a 304 brings nothing new"
    );

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 2);
    let header_of = |index: usize, name: &str| {
        requests[index]
            .headers
            .get(name)
            .map(|value| value.to_str().expect("an ASCII header").to_owned())
    };
    assert_eq!(header_of(0, "if-none-match"), None);
    assert_eq!(header_of(0, "if-modified-since"), None);
    assert_eq!(header_of(1, "if-none-match").as_deref(), Some("\"v1\""));
    assert_eq!(
        header_of(1, "if-modified-since").as_deref(),
        Some(LAST_MODIFIED)
    );

    // The poller saves on a blocking thread after the first round; wait for that write.
    wait_until("the feed cache to be written", secs(5), || {
        cache
            .load_feeds()
            .is_ok_and(|feeds| feeds.first().is_some_and(|f| f.etag.is_some()))
    })
    .await;
    let saved = cache.load_feeds().expect("a readable feed cache");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].url, url);
    assert_eq!(saved[0].etag.as_deref(), Some("\"v1\""));
    assert_eq!(saved[0].last_modified.as_deref(), Some(LAST_MODIFIED));
    drop(first_run);

    // A restart: a new poller over the same cache directory.
    let t1 = Instant::now();
    let mut second_run = poller(
        vec![feed("Harbour Street", &url)],
        Some(Cache::new(dir.path().join("tickertape"))),
        t1,
    );
    let restarted = wall() + secs(60);
    // What the first frame after the restart lists, before any request.
    let config = config_with_feeds(vec![feed("Harbour Street", &url)]);
    let settings = Settings::new(&config, Mode::Offline, TimeZone::UTC);
    let app = tickertape::initial_app(settings, Some(&cache), restarted).expect("the first frame");
    let listed: Vec<&Headline> = app.headlines().visible();
    assert_eq!(listed.len(), headlines.len());
    assert!(headlines.iter().all(|h| listed.contains(&h)));
    let round = by_source(second_run.round(t1, restarted).await);
    assert_eq!(
        arrived(&round[&SourceId::Feed(0)], SourceId::Feed(0), restarted),
        []
    );
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 3);
    let first_after_restart = &requests[2].headers;
    assert_eq!(
        first_after_restart
            .get("if-none-match")
            .map(|v| v.to_str().expect("ASCII")),
        Some("\"v1\""),
        "the validators were persisted, so even the first request is conditional"
    );
    assert_eq!(
        first_after_restart
            .get("if-modified-since")
            .map(|v| v.to_str().expect("ASCII")),
        Some(LAST_MODIFIED)
    );
}

#[tokio::test]
async fn a_feed_that_turns_malformed_fails_alone_and_is_named_on_the_status_line() {
    let server = MockServer::start().await;
    // The first answer is good; every later one is cut off mid-item.
    Mock::given(method("GET"))
        .and(path("/flaky.xml"))
        .respond_with(body(RSS2, XML))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    serve(&server, "/flaky.xml", body(MALFORMED, XML)).await;
    serve(&server, "/steady.xml", body(ATOM, "application/atom+xml")).await;
    let feeds = vec![
        feed("Harbour Street", &format!("{}/flaky.xml", server.uri())),
        feed("Meridian Wire", &format!("{}/steady.xml", server.uri())),
    ];
    let mut app = app_with(feeds.clone(), wall(), 120, 40);
    let t0 = Instant::now();
    let mut poller = poller(feeds, None, t0);

    let first = poller.round(t0, wall()).await;
    assert_eq!(first.len(), 2);
    apply(&mut app, first, wall());
    let before: Vec<String> = app
        .headlines()
        .visible()
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(
        before.len(),
        9,
        "six RSS and three Atom stories, no samples"
    );

    let later = wall() + secs(6);
    let second = poller.round(t0 + REFRESH + secs(1), later).await;
    let round = by_source(second.clone());
    let Message::SourceFailed {
        source,
        failure: Failure::BadResponse { detail },
        at,
    } = &round[&SourceId::Feed(0)]
    else {
        panic!("the flaky feed should fail: {round:#?}");
    };
    assert_eq!((*source, *at), (SourceId::Feed(0), later));
    assert!(detail.as_str().starts_with("malformed feed: "), "{detail}");
    assert_eq!(
        titles(&arrived(
            &round[&SourceId::Feed(1)],
            SourceId::Feed(1),
            later
        )),
        [
            "Yen weakens past 157 per dollar",
            "S&P 500 < 5,400 as <b> tags stay literal",
            "Xetra opens flat",
        ],
        "the other feed in the same round still arrives"
    );

    apply(&mut app, second, later);
    let after: Vec<String> = app
        .headlines()
        .visible()
        .iter()
        .map(|h| h.id.clone())
        .collect();
    assert_eq!(after, before, "the failing feed's earlier headlines stay");
    assert_eq!(
        app.health()
            .failures()
            .map(|(source, since, _)| (source, since))
            .collect::<Vec<_>>(),
        [(SourceId::Feed(0), later)]
    );
    let terminal = draw(&app, 120, 40);
    let status = screen_rows(&terminal)[0].trim_end().to_owned();
    assert!(
        status.contains(" · Harbour Street: malformed feed"),
        "status line: {status:?}"
    );
    assert!(!status.contains("Meridian"), "status line: {status:?}");
}

#[tokio::test]
async fn one_story_in_two_feeds_with_different_tracking_and_guids_is_listed_once() {
    let server = MockServer::start().await;
    serve(&server, "/alpha.xml", body(DUP_A, XML)).await;
    serve(&server, "/beta.xml", body(DUP_B, XML)).await;
    let feeds = vec![
        feed("Alpha", &format!("{}/alpha.xml", server.uri())),
        feed("Beta", &format!("{}/beta.xml", server.uri())),
    ];
    let now = ts("2024-06-11T09:00:00Z");
    let mut app = app_with(feeds.clone(), now, 120, 40);
    let t0 = Instant::now();
    let mut poller = poller(feeds, None, t0);
    let round = poller.round(t0, now).await;
    let both = by_source(round.clone());
    let brent_ids: Vec<String> = both
        .values()
        .flat_map(|message| arrived(message, source_of(message), now))
        .filter(|h| h.title.as_str().starts_with("Brent"))
        .map(|h| h.id)
        .collect();
    assert_eq!(
        brent_ids,
        [
            "link:https://alpha.example.com/energy/brent-opec?id=7",
            "link:https://alpha.example.com/energy/brent-opec?id=7"
        ],
        "each feed carries the story, under one id"
    );
    apply(&mut app, round, now);
    let expected = [
        "Brent jumps as OPEC+ extends output cuts",
        "Gas prices ease as Norwegian supply returns",
        "Copper steadies after record run",
    ];
    assert_eq!(list_titles(&app), expected);
    let brent = app.headlines().visible()[0];
    assert_eq!(
        brent.link.as_deref(),
        Some("https://alpha.example.com/energy/brent-opec?id=7")
    );

    // And across polls: the same stories again add nothing.
    let later = now + secs(6);
    let again = poller.round(t0 + REFRESH + secs(1), later).await;
    assert_eq!(again.len(), 2);
    apply(&mut app, again, later);
    assert_eq!(list_titles(&app), expected);
    let rows = screen_rows(&draw(&app, 120, 40));
    assert!(rows[2].starts_with("┌ Headlines (3) "), "{:?}", rows[2]);
    let list = app.viewport().list;
    let list_rows: Vec<String> = rows[usize::from(list.y)..usize::from(list.y + list.height)]
        .iter()
        .map(|row| row.chars().take(usize::from(list.width)).collect())
        .collect();
    assert_eq!(
        list_rows.iter().filter(|row| row.contains("Brent")).count(),
        1,
        "{list_rows:#?}"
    );
}

#[tokio::test]
async fn posts_sharing_a_link_in_one_feed_stay_distinct_and_the_link_elsewhere_joins_one() {
    let server = MockServer::start().await;
    serve(&server, "/live.xml", body(LIVE_BLOG, XML)).await;
    serve(&server, "/top.xml", body(LIVE_BLOG_ELSEWHERE, XML)).await;
    let feeds = vec![
        feed("Live", &format!("{}/live.xml", server.uri())),
        feed("Top", &format!("{}/top.xml", server.uri())),
    ];
    let now = ts("2024-06-11T17:00:00Z");
    let mut app = app_with(feeds.clone(), now, 120, 40);
    let t0 = Instant::now();
    let round = poller(feeds, None, t0).round(t0, now).await;
    assert_eq!(round.len(), 2);
    apply(&mut app, round, now);
    let listed = list_titles(&app);
    assert_eq!(
        listed.len(),
        3,
        "three posts, the other feed's link joining one: {listed:?}"
    );
    assert_eq!(
        &listed[..2],
        [
            "Live: FTSE 100 closes flat as miners offset banks",
            "Live: sterling slips after the jobs figures",
        ]
    );
    assert!(
        listed[2].contains("markets open") || listed[2] == "Markets live: UK jobs day",
        "{listed:?}"
    );
    let rows = screen_rows(&draw(&app, 120, 40));
    assert!(rows[2].starts_with("┌ Headlines (3) "), "{:?}", rows[2]);
}

fn source_of(message: &Message) -> SourceId {
    match message {
        Message::HeadlinesArrived { source, .. } | Message::SourceFailed { source, .. } => *source,
        other => panic!("not a feed message: {other:#?}"),
    }
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

#[tokio::test]
async fn hostile_titles_reach_the_screen_as_harmless_text_cut_to_the_list() {
    let server = MockServer::start().await;
    serve(&server, "/hostile.xml", body(HOSTILE, XML)).await;
    let feeds = vec![feed("Hostile", &format!("{}/hostile.xml", server.uri()))];
    let mut app = app_with(feeds.clone(), wall(), 120, 40);
    let t0 = Instant::now();
    let round = poller(feeds, None, t0).round(t0, wall()).await;
    apply(&mut app, round, wall());
    assert_eq!(app.headlines().visible().len(), 4);
    // Read the 10 kB title, so the reader draws it too.
    update(
        &mut app,
        Message::Move(tickertape::message::Step::Last),
        wall(),
    );
    assert!(
        app.headlines()
            .selected()
            .expect("a selection")
            .title
            .as_str()
            .starts_with("Markets Markets")
    );

    let terminal = draw(&app, 120, 40);
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            assert!(
                !symbol.chars().any(is_unsafe),
                "cell ({x}, {y}) holds {symbol:?}"
            );
        }
    }
    // The sequences' introducers are gone; what is left shows as plain text.
    assert_eq!(
        list_titles(&app)[..3],
        [
            "[31mRED ALERT[0m markets crash",
            "]52;c;cm0gLXJmIH4=clipboard [2J1;1H raw",
            "Price 0001$ reversed and isolate",
        ]
    );
    let rows = screen_rows(&terminal);
    for (row, shown) in [
        (3, "│       • Hostile    [31mRED ALERT[0m markets …│"),
        (4, "│       • Hostile    ]52;c;cm0gLXJmIH4=clipboa…│"),
        (5, "│       • Hostile    Price 0001$ reversed and …│"),
        (6, "│       • Hostile    Markets Markets Markets M…│"),
    ] {
        assert!(rows[row].starts_with(shown), "row {row}: {:?}", rows[row]);
    }

    let list = app.viewport().list;
    let right = list.x + list.width - 1;
    let long_rows: Vec<u16> = (list.y + 1..list.y + list.height - 1)
        .filter(|&y| {
            let in_list: String = rows[usize::from(y)]
                .chars()
                .take(usize::from(list.width))
                .collect();
            in_list.contains("Markets Markets")
        })
        .collect();
    assert_eq!(long_rows.len(), 1, "the long title takes one list row");
    let y = long_rows[0];
    assert_eq!(buffer[(right, y)].symbol(), "│", "the border is intact");
    assert_eq!(
        buffer[(right - 1, y)].symbol(),
        "…",
        "the title is cut with an ellipsis at the list's last column"
    );
    for y in list.y..list.y + list.height {
        let border = buffer[(right, y)].symbol();
        assert!(matches!(border, "│" | "┐" | "┘"), "row {y}: {border:?}");
    }
}

#[tokio::test]
async fn cjk_titles_in_a_narrow_pane_keep_the_border_aligned() {
    let server = MockServer::start().await;
    serve(&server, "/cjk.xml", body(CJK, XML)).await;
    let feeds = vec![feed("財經新聞", &format!("{}/cjk.xml", server.uri()))];
    let now = ts("2024-06-04T08:00:00Z");
    let mut app = app_with(feeds.clone(), now, 40, 20);
    let t0 = Instant::now();
    let round = poller(feeds, None, t0).round(t0, now).await;
    apply(&mut app, round, now);
    assert_eq!(
        list_titles(&app),
        [
            "沪深300指数收涨1.2%，科技股领涨",
            "日経平均株価、終値で最高値を更新",
        ]
    );
    let terminal = draw(&app, 40, 20);
    let buffer = terminal.backend().buffer();
    let list = app.viewport().list;
    let right = list.x + list.width - 1;
    assert_eq!(right, 39, "the list spans the narrow terminal");
    for y in list.y..list.y + list.height {
        let border = buffer[(right, y)].symbol();
        assert!(matches!(border, "│" | "┐" | "┘"), "row {y}: {border:?}");
    }
    insta::assert_snapshot!("cjk_feed_40x20", terminal.backend());
}

#[tokio::test]
async fn a_rate_limited_feed_is_not_asked_again_before_retry_after() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/limited.xml",
        ResponseTemplate::new(429).insert_header("Retry-After", "120"),
    )
    .await;
    serve(&server, "/fine.xml", body(RDF, "application/rdf+xml")).await;
    let feeds = vec![
        feed("Limited", &format!("{}/limited.xml", server.uri())),
        feed("Fine", &format!("{}/fine.xml", server.uri())),
    ];
    let t0 = Instant::now();
    let mut poller = poller(feeds, None, t0);
    let round = by_source(poller.round(t0, wall()).await);
    assert_eq!(
        round[&SourceId::Feed(0)],
        Message::SourceFailed {
            source: SourceId::Feed(0),
            failure: Failure::RateLimited {
                retry_after_secs: Some(120)
            },
            at: wall(),
        }
    );
    assert_eq!(
        arrived(&round[&SourceId::Feed(1)], SourceId::Feed(1), wall()).len(),
        2
    );

    // (seconds after the first round, requests for the limited feed, for the fine one).
    for (after, limited, fine) in [(6, 1, 2), (60, 1, 3), (119, 1, 4), (133, 2, 5)] {
        poller.round(t0 + secs(after), wall() + secs(after)).await;
        assert_eq!(
            (
                hits(&server, "/limited.xml").await,
                hits(&server, "/fine.xml").await
            ),
            (limited, fine),
            "requests (limited, fine) after the round at +{after}s: the limited feed only \
             once Retry-After (120 s, +10% jitter at most) has passed"
        );
    }
}

/// A moved feed (301) resolves relative links against where it moved to, so its stories keep
/// the ids they have in feeds that link them correctly.
#[tokio::test]
async fn relative_links_in_a_moved_feed_resolve_against_where_it_moved() {
    let old_host = MockServer::start().await;
    let new_host = MockServer::start().await;
    let moved_to = format!("{}/markets/rss.xml", new_host.uri());
    serve(
        &old_host,
        "/rss.xml",
        ResponseTemplate::new(301).insert_header("Location", moved_to.as_str()),
    )
    .await;
    serve(&new_host, "/markets/rss.xml", body(RSS2, XML)).await;
    let feeds = vec![feed(
        "Harbour Street",
        &format!("{}/rss.xml", old_host.uri()),
    )];
    let t0 = Instant::now();
    let round = by_source(poller(feeds, None, t0).round(t0, wall()).await);
    let headlines = arrived(&round[&SourceId::Feed(0)], SourceId::Feed(0), wall());
    assert_eq!(headlines.len(), 6);
    assert_eq!(
        headlines[0].link.as_deref(),
        Some(format!("{}/markets/a.html", new_host.uri()).as_str()),
        "the item's relative link must resolve against the feed's final URL"
    );
}

/// A feed answered with 200 whose body yields no stories says why on the status line, in the
/// words an outage uses, while the other feed (Atom 0.3) is listed. Wide enough that the
/// status line holds the whole sentence.
#[tokio::test]
async fn a_feed_without_stories_says_why_on_the_status_line_and_the_others_are_listed() {
    const WIDTH: u16 = 200;
    for (served, wording) in [
        (OPML, "no stories found (unsupported format: OPML)"),
        (CDF, "no stories found (unsupported format: CDF)"),
        (EMPTY, "feed is empty"),
    ] {
        let server = MockServer::start().await;
        serve(&server, "/news.xml", body(served, XML)).await;
        serve(&server, "/notes.xml", body(ATOM03, "application/atom+xml")).await;
        let feeds = vec![
            feed("Quill Desk", &format!("{}/news.xml", server.uri())),
            feed("Lamplighter", &format!("{}/notes.xml", server.uri())),
        ];
        let mut app = app_with(feeds.clone(), wall(), WIDTH, 40);
        let t0 = Instant::now();
        apply(
            &mut app,
            poller(feeds, None, t0).round(t0, wall()).await,
            wall(),
        );
        let rows = screen_rows(&draw(&app, WIDTH, 40));
        let status = rows[0].trim_end();
        assert!(
            status.ends_with(&format!(" · Quill Desk: {wording} (0s)")),
            "status line: {status:?}"
        );
        let titles = [
            "Copper & tin rally",
            "Zinc slips",
            "Nickel notes",
            "Lead, inline",
        ];
        assert_eq!(list_titles(&app), titles, "{wording}");
        for title in titles {
            assert!(
                rows.iter().any(|row| row.contains(title)),
                "{title:?} on screen:\n{}",
                rows.join("\n")
            );
        }
    }
}
