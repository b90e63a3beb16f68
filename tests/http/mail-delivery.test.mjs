// The mail outbox (issue 14): mails are rows written with the change, delivered by each
// service process's worker over SMTP to a real server (tests/http/mail.mjs). A server that
// says "try later" (451) gets the mail again later, once; one that refuses for good (550)
// ends the mail as failed; with two processes every mail goes out exactly once; and mails
// queued while the SMTP server is down, across a restart of a process, go out once when it
// is back. "Exactly once" is read from the server and from the outbox: a mail whose row says
// sent is never picked up again, so no waiting decides these tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { registerUser, uniqueEmail, psql, sqlLit, startSecondService, mapLimit } from './support.mjs';
import { startSmtp, assertMailHeaders } from './mail.mjs';

let smtp;
let second;

before(async () => {
  smtp = await startSmtp();
});
after(async () => {
  if (second) await second.stop();
  await smtp?.close();
});

const outbox = (email) =>
  psql(`select status || ' ' || attempts from mail_outbox where lower(to_address) = lower(${sqlLit(email)}) and kind = 'verify_email'`);

async function waitForOutbox(email, want) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const got = outbox(email);
    if (got.startsWith(want)) return got;
    assert.ok(Date.now() < deadline, `outbox row for ${email}: ${got}, want ${want}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('"try again later" (451) is retried with a growing delay, and the mail arrives once', async () => {
  const email = uniqueEmail('upptagen');
  smtp.refuse(email, 2);
  await registerUser({ email, verified: false });
  const [mail] = await smtp.waitFor(email);
  assertMailHeaders(mail, { to: email, language: 'sv' });
  assert.equal(await waitForOutbox(email, 'sent'), 'sent 3', 'two refusals, then delivered on the third attempt');
  assert.equal(smtp.to(email).length, 1);
  assert.equal(psql(`select data ? 'token' from mail_outbox where lower(to_address) = lower(${sqlLit(email)})`), 'f', 'a sent mail keeps no token');
});

test('a permanent refusal (550) ends the mail as failed, with the reason', async () => {
  const email = uniqueEmail('finns-inte');
  smtp.refuse(email, 100, 550);
  await registerUser({ email, verified: false });
  assert.equal(await waitForOutbox(email, 'failed'), 'failed 1');
  assert.match(psql(`select last_error from mail_outbox where lower(to_address) = lower(${sqlLit(email)})`), /550/);
  assert.equal(smtp.to(email).length, 0);
});

test('two processes deliver every mail exactly once; queued mails survive a restart and go out once', async () => {
  second = await startSecondService();
  const first = Array.from({ length: 30 }, () => uniqueEmail('tva'));
  await mapLimit(first, 6, (email) => registerUser({ email, verified: false }));
  for (const email of first) await smtp.waitFor(email);
  for (const email of first) {
    assert.equal(await waitForOutbox(email, 'sent'), 'sent 1', `${email}: sent on the first attempt, by one process`);
    assert.equal(smtp.to(email).length, 1, `${email}: one message`);
  }

  // the SMTP server goes away; mails queue and fail; a process restarts; the server returns
  await smtp.close();
  const queued = Array.from({ length: 10 }, () => uniqueEmail('ko'));
  await mapLimit(queued, 5, (email) => registerUser({ email, verified: false }));
  const stopped = await second.stop('SIGTERM');
  assert.equal(stopped.code, 0, `the second process exits 0 on SIGTERM: ${second.output()}`);
  second = await startSecondService();
  smtp = await startSmtp();
  for (const email of queued) {
    await smtp.waitFor(email);
    assert.match(await waitForOutbox(email, 'sent'), /^sent \d+$/);
    assert.equal(smtp.to(email).length, 1, `${email}: one message after the restart`);
  }
  for (const email of first) assert.equal(smtp.to(email).length, 0, `${email}: not sent again after the restart`);
});
