//! Feed bytes to what feed-rs can read safely: one charset decided as quick-xml would, every XML
//! declaration made inert (quick-xml panics on some), and an <rss> root of an unusual version read
//! as RSS 2.0.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

pub(super) fn read(body: &[u8], base: &Url) -> Result<feed_rs::model::Feed, ParseFeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        // feed-rs would invent a hash, or a random UUID, for an entry without an id; an empty
        // id tells us the feed gave none, so `story_key` can fall back on its own terms.
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(body)
}

pub(super) fn is_no_root<T>(parsed: &Result<T, ParseFeedError>) -> bool {
    matches!(
        parsed,
        Err(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot))
    )
}

/// feed-rs reads `<rss>` only with version 2.0, 0.91, 0.92 or an empty one; feeds in the wild
/// also leave it out or say "2.01" or "0.94". Such a root is rewritten to claim 2.0, with any
/// version it had renamed out of the way. The bytes are ASCII, so every charset feed-rs reads
/// (all ASCII-compatible) keeps them intact.
pub(super) fn as_rss2(body: &[u8]) -> Option<Vec<u8>> {
    let head = body.get(..body.len().min(4096))?;
    let start = head.windows(5).position(|window| {
        window.starts_with(b"<rss") && (window[4].is_ascii_whitespace() || window[4] == b'>')
    })?;
    let end = start + body.get(start..)?.iter().position(|&byte| byte == b'>')?;
    let attributes = body.get(start + 4..end)?;
    let mut fixed = Vec::with_capacity(body.len() + 24);
    fixed.extend_from_slice(&body[..start]);
    fixed.extend_from_slice(b"<rss version=\"2.0\"");
    match attributes
        .windows(8)
        .position(|window| window == b"version=")
    {
        Some(at) => {
            fixed.extend_from_slice(&attributes[..at]);
            fixed.extend_from_slice(b"x-");
            fixed.extend_from_slice(&attributes[at..]);
        }
        None => fixed.extend_from_slice(attributes),
    }
    fixed.extend_from_slice(&body[end..]);
    Some(fixed)
}

/// The body as valid UTF-8, every XML declaration inert.
///
/// quick-xml (under feed-rs) panics when it reads a declaration naming a charset other than the
/// one it is decoding after its first 64 bytes: the standard declaration of a UTF-16BE feed, one
/// after blank lines or a comment, a second one mid-file, one that a malformed byte before it
/// hid. With `panic = "abort"` a feed could end the program. So the charset is decided here as
/// quick-xml would (a BOM, UTF-16 without one, else the leading declaration's `encoding`, else
/// UTF-8), the body is decoded (malformed bytes and NUL, never XML, become U+FFFD, so quick-xml
/// reads exactly these bytes and never takes them for UTF-16), and `<?xml` becomes `<?XML`, a
/// processing instruction feed-rs skips. The same bytes inside CDATA change too; no reader will
/// mind.
pub(super) fn without_declarations(body: &[u8]) -> Cow<'_, [u8]> {
    let (encoding, bom_len) = Encoding::for_bom(body).unwrap_or_else(|| {
        let encoding = if body.starts_with(&[0, b'<', 0, b'?']) {
            UTF_16BE
        } else if body.starts_with(&[b'<', 0, b'?', 0]) {
            UTF_16LE
        } else {
            declared_encoding(body).unwrap_or(UTF_8)
        };
        (encoding, 0)
    });
    let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
    match text {
        Cow::Borrowed(text) if !text.contains("<?xml") && !text.contains('\0') => {
            Cow::Borrowed(text.as_bytes())
        }
        text => Cow::Owned(
            text.replace('\0', "\u{FFFD}")
                .replace("<?xml", "<?XML")
                .into_bytes(),
        ),
    }
}

/// The charset a leading `<?xml … encoding="…"?>` names. A declaration readable as ASCII is not
/// in UTF-16, whatever it says, so that label means UTF-8 (as in browsers).
fn declared_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let declaration = trim_start(body).strip_prefix(b"<?xml")?;
    let declaration = &declaration[..declaration.len().min(1024)];
    let declaration = &declaration[..declaration.windows(2).position(|w| w == b"?>")?];
    let at = declaration.windows(8).position(|w| w == b"encoding")? + "encoding".len();
    let value = declaration[at..]
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let (&quote, value) = value.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let label = &value[..value.iter().position(|&byte| byte == quote)?];
    let encoding = Encoding::for_label(label)?;
    Some(if encoding == UTF_16BE || encoding == UTF_16LE {
        UTF_8
    } else {
        encoding
    })
}

pub(super) fn trim_start(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[start..]
}

pub(super) fn starts_with_ignore_case(bytes: &[u8], prefixes: &[&[u8]]) -> bool {
    prefixes.iter().any(|prefix| {
        bytes
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}
