//! Connection commands over TCP: PING ECHO QUIT RESET HELLO AUTH SELECT and CLIENT.
//!
//! Expected replies were taken from a real Redis server (7.0, plus the documented
//! 7.2 additions such as CLIENT SETINFO and NO-TOUCH).

// A test that cannot set up or whose reply is wrong should panic.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use support::{RawClient, Reply, ServerProcess};

/// The server under test, with two workers and `extra` arguments.
fn start(extra: &[&str]) -> ServerProcess {
    let mut args = vec!["--worker-threads", "2"];
    args.extend_from_slice(extra);
    support::start_cinnabar(&args)
}

/// A connection through the `redis` crate (which names itself `redis-rs`).
fn redis_conn(srv: &ServerProcess) -> redis::Connection {
    let c = redis::Client::open(format!("redis://127.0.0.1:{}/", srv.port())).unwrap();
    let con = c.get_connection().unwrap();
    con.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    con
}

/// Checks on a raw connection's replies, compared as exact bytes.
trait Expect {
    /// Sends a command and checks its reply.
    fn check(&mut self, args: &[&str], want: &str);
    /// Sends several commands in one write.
    fn send_all(&mut self, cmds: &[&[&str]]);
    /// Reads whole replies until `want.len()` bytes came and compares them.
    fn expect(&mut self, want: &str);
    /// Asserts the server closed the connection (after any replies already read).
    fn expect_closed(&mut self);
    /// CLIENT ID.
    fn client_id(&mut self) -> u64;
    /// CLIENT INFO.
    fn client_info(&mut self) -> String;
}

impl Expect for RawClient {
    fn check(&mut self, args: &[&str], want: &str) {
        assert_eq!(String::from_utf8_lossy(&self.cmd(args)), want, "{args:?}");
    }

    fn send_all(&mut self, cmds: &[&[&str]]) {
        self.send_pipeline(cmds).unwrap();
    }

    fn expect(&mut self, want: &str) {
        let mut got = Vec::new();
        while got.len() < want.len() {
            match self.read_reply() {
                Reply::Frame(f) => got.extend(f),
                other => panic!(
                    "expected {want:?}, got {:?} then {other}",
                    String::from_utf8_lossy(&got)
                ),
            }
        }
        assert_eq!(String::from_utf8_lossy(&got), want);
    }

    fn expect_closed(&mut self) {
        match self.read_reply() {
            Reply::Closed => {}
            other => panic!("expected a close, got {other}"),
        }
    }

    fn client_id(&mut self) -> u64 {
        u64::try_from(self.frame(&["CLIENT", "ID"]).int_value()).unwrap()
    }

    fn client_info(&mut self) -> String {
        self.frame(&["CLIENT", "INFO"]).text()
    }
}

fn cmd<T: redis::FromRedisValue>(
    con: &mut redis::Connection,
    args: &[&str],
) -> redis::RedisResult<T> {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c.query(con)
}

fn err_text(e: redis::RedisError) -> String {
    format!("{} {}", e.code().unwrap_or(""), e.detail().unwrap_or(""))
}

