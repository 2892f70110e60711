//! What each old name becomes: Atom 0.3's elements and text constructs in Atom 1.0's terms, and
//! the old namespaces as the new ones.

use quick_xml::events::BytesStart;

use super::{ATOM_03, ATOM_10, RSS_10, RSS_090};

/// How a text construct is written in Atom 1.0.
pub(super) struct TextKind {
    /// What replaces 0.3's `type` and `mode`; `None` is Atom 1.0's default, `text`.
    pub(super) new_type: Option<String>,
    /// The body is base64, to be decoded and written escaped.
    pub(super) is_base64: bool,
}

/// An Atom 0.3 element's new local name, when it has one, and how it carries text, when it
/// is a text construct.
pub(super) fn atom10_element(
    local: &str,
    start: &BytesStart,
) -> (Option<&'static str>, Option<TextKind>) {
    let name = match local {
        "issued" => Some("published"),
        "modified" => Some("updated"),
        "tagline" => Some("subtitle"),
        "copyright" => Some("rights"),
        "url" => Some("uri"),
        _ => None,
    };
    let is_text = matches!(
        local,
        "title" | "summary" | "content" | "tagline" | "copyright" | "info"
    );
    let kind = is_text.then(|| {
        let value = |key: &str| {
            start
                .attributes()
                .flatten()
                .find(|attribute| attribute.key.0 == key)
                .map(|attribute| attribute.value.trim().to_ascii_lowercase())
        };
        let mime = value("type").unwrap_or_else(|| "text/plain".to_owned());
        text_kind(&mime, value("mode").as_deref(), local == "content")
    });
    (name, kind)
}

/// Atom 0.3 gives a text construct a MIME type (default `text/plain`) and says how it is
/// carried: inline markup (`xml`, the default), `escaped` or `base64`. Atom 1.0 says `text`,
/// `html` (always escaped) or `xhtml` (always inline). Content of another type (an image)
/// keeps it, and with it a body nobody shows; anything else of another type is read as text.
pub(super) fn text_kind(mime: &str, mode: Option<&str>, is_content: bool) -> TextKind {
    let is_markup = mime.contains("html") || mime.ends_with("xml");
    let is_text = is_markup || mime.starts_with("text/");
    let new_type = match (is_markup, mode) {
        (true, Some("escaped" | "base64")) => Some("html".to_owned()),
        (true, _) => Some("xhtml".to_owned()),
        (false, _) if is_content && !is_text => Some(mime.to_owned()),
        (false, _) => None,
    };
    TextKind {
        new_type,
        is_base64: is_text && mode == Some("base64"),
    }
}

pub(super) fn declares_old_namespace(start: &BytesStart) -> bool {
    start
        .attributes()
        .flatten()
        .any(|attribute| new_namespace(attribute.key.0, &attribute.value).is_some())
}

/// The namespace an `xmlns` attribute should declare instead of an old one.
pub(super) fn new_namespace(key: &str, value: &str) -> Option<&'static str> {
    if key != "xmlns" && !key.starts_with("xmlns:") {
        return None;
    }
    match value.trim() {
        ATOM_03 => Some(ATOM_10),
        RSS_090 => Some(RSS_10),
        _ => None,
    }
}
