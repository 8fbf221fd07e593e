//! Helpers for the tests that run `govsite serve` on this machine's loopback address.

use std::time::{Duration, Instant};

/// The deadline of every wait: it only detects a hung server, it measures nothing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Polls until `test` holds, or fails the test naming `what`.
pub fn wait_for(what: &str, mut test: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !test() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
