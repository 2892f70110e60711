//! The tape's clock, at one wake-up a step. Tokio's timer wheel wakes a sleeping runtime at the
//! start of the 64 ms slot a later timer sits in and again when the timer is due: two wake-ups
//! a step (strace of the release binary: `epoll_wait` for 175 ms, then again for 20 ms). A
//! kernel timer (timerfd) in the runtime's own epoll set wakes it once, on time, and counts the
//! steps missed meanwhile, which are dropped: no burst of steps after a suspended laptop.
//! Dropping the clock stops it, so a still tape costs nothing.

use std::io;
use std::time::Duration;

#[cfg(target_os = "linux")]
pub use timer_fd::TapeClock;

#[cfg(not(target_os = "linux"))]
pub use wheel::TapeClock;

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

    pub struct TapeClock {
        timer: AsyncFd<OwnedFd>,
    }

    impl TapeClock {
        /// Ticks every `period`, the first one `period` from now. Needs a running Tokio runtime.
        pub fn new(period: Duration) -> io::Result<Self> {
            let flags = TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC;
            let timer = timerfd_create(TimerfdClockId::Monotonic, flags)?;
            let every = rustix::time::Timespec {
                tv_sec: i64::try_from(period.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(period.subsec_nanos()),
            };
            let spec = Itimerspec {
                it_interval: every,
                it_value: every,
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

        /// Waits for the next step.
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
    pub struct TapeClock {
        timer: Interval,
    }

    impl TapeClock {
        pub fn new(period: Duration) -> io::Result<Self> {
            let mut timer = tokio::time::interval_at(Instant::now() + period, period);
            timer.set_missed_tick_behavior(MissedTickBehavior::Skip);
            Ok(Self { timer })
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
            let mut clock = TapeClock::new(period).unwrap();
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
}
