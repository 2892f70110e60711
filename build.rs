//! Link options for the release binary on Linux with glibc. Packed relative relocations
//! (RELR, binutils 2.38+, glibc 2.36+): a PIE's relocation table shrinks from about a
//! megabyte, which the loader reads in full at every start and keeps resident, to a few
//! kilobytes.

fn main() {
    let env = |name| std::env::var(name).unwrap_or_default();
    let is_linux_gnu =
        env("CARGO_CFG_TARGET_OS") == "linux" && env("CARGO_CFG_TARGET_ENV") == "gnu";
    if is_linux_gnu && env("PROFILE") == "release" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
