//! Tests for `CONFIG GET` / `CONFIG SET` semantics and error texts.
//!
//! Expected replies were taken from redis-server 7.0.15 on this machine
//! (`redis-cli config get/set ...`) unless noted as 7.2-specific.

use super::tests_load::{opts, temp_dir};
use super::*;

fn cfg() -> Config {
    Config::with_cwd(&temp_dir("set"))
}

fn noop(_: &str, _: &Config) -> Result<(), String> {
    Ok(())
}

fn set(c: &mut Config, pairs: &[(&str, &str)]) -> Result<(), String> {
    let p: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(a, b)| (a.as_bytes(), b.as_bytes()))
        .collect();
    c.set(&p, &mut noop)
}

fn get(c: &Config, pats: &[&str]) -> Vec<(String, String)> {
    let p: Vec<&[u8]> = pats.iter().map(|s| s.as_bytes()).collect();
    c.get(&p)
}

fn get1(c: &Config, name: &str) -> String {
    get(c, &[name])
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .unwrap_or_default()
}

fn failed(arg: &str, msg: &str) -> Result<(), String> {
    Err(format!(
        "ERR CONFIG SET failed (possibly related to argument '{arg}') - {msg}"
    ))
}

#[test]
fn error_texts() {
    let mut c = cfg();
    assert_eq!(
        set(&mut c, &[("foo", "bar")]),
        Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'".into())
    );
    assert_eq!(
        set(&mut c, &[("port", "abc")]),
        failed("port", "argument couldn't be parsed into an integer")
    );
    assert_eq!(
        set(&mut c, &[("daemonize", "yes")]),
        failed("daemonize", "can't set immutable config")
    );
    assert_eq!(
        set(&mut c, &[("maxmemory", "1"), ("maxmemory", "2")]),
        failed("maxmemory", "duplicate parameter")
    );
    assert_eq!(
        set(&mut c, &[("dir", "/tmp")]),
        failed("dir", "can't set protected config")
    );
    assert_eq!(
        set(&mut c, &[("dbfilename", "x.rdb")]),
        failed("dbfilename", "can't set protected config")
    );
    assert_eq!(
        set(&mut c, &[("repl-backlog-size", "99999999999999999999")]),
        failed(
            "repl-backlog-size",
            "argument must be between 1 and 9223372036854775807 inclusive"
        )
    );
    assert_eq!(
        set(&mut c, &[("save", "100")]),
        failed("save", "Invalid save parameters")
    );
    assert_eq!(
        set(&mut c, &[("save", "  100 1 ")]),
        failed("save", "Invalid save parameters")
    );
    assert_eq!(
        set(&mut c, &[("save", "0 5")]),
        failed("save", "Invalid save parameters")
    );
    assert_eq!(
        set(&mut c, &[("maxmemory-clients", "101%")]),
        failed(
            "maxmemory-clients",
            "percentage argument must be less or equal to 100"
        )
    );
    assert_eq!(
        set(&mut c, &[("maxmemory-clients", "-1")]),
        failed(
            "maxmemory-clients",
            "argument must be a memory or percent value"
        )
    );
    for v in ["1.5gb", " 1", "1 ", "0x10"] {
        assert_eq!(
            set(&mut c, &[("maxmemory", v)]),
            failed("maxmemory", "argument must be a memory value")
        );
    }
    for v in ["+5", "05", "-0"] {
        assert_eq!(
            set(&mut c, &[("timeout", v)]),
            failed("timeout", "argument couldn't be parsed into an integer")
        );
    }
    assert_eq!(
        set(&mut c, &[("proto-max-bulk-len", "1000")]),
        failed(
            "proto-max-bulk-len",
            "argument must be between 1048576 and 9223372036854775807 inclusive"
        )
    );
    assert_eq!(
        set(&mut c, &[("hz", "-1")]),
        failed("hz", "argument must be between 0 and 2147483647 inclusive")
    );
    assert_eq!(
        set(&mut c, &[("client-query-buffer-limit", "1k")]),
        failed(
            "client-query-buffer-limit",
            "argument must be between 1048576 and 9223372036854775807 inclusive"
        )
    );
    assert_eq!(
        set(&mut c, &[("shutdown-on-sigint", "save nosave")]),
        failed(
            "shutdown-on-sigint",
            "shutdown options SAVE and NOSAVE can't be used simultaneously"
        )
    );
    assert_eq!(
        set(&mut c, &[("shutdown-on-sigint", "")]),
        failed(
            "shutdown-on-sigint",
            "argument(s) must be one of the following: default, save, nosave, now, force"
        )
    );
    assert_eq!(
        set(
            &mut c,
            &[(
                "client-output-buffer-limit",
                "normal 1 2 +3 pubsub 1k 2K  4"
            )]
        ),
        failed(
            "client-output-buffer-limit",
            "Wrong number of arguments in buffer limit configuration."
        )
    );
    assert_eq!(
        set(&mut c, &[("client-output-buffer-limit", "master 1 1 1")]),
        failed(
            "client-output-buffer-limit",
            "Invalid client class specified in buffer limit configuration."
        )
    );
    assert_eq!(
        set(&mut c, &[("oom-score-adj-values", "1 2")]),
        failed("oom-score-adj-values", "wrong number of arguments")
    );
    assert_eq!(
        set(&mut c, &[("oom-score-adj-values", "1 2 5000")]),
        failed(
            "oom-score-adj-values",
            "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
        )
    );
    assert_eq!(
        set(
            &mut c,
            &[("latency-tracking-info-percentiles", "0x1 1e1 inf")]
        ),
        failed(
            "latency-tracking-info-percentiles",
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
        )
    );
    assert_eq!(
        set(&mut c, &[("replicaof", "a 1")]),
        failed("replicaof", "can't set immutable config")
    );
    assert_eq!(
        set(&mut c, &[("unixsocketperm", "700")]),
        failed("unixsocketperm", "can't set immutable config")
    );
}

