//! A news feed body (RSS 0.9x/1.0/2.0, Atom, JSON Feed, or anything else a server sends).
//! Property: never panics; errors are fine. Headlines it returns have unique ids.

#![no_main]

use std::collections::HashSet;

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use tickertape::sanitize::SafeText;
use tickertape::sources::feeds;
use url::Url;

fuzz_target!(|body: &[u8]| {
    let fetched_at: Timestamp = "2024-06-28T15:42:07Z".parse().expect("a valid time");
    let base = Url::parse("https://news.example.com/markets/rss.xml").expect("a valid URL");
    let source = SafeText::new("Example News");
    if let Ok(headlines) = feeds::parse_feed(body, &source, &base, fetched_at) {
        let mut ids = HashSet::new();
        for headline in &headlines {
            assert!(
                ids.insert(headline.id.as_str()),
                "duplicate id {}",
                headline.id
            );
        }
    }
});
