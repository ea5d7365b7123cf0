//! Stopping work that nobody waits for any more.
//!
//! The server runs heavy work (reading, expanding, assessing) on a blocking
//! thread; when the client goes away or the work runs past its deadline it
//! sets the thread's [`Cancel`], and the long loops, which call
//! [`requested`], end early. Their result is then incomplete, and is dropped
//! by whoever cancelled it, unused. A flag for the running thread rather
//! than a parameter of every function: it only ever makes work end sooner,
//! and work run without one (the command line) is never stopped.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag that asks work on another thread to stop.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Runs `f` on this thread under this flag.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let before = CURRENT.with(|c| c.replace(Some(self.clone())));
        // Put back on the way out, also when `f` panics.
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| *c.borrow_mut() = self.0.take());
            }
        }
        let _restore = Restore(before);
        f()
    }
}

/// The flag of the work on this thread (a flag never raised if none), to
/// carry to a thread that helps with it.
pub fn current() -> Cancel {
    CURRENT.with(|c| c.borrow().clone()).unwrap_or_default()
}

/// The cores this machine gives the process (1 when it cannot tell).
pub fn cores() -> usize {
    // Asked once: the answer reads the process's cgroup files each time,
    // and a triage asks for every week.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Runs `first` here and `second` on a helper thread at once, the helper
/// under this thread's flag (so both stop when the work is cancelled); a
/// panic in the helper goes on here.
pub fn join<A, B: Send>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    let cancel = current();
    std::thread::scope(|s| {
        let helper = s.spawn(|| cancel.run(second));
        let a = first();
        match helper.join() {
            Ok(b) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Whether the work on this thread was asked to stop.
pub fn requested() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(Cancel::is_cancelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_flags_own_work_sees_it() {
        let cancel = Cancel::new();
        assert!(!requested());
        cancel.run(|| {
            assert!(!requested());
            cancel.cancel();
            assert!(requested());
        });
        // Outside its run, and on other threads, nothing is asked to stop.
        assert!(!requested());
        std::thread::spawn(|| assert!(!requested())).join().unwrap();
    }
}
