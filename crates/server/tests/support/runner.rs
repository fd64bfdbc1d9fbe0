//! Executes parsed case files against a [`DiffPair`] and reports mismatches.
//!
//! Every case starts on fresh connections after `FLUSHALL`. When a step
//! fails, the rest of its case is skipped (its state may have diverged) and
//! the run continues with the next case; at the end all failures are
//! reported together, each with file, line, case, command and both replies.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::cases::{self, Action, CaseFile, Checks, Compare, Step};
use super::client::Reply;
use super::diff::DiffPair;
use super::resp::{self, Frame};

/// Maximum number of failures spelled out in the panic message.
const MAX_REPORTED: usize = 25;

/// Directory holding the case files.
pub fn case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("diff")
}

/// Loads `tests/diff/<file_name>`, runs every case against a fresh server
/// pair and panics with a full report if any step does not match.
pub fn run_case_file(file_name: &str) {
    let path = case_dir().join(file_name);
    let display = format!("tests/diff/{file_name}");
    let file = match cases::load(&path, &display) {
        Ok(f) => f,
        Err(e) => panic!("case file error: {e}"),
    };
    assert!(!file.cases.is_empty(), "{display} contains no cases");
    let args: Vec<&str> = file.server_args.iter().map(String::as_str).collect();
    let mut pair = DiffPair::start(&args);
    let report = run_cases(&mut pair, &file);
    if !report.failures.is_empty() {
        let mut msg = format!(
            "{} of {} cases failed in {display} (subject: {}; 7.2 expectations {}):\n",
            report.failures.len(),
            file.cases.len(),
            super::diff::subject_binary().display(),
            if pair.subject_is_72() { "on" } else { "off" },
        );
        for failure in report.failures.iter().take(MAX_REPORTED) {
            msg.push('\n');
            msg.push_str(failure);
        }
        if report.failures.len() > MAX_REPORTED {
            let _ = writeln!(
                msg,
                "\n... and {} more",
                report.failures.len() - MAX_REPORTED
            );
        }
        panic!("{msg}");
    }
    eprintln!(
        "{display}: {} cases, {} steps matched",
        file.cases.len(),
        report.steps_run
    );
}

/// The result of running a case file.
#[derive(Debug, Default)]
pub struct Report {
    /// Formatted failure descriptions, one per failed case.
    pub failures: Vec<String>,
    /// Number of steps executed successfully.
    pub steps_run: usize,
}

/// Runs all cases of `file` on `pair`.
pub fn run_cases(pair: &mut DiffPair, file: &CaseFile) -> Report {
    let mut report = Report::default();
    for case in &file.cases {
        if let Err(e) = pair.try_reset() {
            report.failures.push(format!(
                "{}:{} case {:?}: could not reset state before the case: {e}\n{}",
                file.name,
                case.line,
                case.name,
                pair.diagnostics()
            ));
            if !pair.both_running() {
                report
                    .failures
                    .push("a server died; remaining cases were not run".to_string());
                break;
            }
            continue;
        }
        for step in &case.steps {
            if step.checks.skip {
                continue;
            }
            if let Err(detail) = run_step(pair, step) {
                let mut msg = format!(
                    "{}:{} in case {:?}\n  line:      {}\n{detail}",
                    file.name, step.line, case.name, step.source
                );
                msg.push_str(&pair.diagnostics());
                report.failures.push(msg);
                if !pair.subject_responds() {
                    report.failures.push(format!(
                        "the subject no longer answers PING: the remaining cases of {} were not run",
                        file.name
                    ));
                    return report;
                }
                break;
            }
            report.steps_run += 1;
        }
    }
    report
}

/// Executes one step and judges its replies.
pub fn run_step(pair: &mut DiffPair, step: &Step) -> Result<(), String> {
    let checks = &step.checks;
    match &step.action {
        Action::Command(args) => {
            let reference = (!checks.skip_redis).then(|| pair.request_reference(args));
            let subject = pair.request_subject(args);
            if tracing() {
                let shown = reference.as_ref().unwrap_or(&subject);
                eprintln!("{:>5}: {}  ->  {shown}", step.line, step.source);
            }
            judge(reference.as_ref(), &subject, checks, pair.subject_is_72())?;
        }
        Action::Raw(bytes) => {
            pair.send_raw(bytes);
            for i in 0..checks.frames {
                let outcome = pair.read_replies();
                if tracing() {
                    eprintln!(
                        "{:>5}: {}  ->  {}",
                        step.line, step.source, outcome.reference
                    );
                }
                judge(
                    Some(&outcome.reference),
                    &outcome.subject,
                    checks,
                    pair.subject_is_72(),
                )
                .map_err(|e| format!("  (reply frame {} of {})\n{e}", i + 1, checks.frames))?;
            }
        }
        Action::Hello(version) => {
            let outcome = pair.request(&["HELLO", &version.to_string()]);
            let want = if *version == 3 { b'%' } else { b'*' };
            for (side, reply) in [
                ("reference", &outcome.reference),
                ("subject", &outcome.subject),
            ] {
                let ok = reply.frame().and_then(|f| f.first()) == Some(&want);
                if !ok {
                    return Err(format!(
                        "  HELLO {version} on the {side} did not return a {} reply: {reply}\n",
                        want as char
                    ));
                }
            }
        }
        Action::Reconnect => pair.try_reconnect()?,
    }
    let (ref_extra, subj_extra) = pair.pending();
    if !ref_extra.is_empty() {
        return Err(format!(
            "  the reference sent more replies than were read (raise @frames?): {}\n",
            resp::escape(ref_extra)
        ));
    }
    if !subj_extra.is_empty() {
        return Err(format!(
            "  the subject sent unexpected extra bytes after its reply: {}\n",
            resp::escape(subj_extra)
        ));
    }
    if checks.closed {
        let (ref_closed, subj_closed) = pair.closed();
        if !checks.skip_redis && !ref_closed {
            return Err(
                "  the reference did NOT close the connection: the case file is wrong\n"
                    .to_string(),
            );
        }
        if !subj_closed {
            return Err(
                "  the subject did not close the connection (the reference did)\n".to_string(),
            );
        }
        pair.try_reconnect()?;
    }
    Ok(())
}

