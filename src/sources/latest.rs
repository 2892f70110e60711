//! The one loop of a worker where the latest request wins (articles, symbol search): a
//! `watch` channel holds the newest request, each request may first wait for the asking to
//! settle (typing, scrolling), and a newer request cancels the one in flight. `None` asks for
//! nothing and cancels whatever runs.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::message::Message;

/// Serves requests until the app goes away (the request channel or the inbox closes).
/// `settle` is how long a request must stand unreplaced before `serve` starts on it.
pub async fn run<R, F>(
    mut requests: watch::Receiver<Option<R>>,
    settle: impl Fn(&R) -> Duration,
    mut serve: impl FnMut(R) -> F,
    inbox: mpsc::Sender<Message>,
) where
    R: Clone,
    F: Future<Output = Option<Message>>,
{
    let mut has_news = false;
    loop {
        if !has_news && requests.changed().await.is_err() {
            return;
        }
        has_news = false;
        // Each newer request restarts the wait.
        loop {
            let wait = requests.borrow().as_ref().map_or(Duration::ZERO, &settle);
            tokio::select! {
                () = tokio::time::sleep(wait) => break,
                changed = requests.changed() => if changed.is_err() { return },
            }
        }
        let Some(request) = requests.borrow_and_update().clone() else {
            continue;
        };
        let message = tokio::select! {
            message = serve(request) => message,
            changed = requests.changed() => {
                if changed.is_err() {
                    return;
                }
                // Superseded: drop this one and settle on the newer request.
                has_news = true;
                continue;
            }
        };
        if let Some(message) = message
            && inbox.send(message).await.is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::sanitize::SafeText;

    const SETTLE: Duration = Duration::from_millis(250);
    const WORK: Duration = Duration::from_secs(1);

    /// What the requests were that serving began on, in order.
    type Started = Arc<Mutex<Vec<String>>>;

    /// A worker whose serving takes `WORK` and answers with the request as a notice.
    fn start() -> (
        watch::Sender<Option<String>>,
        mpsc::Receiver<Message>,
        Started,
    ) {
        let (requests, receiver) = watch::channel(None);
        let (outbox, inbox) = mpsc::channel(8);
        let started = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&started);
        let serve = move |request: String| {
            log.lock().unwrap().push(request.clone());
            async move {
                tokio::time::sleep(WORK).await;
                Some(Message::Notice(SafeText::new(&request)))
            }
        };
        let settle = |request: &String| {
            if request.starts_with('!') {
                Duration::ZERO
            } else {
                SETTLE
            }
        };
        tokio::spawn(run(receiver, settle, serve, outbox));
        (requests, inbox, started)
    }

    async fn advance(by: Duration) {
        tokio::time::sleep(by).await;
    }

    /// Typing "v", "vo", "vod" 100 ms apart asks once, for "vod", 250 ms after the last key.
    #[tokio::test(start_paused = true)]
    async fn typing_is_debounced_and_the_latest_query_wins() {
        let (requests, mut inbox, started) = start();
        for query in ["v", "vo", "vod"] {
            requests.send_replace(Some(query.to_owned()));
            advance(Duration::from_millis(100)).await;
        }
        assert!(started.lock().unwrap().is_empty(), "still typing");
        advance(Duration::from_millis(160)).await;
        assert_eq!(*started.lock().unwrap(), ["vod"]);
        let answer = inbox.recv().await.unwrap();
        assert_eq!(answer, Message::Notice(SafeText::new("vod")));
        assert!(inbox.try_recv().is_err(), "one answer, for the last query");
    }

    /// A newer request cancels the one in flight: its answer never comes; `None` cancels too.
    #[tokio::test(start_paused = true)]
    async fn a_newer_request_cancels_the_one_in_flight() {
        let (requests, mut inbox, started) = start();
        requests.send_replace(Some("vod".to_owned()));
        advance(SETTLE + Duration::from_millis(500)).await;
        assert_eq!(*started.lock().unwrap(), ["vod"], "in flight");
        requests.send_replace(Some("!check".to_owned()));
        advance(Duration::from_millis(1)).await;
        assert_eq!(
            *started.lock().unwrap(),
            ["vod", "!check"],
            "no settling for a check"
        );
        let answer = inbox.recv().await.unwrap();
        assert_eq!(answer, Message::Notice(SafeText::new("!check")));
        requests.send_replace(Some("barc".to_owned()));
        advance(SETTLE + Duration::from_millis(10)).await;
        requests.send_replace(None);
        advance(WORK * 2).await;
        assert!(inbox.try_recv().is_err(), "cancelled by None");
        drop(requests);
        assert!(
            inbox.recv().await.is_none(),
            "the worker ends with its channel"
        );
    }
}
