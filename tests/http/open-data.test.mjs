// Open data (section 5 of the contract, "Integration and open data" in docs/decisions.md):
// the index at /api/v1/open-data (licence CC0-1.0 by default, configurable; five datasets,
// each with CSV and JSON, dialogues also iCalendar, and a dictionary of every field), every
// file answering with its media type, CSVs that parse (csv-parse), JSON files
// {licence, generated_at, items}, and no personal data in any file: an organisation's e-mail
// and phone, signatory names, titles and mandates, registration notes and the people who
// registered never appear, while the organisation, the dialogue and the endorsement do.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';

import { parse } from 'csv-parse/sync';

import {
  api,
  env,
  adminToken,
  newSession,
  uniqueWord,
  createOrg,
  verifyOrg,
  isoFromNow,
  RFC3339_Z_RE,
  mediaType,
  currentAgreement,
  createAgreement,
  adoptAgreement,
  endorse,
  startSecondService,
} from './support.mjs';

const INDEX = '/api/v1/open-data';
const DAY = 24 * 3600 * 1000;
const EXPECTED = {
  organisations: { CSV: '/api/v1/open-data/organisations.csv', JSON: '/api/v1/open-data/organisations.json' },
  dialogues: { CSV: '/api/v1/open-data/dialogues.csv', JSON: '/api/v1/open-data/dialogues.json', iCalendar: '/api/v1/dialogues.ics' },
  endorsements: { CSV: '/api/v1/open-data/endorsements.csv', JSON: '/api/v1/open-data/endorsements.json' },
  'follow-up': { CSV: '/api/v1/open-data/follow-up.csv', JSON: '/api/v1/open-data/follow-up.json' },
  council: { CSV: '/api/v1/open-data/council.csv', JSON: '/api/v1/open-data/council.json' },
};
const MEDIA = { CSV: 'text/csv', JSON: 'application/json', iCalendar: 'text/calendar' };
/** Field names that would carry personal data; none may appear in a dataset. */
const PERSONAL_FIELDS = ['email', 'phone', 'signatory_name', 'signatory_title', 'mandate', 'note', 'registered_by', 'endorsed_by', 'withdrawn_by'];

/** The path (and query) of a distribution URL, absolute or relative. */
const pathOf = (url) => {
  const u = new URL(url, env.baseUrl);
  return u.pathname + u.search;
};

