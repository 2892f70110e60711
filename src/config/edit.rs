//! Writing watchlist changes made in the program back into the user's file, in place: the
//! user's comments, order and formatting stay (`toml_edit`), the write is atomic (a temporary
//! file renamed over the old one), and nothing is written that the program could not read back.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use super::{AlertRule, Group};
use crate::domain::{Instrument, Provider};
use crate::market::Market;

/// Why a change could not be saved; it stays in memory for as long as the program runs.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("no config file (tickertape --init-config writes one)")]
    NoFile,
    #[error("{} changed on disk since tickertape read it", .0.display())]
    ChangedOnDisk(PathBuf),
    #[error("{} is read-only", .0.display())]
    ReadOnly(PathBuf),
    #[error("the edited file would not load ({0})")]
    Invalid(String),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// The user's file as tickertape last read or wrote it, so a change made meanwhile by hand is
/// noticed rather than overwritten.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    path: PathBuf,
    text: String,
}

impl ConfigFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        Self { path, text }
    }

    /// The text as last read or written here.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes the file as it is now for the one last read, as after a reload applied it; an
    /// unreadable file keeps the old text, so the next save says why.
    pub fn reread(&mut self) {
        if let Ok(text) = fs::read_to_string(&self.path) {
            self.text = text;
        }
    }

    /// Writes `groups` (the first being `[[quotes.symbols]]`) into the file.
    ///
    /// # Errors
    /// [`SaveError`] naming why; the file is then as it was.
    pub fn save_watchlist(
        &mut self,
        instruments: &[Instrument],
        groups: &[Group],
    ) -> Result<(), SaveError> {
        self.save(
            |text| edited(text, instruments, groups),
            |parsed| {
                let saved = parsed.quotes.groups.iter().map(|g| &g.symbols);
                (saved.eq(groups.iter().map(|g| &g.symbols)))
                    .then_some(())
                    .ok_or("the groups would read back differently")
            },
        )
    }

    /// Writes `rules` as the file's `[[alerts.rules]]`.
    ///
    /// # Errors
    /// [`SaveError`] naming why; the file is then as it was.
    pub fn save_alert_rules(&mut self, rules: &[AlertRule]) -> Result<(), SaveError> {
        self.save(
            |text| alerts::edited(text, rules),
            |parsed| {
                (parsed.alerts.rules == rules)
                    .then_some(())
                    .ok_or("the alerts would read back differently")
            },
        )
    }

    /// The file edited by `edit`, if it is as last read, writable, and loads back as
    /// `check` wants; then written atomically.
    fn save(
        &mut self,
        edit: impl FnOnce(&str) -> Result<String, toml_edit::TomlError>,
        check: impl FnOnce(&super::Config) -> Result<(), &'static str>,
    ) -> Result<(), SaveError> {
        let io_error = |source| SaveError::Io {
            path: self.path.clone(),
            source,
        };
        let on_disk = fs::read_to_string(&self.path).map_err(io_error)?;
        if on_disk != self.text {
            return Err(SaveError::ChangedOnDisk(self.path.clone()));
        }
        let metadata = fs::metadata(&self.path).map_err(io_error)?;
        if metadata.permissions().readonly() {
            return Err(SaveError::ReadOnly(self.path.clone()));
        }
        let edited = edit(&on_disk).map_err(|error| SaveError::Invalid(error.to_string()))?;
        let parsed = super::parse(&edited, &self.path)
            .map_err(|error| SaveError::Invalid(error.to_string()))?;
        check(&parsed).map_err(|why| SaveError::Invalid(why.to_owned()))?;
        write_atomically(&self.path, &edited, metadata.permissions()).map_err(io_error)?;
        self.text = edited;
        Ok(())
    }
}