#[test]
fn error_precedence_and_names() {
    let mut c = cfg();
    // The first problem wins, in argument order.
    assert_eq!(
        set(&mut c, &[("foo", "bar"), ("port", "1")]),
        Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'".into())
    );
    assert_eq!(
        set(&mut c, &[("port", "abc"), ("foo", "bar")]),
        Err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'".into())
    );
    assert_eq!(
        set(&mut c, &[("unixsocketperm", "1"), ("port", "x")]),
        failed("unixsocketperm", "can't set immutable config")
    );
    assert_eq!(
        set(&mut c, &[("daemonize", "yes"), ("foo", "bar")]),
        failed("daemonize", "can't set immutable config")
    );
    // Names in immutable/duplicate errors are echoed as typed; parse errors use
    // the registered (lowercase) name.
    assert_eq!(
        set(&mut c, &[("DAEMONIZE", "yes")]),
        failed("DAEMONIZE", "can't set immutable config")
    );
    assert_eq!(
        set(&mut c, &[("PORT", "x")]),
        failed("port", "argument couldn't be parsed into an integer")
    );
    assert_eq!(
        set(&mut c, &[("slave-priority", "x")]),
        failed(
            "slave-priority",
            "argument couldn't be parsed into an integer"
        )
    );
    // An alias and its canonical name are different entries (no duplicate error).
    assert_eq!(
        set(
            &mut c,
            &[
                ("maxmemory", "1"),
                ("slave-read-only", "no"),
                ("replica-read-only", "yes")
            ]
        ),
        Ok(())
    );
    assert!(c.get_bool("replica-read-only"));
}

#[test]
fn loading_and_protected_contexts() {
    let mut c = cfg();
    let ctx = SetContext {
        client_is_local: false,
        loading: true,
    };
    let r = c.set_with(&[(b"appendonly", b"yes")], &ctx, &mut noop);
    assert_eq!(
        r,
        Err("LOADING Redis is loading the dataset in memory".into())
    );
    let r = c.set_with(&[(b"maxmemory", b"1")], &ctx, &mut noop);
    assert_eq!(r, Ok(()));

    let d = temp_dir("prot");
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    let mut local = Config::from_text(b"enable-protected-configs local\n", opts(&d)).expect("load");
    let remote_ctx = SetContext::default();
    let local_ctx = SetContext {
        client_is_local: true,
        loading: false,
    };
    let sub = d.join("sub");
    let sub_s = sub.to_string_lossy().into_owned();
    assert_eq!(
        local.set_with(&[(b"dir", sub_s.as_bytes())], &remote_ctx, &mut noop),
        failed("dir", "can't set protected config")
    );
    assert_eq!(
        local.set_with(&[(b"dir", sub_s.as_bytes())], &local_ctx, &mut noop),
        Ok(())
    );
    assert_eq!(local.get_str("dir"), sub_s);
    assert_eq!(
        local.set_with(&[(b"dir", b"/nonexistent")], &local_ctx, &mut noop),
        failed("dir", "No such file or directory")
    );
    let mut yes = Config::from_text(b"enable-protected-configs yes\n", opts(&d)).expect("load");
    assert_eq!(set(&mut yes, &[("dbfilename", "x.rdb")]), Ok(()));
    assert_eq!(
        set(&mut yes, &[("dbfilename", "a/b")]),
        failed("dbfilename", "dbfilename can't be a path, just a filename")
    );
}

