import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPLEMENT_SUBCATEGORIES } from '../server/catalog-data';
import { categoryPath, getCatalog } from '../server/catalog';
import { generateDemoDataset, toCsv, writeDemoDataset, type DemoEvent } from './demo-data';

const TYPES = new Set(['view_item', 'add_to_cart', 'add_to_wishlist', 'purchase']);

function byUser(events: DemoEvent[]): Map<string, DemoEvent[]> {
  const out = new Map<string, DemoEvent[]>();
  for (const e of events) {
    if (!out.has(e.user_id)) out.set(e.user_id, []);
    out.get(e.user_id)!.push(e);
  }
  return out;
}

describe('demo dataset', () => {
  const data = generateDemoDataset({ shoppers: 3000, seed: 1 });
  const catalog = getCatalog();
  const topOf = new Map(catalog.items.map((i) => [i.item_id, i.item_category]));

  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateDemoDataset({ shoppers: 200, seed: 5 });
    expect(generateDemoDataset({ shoppers: 200, seed: 5 })).toEqual(a);
    expect(generateDemoDataset({ shoppers: 200, seed: 6 }).events).not.toEqual(a.events);
  });

  it('is quick for 3000 shoppers', () => {
    const started = performance.now();
    generateDemoDataset({ shoppers: 3000, seed: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('gives every shopper 20-40 valid events in time order over about 8 weeks', () => {
    const users = byUser(data.events);
    expect(users.size).toBe(3000);
    // Plain loops collect offenders: ~90k expect() calls would be slow.
    const bad: string[] = [];
    for (const [user, events] of users) {
      if (events.length < 20 || events.length > 40) bad.push(`${user}: ${events.length} events`);
      for (let i = 1; i < events.length; i++) {
        if (events[i]!.timestamp <= events[i - 1]!.timestamp) bad.push(`${user}: out of order at ${i}`);
      }
    }
    for (const e of data.events) {
      if (!TYPES.has(e.event_type) || !topOf.has(e.item_id) || !Number.isInteger(e.timestamp)) bad.push(JSON.stringify(e));
    }
    expect(bad).toEqual([]);
    const times = data.events.map((e) => e.timestamp).sort((a, b) => a - b);
    const spanDays = (times.at(-1)! - times[0]!) / 86_400_000;
    expect(spanDays).toBeGreaterThan(45);
    expect(spanDays).toBeLessThan(70);
    const count = (t: string) => data.events.filter((e) => e.event_type === t).length;
    expect(count('view_item')).toBeGreaterThan(count('add_to_cart'));
    expect(count('add_to_cart')).toBeGreaterThan(count('purchase'));
    expect(count('purchase')).toBeGreaterThan(0);
    expect(count('add_to_wishlist')).toBeGreaterThan(0);
  });

  it('lets favourite categories dominate each shopper, the first one most', () => {
    const users = byUser(data.events);
    let primaryLeads = 0;
    let shareSum = 0;
    for (const profile of data.shoppers) {
      const events = users.get(profile.user_id)!;
      const share = events.filter((e) => profile.favourites.includes(topOf.get(e.item_id)!)).length / events.length;
      // Complements bought with a favourite may lie outside the favourites; they stay a minority.
      if (share < 0.35) expect.fail(`${profile.user_id}: only ${share} of events in favourites`);
      shareSum += share;
      const counts = new Map<string, number>();
      for (const e of events) counts.set(topOf.get(e.item_id)!, (counts.get(topOf.get(e.item_id)!) ?? 0) + 1);
      const leader = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      if (leader === profile.favourites[0]) primaryLeads++;
    }
    expect(shareSum / data.shoppers.length).toBeGreaterThan(0.8);
    expect(primaryLeads / data.shoppers.length).toBeGreaterThan(0.9);
    const paired = data.shoppers.filter((s) => s.favourites.length === 2);
    expect(paired.length / data.shoppers.length).toBeGreaterThan(0.6);
  });

  it('follows an add to cart with a complement, picked by the shopper\'s price band and brand', () => {
    const users = byUser(data.events);
    const item = new Map(catalog.items.map((i) => [i.item_id, i]));
    const profiles = new Map(data.shoppers.map((p) => [p.user_id, p]));
    // Price position within the subcategory, 0 cheapest .. 1 dearest.
    const position = new Map<string, number>();
    for (const sub of new Set(catalog.items.map(categoryPath))) {
      const members = catalog.items.filter((i) => categoryPath(i) === sub).sort((a, b) => a.price - b.price);
      members.forEach((m, r) => position.set(m.item_id, r / (members.length - 1)));
    }
    let carts = 0;
    let followed = 0;
    let brandMatches = 0;
    const bandPositions: Record<string, number[]> = { low: [], mid: [], high: [] };
    for (const [user, events] of users) {
      const profile = profiles.get(user)!;
      events.forEach((e, i) => {
        const next = events.slice(i + 1).find((n) => n.event_type === 'view_item');
        if (e.event_type !== 'add_to_cart' || !next) return;
        carts++;
        const nextItem = item.get(next.item_id)!;
        if (!COMPLEMENT_SUBCATEGORIES[item.get(e.item_id)!.item_category2]!.includes(nextItem.item_category2)) return;
        followed++;
        if (nextItem.item_brand === profile.brand) brandMatches++;
        bandPositions[profile.priceBand]!.push(position.get(next.item_id)!);
      });
    }
    // Half the carts lead to a complement view; browsing alone rarely lands there next.
    expect(followed / carts).toBeGreaterThan(0.4);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(bandPositions.high!) - mean(bandPositions.low!)).toBeGreaterThan(0.25);
    expect(mean(bandPositions.mid!)).toBeGreaterThan(mean(bandPositions.low!));
    expect(brandMatches).toBeGreaterThan(0.1 * followed);
  });

  it('writes events.csv and items.csv in the shared datasets format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shelfwise-demo-'));
    try {
      const summary = await writeDemoDataset(path.join(dir, 'demo'), { shoppers: 50, seed: 3 });
      expect(summary).toMatchObject({ events: expect.any(Number), items: 240, shoppers: 50 });
      const events = readFileSync(path.join(dir, 'demo', 'events.csv'), 'utf8').trimEnd().split('\n');
      expect(events[0]).toBe('user_id,item_id,timestamp,event_type');
      expect(events).toHaveLength(summary.events + 1);
      for (const line of events.slice(1)) expect(line).toMatch(/^u\d{5},SKU-\d{4},\d{13},(view_item|add_to_cart|add_to_wishlist|purchase)$/);
      const items = readFileSync(path.join(dir, 'demo', 'items.csv'), 'utf8').trimEnd().split('\n');
      expect(items[0]).toBe('item_id,category,brand');
      expect(items).toHaveLength(241);
      const first = catalog.items[0]!;
      expect(items[1]).toBe(`${first.item_id},${categoryPath(first)},${first.item_brand}`);
      for (const line of items.slice(1)) expect(line).toMatch(/^SKU-\d{4},[A-Z][\w -]*>[A-Z][\w -]*,[A-Z][\w &]*$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes CSV fields that need it', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"' }], ['a', 'b'])).toBe('a,b\n"x,y","say ""hi"""\n');
  });
});
