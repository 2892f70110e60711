//! Data compiled into the binary so the first start on a machine with no network and no cache
//! still shows a full screen: the closing quotes of 28 Jun 2024 and sample articles we wrote.
//! Made into the same types at start-up (and so through the same sanitiser) as outside data;
//! the sample news is checked and turned into Rust literals by `build.rs`.

use std::cell::OnceCell;
use std::collections::HashMap;

use jiff::Timestamp;
use serde::Deserialize;

use crate::domain::{Article, Block, Headline, Quote};
use crate::sanitize::SafeText;

const SNAPSHOT_JSON: &str = include_str!("../assets/snapshot.json");
/// `assets/sample-news.toml`, as `build.rs` writes it out.
const SAMPLE_NEWS: &[SampleText] = include!(concat!(env!("OUT_DIR"), "/sample_news.rs"));

/// Labels every sample so nobody mistakes it for news.
pub const SAMPLE_SOURCE: &str = "tickertape sample";

#[derive(Debug, Deserialize)]
pub struct Snapshot {
    pub taken_at: Timestamp,
    pub quotes: Vec<Quote>,
}

pub fn snapshot() -> Result<Snapshot, serde_json::Error> {
    serde_json::from_str(SNAPSHOT_JSON)
}

/// One `[[article]]` of `assets/sample-news.toml`.
struct SampleText {
    id: &'static str,
    title: &'static str,
    /// RFC 3339.
    published: &'static str,
    summary: &'static str,
    /// In the light markup of [`blocks_from_markup`].
    body: &'static str,
}

/// A sample's full text as written, made into an [`Article`] the first time it is read:
/// sanitising every body at start-up was a fifth of the first frame's work.
#[derive(Clone, Debug)]
pub struct Sample {
    headline: Headline,
    body: &'static str,
    article: OnceCell<Article>,
}

impl Sample {
    pub fn article(&self) -> &Article {
        self.article.get_or_init(|| Article {
            title: self.headline.title.clone(),
            source: self.headline.source.clone(),
            published: self.headline.published,
            byline: None,
            blocks: blocks_from_markup(self.body),
            links: Vec::new(),
        })
    }
}

/// The sample headlines and, by headline id, their full texts.
pub fn sample_news() -> Result<(Vec<Headline>, HashMap<String, Sample>), jiff::Error> {
    let source = SafeText::new(SAMPLE_SOURCE);
    let mut headlines = Vec::with_capacity(SAMPLE_NEWS.len());
    let mut samples = HashMap::with_capacity(SAMPLE_NEWS.len());
    for sample in SAMPLE_NEWS {
        let headline = Headline {
            id: sample.id.to_owned(),
            title: SafeText::new(sample.title),
            source: source.clone(),
            published: Some(sample.published.parse()?),
            link: None,
            summary: vec![Block::Paragraph(SafeText::new(sample.summary))],
        };
        samples.insert(
            headline.id.clone(),
            Sample {
                headline: headline.clone(),
                body: sample.body,
                article: OnceCell::new(),
            },
        );
        headlines.push(headline);
    }
    Ok((headlines, samples))
}