/// `field=value` pairs of a CLIENT LIST line.
fn fields(line: &str) -> Vec<(String, String)> {
    line.trim_end()
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field(line: &str, name: &str) -> String {
    fields(line)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap()
}

/// The CLIENT LIST line of the client with this id, if listed.
fn list_line(con: &mut redis::Connection, id: u64) -> Option<String> {
    let list: String = cmd(con, &["CLIENT", "LIST"]).unwrap();
    list.lines()
        .find(|l| field(l, "id") == id.to_string())
        .map(str::to_string)
}

/// Waits until the client's CLIENT LIST flags contain `flag`.
fn wait_for_flag(con: &mut redis::Connection, id: u64, flag: char) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if list_line(con, id).is_some_and(|l| field(&l, "flags").contains(flag)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "client {id} never got flag {flag}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn ping_echo_quit() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(&["PING"], "+PONG\r\n");
    c.check(&["ping", "hello"], "$5\r\nhello\r\n");
    c.check(
        &["PING", "a", "b"],
        "-ERR wrong number of arguments for 'ping' command\r\n",
    );
    c.check(&["ECHO", ""], "$0\r\n\r\n");
    c.check(
        &["ECHO"],
        "-ERR wrong number of arguments for 'echo' command\r\n",
    );
    c.check(
        &["ECHO", "a", "b"],
        "-ERR wrong number of arguments for 'echo' command\r\n",
    );
    // QUIT answers, then closes; what follows it is not run.
    c.send_all(&[&["PING"], &["QUIT"], &["PING"]]);
    c.expect("+PONG\r\n+OK\r\n");
    c.expect_closed();

    let mut c = srv.connect();
    c.check(&["QUIT", "extra", "args"], "+OK\r\n");
    c.expect_closed();
}

#[test]
fn hello_negotiates_resp3_and_back() {
    let srv = start(&[]);
    let mut c = srv.connect();
    let id = c.client_id();
    let map_tail = |proto: u8| {
        format!(
            "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n$5\r\nproto\r\n:{proto}\r\n\
             $2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n\
             $7\r\nmodules\r\n*0\r\n"
        )
    };
    // Without arguments HELLO reports without switching.
    c.check(&["HELLO"], &format!("*14\r\n{}", map_tail(2)));
    c.check(&["HELLO", "3"], &format!("%7\r\n{}", map_tail(3)));
    c.check(&["PING"], "+PONG\r\n");
    c.check(&["HELLO"], &format!("%7\r\n{}", map_tail(3)));
    // RESP3 replies: a null, a verbatim string.
    c.check(&["CLIENT", "GETNAME"], "_\r\n");
    let info = c.frame(&["CLIENT", "INFO"]);
    assert_eq!(info.kind(), b'=', "{info:?}");
    let body = info.text();
    assert!(body.starts_with("txt:id="));
    assert!(body.contains(" resp=3 "));
    c.check(&["HELLO", "2"], &format!("*14\r\n{}", map_tail(2)));
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n");

    c.check(&["HELLO", "4"], "-NOPROTO unsupported protocol version\r\n");
    c.check(&["HELLO", "1"], "-NOPROTO unsupported protocol version\r\n");
    c.check(
        &["HELLO", "abc"],
        "-ERR Protocol version is not an integer or out of range\r\n",
    );
    c.check(
        &["HELLO", "3", "foo"],
        "-ERR Syntax error in HELLO option 'foo'\r\n",
    );
    c.check(
        &["HELLO", "3", "auth", "a"],
        "-ERR Syntax error in HELLO option 'auth'\r\n",
    );
    c.check(
        &["HELLO", "3", "setname"],
        "-ERR Syntax error in HELLO option 'setname'\r\n",
    );
    c.check(
        &["HELLO", "2", "AUTH", "bob", "x"],
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.check(
        &["HELLO", "3", "SETNAME", "a b"],
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    // Failed HELLOs left the protocol alone.
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n");
    // Without a password, the default user takes any password.
    c.check(
        &[
            "HELLO", "2", "AUTH", "default", "whatever", "SETNAME", "conn1",
        ],
        &format!("*14\r\n{}", map_tail(2)),
    );
    c.check(&["CLIENT", "GETNAME"], "$5\r\nconn1\r\n");
}

#[test]
fn ping_in_resp3_is_plain() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.frame(&["HELLO", "3"]);
    c.check(&["PING"], "+PONG\r\n");
    c.check(&["PING", "x"], "$1\r\nx\r\n");
}

#[test]
fn client_reply_modes() {
    let srv = start(&[]);
    let mut c = srv.connect();
    // OFF replies nothing, ON replies OK.
    c.send_all(&[
        &["CLIENT", "REPLY", "OFF"],
        &["PING", "a"],
        &["CLIENT", "REPLY", "ON"],
        &["PING", "b"],
    ]);
    c.expect("+OK\r\n$1\r\nb\r\n");
    // SKIP drops only the next reply.
    c.send_all(&[&["CLIENT", "REPLY", "SKIP"], &["PING", "a"], &["PING", "b"]]);
    c.expect("$1\r\nb\r\n");
    // SKIP twice: the second is the skipped command and skips again.
    c.send_all(&[
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "SKIP"],
        &["PING", "a"],
        &["PING", "b"],
    ]);
    c.expect("$1\r\nb\r\n");
    // ON, even as the skipped command, ends the skip and answers.
    c.send_all(&[
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "ON"],
        &["PING", "b"],
    ]);
    c.expect("+OK\r\n$1\r\nb\r\n");
    // An error reply is skipped too.
    c.send_all(&[
        &["CLIENT", "REPLY", "SKIP"],
        &["NOSUCHCOMMAND"],
        &["PING", "b"],
    ]);
    c.expect("$1\r\nb\r\n");
    // SKIP under OFF does nothing.
    c.send_all(&[
        &["CLIENT", "REPLY", "OFF"],
        &["CLIENT", "REPLY", "SKIP"],
        &["PING", "b"],
        &["CLIENT", "REPLY", "ON"],
        &["PING", "c"],
    ]);
    c.expect("+OK\r\n$1\r\nc\r\n");
    // RESET turns replies back on and answers; a skipped RESET stays silent.
    c.send_all(&[&["CLIENT", "REPLY", "OFF"], &["RESET"], &["PING", "b"]]);
    c.expect("+RESET\r\n$1\r\nb\r\n");
    c.send_all(&[&["CLIENT", "REPLY", "SKIP"], &["RESET"], &["PING", "b"]]);
    c.expect("$1\r\nb\r\n");
    c.check(&["CLIENT", "REPLY", "maybe"], "-ERR syntax error\r\n");
    c.check(
        &["CLIENT", "REPLY", "ON", "x"],
        "-ERR wrong number of arguments for 'client|reply' command\r\n",
    );
}

