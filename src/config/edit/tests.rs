//! Round trips through real files in a temporary directory: comments and formatting kept,
//! the result loads back as intended, and a file that cannot be written is left alone.

use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::config::parse;

const TEXT: &str = r#"# my tickertape
[quotes]
refresh_secs = 30 # slower, please

# the indices
[[quotes.symbols]]
symbol = "^FTSE"
name = "FTSE 100" # the big one
aliases = ["Footsie"]

[[quotes.symbols]]
symbol = "^GSPC"
name = "S&P 500"

[[groups]]
name = "Holdings"   # what I own
symbols = ["VOD.L", "BARC.L"]
"#;

fn write(dir: &Path, text: &str) -> ConfigFile {
    let path = dir.join("config.toml");
    fs::write(&path, text).unwrap();
    ConfigFile::new(path, text.to_owned())
}

fn groups_of(text: &str) -> Vec<Vec<String>> {
    let config = parse(text, Path::new("c.toml")).unwrap();
    config
        .quotes
        .groups
        .into_iter()
        .map(|g| g.symbols)
        .collect()
}

/// The loaded config's groups with `edit` applied to their symbol lists.
fn changed(edit: impl FnOnce(&mut Vec<Group>)) -> (Vec<Instrument>, Vec<Group>) {
    let config = parse(TEXT, Path::new("c.toml")).unwrap();
    let mut groups = config.quotes.groups;
    edit(&mut groups);
    (config.quotes.instruments, groups)
}

#[test]
fn a_removal_and_a_reorder_keep_every_comment_and_load_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = write(dir.path(), TEXT);
    let (instruments, groups) = changed(|groups| {
        groups[0].symbols.swap(0, 1);
        groups[1].symbols.remove(0);
    });
    file.save_watchlist(&instruments, &groups).unwrap();
    let saved = fs::read_to_string(dir.path().join("config.toml")).unwrap();
    for comment in [
        "# my tickertape",
        "# slower, please",
        "# the big one",
        "# what I own",
    ] {
        assert!(saved.contains(comment), "lost {comment:?}:\n{saved}");
    }
    assert_eq!(groups_of(&saved), [vec!["^GSPC", "^FTSE"], vec!["BARC.L"]]);
    assert!(saved.contains("aliases = [\"Footsie\"]"), "{saved}");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn an_instrument_put_back_is_written_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = write(dir.path(), TEXT);
    let (instruments, removed) = changed(|groups| {
        groups[0].symbols.remove(0);
    });
    file.save_watchlist(&instruments, &removed).unwrap();
    let (_, restored) = changed(|_| {});
    file.save_watchlist(&instruments, &restored).unwrap();
    let saved = fs::read_to_string(dir.path().join("config.toml")).unwrap();
    let config = parse(&saved, Path::new("c.toml")).unwrap();
    assert_eq!(config.quotes.instruments[0].aliases, ["Footsie"]);
    assert_eq!(groups_of(&saved)[0], ["^FTSE", "^GSPC"]);
}

#[test]
fn a_read_only_file_is_not_written_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = write(dir.path(), TEXT);
    let path = dir.path().join("config.toml");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let (instruments, groups) = changed(|groups| {
        groups[0].symbols.pop();
    });
    let error = file.save_watchlist(&instruments, &groups).unwrap_err();
    assert!(matches!(error, SaveError::ReadOnly(_)), "{error}");
    assert!(
        error.to_string().ends_with("config.toml is read-only"),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), TEXT);
}

#[test]
fn a_file_changed_by_hand_meanwhile_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = write(dir.path(), TEXT);
    let path = dir.path().join("config.toml");
    let by_hand = format!("{TEXT}\n# edited by hand\n");
    fs::write(&path, &by_hand).unwrap();
    let (instruments, groups) = changed(|groups| {
        groups[0].symbols.pop();
    });
    let error = file.save_watchlist(&instruments, &groups).unwrap_err();
    assert!(error.to_string().contains("changed on disk"), "{error}");
    assert_eq!(fs::read_to_string(&path).unwrap(), by_hand);
}

#[test]
fn nothing_is_written_that_would_not_load_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = write(dir.path(), TEXT);
    // Emptying the first group would leave quotes.symbols empty, which the loader refuses.
    let (instruments, groups) = changed(|groups| groups[0].symbols.clear());
    let error = file.save_watchlist(&instruments, &groups).unwrap_err();
    assert!(matches!(error, SaveError::Invalid(_)), "{error}");
    assert_eq!(
        fs::read_to_string(dir.path().join("config.toml")).unwrap(),
        TEXT
    );
}

#[test]
fn a_header_above_the_first_instrument_stays_at_the_top() {
    let text = "# header\n[[quotes.symbols]]\nsymbol = \"A\"\nname = \"A\"\n\n[[quotes.symbols]]\nsymbol = \"B\"\nname = \"B\"\n";
    let config = parse(text, Path::new("c.toml")).unwrap();
    let mut groups = config.quotes.groups;
    groups[0].symbols.swap(0, 1);
    let swapped = edited(text, &config.quotes.instruments, &groups).unwrap();
    assert!(
        swapped.starts_with("# header\n[[quotes.symbols]]\nsymbol = \"B\""),
        "{swapped}"
    );
    assert_eq!(swapped.matches("# header").count(), 1, "{swapped}");
    groups[0].symbols.remove(0);
    let removed = edited(text, &config.quotes.instruments, &groups).unwrap();
    assert!(
        removed.starts_with("# header\n[[quotes.symbols]]\nsymbol = \"A\""),
        "{removed}"
    );
}
