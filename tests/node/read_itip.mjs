// Reads an iTIP payload with ical.js (Thunderbird's parser) and prints what
// it says, as JSON: the method, and per VEVENT its UID, RECURRENCE-ID, start
// and end (UTC, or a date), and each attendee's address, PARTSTAT and
// DELEGATED-FROM. usage: node read_itip.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(tz));
}
const when = (t) => {
  if (!t) return null;
  if (t.isDate) return t.toString();
  if (t.zone === ICAL.Timezone.localTimezone) return `${t.toString().slice(0, 19)} floating`;
  return t.toJSDate().toISOString().replace(/\.000Z$/, "Z");
};
const address = (v) => (v ? String(v).toLowerCase().replace(/^mailto:/, "") : null);
const events = root.getAllSubcomponents("vevent").map((ev) => ({
  uid: ev.getFirstPropertyValue("uid"),
  recurrence_id: when(ev.getFirstPropertyValue("recurrence-id")),
  start: when(ev.getFirstPropertyValue("dtstart")),
  end: when(ev.getFirstPropertyValue("dtend")),
  attendees: ev.getAllProperties("attendee").map((a) => ({
    address: address(a.getFirstValue()),
    partstat: String(a.getParameter("partstat") || "NEEDS-ACTION").toUpperCase(),
    delegated_from: address(a.getParameter("delegated-from")),
  })),
}));
console.log(JSON.stringify({ method: root.getFirstPropertyValue("method").toUpperCase(), events }));
