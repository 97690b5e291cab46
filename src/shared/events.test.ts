import { describe, expect, test } from 'vitest';
import { DISMISS_EVENT, EVENT_TYPE_ROWS, INTEREST_EVENTS, INTEREST_ROWS, interestRow, isEventName, isGa4EventName, isInterest } from './events';

describe('event names', () => {
  test("a page's tags may report GA4 events only, never the widget's own", () => {
    expect(isGa4EventName('add_to_cart')).toBe(true);
    expect(isGa4EventName('shelfwise_click')).toBe(false);
    expect(isGa4EventName('shelfwise_impression')).toBe(false);
    expect(isGa4EventName(DISMISS_EVENT)).toBe(false);
    expect(isEventName('shelfwise_click')).toBe(true);
    expect(isEventName(DISMISS_EVENT)).toBe(true);
  });

  test('names are matched exactly, not through the prototype', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'VIEW_ITEM', '', null, 1]) {
      expect(isEventName(name)).toBe(false);
      expect(isInterest(name)).toBe(false);
    }
    expect(interestRow('constructor')).toBe(0);
  });

  test('interest events keep their embedding rows (pinned: trained models depend on them)', () => {
    expect(INTEREST_ROWS).toEqual({
      view_item: 1,
      select_item: 2,
      shelfwise_click: 2,
      add_to_wishlist: 3,
      add_to_cart: 4,
      begin_checkout: 4,
      purchase: 5,
    });
    expect(EVENT_TYPE_ROWS).toBe(6);
  });

  test('every interest event is a known event with a row of the table; all others read as padding', () => {
    for (const name of INTEREST_EVENTS) {
      expect(isEventName(name)).toBe(true);
      expect(interestRow(name)).toBeGreaterThan(0);
      expect(interestRow(name)).toBeLessThan(EVENT_TYPE_ROWS);
    }
    // A dismissal is known but is no interest row: the encoder never reads it.
    for (const name of ['view_item_list', 'remove_from_cart', 'shelfwise_impression', DISMISS_EVENT, 'page_view']) {
      expect(isInterest(name)).toBe(false);
      expect(interestRow(name)).toBe(0);
    }
  });
});
