//! Tests for loading configuration files and the command line.
//!
//! Expected error texts and formats come from running the installed
//! redis-server 7.0.15 (with the version in the banner replaced by the
//! 7.2.4 we report) or from the Redis 7.2 sources.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// A fresh, empty temporary directory.
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("cinnabar-cfg-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    std::fs::canonicalize(&dir).expect("canonical temp dir")
}

/// Options that never touch the process state.
pub(crate) fn opts(cwd: &std::path::Path) -> LoadOptions<'static> {
    LoadOptions {
        chdir: false,
        cwd: Some(cwd.to_path_buf()),
        ..LoadOptions::default()
    }
}

fn args(v: &[&str]) -> Vec<String> {
    std::iter::once("cinnabar-server")
        .chain(v.iter().copied())
        .map(String::from)
        .collect()
}

fn run(v: &[&str], cwd: &std::path::Path) -> CliOutcome {
    parse_command_line_with(&args(v), opts(cwd))
}

fn expect_err(v: &[&str], cwd: &std::path::Path) -> (String, String, i32) {
    match run(v, cwd) {
        CliOutcome::Exit {
            stdout,
            stderr,
            code,
        } => (stdout, stderr, code),
        CliOutcome::Run(_) => panic!("expected failure for {v:?}"),
    }
}

fn expect_run(v: &[&str], cwd: &std::path::Path) -> Config {
    match run(v, cwd) {
        CliOutcome::Run(c) => c,
        CliOutcome::Exit { stdout, stderr, .. } => {
            panic!("unexpected exit for {v:?}: {stdout}{stderr}")
        }
    }
}

fn report(line: usize, text: &str, msg: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{msg}\n"
    )
}

fn get1(cfg: &Config, name: &str) -> String {
    cfg.get(&[name.as_bytes()])
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[test]
fn defaults_match_redis_7_0_15_config_get() {
    let dir = temp_dir("defaults");
    let cfg = Config::with_cwd(&dir);
    // `CONFIG GET *` of redis-server 7.0.15 (port, save and dir excluded).
    for line in include_str!("redis_7_0_15_defaults.tsv").lines() {
        let (k, v) = line.split_once('\t').unwrap_or((line, ""));
        assert_eq!(get1(&cfg, k), v, "default of {k}");
    }
    assert_eq!(get1(&cfg, "port"), "6379");
    assert_eq!(get1(&cfg, "save"), "3600 1 300 100 60 10000");
    assert_eq!(get1(&cfg, "dir"), dir.to_string_lossy());
    // New in 7.2.
    assert_eq!(get1(&cfg, "locale-collate"), "");
    assert_eq!(get1(&cfg, "set-max-listpack-entries"), "128");
    assert_eq!(get1(&cfg, "set-max-listpack-value"), "64");
    assert_eq!(get1(&cfg, "cluster-announce-human-nodename"), "");
    assert_eq!(get1(&cfg, "worker-threads"), "0");
}

#[test]
fn startup_errors_match_redis() {
    let d = temp_dir("errs");
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--port", "abc"],
            "port \"abc\"",
            "argument couldn't be parsed into an integer",
        ),
        (
            &["--foo", "bar"],
            "foo \"bar\"",
            "Bad directive or wrong number of arguments",
        ),
        (
            &["--port", "99999"],
            "port \"99999\"",
            "argument must be between 0 and 65535 inclusive",
        ),
        (
            &["--daemonize", "maybe"],
            "daemonize \"maybe\"",
            "argument must be 'yes' or 'no'",
        ),
        (
            &["--loglevel", "foo"],
            "loglevel \"foo\"",
            "argument(s) must be one of the following: debug, verbose, notice, warning, nothing",
        ),
        (
            &["--maxmemory", "5x"],
            "maxmemory \"5x\"",
            "argument must be a memory value",
        ),
        (
            &["--port", "--port", "0"],
            "port \"--port\" \"0\"",
            "wrong number of arguments",
        ),
        (
            &["--port", "1", "2"],
            "port \"1\" \"2\"",
            "wrong number of arguments",
        ),
        (
            &["--maxmemory-clients", "-5%"],
            "maxmemory-clients \"-5%\"",
            "argument must be a memory or percent value",
        ),
        (
            &["--unixsocketperm", "999"],
            "unixsocketperm \"999\"",
            "argument couldn't be parsed as an octal number",
        ),
        (
            &["--maxclients", "-1"],
            "maxclients \"-1\"",
            "argument must be between 1 and 4294967295 inclusive",
        ),
        (
            &["--hash-max-listpack-entries", "-1"],
            "hash-max-listpack-entries \"-1\"",
            "argument must be between 0 and 9223372036854775807 inclusive",
        ),
        (
            &["--shutdown-on-sigint", "foo"],
            "shutdown-on-sigint \"foo\"",
            "argument(s) must be one of the following: default, save, nosave, now, force",
        ),
        (
            &["--dir", "/nonexistent"],
            "dir \"/nonexistent\"",
            "No such file or directory",
        ),
        (
            &["--dbfilename", "a/b"],
            "dbfilename \"a/b\"",
            "dbfilename can't be a path, just a filename",
        ),
        (
            &["--appendfilename", ""],
            "appendfilename \"\"",
            "appendfilename can't be empty",
        ),
        (
            &["--notify-keyspace-events", "Q"],
            "notify-keyspace-events \"Q\"",
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
        ),
        (
            &["--client-output-buffer-limit", "foo", "1", "2", "3"],
            "client-output-buffer-limit \"foo\" \"1\" \"2\" \"3\"",
            "Invalid client class specified in buffer limit configuration.",
        ),
        (
            &["--oom-score-adj-values", "1", "2"],
            "oom-score-adj-values \"1\" \"2\"",
            "wrong number of arguments",
        ),
        (
            &["--oom-score-adj-values", "1", "2", "5000"],
            "oom-score-adj-values \"1\" \"2\" \"5000\"",
            "Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
        ),
        (
            &["--replicaof", "h", "x"],
            "replicaof \"h\" \"x\"",
            "Invalid master port",
        ),
        (&["--save", "10"], "save \"10\"", "Invalid save parameters"),
        (
            &["--latency-tracking-info-percentiles", "101"],
            "latency-tracking-info-percentiles \"101\"",
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
        ),
        (
            &["--sentinel-x", "monitor"],
            "sentinel-x \"monitor\"",
            "Bad directive or wrong number of arguments",
        ),
    ];
    for (argv, line, msg) in cases {
        let (out, err, code) = expect_err(argv, &d);
        assert_eq!(code, 1, "{argv:?}");
        assert_eq!(out, "", "{argv:?}");
        assert_eq!(err, report(2, line, msg), "{argv:?}");
    }
}

