//! Data compiled into the binary so the first start on a machine with no network and no cache
//! still shows a full screen: the closing quotes of 28 Jun 2024 and sample articles we wrote.
//! Parsed at start-up through the same types (and so the same sanitiser) as any outside data.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Deserialize;

use crate::domain::{Article, Block, Headline, Quote};
use crate::sanitize::SafeText;

const SNAPSHOT_JSON: &str = include_str!("../assets/snapshot.json");
const SAMPLE_NEWS_TOML: &str = include_str!("../assets/sample-news.toml");

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleFile {
    article: Vec<SampleArticle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleArticle {
    id: String,
    title: String,
    published: Timestamp,
    summary: String,
    body: String,
}

/// The sample headlines and, by headline id, their full articles.
pub fn sample_news() -> Result<(Vec<Headline>, HashMap<String, Article>), toml::de::Error> {
    let file: SampleFile = toml::from_str(SAMPLE_NEWS_TOML)?;
    let source = SafeText::new(SAMPLE_SOURCE);
    let mut headlines = Vec::with_capacity(file.article.len());
    let mut articles = HashMap::with_capacity(file.article.len());
    for sample in file.article {
        let title = SafeText::new(&sample.title);
        articles.insert(
            sample.id.clone(),
            Article {
                title: title.clone(),
                source: source.clone(),
                published: Some(sample.published),
                byline: None,
                blocks: blocks_from_markup(&sample.body),
                links: Vec::new(),
            },
        );
        headlines.push(Headline {
            id: sample.id,
            title,
            source: source.clone(),
            published: Some(sample.published),
            link: None,
            summary: vec![Block::Paragraph(SafeText::new(&sample.summary))],
        });
    }
    Ok((headlines, articles))
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
            .map(|a| {
                a.blocks
                    .iter()
                    .map(|b| b.text().as_str().len())
                    .sum::<usize>()
            })
            .max()
            .unwrap();
        assert!(longest > 8_000, "{longest}");
    }
}
