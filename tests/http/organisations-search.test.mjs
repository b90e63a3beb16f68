// GET /api/v1/organisations (section 2 of the contract, "Organisations" in docs/decisions.md):
// full-text search with the Swedish configuration and the name-prefix match, ranked; the
// filters kind, area, district, umbrella_id, endorsed; bad parameters; Swedish sort order;
// keyset pagination that neither repeats nor skips while others insert; the cursor tied to
// its sort. And GET /api/v1/vocabularies (section 5).
//
// The database is shared with the other tests (and with a second run of the suite), so each
// test makes its own organisations under a fresh umbrella or with a unique word in their
// names, and asserts on those only.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  api,
  assertProblem,
  adminToken,
  newSession,
  uniqueWord,
  createOrg,
  verifyOrg,
} from './support.mjs';

const ORGS = '/api/v1/organisations';
const enc = encodeURIComponent;
const idsOf = (res) => res.json.items.map((o) => o.id);
const cap = (w) => w[0].toUpperCase() + w.slice(1);

/** A fresh umbrella (admin, pending: only admin and clients see it and its list). */
async function freshUmbrella() {
  const { org } = await createOrg(await adminToken(), { kind: 'paraplyorganisation', name: `Paraply ${uniqueWord()}` });
  return org;
}

async function list(query, token) {
  const r = await api('GET', `${ORGS}?${query}`, { token });
  assert.equal(r.status, 200, `GET ${ORGS}?${query}: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.items), 'items');
  assert.ok(r.json.next_cursor === null || typeof r.json.next_cursor === 'string', 'next_cursor');
  return r;
}

// ------------------------------------------------------------------------------------------

describe('search', () => {
  test('q uses the Swedish configuration: "föreningar" finds "Föreningen …" and a description with "förening"', async () => {
    const admin = await adminToken();
    const U = await freshUmbrella();
    const w = uniqueWord();
    const x = (await createOrg(admin, { umbrella_id: U.id, name: `Föreningen Solrosen ${w}` })).org;
    const y = (await createOrg(admin, { umbrella_id: U.id, name: `Bageriet ${w}`, description: 'Vi bakar bröd tillsammans.' })).org;
    const z = (await createOrg(admin, { umbrella_id: U.id, name: `Kvarteret ${w}`, description: 'En liten förening i Majorna för alla åldrar.' })).org;
    for (const q of ['föreningar', 'förening', 'föreningen', 'FÖRENINGARNA']) {
      const r = await list(`q=${enc(q)}&umbrella_id=${U.id}&limit=100`, admin);
      assert.deepEqual(idsOf(r).sort(), [x.id, z.id].sort(), `q=${q}`);
    }
    // The unique word finds all three; something absent finds none.
    assert.deepEqual(idsOf(await list(`q=${enc(w)}&limit=100`, admin)).sort(), [x.id, y.id, z.id].sort(), `q=${w}`);
    assert.deepEqual(idsOf(await list(`q=${enc(uniqueWord())}&limit=100`, admin)), [], 'q=an unknown word');
    // Anonymous callers search too, among verified organisations only.
    await verifyOrg(U.id);
    await verifyOrg(z.id);
    const anon = await list(`q=${enc('föreningar')}&umbrella_id=${U.id}&limit=100`);
    assert.deepEqual(idsOf(anon), [z.id], 'anonymous q=föreningar');
  });

  test('a name prefix finds the organisation (in any letter case)', async () => {
    const admin = await adminToken();
    const w = uniqueWord(12);
    const { org } = await createOrg(admin, { name: `${cap(w)} Kulturhus` });
    for (const q of [cap(w).slice(0, 6), w.slice(0, 6), w.slice(0, 6).toUpperCase(), cap(w)]) {
      const r = await list(`q=${enc(q)}&limit=100`, admin);
      assert.ok(idsOf(r).includes(org.id), `q=${q} does not find "${org.name}": ${JSON.stringify(r.json.items.map((o) => o.name))}`);
    }
  });

  test('with q and no sort, a name starting with q ranks first, then full-text rank; sort=name overrides', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    // Full-text rank alone would put "Gården <w>" (name and description) before "<W> Gården".
    const prefix = (await createOrg(admin, { name: `${cap(w)} Gården` })).org;
    const fullText = (await createOrg(admin, { name: `Gården ${w}`, description: `${w} ${w} ${w}: mer om ${w}.` })).org;
    const descOnly = (await createOrg(admin, { name: `Huset ${uniqueWord()}`, description: `Samarbetar med ${w}.` })).org;
    const r = await list(`q=${enc(w)}&limit=100`, admin);
    assert.deepEqual(idsOf(r), [prefix.id, fullText.id, descOnly.id], `ranked: ${JSON.stringify(r.json.items.map((o) => o.name))}`);
    const byName = await list(`q=${enc(w)}&sort=name&limit=100`, admin);
    assert.deepEqual(idsOf(byName), [fullText.id, descOnly.id, prefix.id], `sort=name: ${JSON.stringify(byName.json.items.map((o) => o.name))}`);
  });
});

// ------------------------------------------------------------------------------------------

describe('filters', () => {
  test('kind, area, district, umbrella_id and endorsed select exactly the matching organisations', async () => {
    const admin = await adminToken();
    const U = await freshUmbrella();
    const o1 = (await createOrg(admin, { umbrella_id: U.id, kind: 'stiftelse', areas: ['kultur'], districts: ['angered'] })).org;
    const o2 = (await createOrg(admin, { umbrella_id: U.id, kind: 'ideell_forening', areas: ['kultur', 'idrott'], districts: ['lundby'] })).org;
    const o3 = (await createOrg(admin, { umbrella_id: U.id, kind: 'natverk', areas: [], districts: ['angered', 'centrum'] })).org;
    const other = await freshUmbrella();
    await createOrg(admin, { umbrella_id: other.id, kind: 'stiftelse', areas: ['kultur'], districts: ['angered'] });
    const u = `umbrella_id=${U.id}&limit=100`;
    const cases = [
      ['', [o1, o2, o3]],
      ['kind=stiftelse', [o1]],
      ['kind=natverk', [o3]],
      ['kind=trossamfund', []],
      ['area=kultur', [o1, o2]],
      ['area=idrott', [o2]],
      ['area=aldre', []],
      ['district=angered', [o1, o3]],
      ['district=centrum', [o3]],
      ['kind=ideell_forening&area=idrott', [o2]],
      ['district=centrum&area=kultur', []],
      ['kind=stiftelse&district=angered&area=kultur', [o1]],
      ['endorsed=false', [o1, o2, o3]],
      ['endorsed=true', []],
    ];
    for (const [q, expected] of cases) {
      const r = await list(`${u}${q ? `&${q}` : ''}`, admin);
      assert.deepEqual(idsOf(r).sort(), expected.map((o) => o.id).sort(), `filter ${q || '(umbrella only)'}`);
    }
    // An umbrella with no members, and an unknown one: empty lists.
    assert.deepEqual(idsOf(await list(`umbrella_id=${o1.id}`, admin)), []);
    assert.deepEqual(idsOf(await list(`umbrella_id=${crypto.randomUUID()}`, admin)), []);
    // List items are the same documents GET by id answers.
    const r = await list(`${u}&kind=stiftelse`, admin);
    const g = await api('GET', `${ORGS}/${o1.id}`, { token: admin });
    assert.deepEqual(r.json.items[0], g.json);
    assert.equal(r.json.items[0].endorsement, null);
  });

  test('an anonymous list holds verified organisations only', async () => {
    const r = await list('limit=100');
    for (const o of r.json.items) assert.equal(o.status, 'verified', `anonymous list shows ${o.id} with status ${o.status}`);
    const m = await newSession();
    const { org } = await createOrg(m.access, { name: `Osynlig ${uniqueWord()}` });
    assert.deepEqual(idsOf(await list(`q=${enc(org.name.split(' ')[1])}`)), [], 'a pending organisation in an anonymous search');
    assert.deepEqual(idsOf(await list(`q=${enc(org.name.split(' ')[1])}`, m.access)), [org.id], 'its representative finds it');
  });

  test('bad parameters → 400', async () => {
    const admin = await adminToken();
    const bad = [
      'kind=bolag',
      'area=astrologi',
      'district=stockholm',
      'umbrella_id=inte-ett-uuid',
      'endorsed=maybe',
      'endorsed=1',
      'sort=bogus',
      'sort=created_at',
      'sort=-name',
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'cursor=!!!',
      `cursor=${Buffer.from('{"x":1}').toString('base64url')}`,
      `q=${'a'.repeat(201)}`,
    ];
    for (const q of bad) {
      assertProblem(await api('GET', `${ORGS}?${q}`), 400, `anonymous ?${q.slice(0, 60)}`);
      assertProblem(await api('GET', `${ORGS}?${q}`, { token: admin }), 400, `admin ?${q.slice(0, 60)}`);
    }
    // The limits themselves are fine.
    await list(`q=${'a'.repeat(200)}`);
    await list('limit=1');
    await list('limit=100');
    await list('sort=-created_at&endorsed=true&kind=stiftelse&area=kultur&district=angered');
  });
});

// ------------------------------------------------------------------------------------------

describe('order and pagination', () => {
  test('sort=name (and the default) is Swedish order: … z, å, ä, ö; -created_at is newest first', async () => {
    const admin = await adminToken();
    const U = await freshUmbrella();
    const w = uniqueWord();
    const made = {};
    for (const n of ['Åkessons', 'Zeta', 'Ödla', 'Ärlan', 'Abc']) {
      made[n] = (await createOrg(admin, { umbrella_id: U.id, name: `${n} ${w}` })).org;
    }
    const swedish = ['Abc', 'Zeta', 'Åkessons', 'Ärlan', 'Ödla'].map((n) => made[n].id);
    assert.deepEqual(idsOf(await list(`umbrella_id=${U.id}&sort=name`, admin)), swedish, 'umbrella_id, sort=name');
    assert.deepEqual(idsOf(await list(`umbrella_id=${U.id}`, admin)), swedish, 'umbrella_id, default sort');
    assert.deepEqual(idsOf(await list(`q=${w}&sort=name`, admin)), swedish, 'q, sort=name');
    const newest = ['Abc', 'Ärlan', 'Ödla', 'Zeta', 'Åkessons'].map((n) => made[n].id);
    assert.deepEqual(idsOf(await list(`umbrella_id=${U.id}&sort=-created_at`, admin)), newest, 'sort=-created_at');
    // Paged one at a time, the same orders.
    for (const [sort, expected] of [['name', swedish], ['-created_at', newest]]) {
      const seen = [];
      let cursor = null;
      do {
        const r = await list(`umbrella_id=${U.id}&sort=${sort}&limit=1${cursor ? `&cursor=${enc(cursor)}` : ''}`, admin);
        assert.ok(r.json.items.length <= 1);
        seen.push(...idsOf(r));
        cursor = r.json.next_cursor;
        assert.ok(seen.length <= expected.length + 1, 'the walk does not end');
      } while (cursor);
      assert.deepEqual(seen, expected, `paged sort=${sort}`);
    }
  });

  /**
   * Walks `query` three at a time as `token`, calling insert() after each page; returns the
   * ids in the order seen.
   */
  async function walkWhileInserting(query, token, insert) {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await list(`${query}&limit=3${cursor ? `&cursor=${enc(cursor)}` : ''}`, token);
      assert.ok(r.json.items.length <= 3, `page of ${r.json.items.length} with limit=3`);
      seen.push(...r.json.items);
      cursor = r.json.next_cursor;
      pages++;
      assert.ok(pages < 60, 'the walk does not end');
      if (cursor) await insert(pages);
    } while (cursor);
    return seen;
  }

  function assertWalk(seen, initial, what) {
    const ids = seen.map((o) => o.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(dup, [], `${what}: the walk repeated ${JSON.stringify(dup)}`);
    const missing = initial.filter((o) => !ids.includes(o.id));
    assert.deepEqual(missing.map((o) => o.name), [], `${what}: the walk skipped items that existed before it began`);
  }

  const PREFIXES = ['Abc', 'Bäcken', 'Mitt i', 'Zeta', 'Åsen', 'Ärlan', 'Ödla', 'Aaa', 'Öööh'];
  const pick = () => PREFIXES[crypto.randomInt(0, PREFIXES.length)];

  for (const sort of ['name', '-created_at']) {
    test(`a walk with limit=3 and sort=${sort} while others insert never repeats and never skips`, async () => {
      const admin = await adminToken();
      const U = await freshUmbrella();
      const initial = [];
      for (let i = 0; i < 10; i++) initial.push((await createOrg(admin, { umbrella_id: U.id, name: `${pick()} ${uniqueWord()}` })).org);
      const inserted = [];
      const seen = await walkWhileInserting(`umbrella_id=${U.id}&sort=${sort}`, admin, async () => {
        const batch = await Promise.all([0, 1].map(() => createOrg(admin, { umbrella_id: U.id, name: `${pick()} ${uniqueWord()}` })));
        inserted.push(...batch.map((b) => b.org));
      });
      assertWalk(seen, initial, `sort=${sort}`);
      assert.ok(inserted.length >= 6, 'inserts happened during the walk');
      for (const o of seen) assert.equal(o.umbrella_id, U.id);
      if (sort === '-created_at') {
        for (let i = 1; i < seen.length; i++) {
          assert.ok(Date.parse(seen[i - 1].created_at) >= Date.parse(seen[i].created_at), `-created_at out of order at ${i}`);
        }
      }
      // The members list walks the same way.
      const viaMembers = [];
      let cursor = null;
      do {
        const r = await api('GET', `${ORGS}/${U.id}/members?limit=3${cursor ? `&cursor=${enc(cursor)}` : ''}`, { token: admin });
        assert.equal(r.status, 200, r.text);
        viaMembers.push(...r.json.items);
        cursor = r.json.next_cursor;
        assert.ok(viaMembers.length <= initial.length + inserted.length + 3, 'the members walk does not end');
      } while (cursor);
      assertWalk(viaMembers, [...initial, ...inserted], 'members');
      assert.equal(viaMembers.length, initial.length + inserted.length);
    });
  }

  test('a walk of a ranked search (q, no sort) while others insert never repeats and never skips', async () => {
    const admin = await adminToken();
    const w = uniqueWord();
    const initial = [];
    for (let i = 0; i < 10; i++) {
      const description = i % 2 ? `Om ${w}.` : null;
      const name = i % 3 === 0 ? `${cap(w)} ${uniqueWord()}` : `${pick()} ${i % 2 ? uniqueWord() : w}`;
      initial.push((await createOrg(admin, { name, description: description ?? undefined })).org);
    }
    const seen = await walkWhileInserting(`q=${enc(w)}`, admin, async (page) => {
      await createOrg(admin, { name: page % 2 ? `${cap(w)} ${uniqueWord()}` : `${pick()} ${w}` });
      await createOrg(admin, { name: `${pick()} ${uniqueWord()}`, description: `Ny: ${w}` });
    });
    assertWalk(seen, initial, 'ranked q');
  });

  test('the cursor is tied to its sort: a name cursor with sort=-created_at → 400', async () => {
    const admin = await adminToken();
    const U = await freshUmbrella();
    for (let i = 0; i < 3; i++) await createOrg(admin, { umbrella_id: U.id, name: `Markör ${uniqueWord()}` });
    const first = await list(`umbrella_id=${U.id}&sort=name&limit=1`, admin);
    const cursor = first.json.next_cursor;
    assert.equal(typeof cursor, 'string', 'three items with limit=1 give a next_cursor');
    assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'the cursor is base64url');
    const same = await list(`umbrella_id=${U.id}&sort=name&limit=1&cursor=${enc(cursor)}`, admin);
    assert.equal(same.json.items.length, 1);
    assert.notEqual(same.json.items[0].id, first.json.items[0].id);
    assertProblem(await api('GET', `${ORGS}?umbrella_id=${U.id}&sort=-created_at&limit=1&cursor=${enc(cursor)}`, { token: admin }), 400, 'name cursor, sort=-created_at');
    const c2 = (await list(`umbrella_id=${U.id}&sort=-created_at&limit=1`, admin)).json.next_cursor;
    assertProblem(await api('GET', `${ORGS}?umbrella_id=${U.id}&sort=name&limit=1&cursor=${enc(c2)}`, { token: admin }), 400, '-created_at cursor, sort=name');
    // A tampered cursor is 400 too.
    const flipped = cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.at(-1);
    const t = await api('GET', `${ORGS}?umbrella_id=${U.id}&sort=name&limit=1&cursor=${enc(flipped)}`, { token: admin });
    assert.ok([200, 400].includes(t.status), `a tampered cursor: ${t.status} ${t.text}`);
    assertProblem(await api('GET', `${ORGS}?sort=name&cursor=${enc(cursor.slice(0, 5))}`, { token: admin }), 400, 'a truncated cursor');
  });
});

// ------------------------------------------------------------------------------------------

describe('vocabularies', () => {
  // The secretariat edits kinds, areas and districts (vocabularies-edit.test.mjs): the seeded codes
  // come first, in this order, and additions go after them, so the seeds are compared as a prefix.
  test('GET /api/v1/vocabularies: kinds, areas, the ten districts and the dialogue kinds, in display order', async () => {
    const r = await api('GET', '/api/v1/vocabularies');
    assert.equal(r.status, 200, r.text);
    const v = r.json;
    assert.deepEqual(Object.keys(v).sort(), ['areas', 'dialogue_kinds', 'districts', 'kinds']);
    for (const [name, entries] of Object.entries(v)) {
      assert.ok(Array.isArray(entries) && entries.length > 0, `${name}: a non-empty array`);
      for (const e of entries) {
        assert.deepEqual(Object.keys(e).sort(), ['code', 'label_en', 'label_sv', 'retired'], `${name} entry keys`);
        assert.equal(typeof e.retired, 'boolean', `${name}.retired`);
        for (const k of ['code', 'label_sv', 'label_en']) assert.ok(typeof e[k] === 'string' && e[k].length > 0, `${name}.${k}`);
      }
      const codes = entries.map((e) => e.code);
      assert.equal(new Set(codes).size, codes.length, `${name}: codes unique`);
    }
    const seed = (list, n) => list.slice(0, n);
    assert.deepEqual(seed(v.districts, 10).map((d) => d.label_sv), [
      'Angered', 'Östra Göteborg', 'Örgryte-Härlanda', 'Centrum', 'Majorna-Linné',
      'Askim-Frölunda-Högsbo', 'Västra Göteborg', 'Västra Hisingen', 'Lundby', 'Norra Hisingen',
    ]);
    assert.deepEqual(seed(v.districts, 10).map((d) => d.code), [
      'angered', 'ostra_goteborg', 'orgryte_harlanda', 'centrum', 'majorna_linne',
      'askim_frolunda_hogsbo', 'vastra_goteborg', 'vastra_hisingen', 'lundby', 'norra_hisingen',
    ]);
    assert.deepEqual(v.dialogue_kinds.map((d) => d.code), ['dialogmote', 'konferens', 'radsmote', 'arbetsgrupp']);
    assert.deepEqual(v.dialogue_kinds.map((d) => d.label_sv), ['Dialogmöte', 'Konferens', 'Rådsmöte', 'Arbetsgrupp']);
    assert.deepEqual(seed(v.kinds, 8).map((d) => d.code), [
      'ideell_forening', 'stiftelse', 'trossamfund', 'ekonomisk_forening', 'socialt_foretag', 'paraplyorganisation', 'natverk', 'annan',
    ]);
    assert.deepEqual(v.kinds[0], { code: 'ideell_forening', label_sv: 'Ideell förening', label_en: 'Non-profit association', retired: false });
    assert.deepEqual(seed(v.areas, 14).map((d) => d.code), [
      'barn_unga', 'aldre', 'funktionsnedsattning', 'integration', 'hemloshet', 'beroende', 'vald',
      'psykisk_halsa', 'folkhalsa', 'kultur', 'idrott', 'arbete', 'demokrati', 'miljo',
    ]);
    // Every current (not retired) code is accepted by a create, and the same document comes to a member.
    const m = await newSession();
    const me = await api('GET', '/api/v1/vocabularies', { token: m.access });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, v);
    const cur = (list) => list.filter((e) => !e.retired);
    const { org } = await createOrg(m.access, {
      kind: cur(v.kinds).at(-1).code,
      areas: cur(v.areas).map((a) => a.code),
      districts: cur(v.districts).map((d) => d.code),
    });
    assert.deepEqual(org.areas, cur(v.areas).map((a) => a.code).sort());
    assert.deepEqual(org.districts, cur(v.districts).map((d) => d.code).sort());
  });
});
