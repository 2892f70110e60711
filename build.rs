//! Link options for the release binary on Linux with glibc.
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

fn main() {
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
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=scripts/link-order.txt");
    println!("cargo:rerun-if-env-changed=TICKERTAPE_KEEP_SYMBOLS");
}
