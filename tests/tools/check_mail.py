#!/usr/bin/env python3
"""Reads one e-mail (.eml, as the SMTP sink stored it) with Python's own email parser and
prints what the tests check, as JSON: decoded headers, the MIME structure, the text parts
and the calendar attachment, the latter also as python3-icalendar reads it ("ical": the
calendar's METHOD and each VEVENT's UID, SEQUENCE, STATUS, times in UTC and attendees).
Exits 1 when the message does not parse cleanly."""
import datetime
import json
import sys
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

raw = open(sys.argv[1], "rb").read()
message = BytesParser(policy=policy.default).parsebytes(raw)
defects = [str(d) for part in message.walk() for d in part.defects]
header_block = raw.split(b"\r\n\r\n", 1)[0]


def mailbox(value):
    if value is None:
        return None
    address = value.addresses[0]
    return {"name": address.display_name, "email": address.addr_spec}


out = {
    "envelope_to": message["X-Envelope-To"],
    "sink_tls": message["X-Sink-TLS"],
    "sink_login": message["X-Sink-Login"],
    "from": mailbox(message["From"]),
    "to": mailbox(message["To"]),
    "subject": str(message["Subject"]),
    "message_id": str(message["Message-ID"]),
    "date": str(message["Date"]),
    "mime_version": str(message["MIME-Version"]),
    "headers_ascii": all(b < 128 for b in header_block),
    "structure": [part.get_content_type() for part in message.walk()],
    "defects": defects,
    "text": None,
    "html": None,
    "calendar": None,
}
for part in message.walk():
    kind = part.get_content_type()
    if kind == "text/plain" and out["text"] is None:
        out["text"] = part.get_content()
        out["text_charset"] = part.get_content_charset()
    elif kind == "text/html" and out["html"] is None:
        out["html"] = part.get_content()
    elif kind == "text/calendar":
        out["calendar"] = {
            "method": part.get_param("method"),
            "charset": part.get_content_charset(),
            "filename": part.get_filename(),
            "disposition": part.get_content_disposition(),
            "content": part.get_content(),
        }


def utc_text(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def read_calendar(text):
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    events = []
    for event in calendar.walk("VEVENT"):
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        events.append({
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "summary": str(event.get("SUMMARY", "")),
            "location": str(event.get("LOCATION", "")),
            "dtstart": utc_text(event.decoded("DTSTART")),
            "dtend": utc_text(event.decoded("DTEND")) if "DTEND" in event else None,
            "attendees": [str(a) for a in attendees],
            "organizer": str(event.get("ORGANIZER", "")),
            "organizer_sent_by": str(event["ORGANIZER"].params.get("SENT-BY", "")) if "ORGANIZER" in event else "",
            "attendee_rsvp": [str(a.params.get("RSVP", "")) for a in attendees],
        })
    return {"method": str(calendar.get("METHOD", "")), "events": events}


if out["calendar"] is not None:
    try:
        out["ical"] = read_calendar(out["calendar"]["content"])
    except Exception as error:  # noqa: BLE001 - any failure is a finding
        out["ical"] = None
        defects.append("icalendar: %s: %s" % (type(error).__name__, error))
print(json.dumps(out))
sys.exit(1 if defects else 0)
