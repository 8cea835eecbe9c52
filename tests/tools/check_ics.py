#!/usr/bin/env python3
"""Independent check of an iCalendar file (a second and third opinion besides libical).

Parses the file with python3-icalendar and with python3-vobject (validate=True), checks the
two agree, and prints one line per VEVENT:

    <UID> <DTSTART> <DTEND>

and per VTODO (a study trip's task in a personal feed), its DUE where a VEVENT has DTEND:

    <UID> - <DUE>

with date-times converted to UTC (20201126T080000Z) and dates as they are (20190904); with
--details also the SEQUENCE (0 when absent) and STATUS ("-" when absent) each parser read:

    <UID> <DTSTART> <DTEND> <SEQUENCE> <STATUS>

Exit status 0 when both parsers accept the file and agree; 1 otherwise (the reason on stderr).

Usage: check_ics.py [--details] FILE
"""
import datetime
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


def main(argv):
    details = len(argv) == 3 and argv[1] == "--details"
    if len(argv) != 2 and not details:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[-1], "rb") as f:
        data = f.read()
    try:
        a = with_icalendar(data)
    except Exception as e:  # noqa: BLE001 - any failure is a finding
        print("icalendar: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    try:
        b = with_vobject(data)
    except Exception as e:  # noqa: BLE001
        print("vobject: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    if a != b:
        print("the parsers disagree:\n icalendar %r\n vobject   %r" % (a, b), file=sys.stderr)
        return 1
    for row in a:
        print(" ".join(row if details else row[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
