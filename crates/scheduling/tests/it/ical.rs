use std::collections::BTreeSet;
use std::path::PathBuf;

use domain::values::{Email, TimeZone};
use scheduling::ical::{
    Attendee, Event, PartStat, Person, Recurrence, Role, cancellation, feed, invite, session_uid,
};
use serde_json::{Value, json};

use crate::{local, utc};

fn person(name: &str, email: &str) -> Person {
    Person {
        name: name.into(),
        email: Email::parse(email).expect("valid e-mail"),
    }
}

/// Weekly tele-session at 18:00 Lagos from Tuesday 2026-10-13 for six weeks: crosses London's
/// change on 2026-10-25 and Toronto's on 2026-11-01.
fn lagos_autumn() -> Event {
    Event {
        session_id: 101,
        sequence: 0,
        summary: "UNIBEN collaborative: weekly research tele-session".into(),
        description: Some(
            "Agenda: protocol review; data collection, analysis.\nBring: draft; questions\\ideas"
                .into(),
        ),
        video_link: Some("https://meet.example.org/uniben-collab?pwd=a,b;c".into()),
        zone: TimeZone::parse("Africa/Lagos").expect("known zone"),
        start: local(2026, 10, 13, 18, 0),
        duration_minutes: 60,
        recurrence: Recurrence::Weekly { count: 6 },
        organizer: person("Dr Funmi Akinola", "funmi.akinola@example.org"),
        attendees: vec![
            Attendee {
                person: person("Dr Osaze Igbinedion", "osaze@example.org"),
                role: Role::Required,
                partstat: PartStat::NeedsAction,
                rsvp: true,
            },
            Attendee {
                person: person("Dr Ivie Omoregie, MD; FRCPC", "ivie@example.org"),
                role: Role::Optional,
                partstat: PartStat::Accepted,
                rsvp: false,
            },
        ],
        cancelled: false,
    }
}

/// Weekly at 19:00 London from Tuesday 2027-03-02 for six weeks: Toronto changes on
/// 2027-03-14, London on 2027-03-28.
fn london_spring() -> Event {
    Event {
        session_id: 202,
        summary: "Journal club".into(),
        description: None,
        zone: TimeZone::parse("Europe/London").expect("known zone"),
        start: local(2027, 3, 2, 19, 0),
        recurrence: Recurrence::Weekly { count: 6 },
        organizer: person("Dr Osaze Igbinedion", "osaze@example.org"),
        ..lagos_autumn()
    }
}

/// A single session organised from Toronto on the day its clocks change.
fn toronto_once() -> Event {
    Event {
        session_id: 303,
        summary: "Mentorship check-in".into(),
        description: None,
        video_link: None,
        zone: TimeZone::parse("America/Toronto").expect("known zone"),
        start: local(2026, 11, 1, 9, 30),
        duration_minutes: 30,
        recurrence: Recurrence::Once,
        ..lagos_autumn()
    }
}

fn stamp() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 10, 1, 12, 0)
}

fn lines(ics: &str) -> Vec<String> {
    // Unfold, then split into content lines.
    ics.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn tzids_used(ics: &str) -> BTreeSet<String> {
    lines(ics)
        .iter()
        .filter_map(|l| l.split_once(";TZID=").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split([':', ';']).next())
        .map(str::to_owned)
        .collect()
}

fn vtimezones(ics: &str) -> BTreeSet<String> {
    let lines = lines(ics);
    lines
        .windows(2)
        .filter(|w| w[0] == "BEGIN:VTIMEZONE")
        .filter_map(|w| w[1].strip_prefix("TZID:").map(str::to_owned))
        .collect()
}

fn value<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
}

#[test]
fn every_tzid_has_its_vtimezone_and_lines_are_well_formed() {
    let ics = feed(
        "tandem: Dr Osaze Igbinedion",
        &[lagos_autumn(), london_spring(), toronto_once()],
        stamp(),
    )
    .unwrap();
    let used = tzids_used(&ics);
    assert_eq!(
        used,
        ["Africa/Lagos", "America/Toronto", "Europe/London"]
            .map(str::to_owned)
            .into()
    );
    assert_eq!(vtimezones(&ics), used);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    // A feed is not a message: no METHOD, no attendee addresses.
    assert!(!ics.contains("METHOD:"));
    assert!(!ics.contains("ATTENDEE"));
    assert!(ics.contains("X-WR-CALNAME:tandem: Dr Osaze Igbinedion\r\n"));
}

