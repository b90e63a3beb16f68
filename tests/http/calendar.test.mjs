// The calendar feeds of section 3 of the contract ("Dialogues" in docs/decisions.md):
// GET /api/v1/dialogues.ics, /api/v1/dialogues/{id}.ics and
// /api/v1/organisations/{id}/dialogues.ics, read back by a real iCalendar parser (ical.js) and
// checked line by line against RFC 5545: CRLF line ends, lines folded at 75 octets (never inside
// a UTF-8 character), escaped text, UID <id>@idekom, DTSTART/DTEND in UTC equal to the API's
// times, SEQUENCE the dialogue's version, DTSTAMP its updated_at, URL back to its page,
// STATUS:CONFIRMED / STATUS:CANCELLED.
//
// The database is shared with the other tests, so each test finds its own events by UID.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import ICAL from 'ical.js';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  createOrg,
  verifyOrg,
  uniqueWord,
  etagVersion,
  isoFromNow,
} from './support.mjs';

const DLG = '/api/v1/dialogues';
const ORGS = '/api/v1/organisations';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** A long title with , ; \ " and å ä ö (its SUMMARY line must be escaped and folded). */
function hardTitle() {
  return `Dialogmöte, del 2; "Överenskommelsen" \\ uppföljning — idéburna organisationer i Hammarkullen och Kortedala ${uniqueWord()}`;
}

const LONG_DESCRIPTION =
  'Välkommen till dialogmötet om överenskommelsen mellan Göteborgs Stad och den idéburna sektorn; ' +
  'vi går igenom principerna, åtagandena och uppföljningen, del för del.\n' +
  'Andra raden: fika serveras från kl. 9, anmälan krävs. Backslash \\ och semikolon ; och komma , ' +
  'åäö'.repeat(30);

async function createDialogue(fields = {}, startInMs = (20 + crypto.randomInt(0, 200)) * DAY) {
  const starts = fields.starts_at ?? isoFromNow(startInMs);
  const body = { title: hardTitle(), kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * HOUR + 30 * 60 * 1000).toISOString(), ...fields };
  const r = await api('POST', DLG, { token: await adminToken(), body });
  assert.equal(r.status, 201, `create dialogue: ${r.status} ${r.text}`);
  return { dialogue: r.json, etag: r.headers.etag };
}

async function getDialogue(id) {
  const r = await api('GET', `${DLG}/${id}`);
  assert.equal(r.status, 200, r.text);
  return { dialogue: r.json, etag: r.headers.etag };
}

/** RFC 5545 TEXT escaping (3.3.11). */
function icalEscape(s) {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** GET a calendar; asserts 200, the content type and the line rules; returns {text, comp, lines}. */
async function getCalendar(path, token) {
  const r = await api('GET', path, { token });
  assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers['content-type'] || '', /^text\/calendar\s*;\s*charset="?utf-8"?$/i, `GET ${path}: content-type ${r.headers['content-type']}`);
  const text = r.text;
  assertLines(text, path);
  let comp;
  try {
    comp = new ICAL.Component(ICAL.parse(text));
  } catch (e) {
    assert.fail(`GET ${path}: ical.js cannot parse the calendar: ${e.message}\n${text.slice(0, 500)}`);
  }
  assert.equal(comp.name, 'vcalendar');
  assert.equal(String(comp.getFirstPropertyValue('version')), '2.0', 'VERSION:2.0');
  const prodid = comp.getFirstPropertyValue('prodid');
  assert.ok(typeof prodid === 'string' && prodid.length > 0, 'PRODID');
  return { text, comp, lines: unfold(text) };
}

/** CRLF line ends only; every physical line at most 75 octets; folds never split a character. */
function assertLines(text, what) {
  assert.ok(!text.includes('\uFFFD'), `${what}: invalid UTF-8 (a fold split a character?)`);
  assert.ok(text.endsWith('\r\n'), `${what}: the last line does not end with CRLF`);
  assert.ok(!/(^|[^\r])\n/.test(text), `${what}: a line ends with a bare LF`);
  assert.ok(!/\r(?!\n)/.test(text), `${what}: a bare CR`);
  const physical = text.slice(0, -2).split('\r\n');
  assert.equal(physical[0], 'BEGIN:VCALENDAR', `${what}: first line`);
  assert.equal(physical.at(-1), 'END:VCALENDAR', `${what}: last line`);
  for (const [i, line] of physical.entries()) {
    const octets = Buffer.byteLength(line, 'utf8');
    assert.ok(octets <= 75, `${what}: line ${i + 1} has ${octets} octets (> 75): ${JSON.stringify(line)}`);
    assert.ok(line.length > 0, `${what}: line ${i + 1} is empty`);
  }
}

