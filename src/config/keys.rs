//! `[keys]` in the config: each entry laid over the default key map, checked against the
//! keymap's actions and key names, with no key serving two actions at once.

use std::collections::BTreeMap;

use toml::Spanned;

use super::ConfigError;
use super::raw::{Keys, OneOrMany};
use super::validate::{Source, spanned_strings};
use crate::keymap::{Key, KeyMap, KeyMapError};

/// The `[keys]` table over the default map; every entry names an action and parses, and no
/// key serves two actions that can be active at once.
pub(super) fn keys(
    src: &Source,
    table: BTreeMap<Spanned<String>, Spanned<OneOrMany<Keys>>>,
) -> Result<KeyMap, ConfigError> {
    let mut map = KeyMap::default();
    let mut spans = Vec::new();
    for (action, value) in table {
        let value_span = value.span();
        let keys = spanned_strings(value)
            .iter()
            .map(|text| Key::parse(text.get_ref()).map_err(|err| src.invalid(text.span(), err)))
            .collect::<Result<Vec<_>, _>>()?;
        map.bind(action.get_ref(), keys)
            .map_err(|err| src.invalid(action.span(), format!("[keys]: {err}")))?;
        spans.push((action.into_inner(), value_span));
    }
    if let Some(conflict) = map.conflict() {
        // At least one side was set here (the defaults have no conflicts): point at the later.
        let at = match &conflict {
            KeyMapError::Conflict { first, second, .. } => spans
                .iter()
                .filter(|(action, _)| action == first || action == second)
                .map(|(_, span)| span.clone())
                .max_by_key(|span| span.start),
            KeyMapError::UnknownAction(_) => None,
        };
        return Err(src.invalid(at.unwrap_or(0..0), format!("[keys]: {conflict}")));
    }
    Ok(map)
}