#[test]
fn vtimezones_hold_the_transitions_of_the_span() {
    let ics = invite(&lagos_autumn(), stamp()).unwrap();
    // Lagos has no DST: one STANDARD observance.
    let text = ics.replace("\r\n", "\n");
    assert!(text.contains(
        "BEGIN:VTIMEZONE\nTZID:Africa/Lagos\nBEGIN:STANDARD\nDTSTART:19700101T000000\n\
         TZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nTZNAME:WAT\nEND:STANDARD\nEND:VTIMEZONE\n"
    ));
    let ics = invite(&london_spring(), stamp())
        .unwrap()
        .replace("\r\n", "\n");
    // The change in force at the first session (2026-10-25) and the one in the span.
    assert!(ics.contains(
        "BEGIN:STANDARD\nDTSTART:20261025T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\n\
         TZNAME:GMT\nEND:STANDARD\n"
    ));
    assert!(ics.contains(
        "BEGIN:DAYLIGHT\nDTSTART:20270328T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\n\
         TZNAME:BST\nEND:DAYLIGHT\n"
    ));
}

#[test]
fn invite_fields_escaping_and_parameters() {
    let ics = invite(&lagos_autumn(), stamp()).unwrap();
    let l = lines(&ics);
    assert_eq!(value(&l, "METHOD"), Some("REQUEST"));
    assert_eq!(value(&l, "PRODID"), Some("-//tandem//scheduling//EN"));
    assert_eq!(value(&l, "VERSION"), Some("2.0"));
    assert_eq!(value(&l, "CALSCALE"), Some("GREGORIAN"));
    assert_eq!(value(&l, "UID"), Some("session-101@tandem"));
    assert_eq!(value(&l, "DTSTAMP"), Some("20261001T120000Z"));
    assert_eq!(
        value(&l, "DTSTART;TZID=Africa/Lagos"),
        Some("20261013T180000")
    );
    assert_eq!(
        value(&l, "DTEND;TZID=Africa/Lagos"),
        Some("20261013T190000")
    );
    assert_eq!(value(&l, "RRULE"), Some("FREQ=WEEKLY;COUNT=6"));
    assert_eq!(value(&l, "SEQUENCE"), Some("0"));
    assert_eq!(value(&l, "STATUS"), Some("CONFIRMED"));
    assert_eq!(
        value(&l, "DESCRIPTION"),
        Some(
            "Agenda: protocol review\\; data collection\\, analysis.\\nBring: draft\\; questions\\\\ideas"
        )
    );
    assert_eq!(
        value(&l, "LOCATION"),
        Some("https://meet.example.org/uniben-collab?pwd=a\\,b\\;c")
    );
    assert_eq!(
        value(&l, "URL"),
        Some("https://meet.example.org/uniben-collab?pwd=a,b;c")
    );
    assert_eq!(
        value(&l, "ORGANIZER;CN=\"Dr Funmi Akinola\""),
        Some("mailto:funmi.akinola@example.org")
    );
    assert!(l.contains(
        &"ATTENDEE;CN=\"Dr Osaze Igbinedion\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:osaze@example.org".to_owned()
    ));
    assert!(l.contains(
        &"ATTENDEE;CN=\"Dr Ivie Omoregie, MD; FRCPC\";ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:ivie@example.org".to_owned()
    ));
}

#[test]
fn uid_is_stable_and_sequence_rises_on_change_and_cancellation() {
    let event = lagos_autumn();
    let first = invite(&event, stamp()).unwrap();
    assert_eq!(first, invite(&event, stamp()).unwrap(), "deterministic");
    assert_eq!(session_uid(101), "session-101@tandem");

    let mut moved = event.changed();
    moved.start = local(2026, 10, 13, 19, 0);
    let update = invite(&moved, utc(2026, 10, 2, 8, 0)).unwrap();
    let (a, b) = (lines(&first), lines(&update));
    assert_eq!(value(&a, "UID"), value(&b, "UID"));
    assert_eq!(value(&b, "SEQUENCE"), Some("1"));
    assert_eq!(
        value(&b, "DTSTART;TZID=Africa/Lagos"),
        Some("20261013T190000")
    );

    let cancel = cancellation(&moved, utc(2026, 10, 3, 8, 0)).unwrap();
    let c = lines(&cancel);
    assert_eq!(value(&c, "METHOD"), Some("CANCEL"));
    assert_eq!(value(&c, "STATUS"), Some("CANCELLED"));
    assert_eq!(value(&c, "UID"), Some("session-101@tandem"));
    assert_eq!(value(&c, "SEQUENCE"), Some("2"));
}

#[test]
fn bad_events_name_the_field() {
    let mut event = lagos_autumn();
    event.duration_minutes = 0;
    assert_eq!(
        invite(&event, stamp()).unwrap_err().field(),
        "duration_minutes"
    );
    let mut event = lagos_autumn();
    event.recurrence = Recurrence::Weekly { count: 0 };
    assert_eq!(
        invite(&event, stamp()).unwrap_err().field(),
        "recurrence.count"
    );
    let mut event = london_spring();
    event.start = local(2027, 3, 28, 1, 30);
    assert_eq!(
        feed("x", &[lagos_autumn(), event], stamp())
            .unwrap_err()
            .field(),
        "events[1].start"
    );
}

