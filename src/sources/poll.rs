//! The one task loop every poller runs: sleep until something is due, fetch a round, send what
//! it brought; `r` makes everything due now. What is due and how a round is fetched belong to
//! each poller ([`super::quote_poller::QuotePoller`], [`super::feed_poller::FeedPoller`]).

use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::message::Message;

/// Anything polled on a schedule; [`run`] drives quotes and feeds alike.
pub trait Polled {
    fn next_due(&self) -> Option<Instant>;
    /// `r`: everything is due now.
    fn refresh_all(&mut self, now: Instant);
    fn round(&mut self, now: Instant, wall: Timestamp)
    -> impl Future<Output = Vec<Message>> + Send;
    /// Waits for a change to what is polled and takes it in (an instrument added in the
    /// program); a poller without such changes never wakes for it.
    fn changed(&mut self) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }
}

/// Polls until the app goes away: sleeps until the next due item, runs a round, sends what it
/// brought. `refresh` carries `r` presses; its closing also ends the task.
pub async fn run<P: Polled>(
    mut poller: P,
    inbox: mpsc::Sender<Message>,
    mut refresh: mpsc::Receiver<()>,
) {
    loop {
        let next = poller
            .next_due()
            .unwrap_or_else(|| Instant::now() + Duration::from_hours(1));
        tokio::select! {
            () = tokio::time::sleep_until(next) => {}
            asked = refresh.recv() => match asked {
                Some(()) => poller.refresh_all(Instant::now()),
                None => return,
            },
            // What is due has changed: reckon the next due again.
            () = poller.changed() => continue,
        }
        for message in poller.round(Instant::now(), Timestamp::now()).await {
            if inbox.send(message).await.is_err() {
                return;
            }
        }
    }
}
