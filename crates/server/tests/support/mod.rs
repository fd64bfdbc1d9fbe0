//! Test support shared by Cinnabar's integration tests.
//!
//! * [`process`]: spawn a server binary on a free port, wait for readiness,
//!   kill it on drop.
//! * [`client`]: a raw RESP client returning replies as exact bytes (or
//!   parsed into [`resp::Frame`]s).
//! * [`resp`]: an independent RESP2/RESP3 frame scanner/parser and helpers.
//! * [`diff`]: [`DiffPair`], a reference `redis-server` plus the subject
//!   driven in lockstep.
//! * [`cases`] and [`runner`]: the differential case-file format (documented
//!   in `tests/differential.rs`) and its executor.
//!
//! Ordinary integration tests use it like this:
//!
//! ```ignore
//! mod support;
//!
//! use support::resp::Frame;
//!
//! #[test]
//! fn set_then_get() {
//!     let server = support::start_cinnabar(&[]);
//!     let mut c = server.connect();
//!     assert_eq!(c.cmd(&["SET", "k", "v"]), b"+OK\r\n");
//!     assert_eq!(c.line("GET k"), b"$1\r\nv\r\n");
//!     // Or parsed, when a test looks inside replies:
//!     assert_eq!(c.frame_line("INCR n"), Frame::int(1));
//!     assert_eq!(c.frame(&["MGET", "k"]).strings(), ["v"]);
//! }
//! ```
//!
//! Each test binary uses a different subset of this module.
#![allow(dead_code, unused_imports)]

pub mod cases;
pub mod client;
pub mod diff;
pub mod process;
pub mod random;
pub mod resp;
pub mod runner;

pub use client::{RawClient, Reply};
pub use diff::{reference_binary, subject_binary, DiffPair, Outcome};
pub use process::ServerProcess;

/// Starts the Cinnabar server alone (for ordinary integration tests) with
/// the standard test arguments plus `extra_args`, and waits until it answers.
/// Honours `CINNABAR_DIFF_SUBJECT` like the differential tests, so the same
/// tests can be pointed at a real `redis-server`. Panics with the server's
/// output if it fails to start.
pub fn start_cinnabar(extra_args: &[&str]) -> ServerProcess {
    diff::start_or_panic(&subject_binary(), extra_args, "cinnabar")
}

/// Starts Cinnabar with a configuration file (then the test port and base
/// arguments, then `extra_args`).
pub fn start_cinnabar_with_config(config: &str, extra_args: &[&str]) -> ServerProcess {
    ServerProcess::start_with_config(&subject_binary(), config, extra_args)
        .unwrap_or_else(|e| panic!("could not start cinnabar: {e}"))
}

/// Starts the reference `redis-server` alone; panics if it is not installed.
pub fn start_redis(extra_args: &[&str]) -> ServerProcess {
    diff::start_or_panic(&reference_binary(), extra_args, "reference (redis-server)")
}
