//! One id per story across feeds and polls: links without tracking parameters first, then guids,
//! then titles; within one feed, stories sharing a link stay distinct by guid.

use std::collections::{HashMap, HashSet};

use feed_rs::model::Entry;
use jiff::Timestamp;
use url::Url;

use super::{MAX_GUID_CHARS, clip, http_url, tidy};
use crate::domain::Headline;

/// Query parameters that say who sent the reader, not what they read; compared ignoring
/// case. Analytics (Google, Adobe `at_*`, AT Internet `xtor`, comScore `ns_*`), ad-click ids
/// (Facebook, Google, Microsoft, Yandex), mailing lists (Mailchimp, Marketo), publishers'
/// own campaign tags (`ocid`, `cmpid`, the FT's and Guardian's `CMP`, NYT `smid`, BBC `at_*`)
/// and feed markers (`ref`, `rss`, `taid`).
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "yclid",
    "igshid",
    "twclid",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "ocid",
    "cmpid",
    "cmp",
    "smid",
    "ito",
    "xtor",
    "at_medium",
    "at_campaign",
    "ns_campaign",
    "ns_mchannel",
    "ns_source",
    "ns_linkname",
    "ns_fee",
    "_ga",
    "_gl",
    "__twitter_impression",
    "ref",
    "rss",
    "taid",
];

/// Families of tracking parameters: `utm_source`, `utm_medium`, …, `at_custom1`, ….
const TRACKING_PREFIXES: &[&str] = &["utm_", "at_custom"];

/// Live blogs, press-release feeds and aggregators give several stories one link, each with
/// its own guid: within a feed those are distinct stories. One of them keeps the link's id, so
/// the same link in another feed still meets it as one story: the earliest published (the
/// first posted under that link), else the last listed, so new posts do not take it over.
/// The others are keyed by their guid. Then a repeated id is a repeated story: the first wins.
pub(super) fn distinct(entries: Vec<(Option<&str>, Headline)>) -> Vec<Headline> {
    let mut holders: HashMap<&str, usize> = HashMap::new();
    for (index, (_, headline)) in entries.iter().enumerate() {
        let holder = holders.entry(headline.id.as_str()).or_insert(index);
        let age = |at: usize| entries[at].1.published.unwrap_or(Timestamp::MAX);
        if age(index) <= age(*holder) {
            *holder = index;
        }
    }
    let rekeyed: Vec<Option<String>> = entries
        .iter()
        .enumerate()
        .map(|(index, (guid, headline))| {
            let holder = holders[headline.id.as_str()];
            let holder_guid = entries[holder].0;
            guid.filter(|guid| index != holder && Some(*guid) != holder_guid)
                .map(guid_key)
        })
        .collect();
    let mut seen = HashSet::new();
    entries
        .into_iter()
        .zip(rekeyed)
        .map(|((_, mut headline), rekeyed)| {
            if let Some(id) = rekeyed {
                headline.id = id;
            }
            headline
        })
        .filter(|headline| seen.insert(headline.id.clone()))
        .collect()
}

/// The entry's guid (RSS) or id (Atom), when it has one.
pub(super) fn guid(entry: &Entry) -> Option<&str> {
    Some(entry.id.as_str()).filter(|id| !id.trim().is_empty())
}

fn guid_key(guid: &str) -> String {
    format!("guid:{}", clip(&tidy(guid), MAX_GUID_CHARS))
}

/// The identity used to de-duplicate a story across feeds and polls, in this order:
///
/// 1. `link`, the story's absolute http(s) URL, as [`canonical_link`] gives it: `"link:…"`.
///    It comes first because the same story in two feeds (a section feed and the top-stories
///    feed, say) usually has different guids but the same link, once tracking is removed.
/// 2. else `guid`, the feed's guid/id: `"link:…"` too when it is itself an http(s) URL (an
///    RSS permalink guid, many Atom ids), so it meets the same story given with a link;
///    otherwise `"guid:…"`, sanitised and capped at 512 chars.
/// 3. else `title`, lowercased with whitespace collapsed: `"title:…"`. Last, because two
///    sources can share a generic title ("Morning briefing").
///
/// The prefixes keep the kinds from ever colliding with each other.
pub fn story_key(link: Option<&str>, guid: Option<&str>, title: &str) -> String {
    if let Some(url) = link.and_then(http_url).or_else(|| guid.and_then(http_url)) {
        return format!("link:{}", canonical_link(&url));
    }
    if let Some(guid) = guid.filter(|guid| !tidy(guid).is_empty()) {
        return guid_key(guid);
    }
    format!("title:{}", tidy(title).to_lowercase())
}

/// Removes tracking parameters (see [`TRACKING_PARAMS`] and [`TRACKING_PREFIXES`]) and the
/// fragment, and lowercases the host; keeps the rest of the query in order, as it was encoded,
/// because some sites route on parameter order or exact spelling.
pub fn canonical_link(link: &Url) -> Url {
    let mut url = link.clone();
    url.set_fragment(None);
    // `url` lowercases http(s) hosts itself; other schemes keep theirs as written.
    if let Some(lower) = url.host_str().map(str::to_ascii_lowercase)
        && url.host_str() != Some(lower.as_str())
    {
        // Cannot fail: the host parsed before and lowercasing keeps it valid.
        let _ = url.set_host(Some(&lower));
    }
    if let Some(query) = url.query() {
        let kept = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_tracking(pair))
            .collect::<Vec<_>>()
            .join("&");
        url.set_query((!kept.is_empty()).then_some(kept.as_str()));
    }
    url
}

fn is_tracking(pair: &str) -> bool {
    let name = url::form_urlencoded::parse(pair.as_bytes())
        .next()
        .map(|(name, _)| name.to_ascii_lowercase())
        .unwrap_or_default();
    TRACKING_PARAMS.contains(&name.as_str())
        || TRACKING_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}
