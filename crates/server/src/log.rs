//! Server log in Redis's line format: `PID:ROLE DD Mon YYYY HH:MM:SS.mmm LEVEL message`.

use std::io::Write;
use std::sync::OnceLock;

use parking_lot::Mutex;

use crate::settings::LogLevel;

static SINK: OnceLock<Mutex<Box<dyn Write + Send>>> = OnceLock::new();
static LEVEL: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(LogLevel::Notice as usize);

/// Sends log lines to `logfile` (empty: standard output). Returns an error text on failure.
pub fn init(logfile: &str) -> Result<(), String> {
    let sink: Box<dyn Write + Send> = if logfile.is_empty() {
        Box::new(std::io::stdout())
    } else {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logfile)
            .map_err(|e| format!("Can't open the log file: {e}"))?;
        Box::new(f)
    };
    let _ = SINK.set(Mutex::new(sink));
    Ok(())
}

/// Sets the minimum level written.
pub fn set_level(level: LogLevel) {
    LEVEL.store(level as usize, std::sync::atomic::Ordering::Relaxed);
}

/// True when lines at `level` are written.
pub fn enabled(level: LogLevel) -> bool {
    level as usize >= LEVEL.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes one log line with Redis's layout.
pub fn write(level: LogLevel, msg: &str) {
    if !enabled(level) {
        return;
    }
    let mark = match level {
        LogLevel::Debug => '.',
        LogLevel::Verbose => '-',
        LogLevel::Notice => '*',
        _ => '#',
    };
    let line = format!(
        "{}:M {} {} {}\n",
        std::process::id(),
        timestamp(),
        mark,
        msg
    );
    match SINK.get() {
        Some(s) => {
            let mut w = s.lock();
            let _ = w.write_all(line.as_bytes());
            let _ = w.flush();
        }
        None => {
            let _ = std::io::stdout().write_all(line.as_bytes());
        }
    }
}

/// Writes raw text (the start-up logo) without the line prefix.
pub fn raw(text: &str) {
    match SINK.get() {
        Some(s) => {
            let mut w = s.lock();
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
        }
        None => print!("{text}"),
    }
}

fn timestamp() -> String {
    let ms = crate::clock::unix_ms();
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86400));
    let tod = secs.rem_euclid(86400);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        d,
        MONTHS.get((mo - 1) as usize).unwrap_or(&"Jan"),
        y,
        tod / 3600,
        tod % 3600 / 60,
        tod % 60,
        ms.rem_euclid(1000)
    )
}

/// Gregorian date (year, month 1-12, day 1-31) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Logs at notice level with `format!` arguments.
#[macro_export]
macro_rules! notice {
    ($($arg:tt)*) => { $crate::log::write($crate::settings::LogLevel::Notice, &format!($($arg)*)) };
}

/// Logs at warning level with `format!` arguments.
#[macro_export]
macro_rules! warning {
    ($($arg:tt)*) => { $crate::log::write($crate::settings::LogLevel::Warning, &format!($($arg)*)) };
}

/// Logs at verbose level with `format!` arguments.
#[macro_export]
macro_rules! verbose {
    ($($arg:tt)*) => { $crate::log::write($crate::settings::LogLevel::Verbose, &format!($($arg)*)) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_779), (2026, 11, 22));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
