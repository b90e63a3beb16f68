// Mails to an organisation's representatives (issue 14), read back from a real SMTP server
// (tests/http/mail.mjs), each in the person's own language: verified or rejected (with the
// reason), registration received, waitlisted, waitlist -> seat, a dialogue's new time or
// place and its cancellation, endorsement recorded and withdrawn, renewal after a new
// adoption, and the reminder before a meeting, which a person can turn off. The change feed
// carries registrations and representatives too, when asked for by type.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  api,
  adminToken,
  newSession,
  createOrg,
  verifyOrg,
  currentAgreement,
  createAgreement,
  adoptAgreement,
  endorse,
  isoFromNow,
  psql,
  sqlLit,
  startSecondService,
  sleep,
  changesHead,
  changesPage,
  waitForChanges,
} from './support.mjs';
import { startSmtp, linkIn, assertMailHeaders } from './mail.mjs';

const DAY = 86400000;
const BASE_LINK = 'https://idekom.example';
let smtp;

before(async () => {
  smtp = await startSmtp();
});
after(async () => {
  await smtp?.close();
});

/** A member with `language` who signs for a new organisation (verified unless told not). */
async function signatory(language, { verify = true } = {}) {
  const s = await newSession({ language });
  const { id, org } = await createOrg(s.access);
  if (verify) await verifyOrg(id);
  return { ...s, orgId: id, orgName: org.name };
}

/** Waits for the mail to `email` whose subject matches `re`; returns it. */
async function mailTo(email, re, language) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const m = smtp.to(email).find((x) => re.test(x.parsed.subject));
    if (m) {
      assertMailHeaders(m, { to: email, language });
      return m;
    }
    assert.ok(Date.now() < deadline, `no mail "${re}" to ${email} within 20 s; got: ${smtp.to(email).map((x) => x.parsed.subject).join(' | ')}`);
    await sleep(50);
  }
}

async function newDialogue(fields = {}) {
  const d = await api('POST', '/api/v1/dialogues', {
    token: await adminToken(),
    body: { title: `Dialogmöte ${Date.now()}`, kind: 'dialogmote', starts_at: isoFromNow(10 * DAY), ends_at: isoFromNow(10 * DAY + 7200000), location: 'Stadshuset', ...fields },
  });
  assert.equal(d.status, 201, d.text);
  return { ...d.json, etag: d.headers.etag };
}

test('verified and rejected, with the reason, in each representative\'s language', async () => {
  const a = await signatory('en');
  const m = await mailTo(a.email, /is verified$/, 'en');
  assert.equal(m.parsed.subject, `${a.orgName} is verified`);
  assert.equal(linkIn(m, BASE_LINK).pathname, `/organisationer/${a.orgId}`);

  const b = await signatory('sv', { verify: false });
  const r = await api('POST', `/api/v1/organisations/${b.orgId}/reject`, { token: await adminToken(), body: { reason: 'Stadgarna saknas & <br> protokollet' } });
  assert.equal(r.status, 200, r.text);
  const rej = await mailTo(b.email, /kunde inte verifieras/, 'sv');
  assert.match(rej.parsed.text, /Skäl: Stadgarna saknas & <br> protokollet/);
  assert.ok(rej.parsed.html.includes('Stadgarna saknas &amp; &lt;br&gt; protokollet'), 'the reason is escaped in the HTML part');
});

test('registration received, waitlisted, a seat, a new place, and the cancellation', async () => {
  const first = await signatory('sv');
  const helper = await newSession({ language: 'en' });
  const add = await api('POST', `/api/v1/organisations/${first.orgId}/representatives`, { token: first.access, body: { email: helper.email, role: 'representative' } });
  assert.equal(add.status, 201, add.text);
  const second = await signatory('en');
  const d = await newDialogue({ capacity: 2 });

  const r1 = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: first.access, body: { organisation_id: first.orgId, attendees: 2 } });
  assert.equal(r1.status, 201, r1.text);
  const got = await mailTo(first.email, /^Anmälan mottagen/, 'sv');
  assert.equal(got.parsed.subject, `Anmälan mottagen: ${d.title}`);
  assert.match(got.parsed.text, new RegExp(`${first.orgName} är anmäld till`));
  assert.equal(linkIn(got, BASE_LINK).pathname, `/dialoger/${d.id}`);
  await mailTo(helper.email, /^Registration received/, 'en');

  const r2 = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: second.access, body: { organisation_id: second.orgId, attendees: 1 } });
  assert.equal(r2.json.status, 'waitlisted');
  await mailTo(second.email, /^Waiting list/, 'en');
  const gone = await api('DELETE', `/api/v1/dialogues/${d.id}/registrations/${first.orgId}`, { token: first.access });
  assert.equal(gone.status, 204, gone.text);
  const seat = await mailTo(second.email, /^You have a seat/, 'en');
  assert.match(seat.parsed.text, /now has a seat/);

  const p = await api('PATCH', `/api/v1/dialogues/${d.id}`, { token: await adminToken(), body: { location: 'Frölunda kulturhus' }, headers: { 'if-match': d.etag } });
  assert.equal(p.status, 200, p.text);
  const moved = await mailTo(second.email, /^Time or place changed/, 'en');
  assert.match(moved.parsed.text, /Frölunda kulturhus/);
  const c = await api('POST', `/api/v1/dialogues/${d.id}/cancel`, { token: await adminToken() });
  assert.equal(c.status, 200, c.text);
  await mailTo(second.email, /^Cancelled/, 'en');
  assert.equal(smtp.to(first.email).filter((x) => /Inställt|Ändrad/.test(x.parsed.subject)).length, 0, 'an organisation that unregistered hears nothing more');
});