/// The samples' light markup: blank lines part paragraphs; `## `, `- ` and `> ` start a
/// heading, a list item and a quote line.
fn blocks_from_markup(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(SafeText::new(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    for line in body.lines().map(str::trim) {
        let special = if let Some(text) = line.strip_prefix("## ") {
            Some(Block::Heading(SafeText::new(text)))
        } else if let Some(text) = line.strip_prefix("- ") {
            Some(Block::ListItem(SafeText::new(text)))
        } else {
            line.strip_prefix("> ")
                .map(|text| Block::Quote(SafeText::new(text)))
        };
        match special {
            Some(block) => {
                flush(&mut paragraph, &mut blocks);
                blocks.push(block);
            }
            None if line.is_empty() => flush(&mut paragraph, &mut blocks),
            None => paragraph.push(line),
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_blocks_in_order() {
        let blocks = blocks_from_markup("One\nline.\n\n## Head\n- a\n- b\n> said\nTail");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(SafeText::new("One line.")),
                Block::Heading(SafeText::new("Head")),
                Block::ListItem(SafeText::new("a")),
                Block::ListItem(SafeText::new("b")),
                Block::Quote(SafeText::new("said")),
                Block::Paragraph(SafeText::new("Tail")),
            ]
        );
    }

    #[test]
    fn snapshot_covers_the_default_watchlist() {
        let snapshot = snapshot().unwrap();
        let symbols: Vec<&str> = snapshot.quotes.iter().map(|q| q.symbol.as_str()).collect();
        let watchlist: Vec<String> = crate::config::Config::default()
            .quotes
            .instruments
            .into_iter()
            .map(|i| i.symbol)
            .collect();
        assert_eq!(symbols, watchlist);
        assert_eq!(
            snapshot.taken_at,
            "2024-06-28T21:00:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn samples_are_many_labelled_and_include_cjk_and_a_long_read() {
        let (headlines, articles) = sample_news().unwrap();
        assert!(headlines.len() >= 12, "{}", headlines.len());
        assert!(headlines.iter().all(|h| h.source.as_str() == SAMPLE_SOURCE));
        assert!(headlines.iter().all(|h| articles.contains_key(&h.id)));
        assert!(headlines.iter().any(|h| {
            h.title
                .as_str()
                .chars()
                .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        }));
        let longest = articles
            .values()
            .map(|sample| {
                sample
                    .article()
                    .blocks
                    .iter()
                    .map(|b| b.text().as_str().len())
                    .sum::<usize>()
            })
            .max()
            .unwrap();
        assert!(longest > 8_000, "{longest}");
    }

    /// Bodies are made into articles when read, once: a start pays for none of them.
    #[test]
    fn a_sample_body_becomes_an_article_when_first_read() {
        let (headlines, samples) = sample_news().unwrap();
        assert!(
            samples
                .values()
                .all(|sample| sample.article.get().is_none())
        );
        let sample = &samples[&headlines[0].id];
        let article = sample.article();
        assert_eq!(article.title, headlines[0].title);
        assert!(article.blocks.len() > 3, "{:?}", article.blocks);
        assert!(std::ptr::eq(article, sample.article()));
    }

    /// The close of 28 Jun 2024 as the tape must show it, entry by entry.
    #[test]
    fn snapshot_displays_exactly_the_published_closes() {
        use crate::app::data_state::{Freshness, Origin};
        use crate::app::quotes::QuoteBoard;
        let snapshot = snapshot().unwrap();
        let board = QuoteBoard::new(
            snapshot.quotes,
            Origin::Snapshot {
                taken_at: snapshot.taken_at,
            },
        );
        let instruments = crate::config::Config::default().quotes.instruments;
        let freshness = Freshness {
            now: snapshot.taken_at,
            refresh: std::time::Duration::from_secs(15),
            is_trading: &|_| false,
        };
        let shown: Vec<String> = board
            .tape_entries(&instruments, &freshness)
            .iter()
            .map(|e| format!("{} {} {}", e.name, e.price, e.movement))
            .collect();
        assert_eq!(
            shown,
            [
                "FTSE 100 8,164.12 ▼-15.56 (-0.19%)",
                "FTSE 250 20,286.03 ▼-45.77 (-0.23%)",
                "AIM 764.38 ▼-0.09 (-0.01%)",
                "GBP/EUR 1.1796 ▼-0.0009 (-0.07%)",
                "GBP/USD 1.2648 ▲+0.0006 (+0.05%)",
                "Bitcoin GBP 48,224.11 ▼-343.09 (-0.71%)",
                "CMC Crypto 200 1,266.55 ▼-17.27 (-1.35%)",
                "S&P 500 5,460.48 ▼-22.39 (-0.41%)",
                "DOW 39,118.86 ▼-45.20 (-0.12%)",
                "Crude Oil 81.46 ▼-0.28 (-0.34%)",
                "Gold Futures 2,336.90 ▲+0.30 (+0.01%)",
                "Nikkei 225 39,583.08 ▲+241.54 (+0.61%)",
                "Hang Seng 17,718.61 ▲+2.14 (+0.01%)",
                "DAX 18,235.45 ▲+24.90 (+0.14%)",
                "CAC 40 7,479.40 ▼-51.32 (-0.68%)",
            ]
        );
    }
}