async function getIndex(base) {
  const r = await api('GET', INDEX, { base });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Every file of every dataset: {dataset, format, path, res}. */
async function fetchAll(index) {
  const out = [];
  for (const ds of index.datasets) {
    for (const d of ds.distributions) {
      const p = pathOf(d.url);
      const res = await api('GET', p);
      assert.equal(res.status, 200, `GET ${p}: ${res.status} ${res.text.slice(0, 300)}`);
      out.push({ dataset: ds.id, format: d.format, mediaType: d.media_type, path: p, res });
    }
  }
  return out;
}

function csvRows(text, what) {
  let rows;
  try {
    rows = parse(text, { bom: true });
  } catch (e) {
    assert.fail(`${what}: not CSV that csv-parse reads: ${e.message}`);
  }
  assert.ok(rows.length >= 1, `${what}: no header row`);
  return rows;
}

// The data this file looks for, made once.
const mark = {};
before(async () => {
  const admin = await adminToken();
  const w = uniqueWord();
  mark.email = `kontakt.${w}@example.org`;
  mark.phone = `031-${Math.floor(1000000 + Math.random() * 8999999)}`;
  mark.member = await newSession({ name: `Person ${uniqueWord()}` });
  const { id } = await createOrg(mark.member.access, { name: `Öppna data ${w}`, email: mark.email, phone: mark.phone, website: 'https://example.org/' });
  mark.orgId = id;
  mark.orgName = `Öppna data ${w}`;
  await verifyOrg(id);
  const { id: pendingId } = await createOrg(mark.member.access, { name: `Ej verifierad ${w}` });
  mark.pendingId = pendingId;
  let agreement = await currentAgreement();
  if (agreement.commitments.length === 0) {
    agreement = await adoptAgreement((await createAgreement({ commitments: [{ party: 'both', text: 'Parterna följer upp överenskommelsen.' }] })).id);
  }
  const fu = await api('PUT', `/api/v1/agreements/${agreement.id}/follow-up/commitments/1/years/2025`, { token: admin, body: { status: 'ongoing', text: `Uppföljning ${w}` } });
  assert.ok(fu.status === 201 || fu.status === 200, fu.text);
  mark.signatory = { signatory_name: `Signe ${uniqueWord()}`, signatory_title: `Kassör ${uniqueWord()}`, mandate: `årsmötesbeslut ${uniqueWord()} §4` };
  mark.endorsement = await endorse(agreement.id, id, mark.member.access, { ...mark.signatory, statement: `Vi står bakom ${w}.` });
  const d = await api('POST', '/api/v1/dialogues', {
    token: admin,
    body: { title: `Öppet möte ${w}`, kind: 'konferens', starts_at: isoFromNow(25 * DAY), ends_at: isoFromNow(25 * DAY + 3 * 3600000), capacity: 100 },
  });
  assert.equal(d.status, 201, d.text);
  mark.dialogueId = d.json.id;
  mark.note = `Två rullstolsplatser ${uniqueWord()}`;
  const reg = await api('POST', `/api/v1/dialogues/${d.json.id}/registrations`, { token: mark.member.access, body: { organisation_id: id, attendees: 3, note: mark.note } });
  assert.equal(reg.status, 201, reg.text);
  // the council: a politician's ended term and an organisation seat's running one
  const seat = async (category, title) => {
    const r = await api('POST', '/api/v1/council/seats', { token: admin, body: { category, title } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  mark.politicianSeat = await seat('politician', `Kommunstyrelsen ${w}`);
  mark.orgSeat = await seat('organisation', `Idéburna, ${w}`);
  const member = async (seatId, body) => {
    const r = await api('POST', `/api/v1/council/seats/${seatId}/members`, { token: admin, body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  mark.politician = await member(mark.politicianSeat.id, { role: 'ordinary', name: `Eva Rådsdotter ${w}`, party: 'Exempelpartiet', from: '2023-01-01', to: '2024-12-31' });
  mark.orgMember = await member(mark.orgSeat.id, { role: 'substitute', name: `Olle Rådsson ${w}`, organisation_id: id, from: '2025-01-01' });
  mark.secrets = [mark.email, mark.phone, mark.member.email, mark.member.user.name, ...Object.values(mark.signatory), mark.note, env.adminEmail];
});

// ------------------------------------------------------------------------------------------

describe('the index', () => {
  test('public; licence CC0-1.0 by default; publisher; five datasets with titles and descriptions in Swedish and English', async () => {
    const idx = await getIndex();
    assert.deepEqual(Object.keys(idx).sort(), ['datasets', 'licence', 'publisher']);
    assert.deepEqual(Object.keys(idx.licence).sort(), ['id', 'name', 'url']);
    assert.equal(idx.licence.id, 'CC0-1.0');
    assert.match(idx.licence.name, /CC0|Creative Commons Zero/i);
    assert.match(idx.licence.url, /^https?:\/\/\S+$/);
    assert.ok(idx.publisher, 'publisher');
    assert.deepEqual(idx.datasets.map((d) => d.id).sort(), ['council', 'dialogues', 'endorsements', 'follow-up', 'organisations']);
    for (const ds of idx.datasets) {
      for (const k of ['title_sv', 'title_en', 'description_sv', 'description_en']) {
        assert.equal(typeof ds[k], 'string', `${ds.id}.${k}`);
        assert.ok(ds[k].trim().length > 0, `${ds.id}.${k} empty`);
      }
    }
  });

  test('distributions: CSV and JSON (dialogues also iCalendar) at the contract\'s URLs, each answering 200 with its media type', async () => {
    const idx = await getIndex();
    for (const ds of idx.datasets) {
      const got = Object.fromEntries(ds.distributions.map((d) => [d.format, pathOf(d.url)]));
      assert.deepEqual(got, EXPECTED[ds.id], `${ds.id}: formats and URLs`);
      for (const d of ds.distributions) assert.equal(d.media_type, MEDIA[d.format], `${ds.id} ${d.format} media_type`);
    }
    for (const f of await fetchAll(idx)) {
      assert.equal(mediaType(f.res), MEDIA[f.format], `${f.path}: content-type ${f.res.headers['content-type']}`);
      assert.ok(f.res.text.length > 0, `${f.path}: empty`);
    }
  });

  test('a dictionary of every field: each field described in both languages, and exactly the fields the files have', async () => {
    const idx = await getIndex();
    const files = await fetchAll(idx);
    for (const ds of idx.datasets) {
      assert.ok(Array.isArray(ds.fields) && ds.fields.length > 0, `${ds.id}: fields`);
      for (const f of ds.fields) {
        assert.deepEqual(Object.keys(f).sort(), ['description_en', 'description_sv', 'name', 'type'], `${ds.id} field ${JSON.stringify(f)}`);
        for (const k of ['name', 'type', 'description_sv', 'description_en']) assert.ok(typeof f[k] === 'string' && f[k].trim(), `${ds.id}.${f.name}.${k}`);
      }
      const names = ds.fields.map((f) => f.name);
      assert.equal(new Set(names).size, names.length, `${ds.id}: a field described twice`);
      const csv = files.find((x) => x.dataset === ds.id && x.format === 'CSV');
      const header = csvRows(csv.res.text, csv.path)[0];
      for (const col of header) assert.ok(names.includes(col), `${csv.path}: column ${col} is not in the dictionary`);
      const json = files.find((x) => x.dataset === ds.id && x.format === 'JSON');
      const keys = new Set(json.res.json.items.flatMap((it) => Object.keys(it)));
      assert.ok(json.res.json.items.length > 0, `${json.path}: no items (this file made some)`);
      const described = (k, v) =>
        names.includes(k) ||
        (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((s) => names.includes(`${k}_${s}`) || names.includes(`${k}.${s}`)));
      for (const it of json.res.json.items) for (const [k, v] of Object.entries(it)) assert.ok(described(k, v), `${json.path}: key ${k} is not in the dictionary`);
      for (const n of names) assert.ok(header.includes(n) || keys.has(n) || [...keys].some((k) => n.startsWith(`${k}_`) || n.startsWith(`${k}.`)), `${ds.id}: dictionary field ${n} is in no file`);
    }
  });

  test('OPEN_DATA_LICENSE names another licence (a second process with CC-BY-4.0)', { timeout: 60000 }, async () => {
    const second = await startSecondService({ extraEnv: { OPEN_DATA_LICENSE: 'CC-BY-4.0' } });
    try {
      const idx = await getIndex(second.url);
      assert.equal(idx.licence.id, 'CC-BY-4.0');
      assert.match(idx.licence.url, /^https?:\/\/\S+$/);
      const j = await api('GET', '/api/v1/open-data/organisations.json', { base: second.url });
      assert.equal(j.status, 200, j.text);
      const lic = j.json.licence;
      assert.ok(lic === 'CC-BY-4.0' || lic?.id === 'CC-BY-4.0', `the JSON file's licence: ${JSON.stringify(lic)}`);
    } finally {
      const res = await second.stop('SIGTERM');
      assert.deepEqual(res, { code: 0, signal: null }, `second process exit: ${JSON.stringify(res)}\n${second.output()}`);
    }
  });
});

describe('the files', () => {
  test('JSON files are {licence, generated_at, items}; CSVs parse, every row as long as the header', async () => {
    const idx = await getIndex();
    for (const f of await fetchAll(idx)) {
      if (f.format === 'JSON') {
        const j = f.res.json;
        assert.deepEqual(Object.keys(j).sort(), ['generated_at', 'items', 'licence'], f.path);
        assert.ok(typeof j.licence === 'string' ? j.licence === idx.licence.id : j.licence?.id === idx.licence.id, `${f.path}: licence ${JSON.stringify(j.licence)}`);
        assert.match(j.generated_at, RFC3339_Z_RE);
        assert.ok(Math.abs(Date.parse(j.generated_at) - Date.now()) < 15 * 60 * 1000, `${f.path}: generated_at ${j.generated_at} is not recent`);
        assert.ok(Array.isArray(j.items));
      } else if (f.format === 'CSV') {
        const rows = csvRows(f.res.text, f.path);
        const width = rows[0].length;
        assert.ok(width > 1, `${f.path}: header ${rows[0]}`);
        for (const [i, r] of rows.entries()) assert.equal(r.length, width, `${f.path}: row ${i} has ${r.length} cells`);
        assert.equal(new Set(rows[0]).size, width, `${f.path}: a column repeated`);
      } else {
        assert.match(f.res.text, /^BEGIN:VCALENDAR\r?\n/, `${f.path}: not iCalendar`);
      }
    }
  });

  test('the data is there: the verified organisation (not the pending one), the dialogue, the endorsement', async () => {
    const idx = await getIndex();
    const files = await fetchAll(idx);
    const find = (ds, fmt) => files.find((x) => x.dataset === ds && x.format === fmt);
    const orgJson = find('organisations', 'JSON').res.json.items;
    const mine = orgJson.filter((it) => JSON.stringify(it).includes(mark.orgId));
    assert.equal(mine.length, 1, 'the verified organisation is in organisations.json once');
    assert.ok(Object.values(mine[0]).includes(mark.orgName), 'with its name');
    assert.ok(!find('organisations', 'JSON').res.text.includes(mark.pendingId), 'a pending organisation is in organisations.json');
    const orgCsv = csvRows(find('organisations', 'CSV').res.text, 'organisations.csv');
    const row = orgCsv.find((r) => r.includes(mark.orgId));
    assert.ok(row, 'the verified organisation is in organisations.csv');
    assert.ok(row.includes(mark.orgName), 'with its name');
    assert.ok(!find('organisations', 'CSV').res.text.includes(mark.pendingId), 'a pending organisation is in organisations.csv');

    for (const fmt of ['CSV', 'JSON', 'iCalendar']) assert.ok(find('dialogues', fmt).res.text.includes(mark.dialogueId), `the dialogue is in dialogues ${fmt}`);
    for (const fmt of ['CSV', 'JSON']) {
      const t = find('endorsements', fmt).res.text;
      assert.ok(t.includes(mark.orgId) || t.includes(mark.endorsement.id), `the endorsement is in endorsements ${fmt}`);
    }
  });

  test('the council: every term, names and roles public by office, party for politicians, organisation for organisation seats', async () => {
    const idx = await getIndex();
    const files = await fetchAll(idx);
    const find = (fmt) => files.find((x) => x.dataset === 'council' && x.format === fmt);
    const items = find('JSON').res.json.items;
    assert.deepEqual(items.find((it) => it.seat_id === mark.politicianSeat.id), {
      seat_id: mark.politicianSeat.id, seat: mark.politicianSeat.title, category: 'politician', name: mark.politician.name,
      role: 'ordinary', party: 'Exempelpartiet', organisation_id: null, organisation: null, from: '2023-01-01', to: '2024-12-31',
    }, 'an ended term is kept');
    assert.deepEqual(items.find((it) => it.seat_id === mark.orgSeat.id), {
      seat_id: mark.orgSeat.id, seat: mark.orgSeat.title, category: 'organisation', name: mark.orgMember.name,
      role: 'substitute', party: null, organisation_id: mark.orgId, organisation: mark.orgName, from: '2025-01-01', to: null,
    });
    const rows = csvRows(find('CSV').res.text, 'council.csv');
    assert.deepEqual(rows[0], ['seat_id', 'seat', 'category', 'name', 'role', 'party', 'organisation_id', 'organisation', 'from', 'to']);
    assert.deepEqual(rows.find((r) => r[0] === mark.orgSeat.id), [mark.orgSeat.id, mark.orgSeat.title, 'organisation', mark.orgMember.name, 'substitute', '', mark.orgId, mark.orgName, '2025-01-01', '']);
    assert.deepEqual(rows.find((r) => r[0] === mark.politicianSeat.id), [mark.politicianSeat.id, mark.politicianSeat.title, 'politician', mark.politician.name, 'ordinary', 'Exempelpartiet', '', '', '2023-01-01', '2024-12-31']);
  });

  test('no personal data anywhere: no e-mail, phone, signatory, mandate, note or person in any file, and no such field', async () => {
    const idx = await getIndex();
    const files = await fetchAll(idx);
    const texts = [{ path: INDEX, text: JSON.stringify(idx) }, ...files.map((f) => ({ path: f.path, text: f.res.text }))];
    // The strings are really in the database (so their absence means something).
    const me = await api('GET', `/api/v1/organisations/${mark.orgId}`, { token: await adminToken() });
    assert.equal(me.json.email, mark.email);
    assert.equal(me.json.phone, mark.phone);
    for (const { path, text } of texts) {
      for (const s of mark.secrets) assert.ok(!text.includes(s), `${path} contains personal data: "${s}"`);
      assert.ok(!text.toLowerCase().includes(mark.email.toLowerCase()), `${path} contains the e-mail (any case)`);
    }
    for (const ds of idx.datasets) {
      for (const f of ds.fields) assert.ok(!PERSONAL_FIELDS.some((p) => f.name === p || f.name.endsWith(`_${p}`)), `${ds.id}: field ${f.name}`);
    }
    for (const f of files) {
      if (f.format === 'CSV') {
        for (const col of csvRows(f.res.text, f.path)[0]) assert.ok(!PERSONAL_FIELDS.includes(col), `${f.path}: column ${col}`);
      } else if (f.format === 'JSON') {
        const walk = (v, at) => {
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
          else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              assert.ok(!PERSONAL_FIELDS.includes(k), `${f.path}: key ${at}/${k}`);
              walk(x, `${at}/${k}`);
            }
          }
        };
        walk(f.res.json, '');
      }
    }
  });
});