test('endorsement recorded and withdrawn; a new adoption asks for renewal', async () => {
  const agreement = await currentAgreement();
  const a = await signatory('sv');
  const e = await endorse(agreement.id, a.orgId, a.access);
  const rec = await mailTo(a.email, /har ställt sig bakom/, 'sv');
  assert.match(rec.parsed.text, new RegExp(`står nu bakom ${agreement.title}`));
  const w = await api('POST', `/api/v1/agreements/${agreement.id}/endorsements/${e.id}/withdraw`, { token: a.access, body: { reason: 'Styrelsebeslut' } });
  assert.equal(w.status, 200, w.text);
  await mailTo(a.email, /står inte längre bakom/, 'sv');

  const b = await signatory('en');
  await endorse(agreement.id, b.orgId, b.access);
  const next = await createAgreement();
  await adoptAgreement(next.id);
  const renew = await mailTo(b.email, /^A new agreement has been adopted/, 'en');
  assert.match(renew.parsed.text, new RegExp(`${next.title} has been adopted`));
  assert.equal(linkIn(renew, BASE_LINK).pathname, '/overenskommelsen');
});

test('the reminder before a meeting comes once, to those who keep reminders on', async () => {
  const a = await signatory('sv');
  const quiet = await newSession({ language: 'sv' });
  const add = await api('POST', `/api/v1/organisations/${a.orgId}/representatives`, { token: a.access, body: { email: quiet.email, role: 'representative' } });
  assert.equal(add.status, 201, add.text);
  const off = await api('PATCH', '/api/v1/me', { token: quiet.access, body: { notifications: { reminders: false } } });
  assert.equal(off.status, 200, off.text);
  const d = await newDialogue({ starts_at: isoFromNow(3 * 3600000), ends_at: isoFromNow(5 * 3600000) });
  const r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: a.access, body: { organisation_id: a.orgId, attendees: 1 } });
  assert.equal(r.status, 201, r.text);
  // a process's reminder job runs when it starts (and every minute)
  const second = await startSecondService();
  try {
    const m = await mailTo(a.email, /^Påminnelse/, 'sv');
    assert.match(m.parsed.text, new RegExp(`som börjar ${psql(`select to_char(starts_at at time zone 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI') from dialogue where id = ${sqlLit(d.id)}`)}`));
  } finally {
    await second.stop();
  }
  const again = await startSecondService();
  await again.stop();
  assert.equal(psql(`select count(*) from mail_outbox where kind = 'meeting_reminder' and data->>'dialogue_id' = ${sqlLit(d.id)}`), '1', 'one reminder, to the one who wants it');
  assert.equal(psql(`select count(*) from registration where dialogue_id = ${sqlLit(d.id)} and reminded_at is not null`), '1');
});

test('the change feed carries registrations and representatives when asked, and not unasked', async () => {
  const admin = await adminToken();
  const types = ['registration', 'representative'];
  const head = await changesHead(admin, { types });
  const headAll = await changesHead(admin);
  const a = await signatory('sv');
  const helper = await newSession();
  const add = await api('POST', `/api/v1/organisations/${a.orgId}/representatives`, { token: a.access, body: { email: helper.email, role: 'representative' } });
  assert.equal(add.status, 201, add.text);
  const d = await newDialogue();
  const r = await api('POST', `/api/v1/dialogues/${d.id}/registrations`, { token: a.access, body: { organisation_id: a.orgId, attendees: 2, note: 'hemlig anteckning' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await api('DELETE', `/api/v1/dialogues/${d.id}/registrations/${a.orgId}`, { token: a.access })).status, 204);
  assert.equal((await api('DELETE', `/api/v1/organisations/${a.orgId}/representatives/${helper.id}`, { token: a.access })).status, 204);
  const mine = (items) => items.filter((e) => e.entity_id === a.orgId || e.data.dialogue_id === d.id);
  const items = mine(await waitForChanges(admin, head, (all) => mine(all).length >= 5, { types }));
  const seen = items.map((e) => `${e.type}:${e.action}:${e.data.user_id ?? ''}${e.data.status ?? ''}`);
  assert.deepEqual(seen, [
    `representative:create:${a.id}`,
    `representative:create:${helper.id}`,
    'registration:create:registered',
    'registration:cancel:cancelled',
    `representative:remove:${helper.id}`,
  ]);
  const reg = items[2];
  assert.equal(reg.data.dialogue_id, d.id);
  assert.equal(reg.data.organisation.id, a.orgId);
  assert.ok(!JSON.stringify(items).includes('hemlig anteckning'), 'no note in the feed');
  assert.ok(!JSON.stringify(items).includes(helper.email), 'no address in the feed');
  const unasked = await changesPage(admin, headAll);
  assert.ok(unasked.items.every((e) => !types.includes(e.type)), 'without types= only the register\'s four');
});
