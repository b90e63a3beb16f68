// The agreement's life, the four stories of the consultation and the follow-up: an
// organisation answers a consultation; the secretariat compiles the responses (a comment on
// each) and adopts the next version, after which the public reads the compilation (in
// English too); the secretariat records a year's follow-up; the public reads the follow-up
// per principle, with the action plan, in both languages, and the yearly report prints
// without the page's controls; the secretariat plans the follow-up on its own page (owners
// and indicators of a commitment; the action plan's activities added, changed and removed),
// and the public follow-up shows what it planned. axe-clean at every step.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { open, visit, settled, axe, shot, loginTo, call, apiLogin, memberWithOrganisation, confirmDialog, RUN, ADMIN, BASE } from './support.mjs';

const YEAR = new Date().getFullYear();
let adminToken;
let draft; // the next version, out on consultation
let org;   // a member and the verified organisation it represents
let member;
let admin;

// a browser that chose English (the choice is remembered: only the language is stored)
async function english() {
  const b = await open({ lang: 'en' });
  await visit(b.page, '/');
  await b.page.getByRole('button', { name: 'English' }).click();
  await b.page.locator('html[lang="en"]').waitFor();
  return b;
}

before(async () => {
  adminToken = await apiLogin(ADMIN.email, ADMIN.password);
  draft = (await call('POST', '/agreements', {
    slug: `remiss-${RUN}`, title: `Överenskommelse om samverkan, utkast ${RUN}`, status: 'consultation',
    goals: ['Tydliga förutsättningar för dialog och samverkan.'],
    principles: [{ code: 'dialog', title: 'Dialog' }, { code: 'oppenhet', title: 'Öppenhet och insyn' }],
    commitments: [{ party: 'city', text: 'Staden bjuder in till dialog varje kvartal.' }, { party: 'both', text: 'Parterna följer upp överenskommelsen varje år.' }],
  }, adminToken)).data;
  await call('PUT', `/agreements/${draft.id}/consultation`, { consultation_closes_at: new Date(Date.now() + 14 * 86400000).toISOString() }, adminToken);
  org = await memberWithOrganisation('remiss', adminToken);
  member = await open();
  admin = await open();
});

test('1. an organisation answers the consultation and sees its response', async () => {
  const { page } = member;
  await visit(page, `/overenskommelsen/${draft.slug}`);
  await page.getByRole('link', { name: 'Till remissen' }).click();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /ute på remiss till och med/);
  await axe(page, 'consultation, anonymous');
  await loginTo(page, org.email, org.password, `/overenskommelsen/${draft.slug}/remiss`);
  await axe(page, 'consultation, the response form');
  await page.getByRole('textbox', { name: /^Svar/ }).fill('Vi välkomnar utkastet men saknar **lokalfrågan**.');
  await page.getByRole('checkbox', { name: 'Dialog', exact: true }).check();
  await page.getByRole('checkbox', { name: /^2\. Parterna följer upp/ }).check();
  await page.getByRole('button', { name: 'Skicka svaret' }).click();
  await page.locator('main').getByText(`Svaret från ${org.org.name} är skickat.`).waitFor();
  await settled(page);
  assert.equal(await page.getByRole('textbox', { name: /^Svar/ }).inputValue(), 'Vi välkomnar utkastet men saknar **lokalfrågan**.');
  assert.ok(await page.getByRole('checkbox', { name: 'Dialog', exact: true }).isChecked());
  await axe(page, 'consultation, the organisation sees its response');
  await shot(page, 'consultation-response');
  // the response is not public before the close
  const anon = await open();
  await visit(anon.page, `/overenskommelsen/${draft.slug}/remiss`);
  assert.match(await anon.page.locator('main').innerText(), /Svaren blir offentliga när remissen har stängt/);
  assert.doesNotMatch(await anon.page.locator('main').innerText(), /lokalfrågan/);
  await anon.context.close();
});

