// A real SMTP server for the mail tests: the npm `smtp-server` package on 127.0.0.1 at
// IDEKOM_SMTP_PORT (the port the service's SMTP_URL names), reading every message with
// `mailparser`. Each received message is kept with its envelope, its raw text and the parsed
// mail. A test may refuse recipients for a while (a 451 "try again later"), to see retries.

import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

import { requireEnv, sleep } from './support.mjs';

/** Starts the server; returns {messages, to(address), waitFor(address, n), refuse, close}. */
export async function startSmtp() {
  const port = Number(requireEnv('IDEKOM_SMTP_PORT'));
  const messages = [];
  const refused = new Map(); // lower-cased address -> {times: how many more, code}
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'], // the service runs with SMTP_TLS=none here
    logger: false,
    onRcptTo(address, session, cb) {
      const a = address.address.toLowerCase();
      const { times = 0, code = 451 } = refused.get(a) ?? {};
      if (times > 0) {
        refused.set(a, { times: times - 1, code });
        const e = new Error(code >= 500 ? 'no such mailbox' : 'mailbox busy, try again later');
        e.responseCode = code;
        return cb(e);
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = await simpleParser(raw);
          messages.push({
            from: session.envelope.mailFrom.address,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          });
          cb();
        } catch (e) {
          cb(e);
        }
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const to = (address) => messages.filter((m) => m.rcpt.some((r) => r.toLowerCase() === address.toLowerCase()));
  return {
    messages,
    to,
    /** Refuses `address` with `code` (451: try later; 550: never) the next `times` times. */
    refuse(address, times, code = 451) {
      refused.set(address.toLowerCase(), { times, code });
    },
    /** Waits (up to 20 s) until `address` has at least `n` messages; returns them. */
    async waitFor(address, n = 1, what = `mail to ${address}`) {
      const deadline = Date.now() + 20000;
      while (to(address).length < n) {
        assert.ok(Date.now() < deadline, `${what}: ${to(address).length} of ${n} arrived within 20 s`);
        await sleep(50);
      }
      return to(address);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The link in a mail's plain text that starts with `prefix`, as a URL. */
export function linkIn(message, prefix) {
  const m = message.parsed.text.match(new RegExp(`${prefix.replace(/[.?/]/g, '\\$&')}\\S*`));
  assert.ok(m, `no link starting ${prefix} in:\n${message.parsed.text}`);
  return new URL(m[0]);
}

/** Checks the headers every mail of the service has. */
export function assertMailHeaders(message, { to, language }) {
  const p = message.parsed;
  assert.equal(message.from, requireEnv('SMTP_FROM'), 'envelope sender is SMTP_FROM');
  assert.deepEqual(message.rcpt.map((r) => r.toLowerCase()), [to.toLowerCase()], 'one envelope recipient');
  assert.equal(p.to.value[0].address.toLowerCase(), to.toLowerCase(), 'To');
  assert.equal(p.from.value[0].address, requireEnv('SMTP_FROM'), 'From');
  assert.ok(p.date instanceof Date && !Number.isNaN(p.date.getTime()), 'Date');
  assert.ok(Math.abs(Date.now() - p.date.getTime()) < 10 * 60 * 1000, `Date is now: ${p.date}`);
  assert.match(p.messageId, /^<[0-9a-f-]{36}@idekom\.test>$/, 'Message-ID');
  assert.equal(p.headers.get('mime-version'), '1.0', 'MIME-Version');
  assert.equal(p.headers.get('content-type').value, 'multipart/alternative', 'multipart/alternative');
  assert.ok(p.text && p.html, 'a plain-text and an HTML part');
  assert.match(p.html, new RegExp(`<html lang="${language}">`), 'the HTML part names its language');
  // every header line is ASCII: the subject and names are RFC 2047 words
  const head = message.raw.slice(0, message.raw.indexOf('\r\n\r\n'));
  assert.ok(/^[\x20-\x7e\r\n\t]*$/.test(head), `non-ASCII in the header:\n${head}`);
}
