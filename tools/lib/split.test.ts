import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDataset } from './dataset';
import { leaveLastOut } from './split';
import { splitCsvLine } from './csv';

function dataset(events: string, items = 'item_id,category,brand\na,c1>x,b1\nb,c1,\nc,c2,b2\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-ds-'));
  writeFileSync(join(dir, 'events.csv'), events);
  writeFileSync(join(dir, 'items.csv'), items);
  return dir;
}

describe('leave-last-out split', () => {
  test('last event is the test target, second-to-last validation, the rest training', async () => {
    const ds = await loadDataset(dataset('user_id,item_id,timestamp,event_type\nu,a,1,view_item\nu,b,2,view_item\nu,c,3,purchase\nu,a,4,view_item\n'));
    const { train, valid, test: tests } = leaveLastOut(ds.users);
    const id = (i: number) => ds.items[i].item_id;
    expect(Array.from(train[0].items, id)).toEqual(['a', 'b']);
    expect(id(valid[0].target)).toBe('c');
    expect(Array.from(valid[0].history.items, id)).toEqual(['a', 'b']);
    expect(id(tests[0].target)).toBe('a');
    expect(Array.from(tests[0].history.items, id)).toEqual(['a', 'b', 'c']);
  });
  test('the test target never reaches training or the validation history', async () => {
    const ds = await loadDataset(dataset('user_id,item_id,timestamp,event_type\nu,a,1,view_item\nu,b,2,view_item\nu,c,3,view_item\n'));
    const s = leaveLastOut(ds.users);
    const c = ds.itemIndex.get('c')!;
    expect(Array.from(s.train[0].items)).not.toContain(c);
    expect(Array.from(s.valid[0].history.items)).not.toContain(c);
  });
  test('users with fewer than 3 events are skipped and counted', async () => {
    const ds = await loadDataset(dataset('user_id,item_id,timestamp,event_type\nu,a,1,view_item\nu,b,2,view_item\nv,a,1,view_item\nv,b,2,view_item\nv,c,3,view_item\n'));
    const s = leaveLastOut(ds.users);
    expect(s.skippedUsers).toBe(1);
    expect(s.test.map((c) => c.userId)).toEqual(['v']);
  });
});

describe('dataset loading', () => {
  test('orders each user by timestamp (stable for ties), adds unknown items, skips unknown event types', async () => {
    const ds = await loadDataset(dataset('user_id,item_id,timestamp,event_type\nu,b,5,view_item\nu,a,1,view_item\nu,z,5,add_to_cart\nu,c,9,page_view\n'));
    expect(Array.from(ds.users[0].items, (i) => ds.items[i].item_id)).toEqual(['a', 'b', 'z']);
    expect(ds.items.find((i) => i.item_id === 'z')).toEqual({ item_id: 'z', category: '', brand: '' });
    expect(ds.skipped).toBe(1);
  });
  test('a missing file or column, or a bad timestamp, fails with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shelfwise-ds-'));
    await expect(loadDataset(dir)).rejects.toThrow(/no events.csv/);
    await expect(loadDataset(dataset('user,item\n1,a\n'))).rejects.toThrow(/missing column\(s\) user_id, item_id, timestamp, event_type/);
    await expect(loadDataset(dataset('user_id,item_id,timestamp,event_type\nu,a,soon,view_item\n'))).rejects.toThrow(/events.csv:2: timestamp "soon"/);
  });
  test('CSV quoting', () => {
    expect(splitCsvLine('a,"b,c","d ""q"""')).toEqual(['a', 'b,c', 'd "q"']);
  });
});