function unfold(text) {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');
}

/** The unfolded content lines of the VEVENT whose UID is `uid`, or null. */
function rawEvent(lines, uid) {
  let cur = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = [];
    else if (l === 'END:VEVENT') {
      if (cur && cur.some((x) => x === `UID:${uid}`)) return cur;
      cur = null;
    } else if (cur) cur.push(l);
  }
  return null;
}

function eventsByUid(comp) {
  const m = new Map();
  for (const ve of comp.getAllSubcomponents('vevent')) {
    const uid = ve.getFirstPropertyValue('uid');
    assert.ok(!m.has(uid), `UID ${uid} appears twice`);
    m.set(uid, ve);
  }
  return m;
}

/** The event for dialogue `d` (version from `etag`) is what the API says. */
function assertEvent(ve, raw, d, etag, status) {
  const uid = `${d.id}@idekom`;
  assert.ok(ve, `no VEVENT with UID ${uid}`);
  assert.ok(raw, `no raw VEVENT lines with UID:${uid}`);
  assert.equal(ve.getFirstPropertyValue('uid'), uid);
  for (const [prop, apiValue] of [['dtstart', d.starts_at], ['dtend', d.ends_at]]) {
    const t = ve.getFirstPropertyValue(prop);
    assert.ok(t, `${prop.toUpperCase()} missing`);
    assert.equal(t.isDate, false, `${prop.toUpperCase()} is a date, not a date-time`);
    assert.equal(t.zone?.tzid, 'UTC', `${prop.toUpperCase()} is not in UTC (zone ${t.zone?.tzid})`);
    assert.equal(t.toJSDate().getTime(), Date.parse(apiValue), `${prop.toUpperCase()} ${t.toString()} ≠ ${apiValue}`);
    const line = raw.find((l) => l.toUpperCase().startsWith(`${prop.toUpperCase()}:`) || l.toUpperCase().startsWith(`${prop.toUpperCase()};`));
    assert.match(line || '', /^DT(START|END)(;VALUE=DATE-TIME)?:\d{8}T\d{6}Z$/i, `raw ${prop.toUpperCase()} line: ${line}`);
  }
  assert.equal(ve.getFirstPropertyValue('summary'), d.title, 'SUMMARY is the title');
  const summaryLine = raw.find((l) => /^SUMMARY[:;]/i.test(l));
  assert.equal(summaryLine.slice(summaryLine.indexOf(':') + 1), icalEscape(d.title), 'SUMMARY is escaped as RFC 5545 says');
  const desc = ve.getFirstPropertyValue('description');
  if (d.description && desc !== null) assert.ok(desc.includes(d.description), `DESCRIPTION does not hold the description: ${JSON.stringify(desc).slice(0, 200)}`);
  const url = ve.getFirstPropertyValue('url');
  assert.ok(typeof url === 'string', 'URL missing');
  const u = new URL(url);
  assert.ok(['http:', 'https:'].includes(u.protocol), `URL ${url}`);
  assert.ok(u.pathname.endsWith(`/dialogues/${d.id}`), `URL ${url} does not end with /dialogues/${d.id}`);
  assert.equal(ve.getFirstPropertyValue('status'), status, 'STATUS');
  assert.equal(Number(ve.getFirstPropertyValue('sequence')), etagVersion(etag), 'SEQUENCE is the version');
  const stamp = ve.getFirstPropertyValue('dtstamp');
  assert.ok(stamp, 'DTSTAMP missing');
  assert.equal(stamp.zone?.tzid, 'UTC', 'DTSTAMP in UTC');
  assert.ok(Math.abs(stamp.toJSDate().getTime() - Date.parse(d.updated_at)) < 1000, `DTSTAMP ${stamp.toString()} is not updated_at ${d.updated_at}`);
}

// ------------------------------------------------------------------------------------------

