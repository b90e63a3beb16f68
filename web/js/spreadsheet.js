// The register of endorsements as a file for Swedish spreadsheets (Excel, LibreOffice,
// Numbers set to Swedish): UTF-8 with a byte order mark (without it Excel reads the bytes as
// Windows-1252), semicolons (Swedish Excel's list separator, since the comma is the decimal
// sign), Swedish column names, and labels instead of codes. Made in the browser from the
// same filtered register the page shows; the API's endorsements.csv stays the RFC 4180 file
// for machines. Quoting as RFC 4180, and a leading ' before =, +, -, @, tab or carriage
// return, as the API does, so that no cell is read as a formula.
import { label } from './i18n.js?v=8157fd9ca674';

const STATUS_SV = { active: 'Ansluten', withdrawn: 'Återkallad', renewal_needed: 'Behöver förnyas' };
const COLUMNS = ['Organisation', 'Organisationsnummer', 'Organisationsform', 'Status', 'Anslöt', 'Återkallade', 'Skäl för återkallandet', 'Ställningstagande'];

const day = (iso) => (iso ? new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(iso)) : '');

function cell(v) {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function spreadsheetCsv(items, vocab) {
  // the labels are Swedish whatever language the page is in: the file is for Swedish Excel
  const kind = (code) => {
    const e = vocab.kinds.find((k) => k.code === code);
    return e ? e.label_sv || label(e) : code;
  };
  const rows = items.map((e) => [e.organisation.name, e.organisation.org_number, kind(e.organisation.kind),
    STATUS_SV[e.status] || e.status,
    day(e.endorsed_at), day(e.withdrawn_at), e.withdrawal_reason, e.statement]);
  return `\uFEFF${[COLUMNS, ...rows].map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}
