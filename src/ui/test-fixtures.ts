// Shared by the browser tests only: real hosts in the real document, and sample products.
import type { Candidate } from '../shared/types';

const hosts: HTMLElement[] = [];
const styles: HTMLStyleElement[] = [];

/** A merchant slot element, appended to <body>; removed by cleanup(). */
export function makeHost(style = ''): HTMLElement {
  const host = document.createElement('div');
  host.dataset.shelfwiseSlot = 'for-you';
  host.dataset.shelfwiseCount = '8';
  host.setAttribute('style', style);
  document.body.appendChild(host);
  hosts.push(host);
  return host;
}

/** Page CSS, as a merchant's stylesheet would add it; removed by cleanup(). */
export function pageCss(css: string): HTMLStyleElement {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);
  styles.push(style);
  return style;
}

export function cleanup(): void {
  for (const el of [...hosts.splice(0), ...styles.splice(0)]) el.remove();
  document.documentElement.scrollTop = 0;
}

const PRODUCTS: [string, string, number, string][] = [
  ['Trail Runner 2 Waterproof Running Shoe', 'Northpeak', 129.99, '#f97316'],
  ['Merino Crew Sock, 3-Pack', 'Woolly', 24, '#0ea5e9'],
  ['Ultralight Packable Down Jacket', 'Northpeak', 189.5, '#8b5cf6'],
  ['Insulated Steel Bottle 750 ml', 'Hydra', 34.95, '#10b981'],
  ['Everyday Canvas Backpack', 'Carryall', 79, '#eab308'],
  ['Polarized Sport Sunglasses', 'Glint', 59.9, '#ef4444'],
  ['Quick-Dry Hiking Shorts', 'Northpeak', 45, '#14b8a6'],
  ['Trekking Poles (Pair)', 'Ridge', 99, '#6366f1'],
];

/** A soft product-like picture, inline so tests need no network. */
function picture(color: string, i: number): string {
  const shapes = [
    `<rect x="50" y="70" width="100" height="70" rx="26" fill="${color}"/><rect x="40" y="128" width="125" height="14" rx="7" fill="#1f2937" opacity=".8"/>`,
    `<rect x="70" y="40" width="60" height="120" rx="18" fill="${color}"/><rect x="82" y="28" width="36" height="18" rx="6" fill="#1f2937" opacity=".7"/>`,
    `<circle cx="100" cy="100" r="56" fill="${color}"/><circle cx="100" cy="100" r="24" fill="#fff" opacity=".55"/>`,
    `<path d="M55 60h90l12 95H43z" fill="${color}"/><path d="M78 60a22 22 0 0 1 44 0" fill="none" stroke="#1f2937" stroke-width="7"/>`,
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="200" height="200" fill="#f4f4f5"/><ellipse cx="100" cy="168" rx="62" ry="8" fill="#000" opacity=".08"/>${shapes[i % 4]}</svg>`;
  return 'data:image/svg+xml,' + encodeURIComponent(svg);
}

export function items(n = 8, prefix = 'p'): Candidate[] {
  return Array.from({ length: n }, (_, i) => {
    const [name, brand, price, color] = PRODUCTS[i % PRODUCTS.length];
    return {
      item_id: `${prefix}${i + 1}`,
      item_name: name,
      item_brand: brand,
      price,
      currency: 'USD',
      image: picture(color, i),
      url: `#${prefix}${i + 1}`,
    };
  });
}

export const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/**
 * Resolves once IntersectionObservers have reported on the current layout. A fresh observer's
 * first report is computed in the same rendering step as every other observer's, and delivered
 * in the same task; the frame after it lets that task finish. Needs real animation frames only,
 * so it works under fake timers.
 */
export async function intersectionsSeen(): Promise<void> {
  await new Promise<void>((resolve) => {
    const io = new IntersectionObserver(() => {
      io.disconnect();
      resolve();
    });
    io.observe(document.documentElement);
  });
  await frame();
}

/** Queries inside a slot's shadow root. */
export function $$<T extends Element = HTMLElement>(host: HTMLElement, selector: string): T[] {
  return [...host.shadowRoot!.querySelectorAll<T>(selector)];
}
