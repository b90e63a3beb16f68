import { open, visit, loginUI, ADMIN, settled } from './support.mjs';
import { AxeBuilder } from '@axe-core/playwright';
const { page } = await open();
await visit(page, '/'); await loginUI(page, ADMIN.email, ADMIN.password);
await page.locator('.site-header').getByRole('link', { name: 'Kansliet' }).click(); await settled(page);
const r = await new AxeBuilder({ page }).withTags(['wcag2a','wcag2aa','wcag21a','wcag21aa']).analyze();
for (const v of r.incomplete) console.log(v.id, v.nodes.map(n => n.target.join(' ') + ' ' + n.any.map(a=>a.message).join(';')).slice(0,3));
process.exit(0);
