import { describe, expect, it } from 'vitest';
import { eventsFromTrackCommand } from './command';

const clock = () => 5;
function args(..._a: unknown[]): IArguments {
  return arguments;
}

describe('eventsFromTrackCommand', () => {
  it("converts ['track', name, { items }] with source 'command'", () => {
    const out = eventsFromTrackCommand(
      ['track', 'add_to_wishlist', { items: [{ item_id: 7, item_name: 'Lamp', item_category: 'Home', price: '12.5' }] }],
      clock,
    );
    expect(out).toStrictEqual([
      { type: 'add_to_wishlist', item_id: '7', category: 'Home', brand: '', name: 'Lamp', price: 12.5, ts: 5, source: 'command' },
    ]);
  });

  it('accepts an arguments object', () => {
    expect(eventsFromTrackCommand(args('track', 'select_item', { items: [{ item_id: 'a' }] }), clock)).toHaveLength(1);
  });

  it('ignores other commands, unknown or widget-only names, and junk', () => {
    for (const cmd of [
      ['init', { apiKey: 'x' }],
      ['event', 'view_item', { items: [{ item_id: 'a' }] }],
      ['track', 'shelfwise_click', { items: [{ item_id: 'a' }] }],
      ['track', 'view_item', { items: 'a' }],
      ['track', 'view_item'],
      ['track'],
      { 0: 'track', 1: 'view_item', 2: { items: [{ item_id: 'a' }] }, length: 3 },
      'track',
      null,
      undefined,
    ]) {
      expect(eventsFromTrackCommand(cmd, clock)).toEqual([]);
    }
  });
});
