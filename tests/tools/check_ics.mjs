// The third opinion of tests/tools/check_ics.py: reads an iCalendar file with ical.js (the
// parser of Thunderbird and of many web calendars; pinned in tools/contract) and prints, as
// JSON, one row per VEVENT and VTODO in check_ics.py's form:
//   [UID, DTSTART, DTEND or "-", SEQUENCE, STATUS]   (a VTODO: [UID, "-", DUE, SEQUENCE, STATUS])
// with date-times in UTC (20201126T080000Z) as the calendar's own VTIMEZONEs place them, and
// dates as they are (20190904). Exit status 1 when ical.js refuses the file.
//
// Usage: node check_ics.mjs FILE
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const { default: ICAL } = await import(join(here, '../../tools/contract/node_modules/ical.js/dist/ical.js'));

const pad = (n, width = 2) => String(n).padStart(width, '0');

// A date as written; a date-time converted to UTC through its zone. A floating time (no TZID,
// no Z) is refused, as check_ics.py refuses it: a feed's instants must be unambiguous.
function utcText(time, name) {
  if (time.isDate) return `${pad(time.year, 4)}${pad(time.month)}${pad(time.day)}`;
  if (time.zone === ICAL.Timezone.localTimezone) throw new Error(`floating ${name} ${time.toString()}`);
  if (time.zone === undefined || time.zone === null) throw new Error(`${name} ${time.toString()} in an unknown zone`);
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  return `${pad(utc.year, 4)}${pad(utc.month)}${pad(utc.day)}T${pad(utc.hour)}${pad(utc.minute)}${pad(utc.second)}Z`;
}

function main(file) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  // The zones the file defines, so that TZID= resolves to them and to nothing else.
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  const rows = [];
  const common = (c) => [String(c.getFirstPropertyValue('sequence') ?? 0), c.getFirstPropertyValue('status') ?? '-'];
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const end = vevent.getFirstPropertyValue('dtend');
    rows.push([
      vevent.getFirstPropertyValue('uid'),
      utcText(vevent.getFirstPropertyValue('dtstart'), 'DTSTART'),
      end ? utcText(end, 'DTEND') : '-',
      ...common(vevent),
    ]);
  }
  for (const vtodo of calendar.getAllSubcomponents('vtodo')) {
    rows.push([vtodo.getFirstPropertyValue('uid'), '-', utcText(vtodo.getFirstPropertyValue('due'), 'DUE'), ...common(vtodo)]);
  }
  process.stdout.write(JSON.stringify(rows));
}

try {
  main(process.argv[2]);
} catch (e) {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  process.exit(1);
}