#[test]
fn reset_restores_a_fresh_connection() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.send_all(&[
        &["SELECT", "3"],
        &["CLIENT", "SETNAME", "before"],
        &["CLIENT", "SETINFO", "LIB-NAME", "mylib"],
        &["CLIENT", "NO-EVICT", "on"],
        &["CLIENT", "NO-TOUCH", "on"],
    ]);
    c.expect("+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n");
    let info = c.client_info();
    assert_eq!(field(&info, "db"), "3");
    assert_eq!(field(&info, "name"), "before");
    assert_eq!(field(&info, "flags"), "eT");
    c.frame(&["HELLO", "3"]);
    c.check(&["RESET"], "+RESET\r\n");
    // Back to RESP2 (a null bulk, not `_`), database 0, no name, no flags;
    // the library name stays.
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n");
    let info = c.client_info();
    assert_eq!(field(&info, "db"), "0");
    assert_eq!(field(&info, "name"), "");
    assert_eq!(field(&info, "flags"), "N");
    assert_eq!(field(&info, "resp"), "2");
    assert_eq!(field(&info, "lib-name"), "mylib");
    c.check(
        &["RESET", "x"],
        "-ERR wrong number of arguments for 'reset' command\r\n",
    );
}

#[test]
fn auth_without_password() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(
        &["AUTH", "x"],
        "-ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?\r\n",
    );
    c.check(&["AUTH", "default", "anything"], "+OK\r\n");
    c.check(
        &["AUTH", "bob", "x"],
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.check(&["AUTH", "a", "b", "c"], "-ERR syntax error\r\n");
    c.check(
        &["AUTH"],
        "-ERR wrong number of arguments for 'auth' command\r\n",
    );
}

