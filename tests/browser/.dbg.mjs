import { open, visit, loginUI, ADMIN, settled } from './support.mjs';
const { page } = await open();
await visit(page, '/'); await loginUI(page, ADMIN.email, ADMIN.password);
await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click(); await settled(page);
const snap = await page.locator('main').ariaSnapshot();
console.log(snap.slice(0, 1500));
process.exit(0);
