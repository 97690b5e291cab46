import { describe, expect, test, vi } from 'vitest';
import { CONSENT_KEY, PAUSED_KEY } from '../shared/storage-keys';
import { createConsent } from '../loader/consent';
import { memoryStorage } from '../loader/test-storage';
import { controlsOf, visible } from './host';

function setup(opts: { gpc?: boolean } = {}) {
  const storage = memoryStorage();
  const calls: string[] = [];
  const consent = createConsent({
    mode: 'opt-out',
    gpc: opts.gpc ?? false,
    storage,
    forget: async () => void calls.push('forget'),
    unpersonalize: async () => void calls.push('unpersonalize'),
    warn: vi.fn(),
  });
  const dismissed = vi.fn(async () => [{ item_id: 'gone', category: '', brand: '', ts: 1 }]);
  const store = vi.fn(async () => ({ add: async () => {}, dump: async () => ({ events: [], dismissed: [], state: {} }), dismissed }));
  const host = { consent, store, lang: 'zh', labels: [] };
  return { controls: controlsOf(host), host, consent, storage, calls, store, dismissed };
}

describe('the shopper’s controls, from what the loader hands over', () => {
  test('report the consent state, where it came from and the pause', () => {
    const { controls, consent } = setup();
    expect(controls.consent()).toEqual({ state: 'granted', source: 'site', paused: false });
    controls.pause(true);
    expect(controls.consent()).toEqual({ state: 'granted', source: 'site', paused: true });
    expect(consent.granted()).toBe(false);
    expect(setup({ gpc: true }).controls.consent()).toEqual({ state: 'denied', source: 'gpc', paused: false });
    expect(controls.lang).toBe('zh');
    expect(controls.labels).toEqual([]);
  });

  test('open the store only while consent is granted (paused included): otherwise it would create the database', async () => {
    const { controls, store } = setup();
    controls.pause(true);
    await controls.store();
    expect(store).toHaveBeenCalledTimes(1);
    const denied = setup({ gpc: true });
    await expect(denied.controls.store()).rejects.toThrow(/off/);
    expect(denied.store).not.toHaveBeenCalled();
  });

  test('"Delete everything" is a denial: everything forgotten, only the choice left in localStorage; resuming grants again', async () => {
    const { controls, storage, calls, consent } = setup();
    controls.pause(true);
    await controls.erase();
    expect(calls).toEqual(['unpersonalize', 'forget', 'unpersonalize']);
    expect(storage.getItem(CONSENT_KEY)).toBe('denied');
    expect(storage.getItem(PAUSED_KEY)).toBeNull();
    expect(controls.consent()).toEqual({ state: 'denied', source: 'choice', paused: false });
    controls.pause(false);
    expect(consent.state()).toBe('granted');
    expect(storage.getItem(CONSENT_KEY)).toBe('granted');
  });

  test('resuming does not lift a denial by GPC or by the site’s banner', () => {
    const gpc = setup({ gpc: true });
    gpc.controls.pause(false);
    expect(gpc.consent.state()).toBe('denied');
    const banner = setup();
    banner.consent.signal({ command: 'update', state: 'denied' });
    banner.controls.pause(false);
    expect(banner.consent.state()).toBe('denied');
  });
});

describe('visible', () => {
  const list = [{ item_id: 'kept' }, { item_id: 'gone' }];
  test('leaves out what the shopper dismissed, paused or not', async () => {
    const { host, controls } = setup();
    expect(await visible(host, list)).toEqual([{ item_id: 'kept' }]);
    controls.pause(true);
    expect(await visible(host, list)).toEqual([{ item_id: 'kept' }]);
  });

  test('without consent asks no store; a store that fails hides nothing and is reported', async () => {
    const denied = setup({ gpc: true });
    expect(await visible(denied.host, list)).toEqual(list);
    expect(denied.store).not.toHaveBeenCalled();
    const broken = setup();
    broken.dismissed.mockRejectedValueOnce(new Error('blocked'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await visible(broken.host, list)).toEqual(list);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
