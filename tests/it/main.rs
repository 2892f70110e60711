//! Integration tests: the built binary from the outside, first as a plain command (`cli`), then
//! in a real pseudo-terminal (`pty`). Every run gets its own HOME and XDG directories, so the
//! user's real config and cache are never read or written, and nothing uses the network.

mod cli;
mod once;
mod pty;
mod sources;
