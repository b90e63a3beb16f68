// The council's public page: today and on an earlier date (from the kept terms), in Swedish
// and English, axe-clean; the secretariat's attendance; a council meeting's public page with
// its quorum, met or not; the secretariat ends a member's term (errors in Swedish by their
// codes), and the member leaves the council of today but stays in its history.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { open, settled, axe, visit, loginTo, call, apiLogin, ADMIN, RUN } from './support.mjs';

const title = `Kommunstyrelsen ${RUN}`;
let meeting, quorumMeeting, adminToken;

before(async () => {
  const token = await apiLogin(ADMIN.email, ADMIN.password);
  adminToken = token;
  const seat = (await call('POST', '/council/seats', { category: 'politician', title }, token)).data;
  await call('POST', `/council/seats/${seat.id}/members`, { role: 'ordinary', name: `Anna Förr ${RUN}`, party: 'A-partiet', from: '2019-01-01', to: '2022-12-31' }, token);
  await call('POST', `/council/seats/${seat.id}/members`, { role: 'ordinary', name: `Bengt Nu ${RUN}`, party: 'B-partiet', from: '2023-01-01' }, token);
  await call('POST', `/council/seats/${seat.id}/members`, { role: 'substitute', name: `Cilla Ersätter ${RUN}`, party: 'A-partiet', from: '2023-01-01' }, token);
  const starts = new Date(Date.now() + 40 * 864e5);
  meeting = (await call('POST', '/dialogues', { title: `Rådsmöte ${RUN}`, kind: 'radsmote', starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 2 * 3600e3).toISOString() }, token)).data;
  quorumMeeting = (await call('POST', '/dialogues', { title: `Beslutsmöte ${RUN}`, kind: 'radsmote', starts_at: new Date(starts.getTime() + 864e5).toISOString(), ends_at: new Date(starts.getTime() + 864e5 + 2 * 3600e3).toISOString() }, token)).data;
});

test('the council today and as it was on a date; in English too', async () => {
  const { page, context } = await open();
  await visit(page, '/');
  await page.locator('.site-footer').getByRole('link', { name: 'Rådet' }).click();
  await page.getByRole('heading', { level: 1, name: 'Rådet' }).waitFor();
  await settled(page);
  const seat = page.locator('.org-item', { hasText: title });
  assert.match(await seat.innerText(), new RegExp(`Bengt Nu ${RUN} \\(B-partiet\\) – ledamot[\\s\\S]*Cilla Ersätter ${RUN} \\(A-partiet\\) – ersättare`));
  assert.doesNotMatch(await seat.innerText(), /Anna Förr/);
  await axe(page, 'the council today');
  await page.getByLabel(/^Visa rådet som det såg ut på ett visst datum/).fill('2020-06-30');
  await page.getByRole('button', { name: 'Visa', exact: true }).click();
  await page.locator('main').getByText('Rådet den 30 juni 2020.').waitFor();
  assert.match(page.url(), /\/radet\?as_of=2020-06-30$/);
  assert.match(await seat.innerText(), new RegExp(`Anna Förr ${RUN} \\(A-partiet\\) – ledamot[\\s\\S]*1 januari 2019 – 31 december 2022`));
  assert.doesNotMatch(await seat.innerText(), /Bengt Nu/);
  await axe(page, 'the council on 30 June 2020');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'The council' }).waitFor();
  await settled(page);
  assert.match(await page.locator('main').innerText(), /The council on (30 June 2020|June 30, 2020)\.[\s\S]*Politicians/);
  await axe(page, 'en: the council on a date');
  await page.assertClean('the council');
  await context.close();
});

test('the secretariat notes who of the council attended a council meeting, and sees the quorum', async () => {
  const { page, context } = await open();
  await loginTo(page, ADMIN.email, ADMIN.password, `/kansli/dialoger/${meeting.id}`);
  const sec = page.locator('#radsnarvaro');
  await sec.getByRole('heading', { name: 'Rådets ledamöter och ersättare' }).waitFor();
  await settled(page);
  assert.match(await sec.innerText(), /Mötet är inte beslutsmässigt: 0 av \d+ platser är närvarande \(regel: minst \d+ procent\)/);
  await axe(page, 'council attendance, nothing noted');
  await sec.getByLabel(`Närvaro för Bengt Nu ${RUN}`, { exact: true }).selectOption('false');
  await sec.getByLabel(`Närvaro för Cilla Ersätter ${RUN}`, { exact: true }).selectOption('true');
  await sec.getByRole('button', { name: 'Spara närvaron' }).click();
  await sec.getByText('Närvaron är sparad (2 ändringar).').waitFor();
  assert.match(await sec.innerText(), /: 1 av \d+ platser är närvarande/, 'the substitute stands in for the seat');
  const a = (await call('GET', `/dialogues/${meeting.id}/council-attendance`)).data;
  assert.deepEqual(a.members.filter((m) => m.name.endsWith(RUN)).map((m) => [m.name, m.attended]).sort(),
    [[`Bengt Nu ${RUN}`, false], [`Cilla Ersätter ${RUN}`, true]]);
  await axe(page, 'council attendance, noted');
  await page.assertClean('council attendance');
  await context.close();
});