#[test]
fn values_round_trip_through_get() {
    let mut c = cfg();
    let cases: &[(&str, &str, &str)] = &[
        ("maxmemory", "1GB", "1073741824"),
        ("maxmemory", "kb", "0"),
        (
            "maxmemory",
            "99999999999999999999999",
            "18446744073709551615",
        ),
        ("maxmemory", "5k", "5000"),
        ("maxmemory-clients", "10%", "10%"),
        ("maxmemory-clients", "1mb", "1048576"),
        ("maxmemory-policy", "ALLKEYS-LFU", "allkeys-lfu"),
        ("activerehashing", "YES", "yes"),
        ("activerehashing", "No", "no"),
        ("loglevel", "nothing", "nothing"),
        ("maxmemory-samples", "100", "100"),
        ("hz", "1000", "500"),
        ("shutdown-on-sigint", "force nosave", "nosave force"),
        ("shutdown-on-sigint", "default", "default"),
        ("oom-score-adj", "relative", "yes"),
        ("notify-keyspace-events", "gx$", "g$x"),
        ("notify-keyspace-events", "KEA", "AKE"),
        ("notify-keyspace-events", "", ""),
        (
            "latency-tracking-info-percentiles",
            "50.5 99 99.90",
            "50.5 99 99.9",
        ),
        (
            "latency-tracking-info-percentiles",
            "0x1 1e1 +5 .5",
            "1 10 5 0.5",
        ),
        ("latency-tracking-info-percentiles", "", ""),
        ("save", "100 0", "100 0"),
        ("save", "+10 -0", "10 0"),
        ("save", "", ""),
        (
            "client-output-buffer-limit",
            "normal 1 2 +3 pubsub 1k 2K 4",
            "normal 1 2 3 slave 268435456 67108864 60 pubsub 1000 2000 4",
        ),
        (
            "client-output-buffer-limit",
            "",
            "normal 1 2 3 slave 268435456 67108864 60 pubsub 1000 2000 4",
        ),
        (
            "client-output-buffer-limit",
            "replica 1mb 1mb 0",
            "normal 1 2 3 slave 1048576 1048576 0 pubsub 1000 2000 4",
        ),
        ("oom-score-adj-values", "-10 20 300", "-10 20 300"),
        ("bind", "127.0.0.1 -::1", "127.0.0.1 -::1"),
        ("bind", "", ""),
        ("requirepass", "secret", "secret"),
        ("masterauth", "", ""),
        ("list-max-listpack-size", "-5", "-5"),
        ("slowlog-log-slower-than", "-1", "-1"),
        (
            "cluster-announce-hostname",
            "node-1.example",
            "node-1.example",
        ),
        ("proc-title-template", "{title} {port}", "{title} {port}"),
        ("locale-collate", "C", "C"),
        ("set-max-listpack-value", "100", "100"),
    ];
    for (name, input, shown) in cases {
        assert_eq!(set(&mut c, &[(name, input)]), Ok(()), "set {name} {input}");
        assert_eq!(get1(&c, name), *shown, "get {name} after {input}");
    }
    assert_eq!(c.bind(), Vec::<String>::new());
    assert_eq!(c.get_u64("maxmemory"), 5000);
}

