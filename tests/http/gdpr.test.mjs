// A person's data under the GDPR (issue 14): GET /me/export gives everything held about them
// and nobody else's; DELETE /me and the secretariat's DELETE /users/{id} erase them, keeping
// the public record under a pseudonym ("raderad person" + a stable id): endorsements keep
// their organisation and dates, the audit log keeps every entry with the pseudonym as actor.
// Erasure is refused for an organisation's only signatory and for the last admin.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  createOrg,
  verifyOrg,
  currentAgreement,
  endorse,
  isoFromNow,
  login,
  uniqueIp,
  psql,
  sqlLit,
  tablesContaining,
  getUserAsAdmin,
  registerUser,
  startSecondService,
  sleep,
} from './support.mjs';

const DAY = 86400000;
let agreement;
let dialogue;

before(async () => {
  agreement = await currentAgreement();
  const d = await api('POST', '/api/v1/dialogues', {
    token: await adminToken(),
    body: { title: `Möte om lokaler ${Date.now()}`, kind: 'dialogmote', starts_at: isoFromNow(20 * DAY), ends_at: isoFromNow(20 * DAY + 7200000), capacity: 50 },
  });
  assert.equal(d.status, 201, d.text);
  dialogue = d.json;
});

/** A member who signs for a verified organisation, registered it for the dialogue and endorsed. */
async function activePerson() {
  const s = await newSession();
  const { id } = await createOrg(s.access);
  await verifyOrg(id);
  const reg = await api('POST', `/api/v1/dialogues/${dialogue.id}/registrations`, { token: s.access, body: { organisation_id: id, attendees: 2, note: 'Rullstolsplats' } });
  assert.equal(reg.status, 201, reg.text);
  const e = await endorse(agreement.id, id, s.access, { signatory_name: s.user.name, signatory_title: 'Ordförande' });
  return { ...s, orgId: id, endorsement: e };
}

describe('right of access: GET /me/export', () => {
  test('the account, roles, registrations, endorsements, audit entries and mails; nobody else\'s', async () => {
    const p = await activePerson();
    const other = await activePerson();
    const r = await api('GET', '/api/v1/me/export', { token: p.access });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-disposition'], /^attachment; filename="idekom-mina-uppgifter\.json"$/);
    const x = r.json;
    assert.equal(x.account.id, p.id);
    assert.equal(x.account.email, p.email);
    assert.deepEqual(x.organisations.map((o) => [o.id, o.role]), [[p.orgId, 'signatory']]);
    assert.deepEqual(x.registrations.map((g) => [g.dialogue_id, g.organisation_id, g.note]), [[dialogue.id, p.orgId, 'Rullstolsplats']]);
    assert.deepEqual(x.endorsements.map((e) => [e.id, e.organisation_id, e.signatory_name]), [[p.endorsement.id, p.orgId, p.user.name]]);
    const actions = x.audit.map((a) => `${a.entity_type}:${a.action}`);
    for (const want of ['user:register', 'organisation:create', 'registration:create', 'endorsement:endorse']) assert.ok(actions.includes(want), `${want} in ${actions}`);
    assert.ok(x.audit.every((a) => a.actor.id === p.id || a.entity_id === p.id), 'only entries naming the person');
    assert.deepEqual(x.mails.map((m) => m.kind), ['verify_email', 'organisation_verified', 'registration_received', 'endorsement_recorded']);
    const text = JSON.stringify(x);
    for (const s of [other.email, other.id, other.orgId, other.endorsement.id]) assert.ok(!text.includes(s), `another person's ${s} is not in the export`);
    assertProblem(await api('GET', '/api/v1/me/export', {}), 401, 'anonymous');
  });
});

