//! The binary as a plain command: flags, `--init-config`, and config errors, which must be
//! reported on stderr with exit code 2 before the terminal is ever touched.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::support::Dirs;

const DEFAULT_CONFIG: &str = include_str!("../../assets/default-config.toml");
const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        )
    }
}

fn run(mut command: Command) -> Run {
    let output = command.output().expect("tickertape runs");
    Run {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs/invalid")
}

#[test]
fn every_invalid_config_fixture_exits_2_with_its_position_and_never_touches_the_terminal() {
    let mut fixtures: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    fixtures.sort();
    let dirs = Dirs::new();
    let mut checked = 0;
    for config in &fixtures {
        let expected_file = config.with_extension("expected");
        let expected = fs::read_to_string(&expected_file)
            .unwrap_or_else(|err| panic!("{}: {err}", expected_file.display()));
        let mut command = dirs.command();
        command.arg("--config").arg(config);
        let result = run(command);
        let context = format!("fixture {}\n{}", config.display(), result.describe());
        assert_eq!(result.code, Some(2), "{context}");
        let wanted = format!("{}:{expected}", config.display());
        assert!(
            result.stderr.contains(&wanted),
            "stderr should contain {wanted:?}\n{context}"
        );
        assert!(
            result.stdout.is_empty(),
            "stdout should be empty\n{context}"
        );
        assert!(
            !result.stdout.contains(&0x1b),
            "escape byte on stdout\n{context}"
        );
        assert!(
            !contains(result.stderr.as_bytes(), ENTER_ALTERNATE_SCREEN),
            "alternate screen entered\n{context}"
        );
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} fixtures found in {}",
        fixtures_dir().display()
    );
}

#[test]
fn a_missing_explicit_config_exits_2_and_names_the_path() {
    let dirs = Dirs::new();
    let mut command = dirs.command();
    command.args(["--config", "/nonexistent/x.toml"]);
    let result = run(command);
    assert_eq!(result.code, Some(2), "{}", result.describe());
    assert!(
        result
            .stderr
            .contains("/nonexistent/x.toml: no such config file"),
        "{}",
        result.describe()
    );
    assert!(result.stdout.is_empty(), "{}", result.describe());
}

#[test]
fn version_prints_the_package_version_and_how_far_the_holidays_reach() {
    let dirs = Dirs::new();
    let mut command = dirs.command();
    command.arg("--version");
    let result = run(command);
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_eq!(
        String::from_utf8_lossy(&result.stdout),
        format!(
            "tickertape {}\nexchange holidays known through 2027-12-31\n",
            env!("CARGO_PKG_VERSION")
        ),
    );
}

#[test]
fn help_lists_every_flag() {
    let dirs = Dirs::new();
    let mut command = dirs.command();
    command.arg("--help");
    let result = run(command);
    assert_eq!(result.code, Some(0), "{}", result.describe());
    let help = String::from_utf8_lossy(&result.stdout);
    for flag in [
        "--demo",
        "--offline",
        "--config",
        "--init-config",
        "--log-file",
        "--seed",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
}

#[test]
fn init_config_writes_the_default_file_once_and_never_overwrites_it() {
    let dirs = Dirs::new();
    let path = dirs.config_file();

    let mut command = dirs.command();
    command.arg("--init-config");
    let first = run(command);
    assert_eq!(first.code, Some(0), "{}", first.describe());
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        format!("wrote default config to {}\n", path.display()),
        "{}",
        first.describe()
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), DEFAULT_CONFIG);

    // The user edits it; a second --init-config must refuse and leave the edit alone.
    let edited = format!("{DEFAULT_CONFIG}\n# my edit\n");
    fs::write(&path, &edited).unwrap();
    let mut command = dirs.command();
    command.arg("--init-config");
    let second = run(command);
    assert_eq!(second.code, Some(2), "{}", second.describe());
    assert!(
        second.stderr.contains("already exists"),
        "{}",
        second.describe()
    );
    assert!(second.stdout.is_empty(), "{}", second.describe());
    assert_eq!(fs::read_to_string(&path).unwrap(), edited);
}

#[test]
fn init_config_with_an_explicit_path_writes_there() {
    let dirs = Dirs::new();
    let path = dirs.path("home").join("other.toml");
    let mut command = dirs.command();
    command.arg("--config").arg(&path).arg("--init-config");
    let result = run(command);
    assert_eq!(result.code, Some(0), "{}", result.describe());
    assert_eq!(
        String::from_utf8_lossy(&result.stdout),
        format!("wrote default config to {}\n", path.display()),
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), DEFAULT_CONFIG);
    assert!(
        !dirs.config_file().exists(),
        "the default path must not be written when --config is given"
    );
}

#[test]
fn the_default_config_parses_up_to_its_last_line() {
    // The default text followed by a key no table has: the only error must be at the appended
    // line, which proves every line of the default text before it was accepted.
    let dirs = Dirs::new();
    let path = dirs.path("home").join("c.toml");
    let lines = DEFAULT_CONFIG.lines().count();
    fs::write(&path, format!("{DEFAULT_CONFIG}\nno_such_key = 1\n")).unwrap();
    let mut command = dirs.command();
    command.arg("--config").arg(&path);
    let result = run(command);
    assert_eq!(result.code, Some(2), "{}", result.describe());
    let wanted = format!(
        "{}:{}:1: unknown field `no_such_key`",
        path.display(),
        lines + 2
    );
    assert!(
        result.stderr.contains(&wanted),
        "stderr should contain {wanted:?}\n{}",
        result.describe()
    );
    assert!(result.stdout.is_empty(), "{}", result.describe());
}
