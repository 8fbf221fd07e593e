//! The calendar feeds of a built site, read back with a real iCalendar parser: which dates
//! each feed holds, counted by hand from `tests/fixtures/valid` as of 2026-11-01.

use std::path::Path;
use std::process::Command;

use icalendar::{Calendar, Component};

fn build(out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--content",
            "tests/fixtures/valid",
            "--as-of",
            "2026-11-01",
        ])
        .arg("--out")
        .arg(out)
        .output()
        .expect("running govsite");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The UIDs of a feed's events, in the feed's order.
fn uids(site: &Path, feed: &str) -> Vec<String> {
    let text = std::fs::read_to_string(site.join(feed)).unwrap();
    let calendar: Calendar = text.parse().unwrap();
    let uids = calendar.events().map(|e| e.get_uid().unwrap().to_string());
    uids.collect()
}

/// The fixture's dates: EXC-003 expires 2026-12-01 (requested by cara-mills, approved by
/// ana-ruiz; EXC-001 is closed, EXC-002 permanent); INC-005's action is due 2026-12-01
/// (dev-patel; INC-001's action is done); CTL-TOKEN-TTL's review, last 2026-09-01 every 180
/// days, falls due 2027-02-28 (dev-patel). ana-ruiz and ben-okoro are in `security`,
/// cara-mills and dev-patel in `apps`.
#[test]
fn feeds_hold_the_dates_of_their_people() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build(&site);
    let exc = "EXC-003.exception-expiry@govsite";
    let action = "INC-005.incident-action-1@govsite";
    let review = "CTL-TOKEN-TTL.control-review@govsite";
    assert_eq!(uids(&site, "calendar.ics"), [exc, action, review]);
    assert_eq!(uids(&site, "calendar/people/ana-ruiz.ics"), [exc]);
    assert_eq!(uids(&site, "calendar/people/cara-mills.ics"), [exc]);
    assert_eq!(
        uids(&site, "calendar/people/dev-patel.ics"),
        [action, review]
    );
    assert!(uids(&site, "calendar/people/ben-okoro.ics").is_empty());
    assert_eq!(uids(&site, "calendar/teams/security.ics"), [exc]);
    assert_eq!(
        uids(&site, "calendar/teams/apps.ics"),
        [exc, action, review]
    );
    let text = std::fs::read_to_string(site.join("calendar.ics")).unwrap();
    assert!(text.contains("DTSTART;VALUE=DATE:20270228\r\n"), "{text}");
}

#[test]
fn pages_link_to_the_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build(&site);
    let page = |path: &str| std::fs::read_to_string(site.join(path)).unwrap();
    assert!(page("index.html").contains(r#"href="calendar.ics""#));
    assert!(page("people/dev-patel.html").contains(r#"href="../calendar/people/dev-patel.ics""#));
    let people = page("people.html");
    assert!(people.contains(r#"href="calendar/teams/apps.ics""#));
    assert!(people.contains(r#"href="calendar/teams/security.ics""#));
}
