//! Memory accounting from jemalloc's statistics.

use tikv_jemalloc_ctl::{epoch, stats};

/// Bytes allocated by the server (INFO `used_memory`).
pub fn used_memory() -> usize {
    let _ = epoch::advance();
    stats::allocated::read().unwrap_or(0)
}

/// Bytes in pages jemalloc has mapped and in use (close to RSS).
pub fn resident_memory() -> usize {
    let _ = epoch::advance();
    stats::resident::read().unwrap_or(0)
}

/// Resident set size of the process from /proc (0 where unavailable).
pub fn process_rss() -> usize {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * usize::try_from(page).unwrap_or(4096)
}