test('2. the secretariat compiles the responses and adopts the next version; the public reads the compilation', async () => {
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, `/overenskommelsen/${draft.slug}/remiss`);
  await page.getByRole('heading', { name: 'Alla svar (1)' }).waitFor();
  await axe(page, 'consultation, the secretariat');
  await page.getByLabel(new RegExp(`^Kansliets kommentar – ${org.org.name}`)).fill('Tillgodosett i åtagande 2.');
  await page.getByRole('button', { name: 'Spara kommentaren' }).click();
  await page.locator('main').getByText('Kommentaren är sparad.').waitFor();
  await settled(page);
  // adopting the next version (the secretariat's agreement page) closes the consultation;
  // a reload would end the session (tokens live in memory), so log in on the way there
  await loginTo(page, ADMIN.email, ADMIN.password, `/kansli/overenskommelser/${draft.slug}`);
  await page.getByLabel(/^Instans/).fill('Kommunfullmäktige');
  await page.locator('#f-adopt-date').fill(`${YEAR}-01-15`);
  await page.getByRole('button', { name: 'Anta överenskommelsen' }).click();
  await page.getByRole('heading', { level: 1, name: draft.title }).waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Remissen stängde/);
  await axe(page, 'the adopted agreement with its consultation and follow-up');
  // the secretariat attaches the signed agreement; an HTML page named .pdf is refused at the field
  page.allow(415);
  await page.getByLabel(/^Rubrik/).fill('Undertecknad överenskommelse');
  await page.getByLabel(/^Typ av handling/).selectOption('signed_agreement');
  await page.locator('#f-file').setInputFiles({ name: 'overenskommelse.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await page.getByRole('button', { name: 'Bifoga', exact: true }).click();
  await page.locator('.error-summary').getByText(/inte av en tillåten typ/).waitFor();
  await axe(page, 'a refused document, explained at the field');
  await page.locator('#f-file').setInputFiles({ name: 'overenskommelse.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
  await page.getByRole('button', { name: 'Bifoga', exact: true }).click();
  await page.locator('main').getByText('Undertecknad överenskommelse är bifogad.').waitFor();
  await settled(page);
  assert.ok(await page.getByRole('link', { name: /^Ladda ner Undertecknad överenskommelse/ }).isVisible());
  await axe(page, 'the agreement with a document');

  const pub = await english();
  await visit(pub.page, `/overenskommelsen/${draft.slug}/remiss`);
  const text = await pub.page.locator('main').innerText();
  assert.match(text, /Consultation compilation/);
  assert.match(text, /lokalfrågan/);
  assert.match(text, /Tillgodosett i åtagande 2\./);
  await axe(pub.page, 'the consultation compilation, in English');
  await visit(pub.page, `/overenskommelsen/${draft.slug}`);
  const link = pub.page.getByRole('link', { name: /^Download Undertecknad överenskommelse/ });
  const [download] = await Promise.all([pub.page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'overenskommelse.pdf');
  await shot(pub.page, 'consultation-compilation');
  await pub.context.close();
});

test("3. the secretariat records a year's follow-up", async () => {
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, `/overenskommelsen/${draft.slug}/uppfoljning?ar=${YEAR}`);
  await axe(page, 'follow-up, the secretariat');
  await page.getByLabel(/^Status – Åtagande 1/).selectOption('done');
  await page.getByLabel(/^Uppföljning – Åtagande 1/).fill('Fyra dialogmöten hölls under året.');
  await page.locator('form[aria-label="Åtagande 1"]').getByRole('button', { name: 'Spara uppföljningen' }).click();
  await page.locator('main').getByText('Uppföljningen av åtagande 1 är sparad.').waitFor();
  await settled(page);
  await page.getByLabel(/^Status – Åtagande 2/).selectOption('ongoing');
  await page.getByLabel(/^Uppföljning – Åtagande 2/).fill('Uppföljningen pågår.');
  await page.locator('form[aria-label="Åtagande 2"]').getByRole('button', { name: 'Spara uppföljningen' }).click();
  await page.locator('main').getByText('Uppföljningen av åtagande 2 är sparad.').waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /Genomfört/);
  await axe(page, 'follow-up, recorded');
});

test('4. the public reads the follow-up, per principle, in both languages, and prints the report', async () => {
  await call('PUT', `/agreements/${draft.id}/follow-up/commitments/1`, { city_owner: 'Social resursförvaltning', principles: ['dialog'] }, adminToken);
  await call('POST', `/agreements/${draft.id}/action-plan/${YEAR}/activities`, {
    title: 'Dialogkonferens', responsible: 'Idékoms kansli', starts_on: `${YEAR}-03-01`, ends_on: `${YEAR}-10-31`, budget_sek: 120000, principles: ['dialog'], commitments: [1],
  }, adminToken);
  const pub = await open();
  const { page } = pub;
  await visit(page, `/overenskommelsen/${draft.slug}`);
  await page.getByRole('link', { name: 'Uppföljningen av åtagandena' }).click();
  await settled(page);
  const sv = await page.locator('main').innerText();
  assert.match(sv, new RegExp(`Uppföljning: .*${YEAR}`));
  assert.match(sv, /Per princip[\s\S]*Dialog[\s\S]*Åtagande 1[\s\S]*Social resursförvaltning[\s\S]*Genomfört[\s\S]*Fyra dialogmöten/);
  assert.match(sv, /Åtaganden utan princip[\s\S]*Åtagande 2[\s\S]*Pågår/);
  assert.match(sv, new RegExp(`Handlingsplan ${YEAR}[\\s\\S]*Dialogkonferens[\\s\\S]*120[\\s\\u00a0]000`));
  await axe(page, 'follow-up, public, Swedish');
  await shot(page, 'follow-up');
  // the yearly report prints without the controls
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByRole('button', { name: 'Skriv ut årsrapporten' }).isVisible(), false);
  assert.equal(await page.getByRole('link', { name: draft.title }).isVisible(), false);
  assert.ok(await page.getByRole('heading', { name: /Handlingsplan/ }).isVisible());
  await page.emulateMedia({ media: 'screen' });
  await pub.context.close();

  const en = await english();
  await visit(en.page, `/overenskommelsen/${draft.slug}/uppfoljning?ar=${YEAR}`);
  const text = await en.page.locator('main').innerText();
  assert.match(text, /Follow-up:/);
  assert.match(text, /Commitment 1[\s\S]*Done[\s\S]*Action plan/);
  await axe(en.page, 'follow-up, public, English');
  await en.context.close();
});