#[test]
fn auth_with_password() {
    let srv = start(&["--requirepass", "secret"]);
    let mut c = srv.connect();
    c.check(&["PING"], "-NOAUTH Authentication required.\r\n");
    let noauth_hello = "-NOAUTH HELLO must be called with the client already authenticated, otherwise the \
                        HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
                        select the RESP protocol version at the same time\r\n";
    c.check(&["HELLO", "3"], noauth_hello);
    c.check(&["HELLO"], noauth_hello);
    let wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    c.check(&["HELLO", "3", "AUTH", "default", "wrong"], wrongpass);
    c.check(&["AUTH", "wrong"], wrongpass);
    c.check(&["AUTH", "bob", "secret"], wrongpass);
    c.check(&["CLIENT", "ID"], "-NOAUTH Authentication required.\r\n");
    c.check(&["AUTH", "secret"], "+OK\r\n");
    c.check(&["PING"], "+PONG\r\n");
    // RESET logs the connection out again.
    c.check(&["RESET"], "+RESET\r\n");
    c.check(&["PING"], "-NOAUTH Authentication required.\r\n");
    c.check(&["AUTH", "default", "secret"], "+OK\r\n");
    c.check(&["RESET"], "+RESET\r\n");
    // HELLO can authenticate and name in one go.
    let hello = c.frame(&["HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n1"]);
    assert_eq!((hello.kind(), hello.items().len()), (b'*', 14), "{hello:?}");
    c.check(&["CLIENT", "GETNAME"], "$2\r\nn1\r\n");

    // The redis crate authenticates with the URL's password.
    let client = redis::Client::open(format!("redis://:secret@127.0.0.1:{}/", srv.port())).unwrap();
    let mut con = client.get_connection().unwrap();
    let pong: String = cmd(&mut con, &["PING"]).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn select_databases() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(&["SELECT", "16"], "-ERR DB index is out of range\r\n");
    c.check(&["SELECT", "-1"], "-ERR DB index is out of range\r\n");
    c.check(
        &["SELECT", "abc"],
        "-ERR value is not an integer or out of range\r\n",
    );
    c.check(
        &["SELECT", "1.5"],
        "-ERR value is not an integer or out of range\r\n",
    );
    c.check(
        &["SELECT", "99999999999"],
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    );
    c.check(&["SELECT", "15"], "+OK\r\n");
    c.check(&["SET", "k", "v15"], "+OK\r\n");
    assert_eq!(field(&c.client_info(), "db"), "15");
    c.check(&["SELECT", "0"], "+OK\r\n");
    c.check(&["GET", "k"], "$-1\r\n");
    c.check(&["SELECT", "15"], "+OK\r\n");
    c.check(&["GET", "k"], "$3\r\nv15\r\n");
}

