import { afterEach, describe, expect, test, vi } from 'vitest';
import { readConfig } from './config';
import { createRecorder } from './recorder';
import { cleanCandidates } from './candidates';
import type { StoredEvent } from '../shared/types';

describe('readConfig', () => {
  const page = 'https://shop.example/p/1';
  test('resolves URLs against the page and the script, with defaults', () => {
    const cfg = readConfig({ site: 'demo', candidates: '/api/candidates' }, 'https://cdn.example/sw/shelfwise.js', page);
    expect(cfg.candidates).toBe('https://shop.example/api/candidates');
    expect(cfg.base).toBe('https://cdn.example/sw/');
    expect(cfg.modelUrl).toBe('https://cdn.example/sw/model/model.json');
    expect(cfg.consentMode).toBe('opt-out');
    expect(cfg.backends).toEqual(['webgpu', 'webgl', 'cpu']);
    // WebGPU and WebGL by default, but not emulated in software: only a site naming its backends asks for that.
    expect(cfg.softwareGpu).toBe(false);
    expect(cfg.sync).toBeNull();
  });
  test('reads overrides and ignores bad values', () => {
    const cfg = readConfig({ consent: 'opt-in', backends: 'cpu, bogus', rankBudget: '-5', candidateLimit: '20' }, '', page);
    expect(cfg.consentMode).toBe('opt-in');
    expect(cfg.backends).toEqual(['cpu']);
    expect(cfg.softwareGpu).toBe(true);
    expect(readConfig({ backends: 'webgpu,cpu' }, '', page).softwareGpu).toBe(true);
    expect(readConfig({ backends: 'bogus' }, '', page).softwareGpu).toBe(false);
    expect(cfg.rankBudgetMs).toBe(1500);
    expect(cfg.candidateLimit).toBe(20);
  });
});

describe('cleanCandidates', () => {
  test('keeps items with an id, stringifies numeric ids, rejects a bad payload', () => {
    const out = cleanCandidates({ items: [{ item_id: 7, item_name: 'x' }, { item_name: 'no id' }, null, 'junk'] });
    expect(out.map((c) => c.item_id)).toEqual(['7']);
    expect(() => cleanCandidates({ nope: [] })).toThrow(/items/);
  });
});

describe('createRecorder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const ev = (id: string): StoredEvent => ({ type: 'view_item', item_id: id, category: '', brand: '', ts: 1, source: 'datalayer' });
  test('batches a burst into one write, and drop() forgets the buffer', async () => {
    vi.useFakeTimers();
    const writes: StoredEvent[][] = [];
    const r = createRecorder(async (e) => void writes.push(e), 50);
    r.record([ev('a')]);
    r.record([ev('b')]);
    await vi.advanceTimersByTimeAsync(60);
    expect(writes.map((w) => w.map((e) => e.item_id))).toEqual([['a', 'b']]);
    r.record([ev('c')]);
    r.drop();
    await vi.advanceTimersByTimeAsync(60);
    expect(writes).toHaveLength(1);
  });
  test('a failing write does not break later ones', async () => {
    const writes: string[] = [];
    const r = createRecorder(async (e) => {
      if (e[0].item_id === 'bad') throw new Error('disk full');
      writes.push(e[0].item_id);
    }, 0);
    r.record([ev('bad')]);
    await r.flush();
    r.record([ev('good')]);
    await r.flush();
    expect(writes).toEqual(['good']);
  });
});
