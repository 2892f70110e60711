//! Integration tests: the built binary from the outside, as a plain command (`cli`, `once`) and
//! in a real pseudo-terminal (`pty`), and the quote sources against real HTTP servers on
//! 127.0.0.1 (`sources`). Every run gets its own HOME and XDG directories, so the user's real
//! config and cache are never read or written, and nothing leaves the machine.

mod cli;
mod once;
mod pty;
mod sources;
mod support;