#[test]
fn client_names_and_library_info() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n");
    c.check(
        &["CLIENT", "SETNAME", "a b"],
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    c.check(
        &["CLIENT", "SETNAME", "a\nb"],
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    c.check(&["CLIENT", "SETNAME", "worker-1"], "+OK\r\n");
    c.check(&["CLIENT", "GETNAME"], "$8\r\nworker-1\r\n");
    c.check(&["CLIENT", "SETNAME", ""], "+OK\r\n");
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n");
    c.check(
        &["CLIENT", "SETINFO", "foo", "bar"],
        "-ERR Unrecognized option 'foo'\r\n",
    );
    c.check(
        &["CLIENT", "SETINFO", "lib-name", "a b"],
        "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
    );
    c.check(
        &["CLIENT", "SETINFO", "LIB-VER", "1 2"],
        "-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n",
    );
    c.check(
        &["CLIENT", "SETINFO", "LIB-NAME", "redis-py(cinnabar_v1)"],
        "+OK\r\n",
    );
    c.check(&["CLIENT", "SETINFO", "lib-ver", "5.0.1"], "+OK\r\n");
    let info = c.client_info();
    assert_eq!(field(&info, "lib-name"), "redis-py(cinnabar_v1)");
    assert_eq!(field(&info, "lib-ver"), "5.0.1");
    c.check(&["CLIENT", "SETINFO", "lib-ver", ""], "+OK\r\n");
    assert_eq!(field(&c.client_info(), "lib-ver"), "");
    c.check(
        &["CLIENT", "SETINFO", "lib-ver"],
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n",
    );
    c.check(
        &["CLIENT", "NOSUCH"],
        "-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n",
    );
    c.check(
        &["CLIENT"],
        "-ERR wrong number of arguments for 'client' command\r\n",
    );
}

#[test]
fn client_info_line_format() {
    let srv = start(&[]);
    let mut c = srv.connect();
    let local = c.local_addr();
    let id = c.client_id();
    let info = c.client_info();
    assert!(info.ends_with('\n') && !info.trim_end().contains('\n'));
    let names: Vec<String> = fields(&info).into_iter().map(|(k, _)| k).collect();
    let expected = [
        "id",
        "addr",
        "laddr",
        "fd",
        "name",
        "age",
        "idle",
        "flags",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
        "events",
        "cmd",
        "user",
        "redir",
        "resp",
        "lib-name",
        "lib-ver",
    ];
    assert_eq!(names, expected);
    assert_eq!(field(&info, "id"), id.to_string());
    assert_eq!(field(&info, "addr"), local.to_string());
    assert_eq!(field(&info, "laddr"), format!("127.0.0.1:{}", srv.port()));
    assert_eq!(field(&info, "flags"), "N");
    assert_eq!(field(&info, "multi"), "-1");
    assert_eq!(field(&info, "argv-mem"), "10");
    assert_eq!(field(&info, "qbuf"), "26");
    assert_eq!(field(&info, "cmd"), "client|info");
    assert_eq!(field(&info, "user"), "default");
    assert_eq!(field(&info, "redir"), "-1");
    assert_eq!(field(&info, "resp"), "2");
    assert_eq!(field(&info, "events"), "r");
    for numeric in [
        "fd",
        "age",
        "idle",
        "qbuf-free",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
    ] {
        field(&info, numeric).parse::<u64>().unwrap();
    }
}

#[test]
fn client_list_shows_everyone() {
    let srv = start(&[]);
    let mut cons: Vec<redis::Connection> = (0..4).map(|_| redis_conn(&srv)).collect();
    let mut ids = Vec::new();
    for (i, con) in cons.iter_mut().enumerate() {
        let _: () = cmd(con, &["CLIENT", "SETNAME", &format!("c{i}")]).unwrap();
        ids.push(cmd::<u64>(con, &["CLIENT", "ID"]).unwrap());
    }
    let _: () = cmd(&mut cons[2], &["SELECT", "5"]).unwrap();
    let list: String = cmd(&mut cons[0], &["CLIENT", "LIST"]).unwrap();
    for (i, id) in ids.iter().enumerate() {
        let line = list
            .lines()
            .find(|l| field(l, "id") == id.to_string())
            .unwrap();
        assert_eq!(field(line, "name"), format!("c{i}"));
        assert_eq!(field(line, "lib-name"), "redis-rs");
        let expected_cmd = match i {
            0 => "client|list",
            2 => "select",
            _ => "client|id",
        };
        assert_eq!(field(line, "cmd"), expected_cmd);
        assert_eq!(field(line, "db"), if i == 2 { "5" } else { "0" });
    }
    // Lines come by increasing id.
    let listed: Vec<u64> = list
        .lines()
        .map(|l| field(l, "id").parse().unwrap())
        .collect();
    assert!(listed.windows(2).all(|w| w[0] < w[1]));

    let by_id: String = cmd(
        &mut cons[0],
        &[
            "CLIENT",
            "LIST",
            "ID",
            &ids[3].to_string(),
            "999999",
            &ids[1].to_string(),
        ],
    )
    .unwrap();
    let got: Vec<String> = by_id.lines().map(|l| field(l, "name")).collect();
    assert_eq!(got, ["c3", "c1"]);
    let normal: String = cmd(&mut cons[0], &["CLIENT", "LIST", "TYPE", "normal"]).unwrap();
    assert!(ids
        .iter()
        .all(|id| normal.lines().any(|l| field(l, "id") == id.to_string())));
    for ty in ["pubsub", "master", "replica", "slave"] {
        let none: String = cmd(&mut cons[0], &["CLIENT", "LIST", "TYPE", ty]).unwrap();
        assert_eq!(none, "");
    }
    let e = cmd::<String>(&mut cons[0], &["CLIENT", "LIST", "TYPE", "foo"]).unwrap_err();
    assert_eq!(err_text(e), "ERR Unknown client type 'foo'");
    let e = cmd::<String>(&mut cons[0], &["CLIENT", "LIST", "ID", "1", "abc"]).unwrap_err();
    assert_eq!(err_text(e), "ERR Invalid client ID");
    let e = cmd::<String>(&mut cons[0], &["CLIENT", "LIST", "xx"]).unwrap_err();
    assert_eq!(err_text(e), "ERR syntax error");
    let e =
        cmd::<String>(&mut cons[0], &["CLIENT", "LIST", "TYPE", "normal", "extra"]).unwrap_err();
    assert_eq!(err_text(e), "ERR syntax error");
}

#[test]
fn client_kill_across_connections() {
    let srv = start(&[]);
    let mut admin = redis_conn(&srv);
    // Raw victims, so their closing is observable.
    let mut victims: Vec<RawClient> = (0..4).map(|_| srv.connect()).collect();
    let ids: Vec<u64> = victims.iter_mut().map(|v| v.client_id()).collect();
    let addrs: Vec<String> = victims.iter().map(|v| v.local_addr().to_string()).collect();

    // By id.
    let n: i64 = cmd(&mut admin, &["CLIENT", "KILL", "ID", &ids[0].to_string()]).unwrap();
    assert_eq!(n, 1);
    victims[0].expect_closed();
    assert!(list_line(&mut admin, ids[0]).is_none());
    let n: i64 = cmd(&mut admin, &["CLIENT", "KILL", "ID", &ids[0].to_string()]).unwrap();
    assert_eq!(n, 0);

    // The old form, by address.
    let ok: String = cmd(&mut admin, &["CLIENT", "KILL", &addrs[1]]).unwrap();
    assert_eq!(ok, "OK");
    victims[1].expect_closed();
    let e = cmd::<String>(&mut admin, &["CLIENT", "KILL", &addrs[1]]).unwrap_err();
    assert_eq!(err_text(e), "ERR No such client");

    // ADDR and a filter that does not match.
    let n: i64 = cmd(
        &mut admin,
        &["CLIENT", "KILL", "ADDR", &addrs[2], "TYPE", "pubsub"],
    )
    .unwrap();
    assert_eq!(n, 0);
    let n: i64 = cmd(
        &mut admin,
        &[
            "CLIENT", "KILL", "ADDR", &addrs[2], "TYPE", "normal", "USER", "default",
        ],
    )
    .unwrap();
    assert_eq!(n, 1);
    victims[2].expect_closed();

    // Everyone but me on this local address (SKIPME defaults to yes).
    let laddr = format!("127.0.0.1:{}", srv.port());
    let n: i64 = cmd(&mut admin, &["CLIENT", "KILL", "LADDR", &laddr]).unwrap();
    assert!(n >= 1);
    victims[3].expect_closed();
    let after: String = cmd(&mut admin, &["CLIENT", "LIST"]).unwrap();
    assert_eq!(after.lines().count(), 1, "{after}");
    let pong: String = cmd(&mut admin, &["PING"]).unwrap();
    assert_eq!(pong, "PONG");

    // Errors.
    for (args, want) in [
        (
            &["CLIENT", "KILL", "ID", "0"][..],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "ID", "abc"][..],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "TYPE", "foo"][..],
            "ERR Unknown client type 'foo'",
        ),
        (
            &["CLIENT", "KILL", "USER", "bob"][..],
            "ERR No such user 'bob'",
        ),
        (
            &["CLIENT", "KILL", "SKIPME", "maybe"][..],
            "ERR syntax error",
        ),
        (&["CLIENT", "KILL", "foo", "bar"][..], "ERR syntax error"),
        (
            &["CLIENT", "KILL", "ID", "5", "TYPE"][..],
            "ERR syntax error",
        ),
        (
            &["CLIENT", "KILL"][..],
            "ERR wrong number of arguments for 'client|kill' command",
        ),
    ] {
        let e = cmd::<redis::Value>(&mut admin, args).unwrap_err();
        assert_eq!(err_text(e), want, "{args:?}");
    }
}

