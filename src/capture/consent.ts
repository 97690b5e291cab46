import { argsList } from './args';

/** What a Consent Mode command says about personalization. `command` lets the loader apply
 *  gtag's rule that an 'update' outranks a 'default' that arrives after it. */
export interface ConsentSignal {
  state: 'granted' | 'denied';
  command: 'default' | 'update';
}

/** `gtag('consent', 'default' | 'update', { … })` -> a signal, or null when it says nothing about us.
 *
 *  Only `personalization_storage` counts: its documented purpose ("storage related to personalization,
 *  such as video recommendations") is exactly what Shelfwise does. The other keys are ignored on purpose:
 *  ad_storage / ad_personalization / ad_user_data govern advertising, and analytics_storage governs
 *  measurement sent to Google; Shelfwise's clickstream never leaves the device and feeds only on-site
 *  recommendations.
 *
 *  A default scoped with `region: [...]` applies only in regions we cannot see. We honour a scoped
 *  'denied' anyway (privacy errs towards denial) and ignore a scoped 'granted'. */
export function consentFromDataLayer(entry: unknown): ConsentSignal | null {
  try {
    const args = argsList(entry);
    if (!args || args[0] !== 'consent') return null;
    const command = args[1];
    const params = args[2];
    if ((command !== 'default' && command !== 'update') || typeof params !== 'object' || params === null) return null;
    const { personalization_storage: value, region } = params as Record<string, unknown>;
    if (value !== 'granted' && value !== 'denied') return null;
    const scoped = command === 'default' && (Array.isArray(region) ? region.length > 0 : !!region);
    if (scoped && value === 'granted') return null;
    return { state: value, command };
  } catch {
    return null;
  }
}
