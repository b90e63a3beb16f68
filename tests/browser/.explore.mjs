import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
const b = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync']});
const ctx = await b.newContext({viewport:{width:Number(process.env.W||1280),height:800}});
const p = await ctx.newPage();
p.on('console', m => console.log('CONSOLE', m.type(), m.text()));
p.on('pageerror', e => console.log('PAGEERROR', e.message));
for (const path of process.argv.slice(2)) {
  await p.goto('http://127.0.0.1:18400' + path); await p.waitForLoadState('networkidle');
  console.log(path, '|', await p.title(), '|', (await p.locator('main').innerText()).slice(0, 300).replace(/\n/g, ' / '));
  const r = await new AxeBuilder({page: p}).withTags(['wcag2a','wcag2aa','wcag21a','wcag21aa']).analyze();
  for (const v of r.violations) console.log('AXE', v.id, v.impact, v.nodes.length, v.nodes[0].target, v.nodes[0].failureSummary);
  await p.screenshot({path: `/tmp/shot${path.replace(/\W/g,'_')}.png`, fullPage: !process.env.W});
}
await b.close();
