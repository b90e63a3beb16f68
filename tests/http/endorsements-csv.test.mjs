// The open-data CSV of the endorsement register (section 4 of the contract; "Agreements and
// endorsements" in docs/decisions.md): GET /api/v1/agreements/{id}/endorsements.csv, read back
// by a real CSV parser (csv-parse). UTF-8, the header row exactly as decisions.md gives it, CRLF
// record ends, RFC 4180 quoting (commas, quotes, newlines, å ä ö), and cells that start with
// =, +, - or @ neutralised with a leading '. The same filters as the JSON register.
//
// At most one agreement is adopted at a time, so this file adopts its own agreement first and
// runs its tests one after another.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { parse } from 'csv-parse/sync';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  createOrg,
  verifyOrg,
  uniqueWord,
} from './support.mjs';

const AGR = '/api/v1/agreements';
const HEADER = ['organisation_id', 'organisation_name', 'org_number', 'kind', 'status', 'endorsed_at', 'withdrawn_at', 'statement'];

async function freshAdopted() {
  const admin = await adminToken();
  const w = uniqueWord();
  const c = await api('POST', AGR, { token: admin, body: { slug: `oppna-data-${w}`, title: `Överenskommelsen ${w}` } });
  assert.equal(c.status, 201, `create agreement: ${c.status} ${c.text}`);
  const r = await api('POST', `${AGR}/${c.json.id}/adopt`, { token: admin, body: { decision: { body: 'Kommunfullmäktige', date: '2012-05-24', reference: 'Dnr 0169/12', summary: 'Antagen.' } } });
  assert.equal(r.status, 200, `adopt: ${r.status} ${r.text}`);
  return r.json;
}

/** A verified organisation with these fields, and its signatory. */
async function signedOrg(fields) {
  const s = await newSession();
  const { org } = await createOrg(s.access, fields);
  await verifyOrg(org.id);
  return { s, org };
}

async function endorse(who, agreementId, statement) {
  const body = { organisation_id: who.org.id, signatory_name: 'Karin Karlsson', mandate: 'Årsmötesbeslut 2024-04-20 §12' };
  if (statement !== undefined) body.statement = statement;
  const r = await api('POST', `${AGR}/${agreementId}/endorsements`, { token: who.s.access, body });
  assert.equal(r.status, 201, `endorse: ${r.status} ${r.text}`);
  return r.json;
}

/** What a cell holds: '' for null; a leading ' for text that a spreadsheet would take as a formula. */
function cell(v) {
  if (v === null || v === undefined) return '';
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** GET the CSV; asserts 200, content type, UTF-8, header and CRLF; returns the parsed rows. */
async function getCsv(agreementId, query = '', token) {
  const path = `${AGR}/${agreementId}/endorsements.csv${query ? `?${query}` : ''}`;
  const r = await api('GET', path, { token });
  assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers['content-type'] || '', /^text\/csv\s*;\s*charset="?utf-8"?$/i, `content-type ${r.headers['content-type']}`);
  const text = r.text.startsWith('\uFEFF') ? r.text.slice(1) : r.text;
  assert.ok(!text.includes('\uFFFD'), 'the CSV is not valid UTF-8');
  assert.ok(text.startsWith(`${HEADER.join(',')}\r\n`), `the header row is not exactly ${HEADER.join(',')} + CRLF: ${JSON.stringify(text.slice(0, 120))}`);
  assert.ok(text.endsWith('\r\n'), 'the last record does not end with CRLF');
  let rows;
  try {
    // CRLF is the only record delimiter: a bare LF outside quotes breaks the parse.
    rows = parse(text, { columns: true, record_delimiter: '\r\n', bom: true, relax_quotes: false, relax_column_count: false });
  } catch (e) {
    assert.fail(`GET ${path}: csv-parse refuses the CSV (${e.message}):\n${text.slice(0, 800)}`);
  }
  for (const row of rows) assert.deepEqual(Object.keys(row), HEADER, 'columns');
  return { rows, text, res: r };
}

