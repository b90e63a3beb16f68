// Markdown, the safe path: a small subset (headings, paragraphs, lists, **strong**, *em*,
// `code`, [links](https://…)) turned into DOM nodes. Raw HTML in the text stays text.
import { h } from './dom.js?v=8157fd9ca674';

const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/))/i;

function inline(s) {
  const out = [];
  const re = /\*\*(.+?)\*\*|\*(.+?)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let m;
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    if (m[1]) out.push(h('strong', {}, inline(m[1])));
    else if (m[2]) out.push(h('em', {}, inline(m[2])));
    else if (m[3]) out.push(h('code', {}, m[3]));
    else out.push(SAFE_URL.test(m[5]) ? h('a', { href: m[5], rel: 'noopener noreferrer nofollow' }, m[4]) : m[0]);
    last = re.lastIndex;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

// md(text, top): a fragment whose largest heading becomes <h{top}>, so it fits the page's outline
export function md(src, top = 3) {
  const frag = document.createDocumentFragment();
  const levels = [...String(src || '').matchAll(/^(#{1,6})\s/gm)].map((m) => m[1].length);
  const shift = top - Math.min(6, ...levels);
  let para = [];
  let list = null;
  const flush = () => {
    if (para.length) frag.append(h('p', {}, inline(para.join(' '))));
    para = [];
  };
  for (const line of String(src || '').replace(/\r\n?/g, '\n').split('\n')) {
    let m;
    if (!line.trim()) { flush(); list = null; continue; }
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flush(); list = null;
      frag.append(h(`h${Math.min(6, m[1].length + shift)}`, {}, inline(m[2])));
    } else if ((m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line))) {
      flush();
      const tag = /\d/.test(m[1]) ? 'OL' : 'UL';
      if (!list || list.tagName !== tag) frag.append((list = h(tag.toLowerCase())));
      list.append(h('li', {}, inline(m[2])));
    } else if (list && /^\s{2,}\S/.test(line)) {
      list.lastChild.append(' ', ...inline(line.trim()));
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
  return frag;
}