test("5. the secretariat records a commitment's owners and an indicator", async () => {
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, '/kansli');
  await page.getByRole('navigation', { name: 'Kansliets sidor' }).getByRole('link', { name: 'Uppföljning' }).click();
  await settled(page);
  await axe(page, 'follow-up planning, the agreements followed up');
  await page.locator('main').getByRole('link', { name: draft.title }).click();
  await settled(page);
  await axe(page, 'follow-up planning of an agreement');
  const c1 = page.locator('#c-1');
  await c1.getByLabel(/^Ansvarig i staden/).fill('Stadsledningskontoret');
  await c1.getByLabel('Organisation att lägga till').selectOption({ label: org.org.name });
  await c1.getByRole('button', { name: 'Lägg till organisationen' }).click();
  await c1.getByRole('button', { name: `Ta bort ${org.org.name}` }).waitFor();
  // an indicator that is too long: explained at the field in Swedish, by its code
  await c1.getByLabel(/^Indikatorer/).fill('x'.repeat(501));
  await c1.getByRole('button', { name: 'Spara åtagande 1' }).click();
  await c1.locator('.error-summary').getByText('Indikatorer: ska ha 1–500 tecken').waitFor();
  await axe(page, 'a commitment plan with a field error');
  await c1.getByLabel(/^Indikatorer/).fill('Antal dialogmöten per år\nAndel stadsområden med minst ett dialogmöte');
  await c1.getByRole('button', { name: 'Spara åtagande 1' }).click();
  await page.locator('main').getByText('Åtagande 1 är sparat.').waitFor();
  await settled(page);
  assert.equal(await c1.getByLabel(/^Ansvarig i staden/).inputValue(), 'Stadsledningskontoret');
  assert.ok(await c1.getByRole('button', { name: `Ta bort ${org.org.name}` }).isVisible(), 'the organisation is kept');
  assert.equal(await c1.getByLabel(/^Indikatorer/).inputValue(), 'Antal dialogmöten per år\nAndel stadsområden med minst ett dialogmöte');
  assert.ok(await c1.getByRole('checkbox', { name: 'Dialog', exact: true }).isChecked(), 'the principle set before is kept');
  await axe(page, 'a saved commitment plan');
  await shot(page, 'follow-up-planning');
  const saved = (await call('GET', `/agreements/${draft.id}/follow-up`)).data.commitments[0];
  assert.equal(saved.city_owner, 'Stadsledningskontoret');
  assert.deepEqual(saved.organisation_owners.map((o) => o.id), [org.org.id]);
  assert.deepEqual(saved.indicators, ['Antal dialogmöten per år', 'Andel stadsområden med minst ett dialogmöte']);

  const pub = await open();
  await visit(pub.page, `/overenskommelsen/${draft.slug}/uppfoljning?ar=${YEAR}`);
  const text = await pub.page.locator('main').innerText();
  assert.match(text, new RegExp(`Åtagande 1[\\s\\S]*Ansvarig i staden: Stadsledningskontoret[\\s\\S]*Ansvariga organisationer: ${org.org.name}[\\s\\S]*Antal dialogmöten per år`));
  await axe(pub.page, 'the public follow-up with owners and indicators');
  await pub.context.close();
});

