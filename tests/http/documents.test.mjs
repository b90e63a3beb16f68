// Documents (openapi tag Documents, docs/decisions.md "Documents"): uploads to dialogues and
// agreements with their own 10 MB body limit, the type checked against the bytes (hostile
// files: HTML sent as PDF, a zip bomb named .docx, binaries, bad UTF-8), visibility that
// follows the parent per role, downloads with Content-Disposition, nosniff, the SHA-256 ETag
// and byte ranges, audit rows and change events; the scans of endorsements received on paper
// (admin only, no change event).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';

import {
  api,
  env,
  assertProblem,
  adminToken,
  newSession,
  clientAccess,
  createAgreement,
  adoptAgreement,
  createOrg,
  verifyOrg,
  collectPages,
  uniqueWord,
  newRequestId,
  auditRowsWhere,
  psql,
  rawRequest,
  requestBytes,
  assertServiceAlive,
  validateResponse,
  readChanges,
  changesHead,
  waitForChanges,
  adminId,
  sqlLit,
  isoFromNow,
  UUID_RE,
} from './support.mjs';

const LIMIT = 10 * 1024 * 1024;
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const ODT = 'application/vnd.oasis.opendocument.text';

function pdfBytes(size = 0) {
  const head = Buffer.from(`%PDF-1.7\n% ${uniqueWord()}\n1 0 obj <<>> endobj\n`);
  const tail = Buffer.from('trailer <<>>\n%%EOF\n');
  const pad = Math.max(0, size - head.length - tail.length);
  return Buffer.concat([head, Buffer.alloc(pad, 0x20), tail]);
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0c5e1b50000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.from('ffd9', 'hex')]);

/** A zip of entries {name, data (Buffer), deflate (bool), statedSize}; no CRC check is made. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const raw = e.data;
    const data = e.deflate ? zlib.deflateRawSync(raw, { level: 9 }) : raw;
    const name = Buffer.from(e.name);
    const crc = typeof zlib.crc32 === 'function' ? zlib.crc32(raw) : 0;
    const usize = e.statedSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
const docx = () => zip([
  { name: '[Content_Types].xml', data: CONTENT_TYPES, deflate: true },
  { name: 'word/document.xml', data: Buffer.from(`<w:document>${uniqueWord()}</w:document>`), deflate: true },
]);
const odt = () => zip([
  { name: 'mimetype', data: Buffer.from(ODT) },
  { name: 'content.xml', data: Buffer.from('<office:document-content/>'), deflate: true },
]);

function query(meta) {
  return new URLSearchParams(meta).toString();
}

function meta(fields = {}) {
  return { title: `Protokoll ${uniqueWord()}`, language: 'sv', type: 'minutes', filename: 'protokoll.pdf', ...fields };
}

async function upload(parentPath, bytes, { ctype = PDF, fields = {}, token, headers = {} } = {}) {
  const t = token === undefined ? await adminToken() : token;
  return api('POST', `${parentPath}/documents?${query(meta(fields))}`, {
    token: t,
    rawBody: bytes,
    headers: { ...(ctype ? { 'content-type': ctype } : {}), ...headers },
  });
}

async function newDialogue() {
  const starts = isoFromNow(30 * 86400000);
  const r = await api('POST', '/api/v1/dialogues', {
    token: await adminToken(),
    body: { title: `Dialogmöte ${uniqueWord()}`, kind: 'dialogmote', starts_at: starts, ends_at: new Date(Date.parse(starts) + 7200000).toISOString() },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** GET the bytes of a download (fetch keeps them binary); validated against the OpenAPI. */
