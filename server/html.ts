// HTML building blocks: escaping, JSON safe inside <script>, and filling the index.html template.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** JSON that cannot close its <script> element or break a JS string literal. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Fills `<!--name-->` placeholders. A placeholder written as a pair, `<!--name-->fallback<!--/name-->`,
 * has its fallback replaced too: the template stays a presentable page when opened as a file.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  let out = template;
  for (const [name, value] of Object.entries(values)) {
    const open = `<!--${name}-->`;
    const close = `<!--/${name}-->`;
    const start = out.indexOf(open);
    if (start < 0) continue;
    const end = out.indexOf(close, start);
    const stop = end < 0 ? start + open.length : end + close.length;
    out = out.slice(0, start) + value + out.slice(stop);
  }
  return out;
}

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function formatPrice(value: number, currency = 'EUR'): string {
  if (currency === 'EUR') return money.format(value);
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(value);
}