#[test]
fn client_kill_self() {
    let srv = start(&[]);
    let mut c = srv.connect();
    let id = c.client_id();
    c.check(&["CLIENT", "KILL", "ID", &id.to_string()], ":0\r\n");
    c.send_all(&[
        &["CLIENT", "KILL", "ID", &id.to_string(), "SKIPME", "no"],
        &["PING"],
    ]);
    c.expect(":1\r\n");
    c.expect_closed();

    let mut c = srv.connect();
    let addr = c.local_addr().to_string();
    c.check(&["CLIENT", "KILL", &addr], "+OK\r\n");
    c.expect_closed();
}

#[test]
fn client_pause_write_holds_writers_until_unpause() {
    let srv = start(&[]);
    let mut admin = redis_conn(&srv);
    let mut writer = srv.connect();
    let writer_id = writer.client_id();
    let _: () = cmd(&mut admin, &["CLIENT", "PAUSE", "100000", "WRITE"]).unwrap();
    writer.send_command(&["SET", "held", "1"]).unwrap();
    // The writer waits, flagged like a blocked client...
    wait_for_flag(&mut admin, writer_id, 'b');
    // ...while reads and non-write commands go through, and the write has not happened.
    let v: Option<String> = cmd(&mut admin, &["GET", "held"]).unwrap();
    assert_eq!(v, None);
    let mut reader = srv.connect();
    reader.check(&["PING"], "+PONG\r\n");
    reader.check(&["GET", "held"], "$-1\r\n");
    let _: () = cmd(&mut admin, &["CLIENT", "UNPAUSE"]).unwrap();
    writer.expect("+OK\r\n");
    let v: Option<String> = cmd(&mut admin, &["GET", "held"]).unwrap();
    assert_eq!(v.as_deref(), Some("1"));
    assert_eq!(
        field(&list_line(&mut admin, writer_id).unwrap(), "flags"),
        "N"
    );
    writer.check(&["SET", "free", "2"], "+OK\r\n");
}

