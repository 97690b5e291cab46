import { describe, expect, it } from 'vitest';
import { hookDataLayer } from './hook';
import { eventsFromDataLayer } from './datalayer';

/** What GTM does on load: wrap the current push, chain to it, and process what is already there. */
function installFakeGtm(dataLayer: unknown[], log: unknown[]): void {
  const previous = dataLayer.push;
  dataLayer.push = function (this: unknown, ...items: unknown[]) {
    const result = previous.apply(this, items);
    log.push(...items);
    return result;
  };
  log.push(...dataLayer);
}

function collect(dataLayer: unknown[], onError?: (e: unknown) => void) {
  const seen: unknown[] = [];
  const unhook = hookDataLayer(dataLayer, (e) => seen.push(e), onError);
  return { seen, unhook };
}

describe('hookDataLayer', () => {
  it('hands over entries pushed before it loaded, then later pushes, in order', () => {
    const a = { event: 'a' };
    const b = { event: 'b' };
    const c = { event: 'c' };
    const dataLayer: unknown[] = [a, b];
    const { seen } = collect(dataLayer);
    expect(seen).toEqual([a, b]);
    expect(dataLayer.push(c)).toBe(3);
    expect(dataLayer).toEqual([a, b, c]);
    expect(seen).toEqual([a, b, c]);
  });

  it('passes several arguments of one push, and keeps push non-enumerable', () => {
    const dataLayer: unknown[] = [];
    const { seen } = collect(dataLayer);
    const x = { x: 1 };
    const y = { y: 1 };
    expect(dataLayer.push(x, y)).toBe(2);
    expect(seen).toEqual([x, y]);
    expect(Object.keys(dataLayer)).toEqual(['0', '1']);
  });

  it('sees what gtag pushes (an arguments object) and the parser reads it', () => {
    const dataLayer: unknown[] = [];
    const events: unknown[] = [];
    hookDataLayer(dataLayer, (e) => events.push(...eventsFromDataLayer(e, () => 1)));
    function gtag(..._a: unknown[]) {
      dataLayer.push(arguments);
    }
    gtag('event', 'add_to_cart', { items: [{ item_id: 'A' }] });
    expect(events).toEqual([{ type: 'add_to_cart', item_id: 'A', category: '', brand: '', ts: 1, source: 'datalayer' }]);
  });

  it('preserves `this` and the return value of the push it chains to', () => {
    const dataLayer: unknown[] = [];
    let receivedThis: unknown;
    Object.defineProperty(dataLayer, 'push', {
      value(this: unknown, ...items: unknown[]) {
        receivedThis = this;
        Array.prototype.push.apply(dataLayer, items);
        return 'from-previous';
      },
      writable: true,
      configurable: true,
    });
    const { seen } = collect(dataLayer);
    const entry = { event: 'x' };
    expect(dataLayer.push(entry)).toBe('from-previous');
    expect(receivedThis).toBe(dataLayer);
    expect(seen).toEqual([entry]);

    const other = { marker: true };
    dataLayer.push.call(other, { event: 'y' });
    expect(receivedThis).toBe(other);
  });

  it('chains to GTM installed before it and survives GTM wrapping it afterwards', () => {
    const before: unknown[] = [];
    const after: unknown[] = [];
    const dataLayer: unknown[] = [{ event: 'gtm.js' }];
    installFakeGtm(dataLayer, before);
    const { seen, unhook } = collect(dataLayer);
    installFakeGtm(dataLayer, after);

    const entry = { event: 'view_item' };
    expect(dataLayer.push(entry)).toBe(2);
    expect(before.at(-1)).toBe(entry);
    expect(after.at(-1)).toBe(entry);
    expect(seen).toEqual([{ event: 'gtm.js' }, entry]);

    unhook();
    const late = { event: 'late' };
    expect(dataLayer.push(late)).toBe(3);
    expect(before.at(-1)).toBe(late);
    expect(after.at(-1)).toBe(late);
    expect(seen).toHaveLength(2);
  });

  it('never hands the same object over twice', () => {
    const a = { event: 'a' };
    const dataLayer: unknown[] = [a];
    const { seen } = collect(dataLayer);
    dataLayer.push(a);
    dataLayer.push(a, a);
    const b = { event: 'b' };
    dataLayer.push(b);
    dataLayer.push(b);
    expect(seen).toEqual([a, b]);
    expect(dataLayer).toHaveLength(6);
  });

  it('skips primitives, which carry no GA4 meaning', () => {
    const dataLayer: unknown[] = ['x', 1, null];
    const { seen } = collect(dataLayer);
    dataLayer.push(undefined, 'y');
    expect(seen).toEqual([]);
    expect(dataLayer).toHaveLength(5);
  });

  it('swallows errors from onEntry and onError, reporting them', () => {
    const errors: unknown[] = [];
    const dataLayer: unknown[] = [{ event: 'early' }];
    const boom = new Error('boom');
    hookDataLayer(
      dataLayer,
      () => {
        throw boom;
      },
      (e) => errors.push(e),
    );
    expect(dataLayer.push({ event: 'late' })).toBe(2);
    expect(errors).toEqual([boom, boom]);

    const silent: unknown[] = [];
    hookDataLayer(
      silent,
      () => {
        throw boom;
      },
      () => {
        throw new Error('reporter broke');
      },
    );
    expect(() => silent.push({ event: 'x' })).not.toThrow();
  });

  it("still sees an entry when an earlier push in the chain throws, and lets that page error through", () => {
    const dataLayer: unknown[] = [];
    Object.defineProperty(dataLayer, 'push', {
      value() {
        throw new Error('page bug');
      },
      writable: true,
      configurable: true,
    });
    const { seen } = collect(dataLayer);
    const entry = { event: 'x' };
    expect(() => dataLayer.push(entry)).toThrow('page bug');
    expect(seen).toEqual([entry]);
  });

  it('unhooking restores the original push when ours is still on top', () => {
    const plain: unknown[] = [];
    const { seen, unhook } = collect(plain);
    expect(Object.hasOwn(plain, 'push')).toBe(true);
    unhook();
    expect(Object.hasOwn(plain, 'push')).toBe(false);
    expect(plain.push).toBe(Array.prototype.push);
    plain.push({ event: 'x' });
    expect(seen).toEqual([]);

    const withOwn: unknown[] = [];
    const gtmPush = function (this: unknown[], ...items: unknown[]) {
      return Array.prototype.push.apply(this, items);
    };
    withOwn.push = gtmPush;
    const second = collect(withOwn);
    expect(withOwn.push).not.toBe(gtmPush);
    second.unhook();
    expect(withOwn.push).toBe(gtmPush);
    second.unhook();
    expect(withOwn.push).toBe(gtmPush);
  });

  it('does nothing (and does not throw) for a dataLayer that is not an array', () => {
    for (const bad of [null, undefined, {}, 'dataLayer', { push: () => 0 }]) {
      const unhook = hookDataLayer(bad as unknown as unknown[], () => {
        throw new Error('should not be called');
      });
      expect(() => unhook()).not.toThrow();
    }
  });

  it('reports, instead of throwing, when push cannot be replaced', () => {
    const frozen = Object.freeze([{ event: 'a' }]) as unknown as unknown[];
    const errors: unknown[] = [];
    const seen: unknown[] = [];
    expect(() => hookDataLayer(frozen, (e) => seen.push(e), (e) => errors.push(e))).not.toThrow();
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