test('6. the secretariat adds an action-plan activity with a budget, changes one and removes one; the public action plan shows it', async () => {
  const { page } = admin;
  await loginTo(page, ADMIN.email, ADMIN.password, `/kansli/uppfoljning/${draft.slug}`);
  const form = page.locator('form[aria-labelledby="add-h"]');
  await form.getByLabel(/^Titel/).fill('Föreningsmässa i Angered');
  await form.getByLabel(/^Ansvarig/).fill('Idrotts- och föreningsförvaltningen');
  await form.getByLabel(/^Startdatum/).fill(`${YEAR}-09-01`);
  await form.getByLabel(/^Slutdatum/).fill(`${YEAR}-08-01`);
  await form.getByLabel(/^Budget i kronor/).fill('250 000');
  await form.getByRole('checkbox', { name: 'Öppenhet och insyn' }).check();
  await form.getByRole('checkbox', { name: /^2\. Parterna följer upp/ }).check();
  await form.getByRole('button', { name: 'Lägg till aktiviteten' }).click();
  await form.locator('.error-summary').getByText('Slutdatum: får inte vara före startdatumet').waitFor();
  await axe(page, 'an activity that ends before it starts');
  await form.getByLabel(/^Slutdatum/).fill(`${YEAR}-09-30`);
  await form.getByRole('button', { name: 'Lägg till aktiviteten' }).click();
  await page.locator('main').getByText(`Föreningsmässa i Angered är tillagd i handlingsplanen ${YEAR}.`).waitFor();
  await settled(page);
  assert.match(await page.locator('#handlingsplan table').innerText(), /Föreningsmässa i Angered[\s\S]*Idrotts- och föreningsförvaltningen[\s\S]*250\s000/);
  await axe(page, 'the action plan with the new activity');

  // its budget changed on the activity's own page
  await page.getByRole('link', { name: 'Ändra Föreningsmässa i Angered' }).click();
  await settled(page);
  await axe(page, 'changing an activity');
  await page.getByLabel(/^Budget i kronor/).fill('300000');
  await page.getByRole('button', { name: 'Spara ändringarna' }).click();
  await page.locator('main').getByText('Föreningsmässa i Angered är sparad.').waitFor();
  await settled(page);

  // the conference of test 4 removed, after a confirmation (cancelled once)
  await page.getByRole('button', { name: 'Ta bort Dialogkonferens' }).click();
  await confirmDialog(page, { title: 'Ta bort Dialogkonferens?', answer: 'Avbryt', label: 'removing an activity, the confirmation' });
  assert.ok(await page.getByRole('button', { name: 'Ta bort Dialogkonferens' }).isVisible(), 'cancelled: still there');
  await page.getByRole('button', { name: 'Ta bort Dialogkonferens' }).click();
  await confirmDialog(page, { title: 'Ta bort Dialogkonferens?', answer: 'Ja, ta bort' });
  await page.locator('main').getByText('Dialogkonferens är borttagen ur handlingsplanen.').waitFor();
  await settled(page);
  await axe(page, 'the action plan after a removal');
  const plan = (await call('GET', `/agreements/${draft.id}/action-plan/${YEAR}`)).data;
  assert.deepEqual(plan.activities.map((x) => [x.title, x.budget_sek, x.principles, x.commitments]), [['Föreningsmässa i Angered', 300000, ['oppenhet'], [2]]]);

  const pub = await open();
  await visit(pub.page, `/overenskommelsen/${draft.slug}/uppfoljning?ar=${YEAR}`);
  const sv = await pub.page.locator('main').innerText();
  assert.match(sv, new RegExp(`Handlingsplan ${YEAR}[\\s\\S]*Föreningsmässa i Angered[\\s\\S]*Idrotts- och föreningsförvaltningen[\\s\\S]*300[\\s\\u00a0]000[\\s\\S]*Summa: 300[\\s\\u00a0]000`));
  assert.doesNotMatch(sv, /Dialogkonferens/);
  await axe(pub.page, 'the public action plan');
  await pub.context.close();
  const en = await english();
  await visit(en.page, `/overenskommelsen/${draft.slug}/uppfoljning?ar=${YEAR}`);
  assert.match(await en.page.locator('main').innerText(), new RegExp(`Action plan ${YEAR}[\\s\\S]*Föreningsmässa i Angered[\\s\\S]*300,000`));
  await axe(en.page, 'the public action plan, in English');
  await en.context.close();
});

