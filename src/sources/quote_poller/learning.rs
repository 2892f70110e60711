//! Instruments added while the program runs (through the search box): the poller takes each
//! in as it arrives and asks for it at once, rather than at the next refresh of the others.

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{QuotePoller, slot};
use crate::domain::Instrument;

impl QuotePoller {
    /// Instruments sent on `added` are polled too, from the moment they arrive.
    #[must_use]
    pub fn learning(mut self, added: mpsc::UnboundedReceiver<Instrument>) -> Self {
        self.added = Some(added);
        self
    }

    /// Waits for the next added instrument and makes it due now; one already polled is left
    /// as it is. Once nothing more can be added, it never returns.
    pub(super) async fn learn_next(&mut self) {
        let added = match self.added.as_mut() {
            Some(added) => added.recv().await,
            None => None,
        };
        let Some(instrument) = added else {
            return std::future::pending().await;
        };
        let symbol = &instrument.symbol;
        if self.slots.iter().any(|s| &s.instrument.symbol == symbol) {
            return;
        }
        self.slots
            .extend(slot(&self.apis, instrument, Instant::now()));
    }
}