#[test]
fn string_validators() {
    let mut c = cfg();
    assert_eq!(
        set(&mut c, &[("cluster-announce-hostname", "bad_host")]),
        failed(
            "cluster-announce-hostname",
            "Hostnames may only contain alphanumeric characters, hyphens or dots"
        )
    );
    assert_eq!(
        set(&mut c, &[("proc-title-template", "{nope}")]),
        failed(
            "proc-title-template",
            "template format is invalid or contains unknown variables"
        )
    );
    assert_eq!(
        set(&mut c, &[("proc-title-template", "{title}")]),
        failed(
            "proc-title-template",
            "template format is invalid or contains unknown variables"
        )
    );
    assert_eq!(
        set(&mut c, &[("cluster-announce-human-nodename", "a:b")]),
        failed(
            "cluster-announce-human-nodename",
            "Announced human node name contained invalid character"
        )
    );
}

#[test]
fn atomicity_on_parse_error() {
    let mut c = cfg();
    assert_eq!(
        set(
            &mut c,
            &[("maxmemory", "10mb"), ("port", "7000"), ("timeout", "x")]
        ),
        failed("timeout", "argument couldn't be parsed into an integer")
    );
    assert_eq!(c.get_i64("maxmemory"), 0);
    assert_eq!(c.get_i64("port"), 6379);
}

#[test]
fn apply_hook_called_once_per_changed_canonical_name() {
    let mut c = cfg();
    let mut calls: Vec<String> = Vec::new();
    let r = c.set(
        &[
            (b"maxmemory", b"1mb"),
            (b"slave-read-only", b"no"),
            (b"replica-read-only", b"no"),
            (b"port", b"6379"),
        ],
        &mut |n: &str, cfg: &Config| {
            calls.push(format!("{n}={}", cfg.get_str(n)));
            Ok(())
        },
    );
    assert_eq!(r, Ok(()));
    // port did not change, replica-read-only is reported once, by canonical name.
    assert_eq!(calls, vec!["maxmemory=1048576", "replica-read-only=no"]);
}

#[test]
fn rollback_when_apply_fails() {
    let mut c = cfg();
    let mut calls: Vec<String> = Vec::new();
    let r = c.set(
        &[
            (b"maxmemory", b"1mb"),
            (b"port", b"7000"),
            (b"timeout", b"5"),
        ],
        &mut |n: &str, cfg: &Config| {
            calls.push(format!("{n}={}", cfg.get_str(n)));
            if n == "port" && cfg.get_i64("port") == 7000 {
                Err("Unable to listen on this port. Check server logs.".into())
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(
        r,
        failed("port", "Unable to listen on this port. Check server logs.")
    );
    assert_eq!(c.get_i64("maxmemory"), 0);
    assert_eq!(c.get_i64("port"), 6379);
    assert_eq!(c.get_i64("timeout"), 0);
    // New values applied until the failure, then every changed directive is
    // re-applied with its restored value.
    assert_eq!(
        calls,
        vec![
            "maxmemory=1048576",
            "port=7000",
            "maxmemory=0",
            "port=6379",
            "timeout=0"
        ]
    );
    // An alias in the request is named in the error.
    let r = c.set(&[(b"slave-priority", b"5")], &mut |_: &str, _: &Config| {
        Err(String::new())
    });
    assert_eq!(
        r,
        Err("ERR CONFIG SET failed (possibly related to argument 'slave-priority')".into())
    );
    assert_eq!(c.get_i64("replica-priority"), 100);
}

#[test]
fn get_patterns_aliases_and_dedup() {
    let c = cfg();
    // Exact names are echoed as typed and matched case-insensitively.
    assert_eq!(
        get(&c, &["PORT", "port"]),
        vec![("PORT".to_string(), "6379".to_string())]
    );
    assert_eq!(
        get(&c, &["Port"]),
        vec![("Port".to_string(), "6379".to_string())]
    );
    assert_eq!(get(&c, &["nope"]), vec![]);
    // Observed on 7.0.15: `slave*` lists the aliases themselves.
    let mut names: Vec<String> = get(&c, &["slave*"]).into_iter().map(|(k, _)| k).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "slave-announce-ip",
            "slave-announce-port",
            "slave-ignore-maxmemory",
            "slave-lazy-flush",
            "slave-priority",
            "slave-read-only",
            "slave-serve-stale-data",
            "slaveof"
        ]
    );
    // Observed on 7.0.15: `*ziplist*` returns the five aliases.
    let mut names: Vec<String> = get(&c, &["*ziplist*"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "hash-max-ziplist-entries",
            "hash-max-ziplist-value",
            "list-max-ziplist-size",
            "zset-max-ziplist-entries",
            "zset-max-ziplist-value"
        ]
    );
    // Both an alias and its canonical name are returned when both match.
    let all = get(&c, &["*"]);
    assert!(all.iter().any(|(k, _)| k == "replica-read-only"));
    assert!(all.iter().any(|(k, _)| k == "slave-read-only"));
    // Several patterns, no duplicates.
    let r = get(
        &c,
        &[
            "maxmemory",
            "hash-max-listpack-entries",
            "hash-max-ziplist-entries",
            "max*ory",
        ],
    );
    assert_eq!(r.len(), 3);
    let r = get(&c, &["PORT", "*port"]);
    assert_eq!(
        r.iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("port"))
            .count(),
        1
    );
    assert_eq!(r[0].0, "PORT");
    // `[a-b]in?` finds bind.
    assert_eq!(
        get(&c, &["[a-b]in?"]),
        vec![("bind".to_string(), "* -::*".to_string())]
    );
    // Hidden configs need their exact name; aof-disable-auto-gc is hidden in 7.2.
    assert!(get(&c, &["rdb-key*"]).is_empty());
    assert_eq!(get(&c, &["rdb-key-save-delay"]).len(), 1);
    assert!(get(&c, &["aof-disable*"]).is_empty());
    assert_eq!(
        get(&c, &["use-exit-on-panic"]),
        vec![("use-exit-on-panic".into(), "no".into())]
    );
    // Config-file-only directives are not runtime configs.
    assert!(get(&c, &["include"]).is_empty());
    assert!(get(&c, &["*"])
        .iter()
        .all(|(k, _)| k != "include" && k != "rename-command"));
    // Sensitive values are still returned.
    let mut c2 = cfg();
    assert_eq!(set(&mut c2, &[("requirepass", "foo")]), Ok(()));
    assert_eq!(get1(&c2, "requirepass"), "foo");
    assert!(Config::is_sensitive(b"requirepass"));
    assert!(Config::is_sensitive(b"MASTERAUTH"));
    assert!(!Config::is_sensitive(b"port"));
}

