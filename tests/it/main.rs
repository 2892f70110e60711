//! Integration tests: the built binary from the outside, as a plain command (`cli`, `once`) and
//! in a real pseudo-terminal (`pty`), the quote sources (`sources`), the chart worker and the
//! move since a headline (`charts`), the feed poller (`news`)
//! and the article worker with the reader pane (`reader`) against real HTTP servers on
//! 127.0.0.1, the request rate of a long watchlist (`polite`) against one too, and tricky text replayed through terminal emulators (`corpus`, `replay`). Every
//! run gets its own HOME and XDG directories, so the user's real config and cache are never
//! read or written, and nothing leaves the machine.

mod charts;
mod cli;
mod corpus;
mod news;
mod once;
mod polite;
mod pty;
mod reader;
mod replay;
mod search;
mod sources;
mod spark;
mod support;
