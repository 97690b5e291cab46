import { describe, expect, test } from 'vitest';
import { format, messagesFor } from './messages';
import { panelMessagesFor } from './panel/messages';
import { reasonTexts } from './reasons';

describe('the message table', () => {
  test('English and Simplified Chinese are built in, by primary language; anything else is English', () => {
    expect(messagesFor('en-GB').why).toBe('Why this?');
    expect(messagesFor('zh-CN').why).toBe('为什么推荐？');
    expect(messagesFor('ZH_hans').notInterested).toBe('不感兴趣');
    expect(messagesFor('de').why).toBe('Why this?');
    expect(messagesFor(undefined).why).toBe('Why this?');
  });

  test('every built-in language has every string (the panel’s part too), with the same fields', () => {
    const en = panelMessagesFor('en');
    const zh = panelMessagesFor('zh');
    expect(Object.keys(en).length).toBeGreaterThan(70);
    const fields = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).toBeTruthy();
      expect(fields(zh[key]), key).toEqual(fields(en[key]));
    }
  });

  test('a merchant overrides any string, for every language or one, and may add a language', () => {
    const cmds = [['labels', { why: 'How come?', yourData: 42 }], ['labels', 'fr', { why: 'Pourquoi ?', close: 'Fermer' }], ['labels', 'zh-TW', { why: '為什麼推薦？' }]];
    expect(messagesFor('en', cmds).why).toBe('How come?');
    expect(messagesFor('en', cmds).yourData).toBe('Your data'); // not a string: the default stays
    // The language's own table first, then the strings for every language on top.
    expect(messagesFor('fr-CA', cmds).close).toBe('Fermer');
    expect(messagesFor('fr-CA', cmds).why).toBe('How come?');
    expect(messagesFor('fr', [cmds[1]]).why).toBe('Pourquoi ?');
    expect(messagesFor('zh-TW', [cmds[2]]).why).toBe('為什麼推薦？');
    expect(messagesFor('zh-TW', [cmds[2]]).close).toBe('关闭'); // the rest from the built-in zh table
    expect(messagesFor('en', [['labels'], ['labels', 'en'], ['labels', null], 'junk' as never]).why).toBe('Why this?');
    // The panel's part of the table takes the same commands.
    expect(panelMessagesFor('fr', cmds)).toMatchObject({ why: 'How come?', close: 'Fermer', deleteAll: 'Delete everything' });
    expect(panelMessagesFor('zh', [['labels', { deleteAll: '清除' }]])).toMatchObject({ deleteAll: '清除', exportData: '导出', why: '为什么推荐？' });
  });

  test('format fills fields and leaves unknown ones', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('reasons in words', () => {
  const en = messagesFor('en');
  const ev = (type: string, name?: string) => ({ type: type as 'view_item', item_id: 'x', category: '', brand: '', ...(name ? { name } : {}) });

  test('the strongest event first, then the pattern, else the next event', () => {
    expect(reasonTexts({ because: [ev('view_item', 'Aurora Tunnel Tent')], longTerm: false, pattern: { kind: 'category', value: 'Outdoor>Tents' } }, en)).toEqual([
      'Because you viewed Aurora Tunnel Tent',
      'You often look at Outdoor > Tents',
    ]);
    expect(reasonTexts({ because: [ev('add_to_cart', 'Stove'), ev('purchase', 'Pot'), ev('view_item', 'Mug')], longTerm: false }, en)).toEqual([
      'Because you added Stove to your cart',
      'Because you bought Pot',
    ]);
    expect(reasonTexts({ because: [ev('shelfwise_click')], longTerm: true, pattern: { kind: 'brand', value: 'Aurora' } }, en)).toEqual([
      'Because you opened a product',
      'You often look at Aurora',
    ]);
  });

  test('popularity when the shelf is in the server order or nothing raised the item; the long-term part otherwise', () => {
    expect(reasonTexts(null, en)).toEqual(['Popular in this store']);
    expect(reasonTexts({ because: [], longTerm: false }, en)).toEqual(['Popular in this store']);
    expect(reasonTexts({ because: [], longTerm: true }, en)).toEqual(['Because of what you looked at before']);
    expect(reasonTexts({ because: [ev('view_item', '极光帐篷')], longTerm: false }, messagesFor('zh'))).toEqual(['因为你浏览过极光帐篷']);
  });
});