async function download(id, { token, headers = {} } = {}) {
  const h = { connection: 'close', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const p = `/api/v1/documents/${id}/content`;
  const r = await fetch(env.baseUrl + p, { headers: h });
  const body = Buffer.from(await r.arrayBuffer());
  const out = { status: r.status, headers: Object.fromEntries(r.headers), body, text: body.toString('latin1') };
  if (out.headers['content-type']?.includes('json')) {
    out.text = body.toString('utf8');
    out.json = JSON.parse(out.text);
  }
  validateResponse('GET', p, out);
  return out;
}

function documentCount() {
  return Number(psql('SELECT count(*) FROM document'));
}

describe('uploads', () => {
  test('a PDF attached to a dialogue: 201, Location, its SHA-256 and size, an audit row and a change event', async () => {
    const d = await newDialogue();
    const bytes = pdfBytes(5000);
    const rid = newRequestId('doc');
    const before = await changesHead(await adminToken());
    const r = await upload(`/api/v1/dialogues/${d.id}`, bytes, { fields: { filename: 'Minnesanteckningar – möte.pdf' }, headers: { 'x-request-id': rid } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.id, UUID_RE);
    assert.equal(r.headers.location, `/api/v1/documents/${r.json.id}`);
    assert.deepEqual(r.json.parent, { type: 'dialogue', id: d.id });
    assert.equal(r.json.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
    assert.equal(r.json.size, bytes.length);
    assert.equal(r.json.content_type, PDF);
    assert.equal(r.json.filename, 'Minnesanteckningar – möte.pdf');
    const audit = auditRowsWhere({ requestId: rid });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'upload');
    assert.equal(audit[0].entity_type, 'document');
    const events = (await readChanges(await adminToken(), before, { types: 'document' })).items;
    const mine = events.filter((e) => e.entity_id === r.json.id);
    assert.equal(mine.length, 1, JSON.stringify(events));
    assert.equal(mine[0].action, 'create');
    assert.equal(mine[0].data.sha256, r.json.sha256);

    const list = await api('GET', `/api/v1/dialogues/${d.id}/documents`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((x) => x.id), [r.json.id]);
  });

  test('every accepted format, each checked against its bytes', async () => {
    const d = await newDialogue();
    const cases = [
      [PNG, 'image/png', 'bild.png'],
      [JPEG, 'image/jpeg', 'foto.jpg'],
      [Buffer.from('Dagordning\n1. Öppnande\n'), 'text/plain; charset=utf-8', 'dagordning.txt'],
      [docx(), DOCX, 'protokoll.docx'],
      [odt(), ODT, 'protokoll.odt'],
    ];
    for (const [bytes, ctype, filename] of cases) {
      const r = await upload(`/api/v1/dialogues/${d.id}`, bytes, { ctype, fields: { filename } });
      assert.equal(r.status, 201, `${filename}: ${r.text}`);
      assert.equal(r.json.content_type, ctype.split(';')[0]);
    }
  });

  test('hostile and wrong files get 415 and store nothing', async () => {
    const d = await newDialogue();
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    // 64 MB of zeros deflate to about 64 KB: a zip bomb that states its size honestly
    const bomb = zip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES, deflate: true },
      { name: 'word/document.xml', data: Buffer.alloc(64 * 1024 * 1024), deflate: true },
    ]);
    assert.ok(bomb.length < 200 * 1024, `the bomb is ${bomb.length} bytes`);
    // the same deflate stream, stating a small size (a liar)
    const liar = zip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES, deflate: true },
      { name: 'word/document.xml', data: Buffer.alloc(64 * 1024 * 1024), deflate: true, statedSize: 1000 },
    ]);
    const cases = [
      ['HTML sent as a PDF', html, PDF],
      ['a zip bomb named .docx', bomb, DOCX],
      ['a zip bomb that lies about its size', liar, DOCX],
      ['a plain zip sent as .docx', zip([{ name: 'a.txt', data: Buffer.from('hej') }]), DOCX],
      ['a truncated PDF', Buffer.from('%PDF-1.7\n1 0 obj'), PDF],
      ['a Windows executable', Buffer.concat([Buffer.from('MZ'), crypto.randomBytes(200)]), 'application/octet-stream'],
      ['text with a NUL', Buffer.from('hej\0då'), 'text/plain'],
      ['text that is not UTF-8', Buffer.from([0x68, 0xe5, 0x6c, 0x6c]), 'text/plain'],
      ['PNG bytes declared as text', PNG, 'text/plain'],
      ['text in another charset', Buffer.from('hej'), 'text/plain; charset=iso-8859-1'],
      ['an SVG (scriptable)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
    ];
    const before = documentCount();
    for (const [what, bytes, ctype] of cases) {
      const r = await upload(`/api/v1/dialogues/${d.id}`, bytes, { ctype });
      assertProblem(r, 415, what);
    }
    const none = await upload(`/api/v1/dialogues/${d.id}`, pdfBytes(), { ctype: null });
    assertProblem(none, 415, 'no Content-Type');
    assert.equal(documentCount(), before);
    await assertServiceAlive('after the hostile files');
  });

  test('metadata is validated: 422 naming each field, nothing stored', async () => {
    const d = await newDialogue();
    const before = documentCount();
    const cases = [
      [{ title: '' }, '/title'],
      [{ title: ' padded' }, '/title'],
      [{ title: 'två\nrader' }, '/title'],
      [{ title: 'x'.repeat(301) }, '/title'],
      [{ type: 'memo' }, '/type'],
      [{ language: 'svenska' }, '/language'],
      [{ filename: '../etc/passwd' }, '/filename'],
      [{ filename: 'a\\b.pdf' }, '/filename'],
      [{ filename: 'rad\nbrytning.pdf' }, '/filename'],
      [{ filename: '' }, '/filename'],
    ];
    for (const [fields, field] of cases) {
      const r = await upload(`/api/v1/dialogues/${d.id}`, pdfBytes(), { fields });
      assertProblem(r, 422, JSON.stringify(fields));
      assert.ok(r.json.errors.some((e) => e.field === field), `${JSON.stringify(fields)}: ${r.text}`);
    }
    assert.equal(documentCount(), before);
  });

  test('who may upload: admin only (401 anonymous, 403 member and client); unknown parents 404', async () => {
    const d = await newDialogue();
    const a = await createAgreement();
    const member = await newSession();
    const client = await clientAccess(['organisations:read', 'organisations:write', 'changes:read']);
    for (const parent of [`/api/v1/dialogues/${d.id}`, `/api/v1/agreements/${a.id}`]) {
      const anon = await upload(parent, pdfBytes(), { token: null });
      assert.equal(anon.status, 401, anon.text);
      assertProblem(await upload(parent, pdfBytes(), { token: member.access }), 403, 'member');
      assertProblem(await upload(parent, pdfBytes(), { token: client.token }), 403, 'client');
    }
    assertProblem(await upload(`/api/v1/dialogues/${crypto.randomUUID()}`, pdfBytes()), 404, 'unknown dialogue');
    assertProblem(await upload(`/api/v1/agreements/no-such-agreement-${uniqueWord()}`, pdfBytes()), 404, 'unknown agreement');
  });
});

