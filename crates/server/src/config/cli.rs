//! Command-line handling: `cinnabar-server [config-file] [--name value ...] [-]`
//! following redis-server's rules for turning arguments into config lines.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::parse::{log_line, split_args, Loader};
use super::value::repr;
use super::{start_dir, CliOutcome, Config, LoadOptions, REDIS_COMPAT_VERSION};

/// The `--version` line (keeps Redis' ` v=7.2.4 ` token for tools that parse it).
pub fn version_line() -> String {
    // A stable build id derived from our own version (FNV-1a).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in env!("CARGO_PKG_VERSION").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!(
        "Cinnabar server v={REDIS_COMPAT_VERSION} sha=00000000:0 malloc=jemalloc-5.3.0 bits={} build={h:x}\n",
        usize::BITS
    )
}

/// The `--help` text.
pub fn usage_text() -> String {
    let p = "cinnabar-server";
    format!(
        "Usage: {p} [/path/to/redis.conf] [options] [-]\n\
         \x20      {p} -                  (read the configuration from standard input)\n\
         \x20      {p} -v | --version     (print version information)\n\
         \x20      {p} -h | --help        (print this help)\n\
         \n\
         Any configuration directive can be given as an option, e.g. --port 7777.\n\
         Options are applied after the configuration file and standard input,\n\
         so the last value given for a directive wins.\n\
         \n\
         Examples:\n\
         \x20      {p}                                 (start with the defaults)\n\
         \x20      echo 'maxmemory 128mb' | {p} -\n\
         \x20      {p} /etc/cinnabar/6379.conf\n\
         \x20      {p} --port 7777\n\
         \x20      {p} --port 7777 --replicaof 127.0.0.1 8888\n\
         \x20      {p} /etc/cinnabar.conf --loglevel verbose -\n\
         \x20      {p} --save \"\" --bind 127.0.0.1 ::1\n"
    )
}

/// Redis' `getAbsolutePath`: joins a relative path with `cwd`, folding
/// leading `../` components.
pub fn absolute_path(name: &[u8], cwd: &Path) -> PathBuf {
    let strip = |c: &u8| matches!(*c, b' ' | b'\r' | b'\n' | b'\t');
    let mut rel = name;
    while rel.first().is_some_and(strip) {
        rel = &rel[1..];
    }
    while rel.last().is_some_and(strip) {
        rel = &rel[..rel.len() - 1];
    }
    if rel.first() == Some(&b'/') {
        return PathBuf::from(std::ffi::OsStr::from_bytes(rel));
    }
    let mut abs = cwd.as_os_str().as_bytes().to_vec();
    if abs.last() != Some(&b'/') {
        abs.push(b'/');
    }
    while rel.len() >= 3 && rel.starts_with(b"../") {
        rel = &rel[3..];
        if abs.len() > 1 {
            // Drop the last path element (abs ends with '/').
            let cut = abs[..abs.len() - 1]
                .iter()
                .rposition(|&c| c == b'/')
                .map(|i| i + 1)
                .unwrap_or(1);
            abs.truncate(cut);
        }
    }
    abs.extend_from_slice(rel);
    PathBuf::from(std::ffi::OsStr::from_bytes(&abs))
}

/// Parses the process arguments (`args[0]` is the program name).
pub fn parse_command_line(args: &[String]) -> CliOutcome {
    parse_command_line_with(args, LoadOptions::default())
}

fn exit(stdout: String, stderr: String, code: i32) -> CliOutcome {
    CliOutcome::Exit {
        stdout,
        stderr,
        code,
    }
}

/// [`parse_command_line`] with explicit [`LoadOptions`].
pub fn parse_command_line_with(args: &[String], mut opts: LoadOptions<'_>) -> CliOutcome {
    let argv: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let argc = argv.len();
    let exec = argv.first().copied().unwrap_or(b"");
    let exec_name = exec.rsplit(|&c| c == b'/').next().unwrap_or(exec);
    if contains(exec_name, b"sentinel") || argv.iter().skip(1).any(|a| *a == b"--sentinel") {
        return exit(
            String::new(),
            "Sentinel mode is not supported by Cinnabar.\n".into(),
            1,
        );
    }
    let cwd = start_dir(&opts);
    let mut cfg = Config::with_cwd(&cwd);
    if argc < 2 {
        return CliOutcome::Run(cfg);
    }
    let first = argv[1];
    match first {
        b"-v" | b"--version" => return exit(version_line(), String::new(), 0),
        b"--help" | b"-h" => return exit(String::new(), usage_text(), 1),
        b"--test-memory" => {
            return exit(
                String::new(),
                "The --test-memory option is not supported by Cinnabar; use a dedicated memory tester such as memtester.\n"
                    .into(),
                1,
            )
        }
        b"--check-system" => {
            return exit(String::new(), "The --check-system option is not supported by Cinnabar.\n".into(), 1)
        }
        _ => {}
    }

    let mut j = 1;
    if first.first() != Some(&b'-') {
        cfg.config_file = Some(absolute_path(first, &cwd));
        j = 2;
    }
    let mut options: Vec<u8> = Vec::new();
    let mut stdin = false;
    let mut handled_last = true;
    while j < argc {
        let a = argv[j];
        let is_last = j == argc - 1;
        if a == b"-" && (j == 1 || is_last) {
            stdin = true;
        } else if handled_last && a.starts_with(b"--") {
            if !options.is_empty() {
                options.push(b'\n');
            }
            options.extend_from_slice(&a[2..]);
            options.push(b' ');
            let ntok = split_args(a).map(|t| t.len()).unwrap_or(0);
            if ntok == 1 {
                handled_last = false;
                let next_is_opt = !is_last && argv[j + 1].starts_with(b"--");
                if a.eq_ignore_ascii_case(b"--save") && (next_is_opt || is_last) {
                    // `--save` with no value means `save ""`.
                    options.extend_from_slice(b"\"\"");
                    handled_last = next_is_opt || handled_last;
                }
            } else {
                handled_last = true;
            }
        } else {
            options.extend_from_slice(repr(a).as_bytes());
            options.push(b' ');
            handled_last = true;
        }
        j += 1;
    }

    let file = cfg.config_file.clone();
    let file_bytes = file.as_ref().map(|p| p.as_os_str().as_bytes().to_vec());
    let mut loader = Loader::new(&mut cfg, &mut opts, cwd);
    if let Err(e) = loader.load_file(file_bytes.as_deref(), stdin, Some(&options)) {
        return exit(e.stdout, e.stderr, e.code);
    }
    if !cfg.module_configs.is_empty() && cfg.modules.is_empty() {
        let msg = "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting";
        return exit(log_line(msg), String::new(), 1);
    }
    CliOutcome::Run(cfg)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
