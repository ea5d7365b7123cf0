// Peer: expand a calendar in a window with ical.js 2.
// usage: node expand.mjs FILE FROM TO   (dates); prints uid and start per occurrence
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [path, from, to] = process.argv.slice(2);
const start = ICAL.Time.fromDateString(from);
const end = ICAL.Time.fromDateString(to);
const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(tz));
}
// Masters and their overrides, matched by UID. The empty `exceptions` option
// stops ical.js from scanning every sibling for exceptions of each event,
// which makes a large file quadratic.
const masters = new Map();
const overrides = [];
for (const c of root.getAllSubcomponents("vevent")) {
  if (c.hasProperty("recurrence-id")) overrides.push(c);
  else masters.set(c.getFirstPropertyValue("uid"), new ICAL.Event(c, { exceptions: [] }));
}
for (const o of overrides) {
  const m = masters.get(o.getFirstPropertyValue("uid"));
  if (m) m.relateException(new ICAL.Event(o, { exceptions: [] }));
}
const lines = [];
let n = 0;
for (const [uid, ev] of masters) {
  if (!ev.isRecurring()) {
    if (ev.startDate.compare(end) < 0 && ev.endDate.compare(start) > 0) {
      lines.push(`${uid} ${ev.startDate.toString()}`);
      n++;
    }
    continue;
  }
  const it = ev.iterator();
  for (let next = it.next(); next; next = it.next()) {
    if (next.compare(end) >= 0) break;
    const d = ev.getOccurrenceDetails(next);
    if (d.endDate.compare(start) > 0) {
      lines.push(`${uid} ${d.startDate.toString()}`);
      n++;
    }
  }
  if (lines.length > 10000) process.stdout.write(lines.splice(0).join("\n") + "\n");
}
process.stdout.write(lines.join("\n") + "\n");
console.error(n);
