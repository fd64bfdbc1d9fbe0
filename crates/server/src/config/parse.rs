//! redis.conf reading: tokenizing (Redis' `sdssplitargs` rules), includes,
//! and the line-by-line loader with Redis' exact fatal error reports.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::directives::{lookup, lookup_any, FileOnly, Kind, MULTI_ARG};
use super::value::{c_isspace, parse_value, strerror, SetEnv, Value};
use super::{Config, LoadOptions, StartupError, REDIS_COMPAT_VERSION};

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Splits a line into arguments like Redis' `sdssplitargs`.
///
/// Double quotes support `\n \r \t \b \a \\ \" \xHH` escapes, single quotes
/// support `\'`; a closing quote must be followed by a space or the end of
/// the line. Returns `None` for unbalanced quotes. A NUL byte ends the line,
/// as it does for the C implementation.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let line = match line.iter().position(|&c| c == 0) {
        Some(n) => &line[..n],
        None => line,
    };
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && c_isspace(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            return Some(out);
        }
        let mut cur = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            let c = at(i);
            if in_dq {
                if c == b'\\' && at(i + 1) == b'x' && is_hex(at(i + 2)) && is_hex(at(i + 3)) {
                    cur.push(hex_val(at(i + 2)) * 16 + hex_val(at(i + 3)));
                    i += 3;
                } else if c == b'\\' && at(i + 1) != 0 {
                    i += 1;
                    cur.push(match at(i) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if at(i + 1) != 0 && !c_isspace(at(i + 1)) {
                        return None;
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else if in_sq {
                if c == b'\\' && at(i + 1) == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if at(i + 1) != 0 && !c_isspace(at(i + 1)) {
                        return None;
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => {
                        if c != 0 {
                            i += 1;
                        }
                        break;
                    }
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    other => cur.push(other),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

/// Trims the characters Redis strips from configuration lines.
pub fn trim_line(mut l: &[u8]) -> &[u8] {
    let strip = |c: &u8| matches!(*c, b' ' | b'\t' | b'\r' | b'\n');
    while l.first().is_some_and(strip) {
        l = &l[1..];
    }
    while l.last().is_some_and(strip) {
        l = &l[..l.len() - 1];
    }
    l
}

/// Formats the `*** FATAL CONFIG FILE ERROR ***` report.
pub fn fatal_report(line: Option<(usize, &[u8])>, msg: &str) -> StartupError {
    let mut s = format!("\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_COMPAT_VERSION}) ***\n");
    if let Some((n, text)) = line {
        s.push_str(&format!("Reading the configuration file, at line {n}\n"));
        s.push_str(&format!(">>> '{}'\n", String::from_utf8_lossy(text)));
    }
    s.push_str(msg);
    s.push('\n');
    StartupError {
        stdout: String::new(),
        stderr: s,
        code: 1,
    }
}

/// Formats a Redis-style log line (`pid:C dd Mon yyyy hh:mm:ss.mmm # msg`).
pub fn log_line(msg: &str) -> String {
    format!("{}:C {} # {}\n", std::process::id(), log_timestamp(), msg)
}

fn log_timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as libc::time_t;
    // SAFETY: `localtime_r` only writes into the zero-initialised `tm` we own.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = MONTHS.get(tm.tm_mon as usize).copied().unwrap_or("Jan");
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        tm.tm_mday,
        mon,
        tm.tm_year + 1900,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        now.subsec_millis()
    )
}

/// Expands a glob pattern over the filesystem, sorted, like `glob(3)`.
pub fn expand_glob(pattern: &[u8], cwd: &Path) -> Vec<PathBuf> {
    let absolute = pattern.first() == Some(&b'/');
    let mut current: Vec<PathBuf> = vec![if absolute {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    for comp in pattern.split(|&c| c == b'/').filter(|c| !c.is_empty()) {
        let wild = comp.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
        let mut next = Vec::new();
        for base in &current {
            if !wild {
                next.push(base.join(std::ffi::OsStr::from_bytes(comp)));
                continue;
            }
            let dir = if base.as_os_str().is_empty() {
                cwd.to_path_buf()
            } else {
                cwd.join(base)
            };
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut names: Vec<Vec<u8>> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().as_bytes().to_vec())
                .filter(|n| comp.first() == Some(&b'.') || n.first() != Some(&b'.'))
                .filter(|n| super::glob::glob_match(comp, n, false))
                .collect();
            names.sort();
            next.extend(
                names
                    .into_iter()
                    .map(|n| base.join(std::ffi::OsStr::from_bytes(&n))),
            );
        }
        current = next;
    }
    let mut found: Vec<PathBuf> = current
        .into_iter()
        .filter(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(cwd.join(p)).is_ok())
        .collect();
    found.sort();
    found
}

/// Why a configuration line was refused.
enum LineError {
    /// Reported against the current line.
    Msg(String),
    /// A failure inside an included file, already formatted with that file's
    /// own line numbers.
    Nested(StartupError),
}

/// Mutable state of one configuration load.
pub struct Loader<'c, 'o, 'r> {
    /// The configuration being filled.
    pub cfg: &'c mut Config,
    /// Caller-provided options.
    pub opts: &'o mut LoadOptions<'r>,
    /// Directory relative paths are resolved against.
    pub cwd: PathBuf,
    /// Redis' `reading_config_file` (cleared when an include finishes).
    pub reading: bool,
    /// Redis' static `save_loaded`.
    pub save_loaded: bool,
    /// Commands removed by `rename-command` so far (lowercase).
    removed: Vec<Vec<u8>>,
    /// Commands added by `rename-command` so far (lowercase).
    added: Vec<Vec<u8>>,
}

impl<'c, 'o, 'r> Loader<'c, 'o, 'r> {
    /// Creates a loader over `cfg`.
    pub fn new(cfg: &'c mut Config, opts: &'o mut LoadOptions<'r>, cwd: PathBuf) -> Self {
        Loader {
            cfg,
            opts,
            cwd,
            reading: false,
            save_loaded: false,
            removed: Vec::new(),
            added: Vec::new(),
        }
    }

    /// Reads a file (or glob) and appends stdin/options, then parses it all
    /// (Redis' `loadServerConfig`).
    pub fn load_file(
        &mut self,
        name: Option<&[u8]>,
        stdin: bool,
        options: Option<&[u8]>,
    ) -> Result<(), StartupError> {
        let mut content = Vec::new();
        if let Some(name) = name {
            let wild = name.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
            let paths = if wild {
                expand_glob(name, &self.cwd)
            } else {
                vec![PathBuf::from(std::ffi::OsStr::from_bytes(name))]
            };
            for p in paths {
                let full = self.cwd.join(&p);
                if full.is_dir() {
                    // fopen() succeeds on a directory and reading yields nothing.
                    continue;
                }
                match std::fs::read(&full) {
                    Ok(bytes) => content.extend_from_slice(&bytes),
                    Err(e) => {
                        let msg = format!(
                            "Fatal error, can't open config file '{}': {}",
                            String::from_utf8_lossy(p.as_os_str().as_bytes()),
                            strerror(&e)
                        );
                        return Err(StartupError {
                            stdout: log_line(&msg),
                            stderr: String::new(),
                            code: 1,
                        });
                    }
                }
            }
        }
        if stdin {
            let mut buf = Vec::new();
            let res = match self.opts.stdin.as_mut() {
                Some(r) => r.read_to_end(&mut buf),
                None => std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf),
            };
            if res.is_ok() {
                content.extend_from_slice(&buf);
            }
        }
        if let Some(opts) = options {
            content.push(b'\n');
            content.extend_from_slice(opts);
        }
        self.load_string(&content)
    }

    /// Parses configuration text (Redis' `loadServerConfigFromString`).
    pub fn load_string(&mut self, text: &[u8]) -> Result<(), StartupError> {
        self.reading = true;
        let lines: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
        for (i, raw) in lines.iter().enumerate() {
            let line = trim_line(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let err = |msg: &str| fatal_report(Some((i + 1, line)), msg);
            let Some(mut argv) = split_args(line) else {
                return Err(err("Unbalanced quotes in configuration line"));
            };
            let Some(first) = argv.first_mut() else {
                continue;
            };
            first.make_ascii_lowercase();
            match self.apply_line(&argv) {
                Ok(()) => {}
                Err(LineError::Msg(msg)) => return Err(err(&msg)),
                Err(LineError::Nested(e)) => return Err(e),
            }
        }
        self.finish_checks()?;
        self.reading = false;
        Ok(())
    }

    /// Sanity checks Redis runs after each parsed chunk of configuration.
    fn finish_checks(&mut self) -> Result<(), StartupError> {
        let logfile = self.cfg.get_bytes("logfile");
        if !logfile.is_empty() {
            let path = self.cwd.join(std::ffi::OsStr::from_bytes(&logfile));
            if let Err(e) = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
            {
                return Err(fatal_report(
                    None,
                    &format!("Can't open the log file: {}", strerror(&e)),
                ));
            }
        }
        if self.cfg.get_bool("cluster-enabled") && self.cfg.replica_of().is_some() {
            return Err(fatal_report(
                None,
                "replicaof directive not allowed in cluster mode",
            ));
        }
        Ok(())
    }

    /// Handles one tokenized line.
    fn apply_line(&mut self, argv: &[Vec<u8>]) -> Result<(), LineError> {
        let name = argv.first().map(|a| a.as_slice()).unwrap_or(b"");
        if let Some(entry) = lookup(name) {
            let d = entry.directive();
            let multi = d.has(MULTI_ARG);
            if !multi && argv.len() != 2 {
                return Err(LineError::Msg("wrong number of arguments".into()));
            }
            let args: Vec<Vec<u8>> = if multi && argv.len() == 2 && !argv[1].is_empty() {
                split_args(&argv[1]).unwrap_or_default()
            } else {
                argv[1..].to_vec()
            };
            return self
                .set_directive(entry.index, &args)
                .map_err(LineError::Msg);
        }
        let file_kind = lookup_any(name).and_then(|e| match e.directive().kind {
            Kind::File(f) => Some(f),
            _ => None,
        });
        let argc = argv.len();
        match file_kind {
            Some(FileOnly::Deprecated) if argc == 2 => Ok(()),
            Some(FileOnly::Include) if argc == 2 => self
                .load_file(Some(&argv[1]), false, None)
                .map_err(LineError::Nested),
            Some(FileOnly::RenameCommand) if argc == 3 => self
                .rename_command(&argv[1], &argv[2])
                .map_err(LineError::Msg),
            Some(FileOnly::User) if argc >= 2 => {
                if let Some(check) = self.opts.validate_user.as_ref() {
                    if let Err((idx, msg)) = check(argv) {
                        let arg = argv
                            .get(idx)
                            .map(|a| String::from_utf8_lossy(a).into_owned())
                            .unwrap_or_default();
                        let mut text = format!("Error in user declaration '{arg}': {msg}");
                        text.truncate(1023);
                        return Err(LineError::Msg(text));
                    }
                }
                self.cfg.users.push(argv[1..].to_vec());
                Ok(())
            }
            Some(FileOnly::LoadModule) if argc >= 2 => {
                self.cfg.modules.push(argv[1..].to_vec());
                Ok(())
            }
            _ if name.contains(&b'.') => {
                if argc < 2 {
                    return Err(LineError::Msg(
                        "Module config specified without value".into(),
                    ));
                }
                let mut val = argv[1].clone();
                for a in &argv[2..] {
                    val.push(b' ');
                    val.extend_from_slice(a);
                }
                match self.cfg.module_configs.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = val,
                    None => self.cfg.module_configs.push((name.to_vec(), val)),
                }
                Ok(())
            }
            Some(FileOnly::Sentinel) if name == b"sentinel" => {
                if argc != 1 {
                    return Err(LineError::Msg(
                        "sentinel directive while not in sentinel mode".into(),
                    ));
                }
                Ok(())
            }
            _ => Err(LineError::Msg(
                "Bad directive or wrong number of arguments".into(),
            )),
        }
    }

    /// Sets a runtime directive from file arguments.
    fn set_directive(&mut self, index: usize, args: &[Vec<u8>]) -> Result<(), String> {
        let d = &super::directives::DIRECTIVES[index];
        let title_ctx = self.cfg.title_ctx();
        let old = self
            .cfg
            .values
            .get(index)
            .cloned()
            .unwrap_or(Value::Nothing);
        let chdir = self.opts.chdir;
        let cwd = self.cwd.clone();
        let mut env = SetEnv {
            reading_file: self.reading,
            save_loaded: &mut self.save_loaded,
            cwd: &cwd,
            chdir,
            title_ctx,
        };
        let (v, _) = parse_value(d, &old, args, &mut env)?;
        if let Value::Dir(p) = &v {
            self.cwd = p.clone();
        }
        if let Some(slot) = self.cfg.values.get_mut(index) {
            *slot = v;
        }
        Ok(())
    }

    /// `rename-command <from> <to>` with Redis' command table checks.
    fn rename_command(&mut self, from: &[u8], to: &[u8]) -> Result<(), String> {
        let from_l = from.to_ascii_lowercase();
        let to_l = to.to_ascii_lowercase();
        if let Some(exists) = self.opts.command_exists.as_ref() {
            let present = |name: &[u8], removed: &[Vec<u8>], added: &[Vec<u8>]| {
                added.iter().any(|a| a == name)
                    || (exists(name) && !removed.iter().any(|r| r == name))
            };
            if !present(&from_l, &self.removed, &self.added) {
                return Err("No such command in rename-command".into());
            }
            self.added.retain(|a| a != &from_l);
            self.removed.push(from_l.clone());
            if !to_l.is_empty() {
                if present(&to_l, &self.removed, &self.added) {
                    return Err("Target command name already exists".into());
                }
                self.added.push(to_l.clone());
            }
        }
        self.cfg.renames.push((from.to_vec(), to.to_vec()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|x| x.as_bytes().to_vec()).collect()
    }

    #[test]
    fn plain_tokens() {
        assert_eq!(split_args(b"port 6379"), Some(s(&["port", "6379"])));
        assert_eq!(split_args(b"   a\t\tb  "), Some(s(&["a", "b"])));
        assert_eq!(split_args(b""), Some(vec![]));
        assert_eq!(split_args(b"   "), Some(vec![]));
    }

    #[test]
    fn double_quotes_and_escapes() {
        assert_eq!(split_args(b"save \"\""), Some(s(&["save", ""])));
        assert_eq!(
            split_args(b"x \"a\\n\\r\\t\\b\\a\\\\\\\"\\x41\\q\""),
            Some(vec![b"x".to_vec(), b"a\n\r\t\x08\x07\\\"Aq".to_vec()])
        );
        // A bad \x escape keeps the characters literally (minus the backslash).
        assert_eq!(split_args(b"\"\\xZZ\""), Some(s(&["xZZ"])));
        // Quotes may start in the middle of a token.
        assert_eq!(split_args(b"foo\"bar baz\""), Some(s(&["foobar baz"])));
    }

    #[test]
    fn single_quotes() {
        assert_eq!(split_args(b"'it\\'s' 'a\\nb'"), Some(s(&["it's", "a\\nb"])));
    }

    #[test]
    fn unbalanced_and_glued_quotes() {
        assert_eq!(split_args(b"\"abc"), None);
        assert_eq!(split_args(b"'abc"), None);
        assert_eq!(split_args(b"\"abc\"def"), None);
        assert_eq!(split_args(b"'abc'def"), None);
        assert_eq!(split_args(b"\"abc\\\""), None);
    }

    #[test]
    fn nul_ends_the_line() {
        assert_eq!(split_args(b"a b\0c d"), Some(s(&["a", "b"])));
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_line(b" \t port 1 \r\n"), b"port 1");
    }

    #[test]
    fn fatal_report_format() {
        // Text as printed by redis-server 7.0.15 (`redis-server --port abc`),
        // with the version replaced by the 7.2.4 we report.
        let e = fatal_report(
            Some((2, b"port \"abc\"")),
            "argument couldn't be parsed into an integer",
        );
        assert_eq!(
            e.stderr,
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n"
        );
        assert_eq!(e.code, 1);
    }
}
