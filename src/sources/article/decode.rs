//! Page bytes to text, deciding the charset the way a browser would: byte order mark, then the
//! HTTP header, then the page's own <meta>, then detection with the domain as a hint.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use dom_query::Document;
use encoding_rs::Encoding;
use url::{Host, Url};

/// How far into the page to look for a `<meta>` charset. The HTML standard says 1024 bytes;
/// real pages sometimes put long inline scripts first, and looking further costs nothing.
const META_SCAN_BYTES: usize = 4096;

/// Turns page bytes into text, deciding the charset the way a browser would so that legacy
/// pages do not turn into mojibake. A byte order mark wins over everything (as in browsers:
/// it cannot be there by accident), then the HTTP `Content-Type` charset, then the page's
/// `<meta charset>` / `<meta http-equiv="Content-Type">`, then detection by chardetng with the
/// URL's top-level domain as a hint. Labels go through the WHATWG Encoding Standard, so
/// ISO-8859-1 decodes as windows-1252 and GB2312 as GBK, as pages expect.
pub fn decode(body: &[u8], content_type: Option<&str>, url: &Url) -> String {
    let encoding = content_type
        .and_then(charset_from_content_type)
        .or_else(|| charset_from_meta(body))
        .unwrap_or_else(|| detect(body, url));
    // `decode` sniffs the BOM first and replaces malformed sequences with U+FFFD.
    let (text, _, _) = encoding.decode(body);
    text.into_owned()
}

fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The charset the page declares near its start. A real parser reads the prefix, so a
/// `<meta>` inside a comment, script or attribute value cannot mislead it; labels are ASCII,
/// so lossy UTF-8 is good enough to find them in any ASCII-compatible encoding.
pub(super) fn charset_from_meta(body: &[u8]) -> Option<&'static Encoding> {
    let prefix = String::from_utf8_lossy(&body[..body.len().min(META_SCAN_BYTES)]);
    let document = Document::from(prefix.as_ref());
    let metas = document.select("meta");
    let found = metas.nodes().iter().find_map(|meta| {
        if let Some(label) = meta.attr("charset") {
            return Encoding::for_label(label.trim().as_bytes());
        }
        let pragma = meta
            .attr("http-equiv")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("content-type"));
        pragma
            .then(|| meta.attr("content"))
            .flatten()
            .and_then(|content| charset_in_content(&content))
    })?;
    // A page readable as ASCII cannot really be UTF-16, and x-user-defined is never text.
    Some(
        if found == encoding_rs::UTF_16BE || found == encoding_rs::UTF_16LE {
            encoding_rs::UTF_8
        } else if found == encoding_rs::X_USER_DEFINED {
            encoding_rs::WINDOWS_1252
        } else {
            found
        },
    )
}

/// `charset=…` inside a `content="text/html; charset=…"` value.
fn charset_in_content(content: &str) -> Option<&'static Encoding> {
    let at = content.to_ascii_lowercase().find("charset")? + "charset".len();
    let rest = content[at..].trim_start().strip_prefix('=')?.trim_start();
    let value = match rest.strip_prefix(['"', '\'']) {
        Some(quoted) => quoted.split(['"', '\'']).next()?,
        None => rest
            .split(|c: char| c == ';' || c.is_ascii_whitespace())
            .next()?,
    };
    Encoding::for_label(value.as_bytes())
}

fn detect(body: &[u8], url: &Url) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // chardetng panics on a malformed label, so only a plain lower-case one is passed on.
    let tld = match url.host() {
        Some(Host::Domain(host)) => host.rsplit('.').next().filter(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }),
        _ => None,
    };
    detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}