// ------------------------------------------------------------------------------------------

describe('endorsements.csv', { concurrency: 1 }, () => {
  test('RFC 4180 read back by csv-parse: commas, quotes, newlines, å ä ö verbatim; formula-like cells neutralised', async () => {
    const a = await freshAdopted();
    const w = uniqueWord();
    const quoted = await signedOrg({ name: `Föreningen "Ärlig", Öppen\nÅrsmöte ${w}`, kind: 'ideell_forening' });
    const formula = await signedOrg({ name: '=HYPERLINK("x")', kind: 'stiftelse' });
    const plus = await signedOrg({ name: `+46 Kören ${w}`, kind: 'trossamfund' });
    const plain = await signedOrg({ name: `Nätverket Åkered ${w}`, kind: 'natverk', org_number: undefined });
    const withdrawn = await signedOrg({ name: `Förbundet; Ö-gruppen ${w}`, kind: 'ideell_forening' });

    const statements = new Map([
      [quoted.org.id, 'Vi står bakom, "helt och hållet".\nAndra raden: åäö ÅÄÖ.'],
      [formula.org.id, '@SUM(A1:A9) är inget vi vill se i ett kalkylark'],
      [plus.org.id, '-1+2 minus först'],
      [plain.org.id, undefined],
      [withdrawn.org.id, '=1+1'],
    ]);
    const byOrg = new Map();
    for (const who of [quoted, formula, plus, plain, withdrawn]) byOrg.set(who.org.id, { who, e: await endorse(who, a.id, statements.get(who.org.id)) });
    const w1 = await api('POST', `${AGR}/${a.id}/endorsements/${byOrg.get(withdrawn.org.id).e.id}/withdraw`, { token: withdrawn.s.access, body: { reason: 'Ändrat beslut.' } });
    assert.equal(w1.status, 200, w1.text);
    byOrg.get(withdrawn.org.id).e = w1.json;
    assert.equal(plain.org.org_number, null);

    const { rows, text } = await getCsv(a.id);
    assert.deepEqual(rows.map((r) => r.organisation_id).sort(), [...byOrg.keys()].sort(), 'one row per endorsement of this agreement');
    for (const row of rows) {
      const { who, e } = byOrg.get(row.organisation_id);
      const what = `row of ${JSON.stringify(who.org.name)}`;
      assert.equal(row.organisation_name, cell(who.org.name), `${what}: organisation_name`);
      assert.equal(row.org_number, cell(who.org.org_number), `${what}: org_number`);
      assert.equal(row.kind, who.org.kind, `${what}: kind`);
      assert.equal(row.status, e.status, `${what}: status`);
      assert.ok(row.endorsed_at !== '' && Date.parse(row.endorsed_at) === Date.parse(e.endorsed_at), `${what}: endorsed_at ${row.endorsed_at} ≠ ${e.endorsed_at}`);
      if (e.withdrawn_at) assert.ok(Date.parse(row.withdrawn_at) === Date.parse(e.withdrawn_at), `${what}: withdrawn_at ${row.withdrawn_at} ≠ ${e.withdrawn_at}`);
      else assert.equal(row.withdrawn_at, '', `${what}: withdrawn_at`);
      assert.equal(row.statement, cell(e.statement), `${what}: statement`);
    }
    // The originals, spelled out.
    const rowOf = (who) => rows.find((r) => r.organisation_id === who.org.id);
    assert.equal(rowOf(quoted).organisation_name, `Föreningen "Ärlig", Öppen\nÅrsmöte ${w}`);
    assert.equal(rowOf(quoted).statement, 'Vi står bakom, "helt och hållet".\nAndra raden: åäö ÅÄÖ.');
    assert.equal(rowOf(formula).organisation_name, `'=HYPERLINK("x")`);
    assert.equal(rowOf(formula).statement, "'@SUM(A1:A9) är inget vi vill se i ett kalkylark");
    assert.equal(rowOf(plus).organisation_name, `'+46 Kören ${w}`);
    assert.equal(rowOf(plus).statement, "'-1+2 minus först");
    assert.equal(rowOf(plain).statement, '');
    assert.equal(rowOf(plain).org_number, '');
    assert.equal(rowOf(withdrawn).statement, "'=1+1");
    assert.equal(rowOf(withdrawn).status, 'withdrawn');
    // RFC 4180 on the wire: the quote doubled inside a quoted field.
    assert.ok(text.includes(`"Föreningen ""Ärlig"", Öppen\nÅrsmöte ${w}"`) || text.includes(`"Föreningen ""Ärlig"", Öppen\r\nÅrsmöte ${w}"`), 'the name is not quoted as RFC 4180 says');
    assert.ok(!/(^|[,\r\n])=HYPERLINK/.test(text) && !/(^|[,\r\n])"=HYPERLINK/.test(text), 'a cell starts with = on the wire');
  });

  test('the same filters as the JSON register: status, kind, area, as_of', async () => {
    const a = await freshAdopted();
    const A = await signedOrg({ kind: 'stiftelse', areas: ['kultur'] });
    const B = await signedOrg({ kind: 'ideell_forening', areas: ['idrott'] });
    const C = await signedOrg({ kind: 'natverk', areas: ['kultur', 'idrott'] });
    const before = new Date(Date.now() - 60000).toISOString();
    await endorse(A, a.id, 'A');
    const eb = await endorse(B, a.id, 'B');
    await endorse(C, a.id, 'C');
    const wb = await api('POST', `${AGR}/${a.id}/endorsements/${eb.id}/withdraw`, { token: B.s.access, body: { reason: 'Nej.' } });
    assert.equal(wb.status, 200, wb.text);
    const orgIds = async (q) => (await getCsv(a.id, q)).rows.map((r) => r.organisation_id).sort();
    const ids = (...xs) => xs.map((x) => x.org.id).sort();
    assert.deepEqual(await orgIds(''), ids(A, B, C));
    assert.deepEqual(await orgIds('status=active'), ids(A, C));
    assert.deepEqual(await orgIds('status=withdrawn'), ids(B));
    assert.deepEqual(await orgIds('kind=stiftelse'), ids(A));
    assert.deepEqual(await orgIds('area=idrott'), ids(B, C));
    assert.deepEqual(await orgIds('area=kultur&status=active'), ids(A, C));
    assert.deepEqual(await orgIds(`as_of=${encodeURIComponent(before)}`), [], 'as_of before every endorsement');
    // Filters the JSON register agrees with.
    const json = await api('GET', `${AGR}/${a.id}/endorsements?status=active&limit=100`);
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(json.json.items.map((e) => e.organisation.id).sort(), ids(A, C));
    // An empty result is still a header row.
    const empty = await getCsv(a.id, 'kind=trossamfund');
    assert.deepEqual(empty.rows, []);
    assert.equal(empty.text, `${HEADER.join(',')}\r\n`);
  });

  test('anyone may read it (also signed in); an unknown agreement or a draft → 404', async () => {
    const a = await freshAdopted();
    const m = await newSession();
    assert.deepEqual((await getCsv(a.id, '', m.access)).rows, []);
    assert.deepEqual((await getCsv(a.id, '', await adminToken())).rows, []);
    assertProblem(await api('GET', `${AGR}/${crypto.randomUUID()}/endorsements.csv`), 404, 'unknown agreement');
    assertProblem(await api('GET', `${AGR}/inte-ett-id/endorsements.csv`), 404, 'non-UUID agreement');
    const w = uniqueWord();
    const d = await api('POST', AGR, { token: await adminToken(), body: { slug: `utkast-${w}`, title: `Utkast ${w}` } });
    assert.equal(d.status, 201, d.text);
    assertProblem(await api('GET', `${AGR}/${d.json.id}/endorsements.csv`), 404, 'a draft, anonymous');
  });
});