#[test]
fn file_errors_report_file_line_numbers() {
    let d = temp_dir("fileerr");
    let f = d.join("bad.conf");
    std::fs::write(&f, "port 1\nport 2 3\n").expect("write");
    let (_, err, code) = expect_err(&[f.to_str().unwrap_or("")], &d);
    assert_eq!(code, 1);
    assert_eq!(err, report(2, "port 2 3", "wrong number of arguments"));

    std::fs::write(&f, "port 1\n  loglevel \"unbal\n").expect("write");
    let (_, err, _) = expect_err(&[f.to_str().unwrap_or("")], &d);
    assert_eq!(
        err,
        report(
            2,
            "loglevel \"unbal",
            "Unbalanced quotes in configuration line"
        )
    );

    std::fs::write(&f, "port 1\r\nmaxmemory 5\r\nfoo\r\n").expect("write");
    let (_, err, _) = expect_err(&[f.to_str().unwrap_or("")], &d);
    assert_eq!(
        err,
        report(3, "foo", "Bad directive or wrong number of arguments")
    );

    // Options come after the file plus a separating newline.
    std::fs::write(&f, "port 1\n").expect("write");
    let (_, err, _) = expect_err(&[f.to_str().unwrap_or(""), "--port", "x"], &d);
    assert_eq!(
        err,
        report(
            3,
            "port \"x\"",
            "argument couldn't be parsed into an integer"
        )
    );
    std::fs::write(&f, "port 1").expect("write");
    let (_, err, _) = expect_err(&[f.to_str().unwrap_or(""), "--port", "x"], &d);
    assert_eq!(
        err,
        report(
            2,
            "port \"x\"",
            "argument couldn't be parsed into an integer"
        )
    );
}

