import { describe, expect, it } from 'vitest';
import { consentFromDataLayer } from './consent';

function gtag(..._a: unknown[]): IArguments {
  return arguments;
}

describe('consentFromDataLayer', () => {
  it('reads personalization_storage from default and update commands', () => {
    expect(consentFromDataLayer(gtag('consent', 'default', { personalization_storage: 'denied' }))).toEqual({
      state: 'denied',
      command: 'default',
    });
    expect(
      consentFromDataLayer(gtag('consent', 'update', { personalization_storage: 'granted', ad_storage: 'denied' })),
    ).toEqual({ state: 'granted', command: 'update' });
    expect(consentFromDataLayer(['consent', 'update', { personalization_storage: 'denied' }])).toEqual({
      state: 'denied',
      command: 'update',
    });
  });

  it('ignores the keys that govern ads and analytics', () => {
    for (const params of [
      { analytics_storage: 'denied' },
      { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' },
      { functionality_storage: 'granted', security_storage: 'granted' },
      { wait_for_update: 500 },
    ]) {
      expect(consentFromDataLayer(gtag('consent', 'default', params))).toBeNull();
    }
  });

  it('honours a region-scoped denial but not a region-scoped grant', () => {
    const deny = gtag('consent', 'default', { personalization_storage: 'denied', region: ['ES', 'US-CA'] });
    expect(consentFromDataLayer(deny)).toEqual({ state: 'denied', command: 'default' });
    const grant = gtag('consent', 'default', { personalization_storage: 'granted', region: ['US'] });
    expect(consentFromDataLayer(grant)).toBeNull();
    const unscoped = gtag('consent', 'default', { personalization_storage: 'granted', region: [] });
    expect(consentFromDataLayer(unscoped)).toEqual({ state: 'granted', command: 'default' });
  });

  it('returns null for anything else, without throwing', () => {
    const hostile = new Proxy({}, {
      get() {
        throw new Error('boom');
      },
    });
    for (const entry of [
      gtag('consent', 'default', { personalization_storage: 'yes' }),
      gtag('consent', 'default', { personalization_storage: true }),
      gtag('consent', 'revoke', { personalization_storage: 'denied' }),
      gtag('consent', 'default'),
      gtag('consent', 'default', hostile),
      gtag('event', 'view_item', { personalization_storage: 'denied' }),
      { event: 'consent', personalization_storage: 'denied' },
      null,
      'consent',
      7,
    ]) {
      expect(consentFromDataLayer(entry)).toBeNull();
    }
  });
});
