// A page's first shelf is rendered by code V8 has not run yet on that page (Preact's diff, the
// shelf's components, the first number format), at interpreter speed: 20-35 ms of the time from
// a shelf's candidates to the shelf on screen, where the same render after one small render
// before it takes about half. So once the UI chunk is in, in the page's idle time (the candidates
// still on their way), a small shelf is rendered into a detached element and thrown away: nothing
// is shown, no image is fetched (the items have none), no impression can be reported (nothing is
// on screen).
import { h, render, type ComponentType } from 'preact';
import type { Candidate } from '../shared/types';

const ITEMS: Candidate[] = [0, 1, 2].map((i) => ({ item_id: `warm-up-${i}`, item_name: 'Product', item_brand: 'Brand', price: 10, currency: 'USD', url: '/' }));

/** Renders `shelf` once, with three items, into an element that is never attached, and unmounts it. */
export function warmUp(shelf: ComponentType<{ slot: string; items: Candidate[] }>): void {
  const box = document.createElement('div');
  render(h(shelf, { slot: 'warm-up', items: ITEMS }), box);
  render(null, box);
}
