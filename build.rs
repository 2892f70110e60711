//! The bundled sample news as Rust data, and link options for the release binary on Linux
//! with glibc.
//! - `assets/sample-news.toml` is checked here and written out as string literals: parsed at
//!   start-up it was an eighth of the first frame's work, and a 360 kB allocation.
//! - Packed relative relocations (RELR, binutils 2.38+, glibc 2.36+): a PIE's relocation table
//!   shrinks from about a megabyte, which the loader reads in full at every start and keeps
//!   resident, to a few kilobytes.
//! - The functions a run touches, together (`scripts/link-order.txt`, written by
//!   `scripts/link_order.py`): the kernel maps code in 64 kB windows around each page fault,
//!   so code spread over the whole text section makes most of it resident. Needs lld, which
//!   rustc links with by default on `x86_64` Linux; names the file no longer matches are skipped.
//! - No symbol table (a fifth of the file; a panic's message and location survive, only a
//!   backtrace loses its function names), stripped here rather than by the profile's `strip`,
//!   which would change every symbol's name. `TICKERTAPE_KEEP_SYMBOLS=1` keeps them, for
//!   `scripts/link_order.py`.

use std::fmt::Write as _;

use serde::Deserialize;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    sample_news();
    link_options();
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
    published: String,
    summary: String,
    body: String,
}

/// `$OUT_DIR/sample_news.rs`: a slice of `bundled::SampleText`, one per article, in file order.
fn sample_news() {
    const PATH: &str = "assets/sample-news.toml";
    println!("cargo:rerun-if-changed={PATH}");
    let text = std::fs::read_to_string(PATH).unwrap_or_else(|error| panic!("{PATH}: {error}"));
    let file: SampleFile = toml::from_str(&text).unwrap_or_else(|error| panic!("{PATH}: {error}"));
    let mut out = String::from("&[\n");
    for a in &file.article {
        // A string's Debug form is a Rust string literal.
        let _ = writeln!(
            out,
            "    SampleText {{ id: {:?}, title: {:?}, published: {:?}, summary: {:?}, body: {:?} }},",
            a.id, a.title, a.published, a.summary, a.body
        );
    }
    out.push(']');
    let dir = std::env::var("OUT_DIR").unwrap_or_else(|error| panic!("OUT_DIR: {error}"));
    let path = std::path::Path::new(&dir).join("sample_news.rs");
    std::fs::write(&path, out).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

fn link_options() {
    let env = |name| std::env::var(name).unwrap_or_default();
    let is_linux_gnu =
        env("CARGO_CFG_TARGET_OS") == "linux" && env("CARGO_CFG_TARGET_ENV") == "gnu";
    if is_linux_gnu && env("PROFILE") == "release" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        if env("CARGO_CFG_TARGET_ARCH") == "x86_64" {
            let order = format!("{}/scripts/link-order.txt", env("CARGO_MANIFEST_DIR"));
            println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={order}");
            println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        }
        if env("TICKERTAPE_KEEP_SYMBOLS") != "1" {
            println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
        }
    }
    println!("cargo:rerun-if-changed=scripts/link-order.txt");
    println!("cargo:rerun-if-env-changed=TICKERTAPE_KEEP_SYMBOLS");
}