#[test]
fn client_pause_keeps_pipelined_order() {
    let srv = start(&[]);
    let mut admin = redis_conn(&srv);
    let mut writer = srv.connect();
    let writer_id = writer.client_id();
    let _: () = cmd(&mut admin, &["CLIENT", "PAUSE", "100000", "WRITE"]).unwrap();
    // A read before the write runs; the write and everything after it wait.
    writer.send_all(&[
        &["PING", "before"],
        &["INCR", "n"],
        &["PING", "after"],
        &["INCR", "n"],
    ]);
    writer.expect("$6\r\nbefore\r\n");
    wait_for_flag(&mut admin, writer_id, 'b');
    let _: () = cmd(&mut admin, &["CLIENT", "UNPAUSE"]).unwrap();
    writer.expect(":1\r\n$5\r\nafter\r\n:2\r\n");
}

#[test]
fn client_pause_all_holds_everything_until_timeout() {
    let srv = start(&[]);
    let mut admin = srv.connect();
    let mut other = srv.connect();
    let started = Instant::now();
    admin.check(&["CLIENT", "PAUSE", "300", "ALL"], "+OK\r\n");
    other.send_command(&["PING"]).unwrap();
    admin.send_command(&["CLIENT", "UNPAUSE"]).unwrap();
    // Nothing runs before the pause ends, not even UNPAUSE.
    other.expect("+PONG\r\n");
    admin.expect("+OK\r\n");
    // The deadline is kept in whole milliseconds of wall-clock time (as in
    // Redis), so the pause can end up to a millisecond short of 300 ms as
    // measured here.
    assert!(started.elapsed() >= Duration::from_millis(298));
}

