//! The loop's clocks: the tape's steps and the app's next deadline, at one wake-up each. Tokio's
//! timer wheel wakes a sleeping runtime at the start of the slot a later timer sits in and again
//! when the timer is due: two wake-ups a tape step (strace of the release binary: `epoll_wait`
//! for 175 ms, then again for 20 ms), three for a deadline a minute away (48 s, 3.7 s, 41 ms). A
//! kernel timer (timerfd) in the runtime's own epoll set wakes it once, on time, and counts the
//! steps missed meanwhile, which are dropped: no burst of steps after a suspended laptop.
//! Dropping a clock stops it, so a still tape costs nothing.

use std::io;
use std::time::Duration;

#[cfg(target_os = "linux")]
pub use timer_fd::Clock;

#[cfg(not(target_os = "linux"))]
pub use wheel::Clock;

#[cfg(target_os = "linux")]
mod timer_fd {
    use std::os::fd::OwnedFd;

    use rustix::time::{
        Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, timerfd_create,
        timerfd_settime,
    };
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    use super::{Duration, io};

    pub struct Clock {
        timer: AsyncFd<OwnedFd>,
    }

    fn timespec(duration: Duration) -> rustix::time::Timespec {
        rustix::time::Timespec {
            tv_sec: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(duration.subsec_nanos()),
        }
    }

    impl Clock {
        /// Ticks every `period`, the first one `period` from now. Needs a running Tokio runtime.
        pub fn every(period: Duration) -> io::Result<Self> {
            Self::new(timespec(period), timespec(period))
        }

        /// Ticks once, `after` from now (at once if that is zero).
        pub fn once(after: Duration) -> io::Result<Self> {
            // A zero first expiry would disarm the timer instead.
            let after = after.max(Duration::from_nanos(1));
            Self::new(timespec(after), timespec(Duration::ZERO))
        }

        fn new(first: rustix::time::Timespec, every: rustix::time::Timespec) -> io::Result<Self> {
            let flags = TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC;
            let timer = timerfd_create(TimerfdClockId::Monotonic, flags)?;
            let spec = Itimerspec {
                it_interval: every,
                it_value: first,
            };
            timerfd_settime(&timer, TimerfdTimerFlags::empty(), &spec)?;
            #[expect(
                deprecated,
                reason = "the one constructor without `unsafe` (forbidden here); sound for an \
                          OwnedFd that the AsyncFd owns until it is dropped"
            )]
            let timer = AsyncFd::with_interest(timer, Interest::READABLE)?;
            Ok(Self { timer })
        }

        /// Waits for the next tick (forever, after a one-off clock's).
        pub async fn tick(&mut self) -> io::Result<()> {
            loop {
                let mut ready = self.timer.readable().await?;
                // Eight bytes: how many periods passed since the last read, ignored on purpose.
                let mut expirations = [0_u8; 8];
                let read = ready.try_io(|timer| Ok(rustix::io::read(timer, &mut expirations)?));
                if let Ok(result) = read {
                    return result.map(drop);
                }
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod wheel {
    use tokio::time::{Instant, Interval, MissedTickBehavior};

    use super::{Duration, io};

    /// Where there is no timerfd: Tokio's own timer, two wake-ups a step.
    pub struct Clock {
        timer: Interval,
    }

    impl Clock {
        pub fn every(period: Duration) -> io::Result<Self> {
            let mut timer = tokio::time::interval_at(Instant::now() + period, period);
            timer.set_missed_tick_behavior(MissedTickBehavior::Skip);
            Ok(Self { timer })
        }

        /// A century between ticks: once, for any run.
        pub fn once(after: Duration) -> io::Result<Self> {
            let century = Duration::from_secs(100 * 365 * 24 * 3600);
            Ok(Self {
                timer: tokio::time::interval_at(Instant::now() + after, century),
            })
        }

        pub async fn tick(&mut self) -> io::Result<()> {
            self.timer.tick().await;
            Ok(())
        }
    }
}

#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use super::*;

    /// Times this thread went to sleep and was woken, as /proc counts them.
    fn wake_ups() -> u64 {
        let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("voluntary_ctxt_switches:"))
            .unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn a_step_costs_one_wake_up() {
        const STEPS: u64 = 8;
        // Further apart than Tokio's 64 ms timer slot, where its own timers wake twice.
        let period = Duration::from_millis(90);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let woken = runtime.block_on(async {
            let mut clock = Clock::every(period).unwrap();
            let before = wake_ups();
            for _ in 0..STEPS {
                clock.tick().await.unwrap();
            }
            wake_ups() - before
        });
        // One per step; one more may come from the test harness or the allocator.
        assert!(woken <= STEPS + 1, "{woken} wake-ups for {STEPS} steps");
        assert!(
            woken >= STEPS,
            "{woken} wake-ups for {STEPS} steps: did it sleep?"
        );
    }

    /// A deadline further off than Tokio's 64 ms slot wakes the loop once, when it is due.
    #[test]
    fn a_deadline_costs_one_wake_up() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (woken, waited) = runtime.block_on(async {
            let mut clock = Clock::once(Duration::from_millis(300)).unwrap();
            let (before, start) = (wake_ups(), std::time::Instant::now());
            clock.tick().await.unwrap();
            (wake_ups() - before, start.elapsed())
        });
        assert!(woken <= 2, "{woken} wake-ups for one deadline");
        assert!(
            waited >= Duration::from_millis(300),
            "woke early: {waited:?}"
        );
        // A deadline already past is due at once, not never.
        runtime.block_on(async {
            let mut clock = Clock::once(Duration::ZERO).unwrap();
            tokio::time::timeout(Duration::from_secs(5), clock.tick())
                .await
                .expect("a zero deadline fires")
                .unwrap();
        });
    }
}