describe('the upload limit of 10 MB', () => {
  test('exactly 10 MB is accepted; its bytes come back whole', async () => {
    const d = await newDialogue();
    const bytes = pdfBytes(LIMIT);
    assert.equal(bytes.length, LIMIT);
    const r = await upload(`/api/v1/dialogues/${d.id}`, bytes);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.size, LIMIT);
    const got = await download(r.json.id);
    assert.equal(got.status, 200);
    assert.ok(got.body.equals(bytes), 'the downloaded bytes differ');
  });

  test('10 MB + 1 byte gets a readable 413 problem before the body is read, and nothing is stored', async () => {
    const d = await newDialogue();
    const token = await adminToken();
    const p = `/api/v1/dialogues/${d.id}/documents?${query(meta())}`;
    const before = documentCount();
    const headers = { authorization: `Bearer ${token}`, 'content-type': PDF, 'content-length': String(LIMIT + 1) };
    // the length is refused before a byte of the body is read
    const declared = await rawRequest(requestBytes('POST', p, { headers }));
    assert.equal(declared.status, 413, declared.raw.slice(0, 300));
    assert.match(declared.json.detail, /larger than/);
    // a client that asks first (Expect: 100-continue, as curl does for large bodies) gets the
    // 413 instead of a 100 and never sends the body. (A client that sends 10 MB without
    // asking may meet a reset before it reads the answer until the service drains refused
    // bodies, which is request.c's business, not this route's.)
    const asked = await rawRequest([
      { data: requestBytes('POST', p, { headers: { ...headers, expect: '100-continue' } }) },
      { data: pdfBytes(LIMIT + 1), waitResponses: 1 },
    ]);
    assert.equal(asked.status, 413, asked.raw.slice(0, 300));
    assert.equal(asked.json.type, '/problems/payload-too-large');
    assert.equal(documentCount(), before);
    await assertServiceAlive('after the oversized uploads');
  });

  test('the global limit still holds everywhere else', async () => {
    const r = await api('POST', '/api/v1/dialogues', { token: await adminToken(), rawBody: `{"title":"${'x'.repeat(1100000)}"}`, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 413, 'a 1.1 MB JSON body');
  });
});