describe('right to erasure', () => {
  test('DELETE /me: refused for the only signatory; then the person is gone, the record stays under a pseudonym', async () => {
    const p = await activePerson();
    const refused = await api('DELETE', '/api/v1/me', { token: p.access });
    assertProblem(refused, 409, 'the only signatory');
    assert.match(refused.json.detail, /only signatory/);
    const helper = await newSession();
    const add = await api('POST', `/api/v1/organisations/${p.orgId}/representatives`, { token: p.access, body: { email: helper.email, role: 'signatory' } });
    assert.equal(add.status, 201, add.text);

    const auditBefore = psql(`select count(*) from audit where actor_id = ${sqlLit(p.id)}`);
    const r = await api('DELETE', '/api/v1/me', { token: p.access });
    assert.equal(r.status, 204, r.text);

    // nothing personal left anywhere in the database (checked before the login attempts
    // below, which record the address they were tried with, as any failed login does)
    for (const s of [p.email, p.user.name]) assert.deepEqual(tablesContaining(s), [], `"${s}" is erased from every table`);

    // cannot come back
    assert.equal((await api('GET', '/api/v1/me', { token: p.access })).status, 401, 'the access token stops working at once');
    assert.equal((await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: p.refresh } })).status, 401);
    assert.equal((await login(p.email, p.password, uniqueIp())).status, 401);
    const reset = await api('POST', '/api/v1/auth/password-reset', { body: { email: p.email } });
    assert.equal(reset.status, 202);

    // the record, under a pseudonym
    const { user } = await getUserAsAdmin(p.id);
    assert.match(user.name, /^raderad person [0-9a-f]{10}$/);
    assert.equal(user.disabled, true);
    const pseudonym = user.name;
    const e = await api('GET', `/api/v1/organisations/${p.orgId}/endorsements`, { token: await adminToken() });
    const kept = e.json.items.find((i) => i.id === p.endorsement.id);
    assert.equal(kept.signatory_name, pseudonym, 'the signatory name is the pseudonym');
    assert.equal(kept.organisation.id, p.orgId);
    assert.equal(kept.endorsed_by.name, pseudonym);
    assert.equal(kept.endorsed_at, p.endorsement.endorsed_at, 'the dates stay');
    const audit = await api('GET', `/api/v1/audit?actor=${p.id}&limit=100`, { token: await adminToken() });
    assert.equal(audit.status, 200, audit.text);
    assert.equal(String(audit.json.items.length), String(Number(auditBefore) + 1), 'every entry stays, plus the erasure');
    assert.ok(audit.json.items.every((a) => a.actor.name === pseudonym), 'the actor is the pseudonym');
    assert.equal(audit.json.items[0].action, 'erase');
    const reps = await api('GET', `/api/v1/organisations/${p.orgId}/representatives`, { token: await adminToken() });
    assert.deepEqual(reps.json.items.map((i) => i.user_id ?? i.id), [helper.id], 'no longer a representative');
    assertProblem(await api('DELETE', `/api/v1/users/${p.id}`, { token: await adminToken() }), 404, 'erased twice');
  });

  test('the secretariat erases a person; members may not; unknown ids are 404', async () => {
    const p = await newSession();
    const other = await newSession();
    assertProblem(await api('DELETE', `/api/v1/users/${p.id}`, { token: other.access }), 403, 'a member');
    assertProblem(await api('DELETE', '/api/v1/users/00000000-0000-4000-8000-000000000000', { token: await adminToken() }), 404, 'unknown');
    const r = await api('DELETE', `/api/v1/users/${p.id}`, { token: await adminToken() });
    assert.equal(r.status, 204, r.text);
    assert.equal((await login(p.email, p.password, uniqueIp())).status, 401);
    const last = psql(`select actor_type || ' ' || action from audit where entity_id = ${sqlLit(p.id)} order by id desc limit 1`);
    assert.equal(last, 'user erase');
  });

  test('the last admin cannot be erased (checked in the database, with every other admin disabled in a rolled-back transaction)', () => {
    const admin = psql(`select id from app_user where lower(email) = lower(${sqlLit(process.env.IDEKOM_ADMIN_EMAIL)})`);
    const out = psql(
      `begin; update app_user set disabled = true where role = 'admin' and id <> ${sqlLit(admin)}; ` +
        `select status || ' ' || message from api.user_erase(${sqlLit(admin)}, 'user', ${sqlLit(admin)}, 'test'); rollback;`,
    );
    assert.match(out, /^409 the last admin cannot be erased/m);
  });
});

test('retention: a service process prunes old login records, spent tokens and sent mails when it starts, and keeps the rest', async () => {
  const u = await registerUser();
  const id = sqlLit(u.id);
  const tag = `retention-${Date.now()}`;
  psql(
    `insert into login_failure (email, address, at) values ('${tag}-old@example.org', '${tag}', now() - interval '2 days'), ('${tag}-new@example.org', '${tag}', now());` +
      `insert into refresh_token (token_hash, user_id, family_id, expires_at, family_expires_at, spent_at) values ` +
      `(sha256('${tag}-old'), ${id}, gen_random_uuid(), now() - interval '40 days', now() - interval '40 days', now() - interval '45 days'),` +
      `(sha256('${tag}-new'), ${id}, gen_random_uuid(), now() + interval '1 day', now() + interval '1 day', now());` +
      `insert into account_token (token_hash, user_id, purpose, email, expires_at, used_at) values ` +
      `(sha256('${tag}-old'), ${id}, 'password_reset', 'x@example.org', now() - interval '8 days', now() - interval '8 days'),` +
      `(sha256('${tag}-new'), ${id}, 'password_reset', 'x@example.org', now() + interval '1 hour', null);` +
      `insert into mail_outbox (kind, user_id, to_address, language, status, sent_at, data) values ` +
      `('password_changed', ${id}, 'x@example.org', 'sv', 'sent', now() - interval '91 days', '{"tag": "${tag}-old"}'),` +
      `('password_changed', ${id}, 'x@example.org', 'sv', 'sent', now() - interval '1 day', '{"tag": "${tag}-new"}');`,
  );
  const left = () =>
    psql(
      `select (select count(*) from login_failure where address = '${tag}') || ' ' || ` +
        `(select count(*) from refresh_token where token_hash in (sha256('${tag}-old'), sha256('${tag}-new'))) || ' ' || ` +
        `(select count(*) from account_token where token_hash in (sha256('${tag}-old'), sha256('${tag}-new'))) || ' ' || ` +
        `(select count(*) from mail_outbox where data->>'tag' like '${tag}-%')`,
    );
  assert.equal(left(), '2 2 2 2');
  const second = await startSecondService();
  try {
    const deadline = Date.now() + 20000;
    while (left() !== '1 1 1 1') {
      assert.ok(Date.now() < deadline, `pruned within 20 s of the start: ${left()}`);
      await sleep(100);
    }
    assert.equal(psql(`select count(*) from mail_outbox where data->>'tag' = '${tag}-new'`), '1', 'the recent mail stays');
    assert.equal(psql(`select count(*) from refresh_token where token_hash = sha256('${tag}-new')`), '1', 'the live token stays');
  } finally {
    await second.stop();
  }
});