#[test]
fn every_type_round_trips_through_its_own_output() {
    // For every runtime directive: CONFIG SET <name> <CONFIG GET value>
    // must succeed (if mutable) and leave the value unchanged.
    let d = temp_dir("roundtrip");
    let mut c = Config::from_text(b"enable-protected-configs yes\n", opts(&d)).expect("load");
    let before = c.get(&[b"*"]);
    for (name, value) in &before {
        let Some(dir) = Config::directive(name) else {
            continue;
        };
        if dir.has(directives::IMMUTABLE) {
            continue;
        }
        let r = c.set(&[(name.as_bytes(), value.as_bytes())], &mut noop);
        assert_eq!(r, Ok(()), "{name} = {value:?}");
        assert_eq!(&get1(&c, name), value, "{name}");
    }
}

#[test]
fn typed_accessors() {
    let mut c = cfg();
    assert_eq!(c.save_params(), vec![(3600, 1), (300, 100), (60, 10000)]);
    assert_eq!(c.bind(), vec!["*", "-::*"]);
    assert_eq!(
        c.client_output_buffer_limits(),
        [
            (0, 0, 0),
            (268435456, 67108864, 60),
            (33554432, 8388608, 60)
        ]
    );
    assert_eq!(c.get_i64("slave-priority"), 100);
    assert_eq!(c.get_i64("no-such-thing"), 0);
    assert_eq!(c.get_str("appendfsync"), "everysec");
    assert_eq!(c.get_i64("appendfsync"), 2);
    assert_eq!(set(&mut c, &[("notify-keyspace-events", "Ex")]), Ok(()));
    assert_eq!(
        c.notify_keyspace_events(),
        notify::KEYEVENT | notify::EXPIRED
    );
    assert!(c.iter().any(|(k, v)| k == "port" && v == "6379"));
    assert!(c.iter().all(|(k, _)| k != "slaveof"));
    assert_eq!(c.latency_tracking_percentiles(), vec![50.0, 99.0, 99.9]);
}