test("the secretariat downloads a draft's document from the page: the link sends the token", async () => {
  const d = (await call('POST', '/agreements', {
    slug: `utkast-handling-${RUN}`, title: `Utkast med underlag ${RUN}`,
    goals: ['Ett mål.'], principles: [{ code: 'dialog', title: 'Dialog' }], commitments: [{ party: 'city', text: 'Staden bjuder in.' }],
  }, adminToken)).data;
  assert.equal(d.status, 'draft');
  const bytes = Buffer.from(`%PDF-1.7\n% ${RUN}\n%%EOF\n`);
  const up = await fetch(`${BASE}/api/v1/agreements/${d.id}/documents?title=Beslutsunderlag&type=decision&language=sv&filename=underlag.pdf`,
    { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/pdf' }, body: bytes });
  const made = JSON.parse(await up.text());
  assert.equal(up.status, 201, JSON.stringify(made));
  // the plain address answers 404 without a token: a draft's documents are the secretariat's
  assert.equal((await fetch(`${BASE}/api/v1/documents/${made.id}/content`)).status, 404);
  const { page } = admin;
  await visit(page, `/overenskommelsen/${d.slug}`);
  const link = page.getByRole('link', { name: /^Ladda ner Beslutsunderlag/ });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'underlag.pdf');
  assert.ok(fs.readFileSync(await download.path()).equals(bytes), 'the downloaded file is the uploaded one');
});