/// Whether `CINNABAR_DIFF_TRACE` is set: then every command step prints the
/// reference's reply to stderr (run with `--nocapture`), which is handy when
/// writing new cases.
pub fn tracing() -> bool {
    std::env::var_os("CINNABAR_DIFF_TRACE").is_some_and(|v| !v.is_empty() && v != "0")
}

fn show_pair(reference: Option<&Reply>, subject: &Reply) -> String {
    let reference = reference.map_or_else(
        || "<not sent (@skip-redis)>".to_string(),
        ToString::to_string,
    );
    format!("  reference: {reference}\n  subject:   {subject}\n")
}

/// Compares the replies of one step according to `checks`.
pub fn judge(
    reference: Option<&Reply>,
    subject: &Reply,
    checks: &Checks,
    subject_is_72: bool,
) -> Result<(), String> {
    let both = show_pair(reference, subject);
    // Two closed connections would compare equal and hide every following
    // line; a close is only legitimate where `@closed` checks for it (after
    // the expected replies).
    if reference.is_some_and(|r| matches!(r, Reply::Closed)) {
        return Err(format!(
            "{both}  the REFERENCE closed the connection here: mark the previous \
             line with @closed (use `@frames 0 @closed` for a close without reply)\n"
        ));
    }
    if let (Some(literal), true) = (&checks.since72, subject_is_72) {
        if subject.frame() != Some(literal.as_slice()) {
            return Err(format!(
                "{both}  expected:  {} (Redis 7.2 reply from @since72; the 7.0 reference is not compared)\n",
                resp::escape(literal)
            ));
        }
        return Ok(());
    }
    if let Some(literal) = &checks.expect {
        let matches = |r: &Reply| r.frame() == Some(literal.as_slice());
        if !matches(subject) || reference.is_some_and(|r| !matches(r)) {
            return Err(format!(
                "{both}  expected:  {} (@expect)\n",
                resp::escape(literal)
            ));
        }
        return Ok(());
    }
    let Some(reference) = reference else {
        return Err(format!("{both}  nothing to compare against\n"));
    };
    let mismatch = |why: &str| Err(format!("{both}  check:     {why}\n"));
    if checks.compare == Compare::Exact {
        return if reference.same_as(subject) {
            Ok(())
        } else {
            mismatch("byte-for-byte equality")
        };
    }
    let (Some(rb), Some(sb)) = (reference.frame(), subject.frame()) else {
        return mismatch("both sides must reply with a frame");
    };
    let parse = |b: &[u8]| resp::parse_exact(b);
    let (rf, sf): (Frame, Frame) = match (parse(rb), parse(sb)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(e), _) | (_, Err(e)) => return mismatch(&format!("unparseable frame: {e}")),
    };
    match checks.compare {
        Compare::Exact => unreachable!("handled above"),
        Compare::Sorted => {
            if rf.sorted_deep() != sf.sorted_deep() {
                return mismatch("@sorted (equal as multisets)");
            }
        }
        Compare::Type => {
            if rf.kind() != sf.kind() {
                return mismatch("@type (same reply type)");
            }
        }
        Compare::Len => {
            if rf.kind() != sf.kind() || rf.element_count() != sf.element_count() {
                return mismatch("@len (same type and element count)");
            }
        }
        Compare::Range(lo, hi) => {
            let within = |f: &Frame| f.as_integer().is_some_and(|v| (lo..=hi).contains(&v));
            if !within(&rf) {
                return mismatch(&format!(
                    "@range {lo} {hi}: the REFERENCE is out of range (case file wrong?)"
                ));
            }
            if !within(&sf) {
                return mismatch(&format!("@range {lo} {hi} (integer within bounds)"));
            }
        }
        Compare::Ignore => {}
    }
    Ok(())
}
