#!/usr/bin/env python3
"""Checks tandem's iCalendar output with an independent parser (Python's `icalendar`).

CI runs, from the repository root:

    SCHEDULING_ICS_OUT=target/ics cargo test -p scheduling --test it writes_ics_fixtures
    python3 crates/scheduling/tests/ics/check_ics.py target/ics

(with `icalendar` 7.x installed, e.g. `python3 -m venv /tmp/venv-ics &&
/tmp/venv-ics/bin/pip install 'icalendar>=7,<8'`, then run the second command with
`/tmp/venv-ics/bin/python`).

Usage: check_ics.py DIR            (DIR/expectations.json and every DIR/*.ics)
       check_ics.py EXPECTATIONS.json FILE.ics...

The expectations map file name -> {"method": "REQUEST" | "CANCEL" | null, "feed": bool,
"events": {UID: {"sequence": n, "status": "...", "starts": [{zone: "YYYY-MM-DDTHH:MM"}...]}}}.

For every file it asserts: CRLF line ends and lines of at most 75 octets; every TZID used has a
VTIMEZONE (`get_missing_tzids()` is empty); METHOD as expected. For every event: SEQUENCE and
STATUS; the weekly RRULE is expanded with dateutil in the organiser's wall-clock time; each
occurrence is placed on the time line with the file's own VTIMEZONE (built from the component,
not looked up by name), that offset is compared with the system tz database, and the local start
in each expected zone (Europe/London and America/Toronto across their DST changes) must match.
"""

import json
import sys
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL {message}")


def localize(naive, tz):
    # pytz-style zones need localize(); zoneinfo/dateutil zones take tzinfo directly.
    if hasattr(tz, "localize"):
        return tz.localize(naive)
    return naive.replace(tzinfo=tz)


def check_file(path: Path, expected: dict) -> None:
    raw = path.read_bytes()
    name = path.name
    text = raw.decode("utf-8")
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        fail(f"{name}: lines must end with CRLF")
    for number, line in enumerate(raw.split(b"\r\n"), start=1):
        if len(line) > 75:
            fail(f"{name}:{number}: line of {len(line)} octets (limit 75)")

    cal = Calendar.from_ical(raw)
    missing = cal.get_missing_tzids()
    if missing:
        fail(f"{name}: TZIDs without VTIMEZONE: {sorted(missing)}")
    used = cal.get_used_tzids()
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    print(f"{name}: TZIDs used {sorted(used)}, VTIMEZONEs {sorted(zones)}")

    method = cal.get("METHOD")
    method = str(method) if method is not None else None
    if method != expected.get("method"):
        fail(f"{name}: METHOD {method!r}, expected {expected.get('method')!r}")
    for key in ("PRODID", "VERSION", "CALSCALE"):
        if key not in cal:
            fail(f"{name}: no {key}")

    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    if sorted(events) != sorted(expected["events"]):
        fail(f"{name}: UIDs {sorted(events)}, expected {sorted(expected['events'])}")
    for uid, want in expected["events"].items():
        event = events.get(uid)
        if event is None:
            continue
        check_event(name, uid, event, want, zones, expected.get("feed", False))


def check_event(name, uid, event, want, zones, feed) -> None:
    where = f"{name} {uid}"
    if int(event.get("SEQUENCE", 0)) != want["sequence"]:
        fail(f"{where}: SEQUENCE {event.get('SEQUENCE')}, expected {want['sequence']}")
    if str(event.get("STATUS")) != want["status"]:
        fail(f"{where}: STATUS {event.get('STATUS')}, expected {want['status']}")
    if "DTSTAMP" not in event:
        fail(f"{where}: no DTSTAMP")
    if feed and "ATTENDEE" in event:
        fail(f"{where}: a feed must not list attendees")
    if not feed and ("ORGANIZER" not in event or "ATTENDEE" not in event):
        fail(f"{where}: an invite needs ORGANIZER and ATTENDEE")

    dtstart = event["DTSTART"]
    tzid = dtstart.params.get("TZID")
    if tzid is None or tzid not in zones:
        fail(f"{where}: DTSTART TZID {tzid!r} has no VTIMEZONE")
        return
    file_tz = zones[tzid]
    wall = dtstart.dt.replace(tzinfo=None)
    if "RRULE" in event:
        rule = event["RRULE"].to_ical().decode()
        starts = list(rrulestr(rule, dtstart=wall))
    else:
        starts = [wall]
    if len(starts) != len(want["starts"]):
        fail(f"{where}: {len(starts)} occurrences, expected {len(want['starts'])}")
    for start, expected_local in zip(starts, want["starts"]):
        aware = localize(start, file_tz)
        system = start.replace(tzinfo=ZoneInfo(tzid))
        if aware.utcoffset() != system.utcoffset():
            fail(
                f"{where} {start}: VTIMEZONE offset {aware.utcoffset()} differs from "
                f"the tz database's {system.utcoffset()}"
            )
        instant = aware.astimezone(timezone.utc)
        for zone, local in expected_local.items():
            got = instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
            status = "ok" if got == local else "WRONG"
            print(f"  {uid} {start:%Y-%m-%d %H:%M} {tzid} -> {zone} {got} ({status})")
            if got != local:
                fail(f"{where}: {zone} local start {got}, expected {local}")


def main(argv: list[str]) -> int:
    if len(argv) == 1 and Path(argv[0]).is_dir():
        folder = Path(argv[0])
        expectations = json.loads((folder / "expectations.json").read_text())
        files = sorted(folder.glob("*.ics"))
        unexpected = [f.name for f in files if f.name not in expectations]
        if unexpected:
            fail(f"no expectations for {unexpected}")
    elif len(argv) >= 2:
        expectations = json.loads(Path(argv[0]).read_text())
        files = [Path(p) for p in argv[1:]]
    else:
        print(__doc__)
        return 2
    if not files:
        fail("no .ics files to check")
    for path in files:
        if path.name in expectations:
            check_file(path, expectations[path.name])
        else:
            fail(f"{path.name}: no expectations")
    checked = [p.name for p in files]
    for listed in expectations:
        if listed not in checked:
            fail(f"{listed}: expected but not found")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print(f"all {len(files)} calendar file(s) check out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