#[test]
fn missing_config_file_is_fatal() {
    let d = temp_dir("missing");
    let (out, err, code) = expect_err(&["nope.conf"], &d);
    assert_eq!(code, 1);
    assert_eq!(err, "");
    let want = format!(
        "Fatal error, can't open config file '{}/nope.conf': No such file or directory\n",
        d.display()
    );
    assert!(out.ends_with(&want), "{out}");
    let (out, _, code) = expect_err(&["--include", "/nonexist"], &d);
    assert_eq!(code, 1);
    assert!(out
        .ends_with("Fatal error, can't open config file '/nonexist': No such file or directory\n"));
}

#[test]
fn comments_blank_lines_case_and_last_wins() {
    let d = temp_dir("basic");
    let text = b"# comment\n\n   \nPORT 7000\n\tMaxMemory 100mb  \nport 7001\n  # indented comment\nloglevel WARNING\n";
    let cfg = Config::from_text(text, opts(&d)).expect("load");
    assert_eq!(cfg.get_i64("port"), 7001);
    assert_eq!(cfg.get_u64("maxmemory"), 100 * 1024 * 1024);
    assert_eq!(cfg.get_str("loglevel"), "warning");
    assert_eq!(cfg.get_enum("maxmemory-policy"), "noeviction");
}

#[test]
fn aliases_set_the_canonical_directive() {
    let d = temp_dir("alias");
    let text = b"slave-read-only no\nhash-max-ziplist-entries 100\nslaveof 10.0.0.1 6380\nlua-time-limit 10\n";
    let cfg = Config::from_text(text, opts(&d)).expect("load");
    assert!(!cfg.get_bool("replica-read-only"));
    assert!(!cfg.get_bool("slave-read-only"));
    assert_eq!(cfg.get_i64("hash-max-listpack-entries"), 100);
    assert_eq!(cfg.replica_of(), Some(("10.0.0.1".to_string(), 6380)));
    assert_eq!(cfg.get_str("slaveof"), "10.0.0.1 6380");
    assert_eq!(cfg.get_i64("busy-reply-threshold"), 10);
}

#[test]
fn deprecated_directives_are_ignored() {
    let d = temp_dir("depr");
    assert!(Config::from_text(
        b"list-max-ziplist-entries 5\nlua-replicate-commands yes\n",
        opts(&d)
    )
    .is_ok());
    let e = Config::from_text(b"list-max-ziplist-entries 5 6\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e.as_deref(),
        Some(
            report(
                1,
                "list-max-ziplist-entries 5 6",
                "Bad directive or wrong number of arguments"
            )
            .as_str()
        )
    );
}

#[test]
fn multi_arg_directives() {
    let d = temp_dir("multi");
    let cfg = expect_run(&["--save", "100", "1", "--save", "200", "2"], &d);
    // Observed on 7.0.15: options are separate lines; without a config file
    // the first `save` resets the defaults and the second one appends.
    assert_eq!(cfg.get_str("save"), "100 1 200 2");
    let cfg = expect_run(&["--save", "100 1 200 2", "--bind", "127.0.0.1 ::1"], &d);
    assert_eq!(cfg.get_str("save"), "100 1 200 2");
    assert_eq!(cfg.bind(), vec!["127.0.0.1", "::1"]);
    let cfg = expect_run(&["--bind", "127.0.0.1", "::1", "--port", "7777"], &d);
    assert_eq!(cfg.bind(), vec!["127.0.0.1", "::1"]);
    assert_eq!(cfg.get_i64("port"), 7777);
    let cfg = expect_run(&["--save", ""], &d);
    assert_eq!(cfg.save_params(), vec![]);
    let cfg = expect_run(&["--save"], &d);
    assert_eq!(cfg.get_str("save"), "");
    let cfg = expect_run(&["--save", "--port", "7000"], &d);
    assert_eq!(cfg.get_str("save"), "");
    assert_eq!(cfg.get_i64("port"), 7000);
    let cfg = expect_run(&["--port 7001"], &d);
    assert_eq!(cfg.get_i64("port"), 7001);
    let cfg = expect_run(&["--shutdown-on-sigint", "nosave", "force"], &d);
    assert_eq!(cfg.get_str("shutdown-on-sigint"), "nosave force");
    let cfg = expect_run(
        &[
            "--client-output-buffer-limit",
            "normal 1mb 2k 3",
            "--oom-score-adj-values",
            "1 2 3",
        ],
        &d,
    );
    assert_eq!(
        cfg.get_str("client-output-buffer-limit"),
        "normal 1048576 2000 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
    );
    assert_eq!(cfg.client_output_buffer_limits()[0], (1048576, 2000, 3));
    assert_eq!(cfg.oom_score_adj_values(), [1, 2, 3]);
}

