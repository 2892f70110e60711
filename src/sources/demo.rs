//! `--demo`: a simulated live market so the live path (moving prices, colours flipping, the
//! "updated" time) can be seen without a network. A bounded random walk from the snapshot, one
//! tick a second, reproducible from a seed.

use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::domain::Quote;
use crate::message::{Message, SourceId};

/// The largest move of one tick, as a fraction of the price.
const MAX_STEP: f64 = 0.0008;
/// How far the walk may drift from where it started, as a fraction: enough to cross zero
/// change and flip colours, never enough to look absurd.
const MAX_DRIFT: f64 = 0.03;
/// Intraday points kept: a day of five-minute bars.
const SERIES_LEN: usize = 288;
pub const TICK: Duration = Duration::from_secs(1);

pub struct DemoMarket {
    rng: fastrand::Rng,
    start: Vec<f64>,
    quotes: Vec<Quote>,
}

impl DemoMarket {
    pub fn new(quotes: Vec<Quote>, seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            start: quotes.iter().map(|q| q.price).collect(),
            quotes,
        }
    }

    /// Moves every price one step and stamps the quotes with `at`.
    pub fn tick(&mut self, at: Timestamp) -> Vec<Quote> {
        for (quote, start) in self.quotes.iter_mut().zip(&self.start) {
            let step = (self.rng.f64() * 2.0 - 1.0) * MAX_STEP;
            let bound = start * MAX_DRIFT;
            quote.price = (quote.price * (1.0 + step)).clamp(start - bound, start + bound);
            quote.time = at;
            if quote.series.len() == SERIES_LEN {
                quote.series.remove(0);
            }
            quote.series.push(Some(quote.price));
        }
        self.quotes.clone()
    }
}

/// Ticks until the app stops listening.
pub async fn run(mut market: DemoMarket, inbox: mpsc::Sender<Message>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let now = Timestamp::now();
        let message = Message::QuotesArrived {
            source: SourceId::Demo,
            quotes: market.tick(now),
            failed: Vec::new(),
            fetched_at: now,
        };
        if inbox.send(message).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes() -> Vec<Quote> {
        crate::bundled::snapshot().unwrap().quotes
    }

    #[test]
    fn the_same_seed_gives_the_same_market() {
        let at = Timestamp::UNIX_EPOCH;
        let mut a = DemoMarket::new(quotes(), 7);
        let mut b = DemoMarket::new(quotes(), 7);
        let mut c = DemoMarket::new(quotes(), 8);
        for _ in 0..10 {
            let (qa, qb, qc) = (a.tick(at), b.tick(at), c.tick(at));
            assert_eq!(qa, qb);
            assert_ne!(qa, qc);
        }
    }

    #[test]
    fn the_walk_moves_but_stays_within_its_bounds() {
        let start = quotes();
        let mut market = DemoMarket::new(start.clone(), 1);
        let mut last = Vec::new();
        for _ in 0..5_000 {
            last = market.tick(Timestamp::UNIX_EPOCH);
        }
        for (now, then) in last.iter().zip(&start) {
            assert!((now.price - then.price).abs() <= then.price * MAX_DRIFT * 1.000_001);
            assert_eq!(now.previous_close, then.previous_close);
            assert_eq!(now.series.len(), SERIES_LEN);
        }
        assert!(
            last.iter()
                .zip(&start)
                .any(|(now, then)| (now.price - then.price).abs() > then.price * 1e-6)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn run_sends_a_tick_a_second_and_stops_when_the_app_is_gone() {
        let (tx, mut rx) = mpsc::channel(4);
        let task = tokio::spawn(run(DemoMarket::new(quotes(), 3), tx));
        for _ in 0..3 {
            let Some(Message::QuotesArrived { source, quotes, .. }) = rx.recv().await else {
                panic!("expected quotes");
            };
            assert_eq!(source, SourceId::Demo);
            assert_eq!(quotes.len(), 15);
        }
        drop(rx);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }
}