test('the public page of a council meeting shows whether it has a quorum, in Swedish and English', async () => {
  const { page, context } = await open();
  await visit(page, `/dialoger/${quorumMeeting.id}`);
  const sec = page.locator('#beslutsforhet');
  await sec.getByRole('heading', { level: 2, name: 'Beslutsförhet' }).waitFor();
  await settled(page);
  // nobody noted yet: no seat is present, so no rule is met
  assert.match(await sec.innerText(), /Mötet är inte beslutsmässigt: 0 av \d+ platser är närvarande \(regel: minst \d+ procent\)/);
  await axe(page, 'a council meeting without a quorum');
  // every member of the day attends: every seat is present, so any rule (1..100 per cent) is met
  const a = (await call('GET', `/dialogues/${quorumMeeting.id}/council-attendance`)).data;
  for (const m of a.members) await call('PUT', `/dialogues/${quorumMeeting.id}/council-attendance/${m.id}`, { attended: true }, adminToken);
  await page.reload();
  await sec.getByRole('heading', { level: 2, name: 'Beslutsförhet' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await sec.getByRole('heading', { level: 2, name: 'Quorum' }).waitFor();
  await settled(page);
  assert.match(await sec.innerText(), new RegExp(`The meeting has a quorum: ${a.seats} of ${a.seats} seats are present`));
  await axe(page, 'en: a council meeting with a quorum');
  await page.assertClean('the quorum on the public page');
  await context.close();
});

test('the secretariat ends a term: errors in Swedish, then the member leaves today\'s council and stays in its history', async () => {
  const seatTitle = `Stadsdelsnämnden ${RUN}`;
  const seat = (await call('POST', '/council/seats', { category: 'politician', title: seatTitle }, adminToken)).data;
  const name = `Doris Slutar ${RUN}`;
  await call('POST', `/council/seats/${seat.id}/members`, { role: 'ordinary', name, party: 'C-partiet', from: '2023-01-01' }, adminToken);
  const day = (ms) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(ms));
  const yesterday = day(Date.now() - 864e5);
  const before = day(Date.now() - 3 * 864e5);

  const { page, context } = await open();
  // the public sees no such action
  await visit(page, '/radet');
  assert.equal(await page.getByRole('button', { name: /Avsluta uppdraget/ }).count(), 0);
  await loginTo(page, ADMIN.email, ADMIN.password, '/radet');
  const item = page.locator('.org-item', { hasText: seatTitle });
  await item.getByText(name).waitFor();
  await settled(page);
  const opener = item.getByRole('button', { name: `Avsluta uppdraget för ${name}` });
  await opener.click();
  assert.equal(await opener.getAttribute('aria-expanded'), 'true');
  const form = page.getByRole('form', { name: `Avsluta uppdraget för ${name}` });
  await form.getByRole('button', { name: 'Avsluta uppdraget' }).click();
  await form.locator('.error-summary').waitFor();
  assert.match(await form.locator('.error-summary').innerText(), /Sista dag i uppdraget: måste fyllas i/);
  // before the first day: the API's field error, shown by its code
  page.allow(422);
  await form.getByLabel(/^Sista dag i uppdraget/).fill('2022-12-31');
  await form.getByRole('button', { name: 'Avsluta uppdraget' }).click();
  await form.locator('.error-summary', { hasText: 'får inte vara före' }).waitFor();
  assert.match(await form.locator('.error-summary').innerText(), /Sista dag i uppdraget: får inte vara före uppdragets första dag/);
  assert.equal(await form.getByLabel(/^Sista dag i uppdraget/).getAttribute('aria-invalid'), 'true');
  await axe(page, 'ending a term, a day before the first');
  assert.equal((await call('GET', '/council', undefined, adminToken)).data.seats.find((s) => s.id === seat.id).members.length, 1, 'nothing changed');

  await form.getByLabel(/^Sista dag i uppdraget/).fill(yesterday);
  await form.getByRole('button', { name: 'Avsluta uppdraget' }).click();
  await page.locator('main').getByText(new RegExp(`^Sista dag i uppdraget för ${name} är nu \\d+ \\S+ \\d{4}\\.$`)).waitFor();
  await settled(page);
  assert.doesNotMatch(await item.innerText(), /Doris Slutar/);
  assert.match(await item.innerText(), /Platsen är vakant\./);
  await axe(page, 'the council after a term ended');

  await page.getByLabel(/^Visa rådet som det såg ut på ett visst datum/).fill(before);
  await page.getByRole('button', { name: 'Visa', exact: true }).click();
  await page.locator('main').getByText(/^Rådet den /).waitFor();
  await item.getByText(name).waitFor();
  assert.match(await item.innerText(), new RegExp(`${name} \\(C-partiet\\) – ledamot[\\s\\S]*1 januari 2023 – `));
  const m = (await call('GET', `/council?as_of=${before}`)).data.seats.find((s) => s.id === seat.id).members[0];
  assert.deepEqual([m.name, m.from, m.to], [name, '2023-01-01', yesterday]);
  await page.assertClean('ending a term');
  await context.close();
});
