//! Yahoo's symbol search (`/v1/finance/search`), turned into [`SymbolMatch`]es for the search
//! box. Pure: bytes in, matches or a reason out. Lenient like the chart parser: one odd entry
//! costs that entry, not the answer.

use serde::Deserialize;
use serde_json::Value;

use super::response::{Finance, lenient};
use super::{clean_text, provider_error};
use crate::config::MAX_SYMBOL_CHARS;
use crate::domain::SymbolMatch;
use crate::sources::{BodyError, FetchError, Fetched, encode_component, json_value};

/// Results asked for: as many as the box shows.
pub const QUOTES_COUNT: usize = 8;

#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "lenient")]
    quotes: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "lenient")]
    finance: Option<Finance>,
}

/// One entry of `quotes`, with only the fields the box shows or filters on.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    #[serde(default, deserialize_with = "lenient")]
    symbol: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    shortname: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    longname: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    exch_disp: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    type_disp: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    is_yahoo_finance: Option<bool>,
}

/// The search request; the query is one encoded component, so it cannot add parameters.
pub fn search_url(base: &str, query: &str) -> String {
    format!(
        "{}/v1/finance/search?q={}&quotesCount={QUOTES_COUNT}&newsCount=0",
        base.trim_end_matches('/'),
        encode_component(query)
    )
}

/// The matches in the provider's order. Entries without a usable symbol, or that Yahoo marks
/// `isYahooFinance: false` (it cannot quote them), are left out.
pub fn parse_search(fetched: &Fetched) -> Result<Vec<SymbolMatch>, FetchError> {
    let status = fetched.status;
    let value = json_value(&fetched.body).map_err(|error| match error {
        _ if status.is_server_error() => FetchError::Server {
            status: status.as_u16(),
        },
        BodyError::NotJson => FetchError::WebPage("answered with a web page, not data".into()),
        BodyError::Malformed => FetchError::BadResponse("truncated or malformed JSON".into()),
    })?;
    let envelope: Envelope = serde_json::from_value(value)
        .map_err(|_| FetchError::BadResponse("not a JSON object".into()))?;
    let Some(quotes) = envelope.quotes else {
        return Err(match envelope.finance.and_then(|finance| finance.error) {
            Some(error) => {
                FetchError::BadResponse(format!("Yahoo says: {}", provider_error(&error)))
            }
            None if status.is_server_error() => FetchError::Server {
                status: status.as_u16(),
            },
            None => FetchError::BadResponse("unexpected response: missing quotes".into()),
        });
    };
    Ok(quotes
        .into_iter()
        .filter_map(|entry| serde_json::from_value::<Found>(entry).ok())
        .filter_map(symbol_match)
        .collect())
}

fn symbol_match(found: Found) -> Option<SymbolMatch> {
    if found.is_yahoo_finance == Some(false) {
        return None;
    }
    let symbol = found.symbol.filter(|symbol| is_symbol(symbol))?;
    let name = [found.shortname, found.longname]
        .into_iter()
        .flatten()
        .find_map(|name| clean_text(&name))
        .unwrap_or_else(|| crate::sanitize::SafeText::new(&symbol));
    Some(SymbolMatch {
        symbol,
        name,
        exchange: found.exch_disp.as_deref().and_then(clean_text),
        kind: found.type_disp.as_deref().and_then(clean_text),
    })
}

/// What a configured symbol may be, so an added one saves and loads back.
fn is_symbol(symbol: &str) -> bool {
    !symbol.is_empty()
        && symbol.len() <= MAX_SYMBOL_CHARS
        && symbol.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    const VOD: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/search_vod.json");
    const FILTERED: &[u8] = include_bytes!("../../../tests/fixtures/yahoo/search_filtered.json");

    fn fetched(status: u16, body: &[u8]) -> Fetched {
        Fetched {
            url: "http://127.0.0.1/v1/finance/search".to_owned(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.to_vec(),
        }
    }

    fn symbols(matches: &[SymbolMatch]) -> Vec<&str> {
        matches.iter().map(|m| m.symbol.as_str()).collect()
    }

    #[test]
    fn the_url_asks_for_eight_quotes_and_no_news_with_the_query_encoded() {
        assert_eq!(
            search_url("http://h/", "vod l&x=1"),
            "http://h/v1/finance/search?q=vod%20l%26x%3D1&quotesCount=8&newsCount=0"
        );
    }

    #[test]
    fn every_match_has_symbol_name_exchange_and_type() {
        let matches = parse_search(&fetched(200, VOD)).unwrap();
        assert_eq!(symbols(&matches), ["VOD.L", "VOD", "VODI.DE", "VDMCY"]);
        assert_eq!(
            matches[0],
            SymbolMatch {
                symbol: "VOD.L".to_owned(),
                name: crate::sanitize::SafeText::new("VODAFONE GROUP PLC ORD USD0.20"),
                exchange: Some(crate::sanitize::SafeText::new("London")),
                kind: Some(crate::sanitize::SafeText::new("Equity")),
            }
        );
    }

    /// No symbol, a symbol with a space or a control, `isYahooFinance: false` and an entry
    /// that is not an object are left out; a long name stands in for a missing short one;
    /// names are sanitised and trimmed.
    #[test]
    fn unusable_results_are_left_out_and_names_sanitised() {
        let matches = parse_search(&fetched(200, FILTERED)).unwrap();
        assert_eq!(symbols(&matches), ["BARC.L", "^FTSE", "GBPUSD=X"]);
        assert_eq!(matches[0].name.as_str(), "Barclays PLC");
        assert_eq!(matches[1].name.as_str(), "FTSE 100 evil");
        assert_eq!(matches[1].exchange, None);
        assert_eq!(matches[2].name.as_str(), "GBPUSD=X", "no name: the symbol");
        assert_eq!(
            matches[2]
                .kind
                .as_ref()
                .map(crate::sanitize::SafeText::as_str),
            Some("Currency")
        );
    }

    #[test]
    fn failures_say_what_came_back() {
        let outage = parse_search(&fetched(200, b"<html>down</html>")).unwrap_err();
        assert!(matches!(outage, FetchError::WebPage(_)), "{outage:?}");
        assert!(outage.is_host_down());
        let server = parse_search(&fetched(503, b"<html>down</html>")).unwrap_err();
        assert!(matches!(server, FetchError::Server { status: 503 }));
        let cut = parse_search(&fetched(200, br#"{"quotes":[{"symbol""#)).unwrap_err();
        assert_eq!(cut.to_string(), "truncated or malformed JSON");
        let said = br#"{"finance":{"result":null,"error":{"code":"Bad Request","description":"Invalid Search Query"}}}"#;
        let said = parse_search(&fetched(400, said)).unwrap_err();
        assert_eq!(said.to_string(), "Yahoo says: Invalid Search Query");
        assert!(!said.is_host_down());
        let none = parse_search(&fetched(200, br#"{"count":0}"#)).unwrap_err();
        assert_eq!(none.to_string(), "unexpected response: missing quotes");
        let empty = parse_search(&fetched(200, br#"{"count":0,"quotes":[]}"#)).unwrap();
        assert!(empty.is_empty());
    }
}