#[test]
fn client_pause_arguments() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(
        &["CLIENT", "PAUSE", "abc", "foo"],
        "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n",
    );
    c.check(
        &["CLIENT", "PAUSE", "abc"],
        "-ERR timeout is not an integer or out of range\r\n",
    );
    c.check(&["CLIENT", "PAUSE", "-1"], "-ERR timeout is negative\r\n");
    c.check(
        &["CLIENT", "PAUSE", "1", "2", "3"],
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    c.check(
        &["CLIENT", "PAUSE"],
        "-ERR wrong number of arguments for 'client|pause' command\r\n",
    );
    // A zero timeout pauses nothing.
    c.check(&["CLIENT", "PAUSE", "0"], "+OK\r\n");
    c.check(&["SET", "k", "v"], "+OK\r\n");
    c.check(&["CLIENT", "UNPAUSE"], "+OK\r\n");
    c.check(
        &["CLIENT", "UNPAUSE", "x"],
        "-ERR wrong number of arguments for 'client|unpause' command\r\n",
    );
}

#[test]
fn client_flags_and_misc_subcommands() {
    let srv = start(&[]);
    let mut c = srv.connect();
    c.check(&["CLIENT", "NO-EVICT", "on"], "+OK\r\n");
    c.check(&["CLIENT", "NO-TOUCH", "ON"], "+OK\r\n");
    assert_eq!(field(&c.client_info(), "flags"), "eT");
    c.check(&["CLIENT", "NO-EVICT", "off"], "+OK\r\n");
    c.check(&["CLIENT", "NO-TOUCH", "off"], "+OK\r\n");
    assert_eq!(field(&c.client_info(), "flags"), "N");
    c.check(&["CLIENT", "NO-EVICT", "maybe"], "-ERR syntax error\r\n");
    c.check(&["CLIENT", "NO-TOUCH", "maybe"], "-ERR syntax error\r\n");

    c.check(
        &["CLIENT", "UNBLOCK", "1", "foo"],
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
    c.check(
        &["CLIENT", "UNBLOCK", "abc"],
        "-ERR value is not an integer or out of range\r\n",
    );
    c.check(
        &["CLIENT", "UNBLOCK", "1", "timeout", "x"],
        "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
    );
    let id = c.client_id();
    c.check(&["CLIENT", "UNBLOCK", &id.to_string()], ":0\r\n");
    c.check(&["CLIENT", "UNBLOCK", "999999", "ERROR"], ":0\r\n");

    c.check(&["CLIENT", "GETREDIR"], ":-1\r\n");
    c.check(
        &["CLIENT", "TRACKINGINFO"],
        "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    c.check(
        &["CLIENT", "CACHING", "yes"],
        "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode \
         enabled\r\n",
    );

    let help = c.frame(&["CLIENT", "HELP"]);
    assert_eq!(help.kind(), b'*');
    let lines = help.items();
    assert!(lines.len() > 10);
    assert!(lines.iter().all(|l| l.kind() == b'+'), "{help:?}");
    let first = lines[0].text();
    assert!(first.starts_with("CLIENT <subcommand>"), "{first}");
    c.check(&["PING"], "+PONG\r\n");
}