describe('calendars', () => {
  test('{id}.ics: one VEVENT, RFC 5545 lines (CRLF, ≤ 75 octets, escaped), UTC times, UID, URL, SEQUENCE, DTSTAMP', async () => {
    const { dialogue: d, etag } = await createDialogue({ description: LONG_DESCRIPTION, location: 'Stora salen, Hammarkullens folkets hus; plan 2' });
    assert.ok(Buffer.byteLength(`SUMMARY:${icalEscape(d.title)}`) > 75, 'the title is long enough to be folded');
    for (const token of [undefined, await adminToken()]) {
      const { comp, lines } = await getCalendar(`${DLG}/${d.id}.ics`, token);
      const events = comp.getAllSubcomponents('vevent');
      assert.equal(events.length, 1, 'one VEVENT');
      assertEvent(events[0], rawEvent(lines, `${d.id}@idekom`), d, etag, 'CONFIRMED');
      const desc = events[0].getFirstPropertyValue('description');
      assert.equal(typeof desc, 'string', 'DESCRIPTION present');
      assert.ok(desc.includes(LONG_DESCRIPTION), 'DESCRIPTION unescaped and unfolded equals the description');
      const loc = events[0].getFirstPropertyValue('location');
      if (loc !== null) assert.equal(loc, d.location, 'LOCATION');
    }
  });

  test('times sent with an offset are DTSTART/DTEND in UTC at the same instant', async () => {
    const year = 2040 + crypto.randomInt(0, 30);
    const { dialogue: d, etag } = await createDialogue({ starts_at: `${year}-07-01T09:30:00+02:00`, ends_at: `${year}-07-01T16:00:00+02:00` });
    const { comp, lines } = await getCalendar(`${DLG}/${d.id}.ics`);
    const ve = comp.getAllSubcomponents('vevent')[0];
    assertEvent(ve, rawEvent(lines, `${d.id}@idekom`), d, etag, 'CONFIRMED');
    const raw = rawEvent(lines, `${d.id}@idekom`);
    assert.ok(raw.includes(`DTSTART:${year}0701T073000Z`), `DTSTART: ${raw.filter((l) => l.startsWith('DT')).join(' | ')}`);
    assert.ok(raw.includes(`DTEND:${year}0701T140000Z`), `DTEND: ${raw.filter((l) => l.startsWith('DT')).join(' | ')}`);
  });

  test('after cancel: {id}.ics has STATUS:CANCELLED and a higher SEQUENCE; dialogues.ics still holds it', async () => {
    const { dialogue: d0, etag: e0 } = await createDialogue();
    const before = await getCalendar(`${DLG}/${d0.id}.ics`);
    const seq0 = Number(before.comp.getAllSubcomponents('vevent')[0].getFirstPropertyValue('sequence'));
    assert.equal(seq0, etagVersion(e0));
    const c = await api('POST', `${DLG}/${d0.id}/cancel`, { token: await adminToken() });
    assert.equal(c.status, 200, c.text);
    const { dialogue: d, etag } = await getDialogue(d0.id);
    const one = await getCalendar(`${DLG}/${d.id}.ics`);
    assertEvent(one.comp.getAllSubcomponents('vevent')[0], rawEvent(one.lines, `${d.id}@idekom`), d, etag, 'CANCELLED');
    assert.ok(Number(one.comp.getAllSubcomponents('vevent')[0].getFirstPropertyValue('sequence')) > seq0, 'SEQUENCE grows on cancel');
    const all = await getCalendar(`${DLG}.ics`);
    const uid = `${d.id}@idekom`;
    assertEvent(eventsByUid(all.comp).get(uid), rawEvent(all.lines, uid), d, etag, 'CANCELLED');
  });

  test('dialogues.ics: scheduled and cancelled dialogues from 365 days back on, each once', async () => {
    const upcoming = await createDialogue({ description: LONG_DESCRIPTION });
    const recent = await createDialogue({}, -300 * DAY);
    const old = await createDialogue({}, -400 * DAY);
    const { comp, lines } = await getCalendar(`${DLG}.ics`);
    const byUid = eventsByUid(comp);
    for (const [x, what] of [[upcoming, 'upcoming'], [recent, '300 days back']]) {
      const uid = `${x.dialogue.id}@idekom`;
      assert.ok(byUid.has(uid), `${what}: not in dialogues.ics`);
      assertEvent(byUid.get(uid), rawEvent(lines, uid), x.dialogue, x.etag, 'CONFIRMED');
    }
    assert.ok(!byUid.has(`${old.dialogue.id}@idekom`), '400 days back: in dialogues.ics');
    for (const ve of comp.getAllSubcomponents('vevent')) {
      assert.match(ve.getFirstPropertyValue('uid'), /^[0-9a-f-]{36}@idekom$/, 'every UID is <id>@idekom');
      assert.ok(['CONFIRMED', 'CANCELLED'].includes(ve.getFirstPropertyValue('status')), `STATUS ${ve.getFirstPropertyValue('status')}`);
    }
    // The old one is still there by itself.
    const single = await getCalendar(`${DLG}/${old.dialogue.id}.ics`);
    assert.equal(single.comp.getAllSubcomponents('vevent').length, 1);
  });

  test("organisations/{id}/dialogues.ics: the dialogues the organisation is registered for (cancelled ones marked)", async () => {
    const s = await newSession();
    const { org } = await createOrg(s.access);
    await verifyOrg(org.id);
    const [A, B, C, E] = await Promise.all([1, 2, 3, 4].map(() => createDialogue({ capacity: 50 })));
    const reg = async (x) => {
      const r = await api('POST', `${DLG}/${x.dialogue.id}/registrations`, { token: s.access, body: { organisation_id: org.id, attendees: 2 } });
      assert.equal(r.status, 201, r.text);
    };
    await reg(A);
    await reg(B);
    await reg(E);
    const del = await api('DELETE', `${DLG}/${B.dialogue.id}/registrations/${org.id}`, { token: s.access });
    assert.equal(del.status, 204, del.text);
    const c = await api('POST', `${DLG}/${E.dialogue.id}/cancel`, { token: await adminToken() });
    assert.equal(c.status, 200, c.text);

    const { comp, lines } = await getCalendar(`${ORGS}/${org.id}/dialogues.ics`);
    const byUid = eventsByUid(comp);
    assert.deepEqual([...byUid.keys()].sort(), [`${A.dialogue.id}@idekom`, `${E.dialogue.id}@idekom`].sort(), 'registered for A and E only (B unregistered, C never)');
    const a = await getDialogue(A.dialogue.id);
    assertEvent(byUid.get(`${a.dialogue.id}@idekom`), rawEvent(lines, `${a.dialogue.id}@idekom`), a.dialogue, a.etag, 'CONFIRMED');
    const e = await getDialogue(E.dialogue.id);
    assertEvent(byUid.get(`${e.dialogue.id}@idekom`), rawEvent(lines, `${e.dialogue.id}@idekom`), e.dialogue, e.etag, 'CANCELLED');
    assert.ok(!byUid.has(`${C.dialogue.id}@idekom`));

    // An organisation with no registrations: a valid, empty calendar.
    const s2 = await newSession();
    const { org: empty } = await createOrg(s2.access);
    await verifyOrg(empty.id);
    const none = await getCalendar(`${ORGS}/${empty.id}/dialogues.ics`);
    assert.equal(none.comp.getAllSubcomponents('vevent').length, 0);
  });

  test('unknown, non-UUID or hidden ids → 404', async () => {
    assertProblem(await api('GET', `${DLG}/${crypto.randomUUID()}.ics`), 404, 'unknown dialogue');
    assertProblem(await api('GET', `${DLG}/inte-ett-id.ics`), 404, 'non-UUID dialogue');
    assertProblem(await api('GET', `${ORGS}/${crypto.randomUUID()}/dialogues.ics`), 404, 'unknown organisation');
    assertProblem(await api('GET', `${ORGS}/inte-ett-id/dialogues.ics`), 404, 'non-UUID organisation');
    const s = await newSession();
    const { org } = await createOrg(s.access); // pending: anonymous callers may not see it
    assertProblem(await api('GET', `${ORGS}/${org.id}/dialogues.ics`), 404, 'a pending organisation, anonymous');
    const mine = await getCalendar(`${ORGS}/${org.id}/dialogues.ics`, s.access);
    assert.equal(mine.comp.getAllSubcomponents('vevent').length, 0, 'its representative sees its (empty) calendar');
  });
});