#[test]
fn save_in_file_accumulates_and_overrides_defaults() {
    let d = temp_dir("save");
    let f = d.join("s.conf");
    std::fs::write(&f, "save 900 1\nsave 300 10\n").expect("write");
    let cfg = expect_run(&[f.to_str().unwrap_or("")], &d);
    assert_eq!(cfg.save_params(), vec![(900, 1), (300, 10)]);
    // Observed on 7.0.15: `--save ""` after a file with save lines disables saving.
    std::fs::write(&f, "save 900 1\nport 16400\n").expect("write");
    let cfg = expect_run(&[f.to_str().unwrap_or(""), "--save", ""], &d);
    assert_eq!(cfg.get_str("save"), "");
}

#[test]
fn include_resets_save_accumulation_like_redis() {
    // Observed on 7.0.15: after an `include`, each later `save` line replaces
    // the previous ones (the reader's "reading file" flag is cleared).
    let d = temp_dir("incsave");
    std::fs::write(d.join("inc.conf"), "loglevel verbose\n").expect("write");
    let main = d.join("main.conf");
    std::fs::write(
        &main,
        format!(
            "include {}/inc.conf\nsave 900 1\nsave 300 10\n",
            d.display()
        ),
    )
    .expect("write");
    let cfg = expect_run(&[main.to_str().unwrap_or("")], &d);
    assert_eq!(cfg.get_str("save"), "300 10");
    assert_eq!(cfg.get_str("loglevel"), "verbose");
}

#[test]
fn includes_nested_relative_and_glob() {
    let d = temp_dir("inc");
    std::fs::create_dir_all(d.join("conf.d")).expect("mkdir");
    std::fs::write(d.join("conf.d/10-a.conf"), "port 7001\n").expect("write");
    std::fs::write(
        d.join("conf.d/20-b.conf"),
        "port 7002\ninclude nested.conf\n",
    )
    .expect("write");
    std::fs::write(d.join("conf.d/.hidden.conf"), "port 9999\n").expect("write");
    std::fs::write(d.join("nested.conf"), "maxmemory 1mb\n").expect("write");
    std::fs::write(
        d.join("main.conf"),
        "databases 4\ninclude conf.d/*.conf\ninclude empty.d/*.conf\n",
    )
    .expect("write");
    // Relative includes resolve against the working directory, as in Redis.
    let cfg = expect_run(&["main.conf"], &d);
    assert_eq!(cfg.get_i64("port"), 7002);
    assert_eq!(cfg.get_i64("maxmemory"), 1024 * 1024);
    assert_eq!(cfg.get_i64("databases"), 4);
    assert_eq!(cfg.config_file(), Some(d.join("main.conf")));

    // Errors inside an included file report that file's line.
    std::fs::write(d.join("nested.conf"), "\n\nbogus 1\n").expect("write");
    let (_, err, code) = expect_err(&["main.conf"], &d);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        report(3, "bogus 1", "Bad directive or wrong number of arguments")
    );
}

#[test]
fn stdin_is_read_after_the_file() {
    let d = temp_dir("stdin");
    std::fs::write(d.join("a.conf"), "port 7000\nloglevel debug\n").expect("write");
    let mut o = opts(&d);
    o.stdin = Some(Box::new(Cursor::new(
        b"port 7100\nmaxmemory 2mb\n".to_vec(),
    )));
    let out = parse_command_line_with(&args(&["a.conf", "--loglevel", "warning", "-"]), o);
    let CliOutcome::Run(cfg) = out else {
        panic!("expected run")
    };
    assert_eq!(cfg.get_i64("port"), 7100);
    assert_eq!(cfg.get_i64("maxmemory"), 2 * 1024 * 1024);
    assert_eq!(cfg.get_str("loglevel"), "warning");

    let mut o = opts(&d);
    o.stdin = Some(Box::new(Cursor::new(b"port 7200\n".to_vec())));
    let out = parse_command_line_with(&args(&["-", "--maxmemory", "1k"]), o);
    let CliOutcome::Run(cfg) = out else {
        panic!("expected run")
    };
    assert_eq!(cfg.get_i64("port"), 7200);
    assert_eq!(cfg.get_i64("maxmemory"), 1000);
    assert_eq!(cfg.config_file(), None);
}

