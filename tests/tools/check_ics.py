#!/usr/bin/env python3
"""Independent check of an iCalendar file (three more opinions besides libical).

Parses the file with python3-icalendar, with python3-vobject (validate=True) and with ical.js
(tests/tools/check_ics.mjs, under node: the parser of Thunderbird and of many web calendars,
pinned in tools/contract), checks the three agree, and prints one line per VEVENT:

    <UID> <DTSTART> <DTEND>

and per VTODO (a study trip's task in a personal feed), its DUE where a VEVENT has DTEND:

    <UID> - <DUE>

with date-times converted to UTC (20201126T080000Z) and dates as they are (20190904); with
--details also the SEQUENCE (0 when absent) and STATUS ("-" when absent) each parser read:

    <UID> <DTSTART> <DTEND> <SEQUENCE> <STATUS>

Exit status 0 when all three parsers accept the file and agree; 1 otherwise (the reason on
stderr), also when node or ical.js is missing (scripts/lib.sh install_contract_tools).

Usage: check_ics.py [--details] FILE
"""
import datetime
import json
import os
import subprocess
import sys


def utc_text(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("floating date-time %s (no TZID)" % value)
        return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if isinstance(value, datetime.date):
        return value.strftime("%Y%m%d")
    raise ValueError("unexpected value %r" % (value,))


def with_icalendar(data):
    import icalendar

    cal = icalendar.Calendar.from_ical(data)
    rows = []
    for comp in cal.walk("VEVENT"):
        start = comp.decoded("DTSTART")
        end = comp.decoded("DTEND") if "DTEND" in comp else None
        rows.append((str(comp["UID"]), utc_text(start), utc_text(end) if end is not None else "-",
                     str(int(comp.get("SEQUENCE", 0))), str(comp.get("STATUS", "-"))))
    for comp in cal.walk("VTODO"):
        rows.append((str(comp["UID"]), "-", utc_text(comp.decoded("DUE")), str(int(comp.get("SEQUENCE", 0))),
                     str(comp.get("STATUS", "-"))))
    return rows


def with_vobject(data):
    import vobject

    cal = vobject.readOne(data.decode("utf-8"), validate=True)
    rows = []
    for ev in getattr(cal, "vevent_list", []):
        start = ev.dtstart.value
        end = ev.dtend.value if hasattr(ev, "dtend") else None
        sequence = str(int(ev.sequence.value)) if hasattr(ev, "sequence") else "0"
        status = ev.status.value if hasattr(ev, "status") else "-"
        rows.append((ev.uid.value, utc_text(start), utc_text(end) if end is not None else "-", sequence, status))
    for todo in getattr(cal, "vtodo_list", []):
        sequence = str(int(todo.sequence.value)) if hasattr(todo, "sequence") else "0"
        status = todo.status.value if hasattr(todo, "status") else "-"
        rows.append((todo.uid.value, "-", utc_text(todo.due.value), sequence, status))
    return rows


def with_icaljs(path):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_ics.mjs")
    node = os.environ.get("EVENTD_NODE") or "node"
    run = subprocess.run([node, script, path], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise ValueError((run.stderr or run.stdout).strip())
    return [tuple(row) for row in json.loads(run.stdout)]


def main(argv):
    details = len(argv) == 3 and argv[1] == "--details"
    if len(argv) != 2 and not details:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[-1], "rb") as f:
        data = f.read()
    readings = []
    for name, read in (("icalendar", lambda: with_icalendar(data)), ("vobject", lambda: with_vobject(data)),
                       ("ical.js", lambda: with_icaljs(argv[-1]))):
        try:
            readings.append((name, read()))
        except Exception as e:  # noqa: BLE001 - any failure is a finding
            print("%s: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)
            return 1
    a = readings[0][1]
    for name, rows in readings[1:]:
        if rows != a:
            print("the parsers disagree:\n icalendar %r\n %-9s %r" % (a, name, rows), file=sys.stderr)
            return 1
    for row in a:
        print(" ".join(row if details else row[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
