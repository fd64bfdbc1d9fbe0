//! CONFIG SET of directives that act on the running process: moving the TCP
//! listener with `port` and `bind`, and refusing addresses that cannot be bound.

mod support;

use support::process::free_port;
use support::RawClient;

/// A port that is free now, as a string.
fn another_port() -> String {
    free_port().expect("a free port").to_string()
}

#[test]
fn config_set_port_moves_the_listener() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    let new_port = another_port();
    assert_eq!(c.cmd(&["CONFIG", "SET", "port", &new_port]), b"+OK\r\n");
    let addr = format!("127.0.0.1:{new_port}").parse().expect("address");
    let mut moved = RawClient::connect(addr).expect("the new port accepts");
    assert_eq!(moved.cmd(&["PING"]), b"+PONG\r\n");
    // Existing connections stay; the old port is closed.
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
    assert!(RawClient::connect(server.addr()).is_err());
    let expected = format!("*2\r\n$4\r\nport\r\n${}\r\n{new_port}\r\n", new_port.len());
    assert_eq!(moved.cmd(&["CONFIG", "GET", "port"]), expected.as_bytes());
    let info = String::from_utf8_lossy(&moved.cmd(&["INFO", "server"])).into_owned();
    assert!(info.contains(&format!("tcp_port:{new_port}\r\n")), "{info}");
}

#[test]
fn config_set_bind_failure_keeps_the_old_listener() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    // TEST-NET-1 is never assigned to a local interface.
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "bind", "192.0.2.1"]),
        &b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n"[..]
    );
    let mut again = RawClient::connect(server.addr()).expect("old listener still open");
    assert_eq!(again.cmd(&["PING"]), b"+PONG\r\n");
    assert_eq!(
        again.cmd(&["CONFIG", "GET", "bind"]),
        &b"*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n"[..]
    );
    // Both addresses at once (IPv6 loopback is optional with the `-` prefix).
    assert_eq!(
        again.cmd(&["CONFIG", "SET", "bind", "127.0.0.1 -::1"]),
        b"+OK\r\n"
    );
    let mut third = RawClient::connect(server.addr()).expect("rebound on the same port");
    assert_eq!(third.cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn output_buffer_hard_limit_closes_the_client() {
    let server = support::start_cinnabar(&[]);
    let mut admin = server.connect();
    assert_eq!(
        admin.cmd(&[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 100kb 0 0"
        ]),
        b"+OK\r\n"
    );
    let big = "x".repeat(1 << 20);
    assert_eq!(admin.cmd(&["SET", "big", &big]), b"+OK\r\n");
    let mut reader = server.connect();
    assert_eq!(reader.cmd(&["SET", "small", "v"]), b"+OK\r\n");
    // The 1 MB reply is over the hard limit the moment it is produced.
    assert!(matches!(
        reader.request(&["GET", "big"]),
        support::Reply::Closed
    ));
    assert_eq!(admin.cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn output_buffer_soft_limit_closes_after_its_seconds() {
    let server = support::start_cinnabar(&[]);
    let mut admin = server.connect();
    assert_eq!(
        admin.cmd(&[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 0 1mb 1"
        ]),
        b"+OK\r\n"
    );
    // Bigger than what the loopback socket buffers can absorb, so most of the
    // reply stays in the server's output buffer while nobody reads it.
    let big = "x".repeat(64 << 20);
    assert_eq!(admin.cmd(&["SET", "big", &big]), b"+OK\r\n");
    let mut stalled = server.connect();
    stalled.send_command(&["GET", "big"]).expect("send GET");
    // Over the soft limit for more than one whole second: the next reply
    // added to this client closes it. (Waiting longer never changes that.)
    std::thread::sleep(std::time::Duration::from_millis(2500));
    stalled.send_command(&["PING"]).expect("send PING");
    // Reading drains whatever was sent before the close, then sees EOF.
    let mut total = 0usize;
    let mut buf = vec![0u8; 1 << 20];
    let mut stream = stalled.into_stream();
    loop {
        match std::io::Read::read(&mut stream, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
    assert!(
        total < big.len(),
        "the whole reply arrived: the client was not closed"
    );
    assert_eq!(admin.cmd(&["PING"]), b"+PONG\r\n");
}