#[test]
fn version_help_and_refusals() {
    let d = temp_dir("ver");
    let (out, err, code) = expect_err(&["--version"], &d);
    assert_eq!((err.as_str(), code), ("", 0));
    assert!(out.starts_with(
        "Cinnabar server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build="
    ));
    assert!(out.contains(" v=7.2.4 "));
    let (out2, _, _) = expect_err(&["-v"], &d);
    assert_eq!(out, out2);
    // redis-server prints its usage on stderr and exits with status 1.
    let (out, err, code) = expect_err(&["--help"], &d);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.starts_with("Usage: cinnabar-server"));
    let (_, _, code) = expect_err(&["-h"], &d);
    assert_eq!(code, 1);
    let (_, err, code) = expect_err(&["--test-memory", "100"], &d);
    assert_eq!(code, 1);
    assert!(err.contains("not supported"));
    let (_, err, code) = expect_err(&["--port", "1", "--sentinel"], &d);
    assert_eq!(code, 1);
    assert!(err.contains("Sentinel"));
    // Only the first argument is checked for --version, as in Redis.
    let (_, err, _) = expect_err(&["--port", "7777", "--version"], &d);
    assert_eq!(
        err,
        report(3, "version", "Bad directive or wrong number of arguments")
    );
}

#[test]
fn no_arguments_gives_defaults() {
    let d = temp_dir("noargs");
    let cfg = expect_run(&[], &d);
    assert_eq!(cfg.get_i64("port"), 6379);
    assert_eq!(cfg.config_file(), None);
}

#[test]
fn rename_command_checks_the_command_table() {
    let d = temp_dir("rename");
    let mk = || {
        let mut o = opts(&d);
        o.command_exists = Some(Box::new(|n: &[u8]| {
            matches!(n, b"flushall" | b"get" | b"set")
        }));
        o
    };
    let cfg = Config::from_text(
        b"rename-command FLUSHALL \"\"\nrename-command get fetch\n",
        mk(),
    )
    .expect("load");
    assert_eq!(cfg.renamed_commands().len(), 2);
    let e = Config::from_text(b"rename-command FOO BAR\n", mk())
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "rename-command FOO BAR",
            "No such command in rename-command"
        ))
    );
    let e = Config::from_text(b"rename-command get set\n", mk())
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "rename-command get set",
            "Target command name already exists"
        ))
    );
    let e = Config::from_text(b"rename-command get x\nrename-command get y\n", mk())
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            2,
            "rename-command get y",
            "No such command in rename-command"
        ))
    );
    assert!(Config::from_text(b"rename-command get x\nrename-command x get\n", mk()).is_ok());
}

#[test]
fn user_lines_and_validator() {
    let d = temp_dir("user");
    let cfg = Config::from_text(b"user bob on nopass ~* +@all\n", opts(&d)).expect("load");
    assert_eq!(cfg.users().len(), 1);
    let mut o = opts(&d);
    o.validate_user = Some(Box::new(|argv: &[Vec<u8>]| {
        if argv.get(2).map(|a| a.as_slice()) == Some(&b"0"[..]) {
            Err((0, "Syntax error".to_string()))
        } else {
            Ok(())
        }
    }));
    // Observed on 7.0.15 with `--user --port 0`.
    let e = Config::from_text(b"user \"--port\" \"0\"\n", o)
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "user \"--port\" \"0\"",
            "Error in user declaration 'user': Syntax error"
        ))
    );
}