/// `text` with its watchlist and groups replaced by `groups`. Entries that stay keep their
/// tables (and comments); new ones are written from the instrument.
///
/// # Errors
/// When `text` is not TOML.
pub fn edited(
    text: &str,
    instruments: &[Instrument],
    groups: &[Group],
) -> Result<String, toml_edit::TomlError> {
    let mut doc: DocumentMut = text.parse()?;
    let Some((first, others)) = groups.split_first() else {
        return Ok(doc.to_string());
    };
    let quotes = doc
        .entry("quotes")
        .or_insert_with(|| Item::Table(Table::new()));
    if let Some(quotes) = quotes.as_table_like_mut() {
        let mut old = match quotes.remove("symbols") {
            Some(Item::ArrayOfTables(tables)) => tables,
            _ => ArrayOfTables::new(),
        };
        // Tables are printed by their place in the document, so the new order takes over the
        // old places; one put back shares the place before it and prints after it.
        let mut places: Vec<isize> = old.iter().filter_map(Table::position).collect();
        places.sort_unstable();
        let mut symbols = ArrayOfTables::new();
        let mut place = places.first().copied();
        for symbol in &first.symbols {
            let kept = old
                .iter()
                .position(|table| table.get("symbol").and_then(Item::as_str) == Some(symbol));
            let table = match kept {
                Some(index) => old.get(index).cloned(),
                None => instruments
                    .iter()
                    .find(|i| &i.symbol == symbol)
                    .map(table_of),
            };
            if let Some(mut table) = table {
                place = places.get(symbols.len()).copied().or(place);
                table.set_position(place);
                symbols.push(table);
            }
        }
        keep_header(&old, &mut symbols);
        old.clear();
        quotes.insert("symbols", Item::ArrayOfTables(symbols));
    }
    if let Some(tables) = doc.get_mut("groups").and_then(Item::as_array_of_tables_mut) {
        for (table, group) in tables.iter_mut().zip(others) {
            let list: Array = group.symbols.iter().map(String::as_str).collect();
            table.insert("symbols", value(list));
        }
    }
    Ok(doc.to_string())
}

/// What stands above the first table (often the file's own header comment) stays above the
/// first table, whichever instrument that now is; other comments move with their tables.
fn keep_header(old: &ArrayOfTables, new: &mut ArrayOfTables) {
    let first = |tables: &ArrayOfTables| {
        (0..tables.len()).min_by_key(|&i| tables.get(i).and_then(Table::position))
    };
    let (Some(old_first), Some(new_first)) = (first(old), first(new)) else {
        return;
    };
    let Some(header) = old.get(old_first).map(|t| t.decor().prefix().cloned()) else {
        return;
    };
    let old_symbol = old
        .get(old_first)
        .and_then(|t| t.get("symbol")?.as_str().map(str::to_owned));
    for index in 0..new.len() {
        let Some(table) = new.get_mut(index) else {
            continue;
        };
        let symbol = table
            .get("symbol")
            .and_then(Item::as_str)
            .map(str::to_owned);
        if index == new_first {
            if symbol != old_symbol {
                table
                    .decor_mut()
                    .set_prefix(header.clone().unwrap_or_default());
            }
        } else if symbol == old_symbol {
            table.decor_mut().set_prefix("\n");
        }
    }
}

/// An instrument as `[[quotes.symbols]]` writes it: only what differs from the defaults.
fn table_of(instrument: &Instrument) -> Table {
    let mut table = Table::new();
    table.insert("symbol", value(instrument.symbol.as_str()));
    table.insert("name", value(instrument.name.as_str()));
    if instrument.market != Market::for_symbol(&instrument.symbol) {
        table.insert("market", value(instrument.market.name()));
    }
    if !instrument.aliases.is_empty() {
        let aliases: Array = instrument.aliases.iter().map(String::as_str).collect();
        table.insert("aliases", value(aliases));
    }
    if let Provider::CoinGecko { id, vs } = &instrument.provider {
        table.insert("provider", value("coingecko"));
        table.insert("id", value(id.as_str()));
        table.insert("vs", value(vs.as_str()));
    }
    table
}

/// A temporary file beside the target, renamed over it: a crash leaves the old file or the
/// new one, never half of one.
fn write_atomically(path: &Path, text: &str, permissions: fs::Permissions) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::set_permissions(&temp, permissions)?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

mod alerts;
#[cfg(test)]
mod tests;