/// Local starts of every occurrence in the organiser's zone, London and Toronto, worked out by
/// hand from the published DST dates (not computed with chrono-tz, so the check is independent).
fn expected_starts(uid: u64) -> Value {
    let rows: &[(&str, &str, &str)] = match uid {
        // Lagos 18:00 (UTC+1 all year) = 17:00 UTC.
        101 => &[
            ("2026-10-13T18:00", "2026-10-13T18:00", "2026-10-13T13:00"),
            ("2026-10-20T18:00", "2026-10-20T18:00", "2026-10-20T13:00"),
            ("2026-10-27T18:00", "2026-10-27T17:00", "2026-10-27T13:00"),
            ("2026-11-03T18:00", "2026-11-03T17:00", "2026-11-03T12:00"),
            ("2026-11-10T18:00", "2026-11-10T17:00", "2026-11-10T12:00"),
            ("2026-11-17T18:00", "2026-11-17T17:00", "2026-11-17T12:00"),
        ],
        // London 19:00: 19:00 UTC until 2027-03-28, 18:00 UTC after.
        202 => &[
            ("2027-03-02T20:00", "2027-03-02T19:00", "2027-03-02T14:00"),
            ("2027-03-09T20:00", "2027-03-09T19:00", "2027-03-09T14:00"),
            ("2027-03-16T20:00", "2027-03-16T19:00", "2027-03-16T15:00"),
            ("2027-03-23T20:00", "2027-03-23T19:00", "2027-03-23T15:00"),
            ("2027-03-30T19:00", "2027-03-30T19:00", "2027-03-30T14:00"),
            ("2027-04-06T19:00", "2027-04-06T19:00", "2027-04-06T14:00"),
        ],
        // Toronto 09:30 on 2026-11-01, after its 02:00 change: 14:30 UTC.
        _ => &[("2026-11-01T15:30", "2026-11-01T14:30", "2026-11-01T09:30")],
    };
    rows.iter()
        .map(|(lagos, london, toronto)| {
            json!({
                "Africa/Lagos": lagos,
                "Europe/London": london,
                "America/Toronto": toronto,
            })
        })
        .collect()
}

fn expect(uid: u64, sequence: u32, status: &str) -> (String, Value) {
    (
        session_uid(uid),
        json!({"sequence": sequence, "status": status, "starts": expected_starts(uid)}),
    )
}

/// The fixtures for the Python check (crates/scheduling/tests/ics/check_ics.py): always
/// rendered and checked here, written to `$SCHEDULING_ICS_OUT` when it is set.
#[test]
fn writes_ics_fixtures() {
    let autumn = lagos_autumn();
    let spring = london_spring();
    // The feed shows a cancelled one-off as cancelled rather than dropping it, so subscribed
    // calendars remove it.
    let once = Event {
        cancelled: true,
        ..toronto_once()
    };
    let files: Vec<(&str, String, Value)> = vec![
        (
            "lagos-autumn-invite.ics",
            invite(&autumn, stamp()).unwrap(),
            json!({"method": "REQUEST", "feed": false,
                   "events": serde_json::Map::from_iter([expect(101, 0, "CONFIRMED")])}),
        ),
        (
            "lagos-autumn-cancel.ics",
            cancellation(&autumn, utc(2026, 10, 5, 9, 0)).unwrap(),
            json!({"method": "CANCEL", "feed": false,
                   "events": serde_json::Map::from_iter([expect(101, 1, "CANCELLED")])}),
        ),
        (
            "london-spring-invite.ics",
            invite(&spring, stamp()).unwrap(),
            json!({"method": "REQUEST", "feed": false,
                   "events": serde_json::Map::from_iter([expect(202, 0, "CONFIRMED")])}),
        ),
        (
            "feed-osaze.ics",
            feed(
                "tandem: Dr Osaze Igbinedion",
                &[autumn, spring, once],
                stamp(),
            )
            .unwrap(),
            json!({"method": null, "feed": true,
            "events": serde_json::Map::from_iter([
                expect(101, 0, "CONFIRMED"),
                expect(202, 0, "CONFIRMED"),
                expect(303, 0, "CANCELLED"),
            ])}),
        ),
    ];
    for (_, ics, _) in &files {
        assert_eq!(vtimezones(ics), tzids_used(ics));
    }
    let Some(dir) = std::env::var_os("SCHEDULING_ICS_OUT") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut expectations = serde_json::Map::new();
    for (name, ics, expected) in files {
        std::fs::write(dir.join(name), ics).unwrap();
        expectations.insert(name.to_owned(), expected);
    }
    std::fs::write(
        dir.join("expectations.json"),
        serde_json::to_string_pretty(&Value::Object(expectations)).unwrap(),
    )
    .unwrap();
}