#[test]
fn sentinel_and_module_configs() {
    let d = temp_dir("sent");
    assert!(Config::from_text(b"sentinel\n", opts(&d)).is_ok());
    let e = Config::from_text(b"sentinel monitor x 1 2 3\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "sentinel monitor x 1 2 3",
            "sentinel directive while not in sentinel mode"
        ))
    );
    let e = Config::from_text(b"mod.opt\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "mod.opt",
            "Module config specified without value"
        ))
    );
    let cfg = Config::from_text(b"mod.opt a b\n", opts(&d)).expect("load");
    assert_eq!(
        cfg.module_configs(),
        &[(b"mod.opt".to_vec(), b"a b".to_vec())]
    );
    let (out, _, code) = expect_err(&["--mod.opt", "1"], &d);
    assert_eq!(code, 1);
    assert!(out.ends_with("# Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting\n"));
}

#[test]
fn dir_is_resolved_at_load_time() {
    let d = temp_dir("dir");
    std::fs::create_dir_all(d.join("data")).expect("mkdir");
    std::fs::write(d.join("data/inc.conf"), "port 7300\n").expect("write");
    // `dir` changes where later relative includes are looked up.
    let cfg = Config::from_text(b"dir data\ninclude inc.conf\n", opts(&d)).expect("load");
    assert_eq!(cfg.dir(), d.join("data"));
    assert_eq!(cfg.get_i64("port"), 7300);
    assert_eq!(cfg.get_str("dir"), d.join("data").to_string_lossy());
    let e = Config::from_text(b"dir missing\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(1, "dir missing", "No such file or directory"))
    );
    let e = Config::from_text(b"dir \"\"\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(e, Some(report(1, "dir \"\"", "No such file or directory")));
}

#[test]
fn logfile_and_cluster_sanity_checks() {
    let d = temp_dir("log");
    let text = format!("logfile {}/out.log\n", d.display());
    assert!(Config::from_text(text.as_bytes(), opts(&d)).is_ok());
    assert!(d.join("out.log").exists());
    let e = Config::from_text(b"logfile /nonexistent/dir/x.log\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e.as_deref(),
        Some("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nCan't open the log file: No such file or directory\n")
    );
    let e = Config::from_text(b"cluster-enabled yes\nreplicaof 127.0.0.1 6379\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e.as_deref(),
        Some("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nreplicaof directive not allowed in cluster mode\n")
    );
}

#[test]
fn hz_is_clamped() {
    let d = temp_dir("hz");
    let cfg = Config::from_text(b"hz 1000\n", opts(&d)).expect("load");
    assert_eq!(cfg.get_i64("hz"), 500);
    let cfg = Config::from_text(b"hz 0\n", opts(&d)).expect("load");
    assert_eq!(cfg.get_i64("hz"), 1);
}

#[test]
fn quoted_values_in_files() {
    let d = temp_dir("quote");
    let cfg = Config::from_text(
        b"requirepass \"p a\\x41ss\"\nmasteruser 'it\\'s'\nnotify-keyspace-events \"\"\n",
        opts(&d),
    )
    .expect("load");
    assert_eq!(cfg.get_bytes("requirepass"), b"p aAss");
    assert_eq!(cfg.get_str("masteruser"), "it's");
    assert_eq!(cfg.notify_keyspace_events(), 0);
}

#[test]
fn worker_threads_directive() {
    let d = temp_dir("workers");
    let cfg = Config::from_text(b"worker-threads 8\n", opts(&d)).expect("load");
    assert_eq!(cfg.worker_threads(), 8);
    let cfg = Config::from_text(b"worker-threads 0\n", opts(&d)).expect("load");
    assert!(cfg.worker_threads() >= 1);
    let e = Config::from_text(b"worker-threads 1025\n", opts(&d))
        .err()
        .map(|e| e.stderr);
    assert_eq!(
        e,
        Some(report(
            1,
            "worker-threads 1025",
            "argument must be between 0 and 1024 inclusive"
        ))
    );
}

#[test]
fn absolute_path_folds_parent_components() {
    let p = cli::absolute_path(b"../x.conf", std::path::Path::new("/a/b"));
    assert_eq!(p, PathBuf::from("/a/x.conf"));
    let p = cli::absolute_path(b" /etc/r.conf \n", std::path::Path::new("/a"));
    assert_eq!(p, PathBuf::from("/etc/r.conf"));
    let p = cli::absolute_path(b"../../../x", std::path::Path::new("/a"));
    assert_eq!(p, PathBuf::from("/x"));
}