describe('downloads', () => {
  test('headers: type, Content-Disposition with filename*, nosniff, the SHA-256 as strong ETag', async () => {
    const d = await newDialogue();
    const bytes = pdfBytes(3000);
    const up = await upload(`/api/v1/dialogues/${d.id}`, bytes, { fields: { filename: 'Överenskommelse "ny".pdf' } });
    assert.equal(up.status, 201, up.text);
    const r = await download(up.json.id);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], PDF);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['content-disposition'], `attachment; filename="_verenskommelse _ny_.pdf"; filename*=UTF-8''%C3%96verenskommelse%20%22ny%22.pdf`);
    assert.equal(r.headers.etag, `"${up.json.sha256}"`);
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.match(r.headers['content-security-policy'], /sandbox/);
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    assert.ok(r.body.equals(bytes));
    const meta1 = await api('GET', `/api/v1/documents/${up.json.id}`);
    assert.equal(meta1.status, 200);
    assert.deepEqual(meta1.json, up.json);
    const text = await upload(`/api/v1/dialogues/${d.id}`, Buffer.from('Hej då\n'), { ctype: 'text/plain', fields: { filename: 'hej.txt' } });
    assert.equal((await download(text.json.id)).headers['content-type'], 'text/plain; charset=utf-8');
  });

  test('ranges: one range 206, suffix and open ranges, 416 beyond the end, several ranges or a stale If-Range get 200', async () => {
    const d = await newDialogue();
    const bytes = pdfBytes(1000);
    const up = await upload(`/api/v1/dialogues/${d.id}`, bytes);
    const id = up.json.id;
    const etag = `"${up.json.sha256}"`;
    const cases = [
      ['bytes=0-9', 0, 9],
      ['bytes=990-', 990, 999],
      ['bytes=-20', 980, 999],
      ['bytes=500-5000', 500, 999],
    ];
    for (const [range, first, last] of cases) {
      const r = await download(id, { headers: { range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${first}-${last}/1000`, range);
      assert.equal(Number(r.headers['content-length']), last - first + 1);
      assert.ok(r.body.equals(bytes.subarray(first, last + 1)), range);
    }
    const matching = await download(id, { headers: { range: 'bytes=0-3', 'if-range': etag } });
    assert.equal(matching.status, 206);
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const r = await download(id, { headers: { range } });
      assertProblem(r, 416, range);
      assert.equal(r.headers['content-range'], 'bytes */1000');
    }
    for (const headers of [{ range: 'bytes=0-1,5-6' }, { range: 'lines=1-2' }, { range: 'bytes=0-3', 'if-range': '"stale"' }]) {
      const r = await download(id, { headers });
      assert.equal(r.status, 200, JSON.stringify(headers));
      assert.ok(r.body.equals(bytes));
    }
  });

  test('unknown documents and ids that are not UUIDs: 404', async () => {
    assertProblem(await api('GET', `/api/v1/documents/${crypto.randomUUID()}`), 404);
    assertProblem(await download(crypto.randomUUID()), 404);
    assertProblem(await api('GET', '/api/v1/documents/not-a-uuid/content'), 404);
  });
});

describe('visibility follows the parent', () => {
  test("a draft's documents: admin only, audited on download; published: public, not audited", async () => {
    const a = await createAgreement();
    assert.equal(a.status, 'draft');
    const before = await changesHead(await adminToken());
    const up = await upload(`/api/v1/agreements/${a.slug}`, pdfBytes(), { fields: { type: 'decision', title: 'Beslut i kommunstyrelsen' } });
    assert.equal(up.status, 201, up.text);
    assert.deepEqual(up.json.parent, { type: 'agreement', id: a.id });
    const id = up.json.id;
    const member = await newSession();
    const client = await clientAccess(['organisations:read', 'changes:read']);
    for (const [who, token] of [['anonymous', undefined], ['member', member.access], ['client', client.token]]) {
      assertProblem(await api('GET', `/api/v1/documents/${id}`, { token }), 404, `${who}: metadata`);
      assertProblem(await download(id, { token }), 404, `${who}: content`);
      assertProblem(await api('GET', `/api/v1/agreements/${a.id}/documents`, { token }), 404, `${who}: list`);
    }
    const admin = await adminToken();
    const rid = newRequestId('dl');
    const got = await download(id, { token: admin, headers: { 'x-request-id': rid } });
    assert.equal(got.status, 200);
    assert.equal(got.headers['cache-control'], 'no-store');
    const audit = auditRowsWhere({ requestId: rid });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'download');
    assert.equal((await api('GET', `/api/v1/agreements/${a.id}/documents`, { token: admin })).json.items.length, 1);
    // a draft's document makes no change event
    const quiet = (await readChanges(admin, before, { types: 'document' })).items.filter((e) => e.entity_id === id);
    assert.equal(quiet.length, 0);

    // published for consultation: public, and public downloads are not audited
    const cur = await api('GET', `/api/v1/agreements/${a.id}`, { token: admin });
    const pub = await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { status: 'consultation' }, headers: { 'if-match': cur.headers.etag } });
    assert.equal(pub.status, 200, pub.text);
    for (const [who, token] of [['anonymous', undefined], ['member', member.access], ['client', client.token]]) {
      assert.equal((await api('GET', `/api/v1/documents/${id}`, { token })).status, 200, who);
      assert.equal((await api('GET', `/api/v1/agreements/${a.id}/documents`, { token })).json.items.length, 1, who);
    }
    const rid2 = newRequestId('dl');
    const anon = await download(id, { headers: { 'x-request-id': rid2 } });
    assert.equal(anon.status, 200);
    assert.equal(auditRowsWhere({ requestId: rid2 }).length, 0);
  });
});

describe("a draft's documents on the change feed", () => {
  const documentEvents = (items, ids) => items.filter((e) => e.type === 'document' && ids.includes(e.entity_id));
  const untilAgreement = (action, id) => (items) => items.some((e) => e.type === 'agreement' && e.action === action && e.entity_id === id);

  test('published for consultation: each document of the draft gets its event, after the agreement\'s, once; then public', async () => {
    const admin = await adminToken();
    const a = await createAgreement();
    const head = await changesHead(admin);
    const ids = [];
    for (const title of ['Remissversion', 'Missiv till remissinstanserna']) {
      const up = await upload(`/api/v1/agreements/${a.id}`, pdfBytes(), { fields: { type: 'decision', title } });
      assert.equal(up.status, 201, up.text);
      ids.push(up.json.id);
    }
    for (const id of ids) assertProblem(await api('GET', `/api/v1/documents/${id}`), 404, 'a draft\'s document, anonymously');

    const cur = await api('GET', `/api/v1/agreements/${a.id}`, { token: admin });
    const pub = await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { status: 'consultation' }, headers: { 'if-match': cur.headers.etag } });
    assert.equal(pub.status, 200, pub.text);
    const items = await waitForChanges(admin, head, (its) => untilAgreement('create', a.id)(its) && documentEvents(its, ids).length === ids.length,
      { what: 'the published agreement and its documents' });
    const created = items.findIndex((e) => e.type === 'agreement' && e.entity_id === a.id);
    assert.equal(items[created].action, 'create');
    const docs = documentEvents(items, ids);
    assert.deepEqual(docs.map((e) => e.entity_id), ids, 'one event per document, in the order they were attached');
    for (const e of docs) {
      assert.equal(e.action, 'create');
      assert.ok(e.seq > items[created].seq, "after the agreement's own event");
      const got = await api('GET', `/api/v1/documents/${e.entity_id}`);
      assert.equal(got.status, 200, 'readable anonymously once published');
      assert.deepEqual(e.data, got.json, 'the event carries the metadata as GET shows it');
    }
    const content = await download(ids[0]);
    assert.equal(content.status, 200);
    assert.equal(content.headers['content-type'], PDF);

    // back to draft and out again: the documents were announced already
    const after = items.at(-1).seq;
    for (const status of ['draft', 'consultation']) {
      const g = await api('GET', `/api/v1/agreements/${a.id}`, { token: admin });
      const r = await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { status }, headers: { 'if-match': g.headers.etag } });
      assert.equal(r.status, 200, r.text);
    }
    const again = await waitForChanges(admin, after, untilAgreement('create', a.id), { what: 'the agreement published again' });
    assert.deepEqual(documentEvents(again, ids), [], 'no document is announced twice');
  });

  test('adopted straight from a draft: its documents get their events too', async () => {
    const admin = await adminToken();
    const a = await createAgreement();
    const head = await changesHead(admin);
    const up = await upload(`/api/v1/agreements/${a.slug}`, pdfBytes(), { fields: { type: 'signed_agreement', title: 'Undertecknad överenskommelse' } });
    assert.equal(up.status, 201, up.text);
    const decision = { body: 'Kommunstyrelsen', date: '2026-02-01', reference: 'Dnr 0003/26', summary: null };
    const r = await api('POST', `/api/v1/agreements/${a.id}/adopt`, { token: admin, body: { decision } });
    assert.equal(r.status, 200, r.text);
    const items = await waitForChanges(admin, head, (its) => documentEvents(its, [up.json.id]).length > 0, { what: 'the adopted draft\'s document' });
    const adopt = items.find((e) => e.type === 'agreement' && e.action === 'adopt' && e.entity_id === a.id);
    assert.ok(adopt, 'the adopt event');
    const [doc] = documentEvents(items, [up.json.id]);
    assert.ok(doc.seq > adopt.seq);
    assert.equal((await api('GET', `/api/v1/documents/${up.json.id}`)).status, 200);
  });

  test('a document attached in the transaction that publishes its agreement is announced once', async () => {
    const admin = await adminToken();
    const a = await createAgreement();
    const head = await changesHead(admin);
    const m = JSON.stringify({ title: 'Beslutsunderlag', language: 'sv', type: 'decision', filename: 'underlag.pdf', content_type: PDF });
    // one psql -c string is one transaction; the document's id is its last line
    const id = psql(`UPDATE agreement SET status = 'consultation', revision = revision + 1 WHERE id = ${sqlLit(a.id)};
      SELECT body::json->>'id' FROM api.document_create('agreement', ${sqlLit(a.id)}, ${sqlLit(m)}::jsonb,
        convert_to('%PDF-1.7 ${uniqueWord()}', 'UTF8'), ${sqlLit(await adminId())}::uuid, 'rid-same-tx', 'admin', NULL)`).split('\n').at(-1);
    assert.match(id, UUID_RE);
    // a later change of the agreement is the barrier: events are numbered in commit order
    const g = await api('GET', `/api/v1/agreements/${a.id}`, { token: admin });
    const r = await api('PATCH', `/api/v1/agreements/${a.id}`, { token: admin, body: { title: `${a.title} (remissversion)` }, headers: { 'if-match': g.headers.etag } });
    assert.equal(r.status, 200, r.text);
    const items = await waitForChanges(admin, head, untilAgreement('update', a.id), { what: 'the barrier' });
    assert.ok(untilAgreement('create', a.id)(items));
    assert.equal(documentEvents(items, [id]).length, 1, 'exactly one event');
  });
});

describe('the scan of an endorsement received on paper', () => {
  /** The adopted agreement (made and adopted when there is none). */
  async function adopted() {
    const admin = await adminToken();
    const cur = (await api('GET', '/api/v1/agreements?limit=100', { token: admin })).json.items.find((a) => a.status === 'adopted');
    return cur || adoptAgreement((await createAgreement()).id);
  }

  /** An endorsement recorded on paper for a new verified organisation of a new member. */
  async function paperEndorsement(a) {
    const member = await newSession();
    const { id } = await createOrg(member.access);
    await verifyOrg(id);
    const r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, {
      token: await adminToken(),
      body: { organisation_id: id, signatory_name: 'Birgitta Berg', mandate: 'Årsmötesbeslut 2026-02-20 §9', received_on: '2026-02-27' },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.paper.documents, []);
    assert.equal('document_id' in r.json.paper, false);
    return { e: r.json, member, orgId: id };
  }

  const scanPath = (a, e) => `/api/v1/agreements/${a.id}/endorsements/${e.id}/paper`;
  const scanFields = { title: 'Skannad anslutning', type: 'other', filename: 'anslutning.pdf' };

  test('admin uploads it (201, audited, no change event); only admin sees it, in the endorsement, the register and the lists; its download is audited', async () => {
    const a = await adopted();
    const { e, member } = await paperEndorsement(a);
    const admin = await adminToken();
    const before = await changesHead(admin);
    const bytes = pdfBytes(4000);
    const rid = newRequestId('scan');
    const up = await upload(scanPath(a, e), bytes, { fields: scanFields, headers: { 'x-request-id': rid } });
    assert.equal(up.status, 201, up.text);
    assert.equal(up.headers.location, `/api/v1/documents/${up.json.id}`);
    assert.deepEqual(up.json.parent, { type: 'endorsement_paper', id: e.id });
    assert.equal(up.json.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
    const audit = auditRowsWhere({ requestId: rid });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'upload');
    assert.equal(audit[0].entity_type, 'document');
    assert.equal(audit[0].entity_id, up.json.id);
    // a scan makes no change event, neither as a document nor as a change of the endorsement
    const events = (await readChanges(admin, before)).items.filter((x) => x.entity_id === up.json.id || x.entity_id === e.id);
    assert.deepEqual(events, []);

    // admin: in the endorsement (a new ETag), the register, the organisation's history, the list
    const one = await api('GET', `/api/v1/agreements/${a.id}/endorsements/${e.id}`, { token: admin });
    assert.equal(one.status, 200);
    assert.deepEqual(one.json.paper.documents.map((d) => d.id), [up.json.id]);
    assert.equal(one.json.paper.received_on, '2026-02-27');
    const reg = await collectPages(`/api/v1/agreements/${a.id}/endorsements`, admin);
    assert.deepEqual(reg.find((x) => x.id === e.id).paper.documents[0], up.json);
    const hist = await api('GET', `/api/v1/organisations/${e.organisation.id}/endorsements`, { token: admin });
    assert.equal(hist.json.items.find((x) => x.id === e.id).paper.documents.length, 1);
    const list = await api('GET', `${scanPath(a, e)}/documents`, { token: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items, [up.json]);

    // the organisation's own representative, another member, a client and anonymous: nothing
    const other = await newSession();
    const client = await clientAccess(['organisations:read', 'changes:read']);
    for (const [who, token] of [['anonymous', undefined], ['the organisation', member.access], ['member', other.access], ['client', client.token]]) {
      assertProblem(await api('GET', `/api/v1/documents/${up.json.id}`, { token }), 404, `${who}: metadata`);
      assertProblem(await download(up.json.id, { token }), 404, `${who}: content`);
      assertProblem(await api('GET', `${scanPath(a, e)}/documents`, { token }), 404, `${who}: list`);
      const seen = await api('GET', `/api/v1/agreements/${a.id}/endorsements/${e.id}`, { token });
      assert.equal(seen.status, 200, who);
      assert.equal('paper' in seen.json, false, `${who} sees the paper record`);
      const page = await collectPages(`/api/v1/agreements/${a.id}/endorsements`, token);
      assert.equal('paper' in page.find((x) => x.id === e.id), false, `${who}: the register`);
    }

    const rid2 = newRequestId('scan-dl');
    const got = await download(up.json.id, { token: admin, headers: { 'x-request-id': rid2 } });
    assert.equal(got.status, 200);
    assert.ok(got.body.equals(bytes));
    assert.equal(got.headers['cache-control'], 'no-store');
    const dl = auditRowsWhere({ requestId: rid2 });
    assert.deepEqual(dl.map((x) => [x.action, x.entity_id]), [['download', up.json.id]]);
  });

  test('who may upload: admin only (401 anonymous, 403 member, the organisation and client); 404 for an endorsement made online, of another agreement, or unknown', async () => {
    const a = await adopted();
    const { e, member } = await paperEndorsement(a);
    const client = await clientAccess(['organisations:read', 'organisations:write', 'changes:read']);
    const before = documentCount();
    assert.equal((await upload(scanPath(a, e), pdfBytes(), { token: null, fields: scanFields })).status, 401);
    assertProblem(await upload(scanPath(a, e), pdfBytes(), { token: (await newSession()).access, fields: scanFields }), 403, 'member');
    assertProblem(await upload(scanPath(a, e), pdfBytes(), { token: member.access, fields: scanFields }), 403, 'the organisation');
    assertProblem(await upload(scanPath(a, e), pdfBytes(), { token: client.token, fields: scanFields }), 403, 'client');

    // an endorsement made online has no paper to attach a scan to
    const online = await newSession();
    const o = await createOrg(online.access);
    await verifyOrg(o.id);
    const made = await api('POST', `/api/v1/agreements/${a.id}/endorsements`, { token: online.access, body: { organisation_id: o.id, signatory_name: 'Olle Online', mandate: 'Styrelsebeslut' } });
    assert.equal(made.status, 201, made.text);
    assertProblem(await upload(scanPath(a, made.json), pdfBytes(), { fields: scanFields }), 404, 'an online endorsement');
    assertProblem(await api('GET', `${scanPath(a, made.json)}/documents`, { token: await adminToken() }), 404, 'list of an online endorsement');
    const draft = await createAgreement();
    assertProblem(await upload(`/api/v1/agreements/${draft.id}/endorsements/${e.id}/paper`, pdfBytes(), { fields: scanFields }), 404, 'another agreement');
    assertProblem(await upload(`/api/v1/agreements/${a.id}/endorsements/${crypto.randomUUID()}/paper`, pdfBytes(), { fields: scanFields }), 404, 'unknown');
    assertProblem(await api('GET', `/api/v1/agreements/${a.id}/endorsements/not-a-uuid/paper/documents`, { token: await adminToken() }), 404, 'not a UUID');
    assert.equal(documentCount(), before);
  });

  test('hostile files get 415, bad metadata 422, and nothing is stored; at most 10 scans (409)', async () => {
    const a = await adopted();
    const { e } = await paperEndorsement(a);
    const before = documentCount();
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    const bomb = zip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES, deflate: true },
      { name: 'word/document.xml', data: Buffer.alloc(64 * 1024 * 1024), deflate: true },
    ]);
    assertProblem(await upload(scanPath(a, e), html, { fields: scanFields }), 415, 'HTML sent as a PDF');
    assertProblem(await upload(scanPath(a, e), bomb, { ctype: DOCX, fields: { ...scanFields, filename: 'skanning.docx' } }), 415, 'a zip bomb');
    assertProblem(await upload(scanPath(a, e), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), { ctype: 'image/svg+xml', fields: scanFields }), 415, 'an SVG');
    const bad = await upload(scanPath(a, e), pdfBytes(), { fields: { ...scanFields, filename: '../skanning.pdf' } });
    assertProblem(bad, 422, 'a path as file name');
    assert.ok(bad.json.errors.some((x) => x.field === '/filename'));
    assert.equal(documentCount(), before);
    await assertServiceAlive('after the hostile scans');

    for (let i = 0; i < 10; i++) {
      const r = await upload(scanPath(a, e), i % 2 ? PNG : JPEG, { ctype: i % 2 ? 'image/png' : 'image/jpeg', fields: { ...scanFields, title: `Sida ${i + 1}`, filename: `sida-${i + 1}.${i % 2 ? 'png' : 'jpg'}` } });
      assert.equal(r.status, 201, `scan ${i + 1}: ${r.text}`);
    }
    assertProblem(await upload(scanPath(a, e), pdfBytes(), { fields: scanFields }), 409, 'the eleventh scan');
    const one = await api('GET', `/api/v1/agreements/${a.id}/endorsements/${e.id}`, { token: await adminToken() });
    assert.deepEqual(one.json.paper.documents.map((d) => d.title), Array.from({ length: 10 }, (_, i) => `Sida ${i + 1}`));
  });

  test('document_id when recording takes only null: the scan has its own route', async () => {
    const a = await adopted();
    const member = await newSession();
    const { id } = await createOrg(member.access);
    await verifyOrg(id);
    const body = { organisation_id: id, signatory_name: 'Birgitta Berg', mandate: 'Styrelsebeslut', received_on: '2026-02-27' };
    const r = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body: { ...body, document_id: crypto.randomUUID() } });
    assertProblem(r, 422);
    assert.deepEqual(r.json.errors.map((x) => x.field), ['/document_id']);
    assert.equal((await api('GET', `/api/v1/organisations/${id}/endorsements`, { token: await adminToken() })).json.items.length, 0);
    const ok = await api('POST', `/api/v1/agreements/${a.id}/paper-endorsements`, { token: await adminToken(), body: { ...body, document_id: null } });
    assert.equal(ok.status, 201, ok.text);
    // the column from 0016 stays null: the database refuses anything else
    assert.throws(() => psql(`INSERT INTO endorsement_paper (endorsement_id, received_on, document_id, recorded_by) SELECT e.id, current_date, gen_random_uuid(), e.endorsed_by FROM endorsement e WHERE e.organisation_id = '${id}'`), /endorsement_paper_document_id_check/);
  });
});
