import { describe, expect, test, vi } from 'vitest';
import { CONSENT_KEY, PAUSED_KEY } from '../shared/storage-keys';
import type { ConsentMode } from './config';
import { createConsent, readChoice, resolveConsent, saveChoice, type ConsentDeps } from './consent';
import { blockedStorage, memoryStorage } from './test-storage';

function consentWith(mode: ConsentMode, opts: { gpc?: boolean; saved?: string; storage?: Storage } = {}) {
  const storage = opts.storage ?? memoryStorage(opts.saved ? { [CONSENT_KEY]: opts.saved } : {});
  const calls: string[] = [];
  const deps = {
    mode,
    gpc: opts.gpc ?? false,
    storage,
    forget: vi.fn(async () => void calls.push('forget')),
    unpersonalize: vi.fn(async () => void calls.push('unpersonalize')),
    warn: vi.fn(),
  } satisfies ConsentDeps;
  return { consent: createConsent(deps), deps, storage, calls };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('resolveConsent', () => {
  test.each([
    ['opt-out', false, null, 'granted'],
    ['opt-in', false, null, 'pending'],
    ['opt-in', false, 'granted', 'granted'],
    ['opt-out', false, 'denied', 'denied'],
    ['opt-out', true, null, 'denied'],
    ['opt-in', true, 'granted', 'denied'],
  ] as const)('%s, GPC %s, choice %s -> %s', (mode, gpc, choice, expected) => {
    expect(resolveConsent(mode, gpc, choice)).toBe(expected);
  });
});

describe('the remembered choice', () => {
  test('is read back, and anything else is no choice', () => {
    const storage = memoryStorage();
    expect(readChoice(storage)).toBeNull();
    saveChoice(storage, 'denied');
    expect(storage.getItem(CONSENT_KEY)).toBe('denied');
    expect(readChoice(storage)).toBe('denied');
    storage.setItem(CONSENT_KEY, 'yes please');
    expect(readChoice(storage)).toBeNull();
    expect(readChoice(null)).toBeNull();
  });

  test('blocked storage is no choice, and saving to it does not throw', () => {
    expect(readChoice(blockedStorage())).toBeNull();
    expect(() => saveChoice(blockedStorage(), 'granted')).not.toThrow();
  });
});

describe('createConsent', () => {
  test('starts from the mode, the remembered choice and GPC', () => {
    expect(consentWith('opt-out').consent.state()).toBe('granted');
    expect(consentWith('opt-in').consent.state()).toBe('pending');
    expect(consentWith('opt-in', { saved: 'granted' }).consent.granted()).toBe(true);
    expect(consentWith('opt-out', { saved: 'denied' }).consent.state()).toBe('denied');
    expect(consentWith('opt-out', { gpc: true, saved: 'granted' }).consent.state()).toBe('denied');
    expect(consentWith('opt-in', { storage: blockedStorage() }).consent.state()).toBe('pending');
  });

  test('a grant is applied and remembered', () => {
    const { consent, storage, deps } = consentWith('opt-in');
    consent.choose('granted');
    expect(consent.state()).toBe('granted');
    expect(storage.getItem(CONSENT_KEY)).toBe('granted');
    expect(deps.forget).not.toHaveBeenCalled();
  });

  test('a denial holds at once, is remembered, forgets everything and then un-personalizes the shelves', async () => {
    const { consent, storage, calls } = consentWith('opt-out');
    consent.choose('denied');
    expect(consent.state()).toBe('denied');
    expect(consent.granted()).toBe(false);
    expect(storage.getItem(CONSENT_KEY)).toBe('denied');
    await settle();
    expect(calls).toEqual(['forget', 'unpersonalize']);
  });

  test('a later grant lifts a denial, except under GPC (the grant is still remembered)', () => {
    const plain = consentWith('opt-out', { saved: 'denied' });
    plain.consent.choose('granted');
    expect(plain.consent.state()).toBe('granted');

    const gpc = consentWith('opt-out', { gpc: true });
    gpc.consent.choose('granted');
    expect(gpc.consent.state()).toBe('denied');
    expect(gpc.storage.getItem(CONSENT_KEY)).toBe('granted');
  });

  test('a failed forget is reported, and the shelves are left as they are', async () => {
    const { consent, deps } = consentWith('opt-out');
    const failure = new Error('blocked');
    deps.forget.mockImplementationOnce(() => Promise.reject(failure));
    consent.choose('denied');
    await settle();
    expect(deps.warn).toHaveBeenCalledWith(failure);
    expect(deps.unpersonalize).not.toHaveBeenCalled();
  });

  test('start() forgets what an earlier denial left, and nothing otherwise', async () => {
    const denied = consentWith('opt-out', { saved: 'denied' });
    denied.consent.start();
    await settle();
    expect(denied.calls).toEqual(['forget']);

    const granted = consentWith('opt-out');
    granted.consent.start();
    const pending = consentWith('opt-in');
    pending.consent.start();
    expect(granted.deps.forget).not.toHaveBeenCalled();
    expect(pending.deps.forget).not.toHaveBeenCalled();
  });
});

describe('Consent Mode signals', () => {
  test('a granted signal lifts only a pending state, and is remembered', () => {
    const pending = consentWith('opt-in');
    pending.consent.signal({ command: 'default', state: 'granted' });
    expect(pending.consent.state()).toBe('granted');
    expect(pending.storage.getItem(CONSENT_KEY)).toBe('granted');

    const denied = consentWith('opt-in', { saved: 'denied' });
    denied.consent.signal({ command: 'update', state: 'granted' });
    expect(denied.consent.state()).toBe('denied');
  });

  test('a denied signal denies and forgets', async () => {
    const { consent, calls } = consentWith('opt-out');
    consent.signal({ command: 'default', state: 'denied' });
    expect(consent.state()).toBe('denied');
    await settle();
    expect(calls).toEqual(['forget', 'unpersonalize']);
  });

  test("an 'update' outranks a 'default' that comes after it", () => {
    const { consent, deps } = consentWith('opt-in');
    consent.signal({ command: 'update', state: 'granted' });
    consent.signal({ command: 'default', state: 'denied' });
    expect(consent.state()).toBe('granted');
    expect(deps.forget).not.toHaveBeenCalled();
  });

  test("a 'default' before any 'update' counts, and a later 'update' still does", () => {
    const { consent } = consentWith('opt-in');
    consent.signal({ command: 'default', state: 'denied' });
    expect(consent.state()).toBe('denied');
    consent.signal({ command: 'update', state: 'denied' });
    expect(consent.state()).toBe('denied');

    const regranted = consentWith('opt-in');
    regranted.consent.signal({ command: 'update', state: 'granted' });
    regranted.consent.signal({ command: 'update', state: 'denied' });
    expect(regranted.consent.state()).toBe('denied');
  });
});

describe('where the state came from, and pausing', () => {
  test('the source is the site’s mode, GPC, Consent Mode or the shopper’s choice (remembered or made here)', () => {
    expect(consentWith('opt-out').consent.source()).toBe('site');
    expect(consentWith('opt-in', { saved: 'granted' }).consent.source()).toBe('choice');
    expect(consentWith('opt-out', { gpc: true, saved: 'granted' }).consent.source()).toBe('gpc');
    const cm = consentWith('opt-in');
    cm.consent.signal({ command: 'update', state: 'granted' });
    expect(cm.consent.source()).toBe('consent-mode');
    void cm.consent.choose('denied');
    expect(cm.consent.source()).toBe('choice');
    const gpc = consentWith('opt-out', { gpc: true });
    void gpc.consent.choose('granted');
    expect(gpc.consent.source()).toBe('gpc');
  });

  test('a pause keeps consent, stops granted(), is remembered, and puts the shelves back in the server order', async () => {
    const { consent, storage, calls } = consentWith('opt-out');
    consent.pause(true);
    expect(consent.state()).toBe('granted');
    expect(consent.granted()).toBe(false);
    expect(consent.paused()).toBe(true);
    expect(storage.getItem(PAUSED_KEY)).toBe('1');
    await settle();
    expect(calls).toEqual(['unpersonalize']); // nothing is forgotten
    expect(consentWith('opt-out', { storage }).consent.granted()).toBe(false); // the next page
    consent.pause(false);
    expect(consent.granted()).toBe(true);
    expect(storage.getItem(PAUSED_KEY)).toBeNull();
  });

  test('a denial’s promise resolves once everything is forgotten', async () => {
    const { consent, calls } = consentWith('opt-out');
    await consent.choose('denied');
    expect(calls).toEqual(['forget', 'unpersonalize']);
  });

  test('blocked storage still pauses this page', () => {
    const { consent } = consentWith('opt-out', { storage: blockedStorage() });
    consent.pause(true);
    expect(consent.granted()).toBe(false);
  });
});
