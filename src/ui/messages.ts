// Every word the shopper sees or hears (visible text, aria labels, reasons, the data panel) comes
// from one message table, keyed by name, per language. English and Simplified Chinese are built in;
// the page's <html lang> picks one, the script tag's data-lang overrides it, and a merchant may
// replace any string or add a language (`shelfwise.push(['labels', …])`, see README). `{name}`-style
// fields are filled in by format(); a replacement string should keep the fields its default has.
// The table is kept in two files: the shelf's words here, the data panel's in panel/messages.ts,
// which downloads with the panel (the shelf's first render does not wait for them).

const EN = {
  // The shelf
  carousel: 'Recommended products',
  prev: 'Previous products',
  next: 'Next products',
  slide: '{position} of {total}',
  product: 'Product',
  yourData: 'Your data',
  // Per card
  why: 'Why this?',
  whyLabel: 'Why this? {name}',
  whyTitle: 'Why you see this',
  whyLoading: 'Working it out…',
  whyNote: 'Worked out on this device from what you did in this shop. Nothing was sent.',
  close: 'Close',
  notInterested: 'Not interested',
  notInterestedLabel: 'Not interested in {name}',
  nothingLeft: 'Nothing more to show here.',
  // Reasons: the strongest event of the shopper's own history, then a pattern, or popularity
  reasonView: 'Because you viewed {name}',
  reasonSelect: 'Because you opened {name}',
  reasonWishlist: 'Because you saved {name}',
  reasonCart: 'Because you added {name} to your cart',
  reasonCheckout: 'Because you checked out with {name}',
  reasonPurchase: 'Because you bought {name}',
  reasonCategory: 'You often look at {category}',
  reasonBrand: 'You often look at {brand}',
  reasonEarlier: 'Because of what you looked at before',
  reasonPopular: 'Popular in this store',
  unnamedItem: 'a product',
};

export type Messages = typeof EN;
export type MessageKey = keyof Messages;

const ZH: Messages = {
  carousel: '推荐商品',
  prev: '上一组商品',
  next: '下一组商品',
  slide: '第 {position} 件，共 {total} 件',
  product: '商品',
  yourData: '你的数据',
  why: '为什么推荐？',
  whyLabel: '为什么推荐？{name}',
  whyTitle: '推荐原因',
  whyLoading: '正在计算…',
  whyNote: '根据你在本店的浏览在此设备上计算得出，未发送任何数据。',
  close: '关闭',
  notInterested: '不感兴趣',
  notInterestedLabel: '对{name}不感兴趣',
  nothingLeft: '这里没有更多商品了。',
  reasonView: '因为你浏览过{name}',
  reasonSelect: '因为你打开过{name}',
  reasonWishlist: '因为你收藏了{name}',
  reasonCart: '因为你将{name}加入了购物车',
  reasonCheckout: '因为你结算过{name}',
  reasonPurchase: '因为你购买过{name}',
  reasonCategory: '你经常浏览{category}',
  reasonBrand: '你经常浏览{brand}',
  reasonEarlier: '因为你之前浏览过的商品',
  reasonPopular: '本店热门',
  unnamedItem: '一件商品',
};

/** A merchant's `['labels', …]` command: strings for every language, or for one language tag. */
export type LabelsCommand = unknown[];

/** The shelf's words in a language (see resolve). */
export function messagesFor(lang: string | undefined, commands: readonly LabelsCommand[] = []): Messages {
  return resolve({ en: EN, zh: ZH }, lang, commands);
}

/**
 * A part of the table for a language: the merchant's table for the exact tag, else for its primary
 * subtag, over the built-in one (by primary subtag), else English; then the merchant's strings for
 * every language. A value that is not a non-empty string is ignored (its default stays), so a bad
 * config cannot blank the shelf.
 */
export function resolve<T extends Record<string, string>>(built: { en: T } & Record<string, T>, lang: string | undefined, commands: readonly LabelsCommand[]): T {
  const tag = (lang ?? '').trim().toLowerCase();
  const primary = tag.split(/[-_]/)[0];
  const byLang = new Map<string, Record<string, unknown>[]>();
  const everywhere: Record<string, unknown>[] = [];
  for (const cmd of commands) {
    const [forLang, table] = typeof cmd[1] === 'string' ? [cmd[1].trim().toLowerCase(), cmd[2]] : ['', cmd[1]];
    if (!table || typeof table !== 'object') continue;
    if (!forLang) everywhere.push(table as Record<string, unknown>);
    else byLang.set(forLang, [...(byLang.get(forLang) ?? []), table as Record<string, unknown>]);
  }
  const out: Record<string, string> = { ...(built[primary] ?? built.en) };
  const merchant = byLang.get(tag) ?? byLang.get(primary) ?? [];
  for (const table of [...merchant, ...everywhere]) {
    for (const key of Object.keys(built.en)) {
      const v = table[key];
      if (typeof v === 'string' && v.trim()) out[key] = v;
    }
  }
  return out as T;
}

/** Fills `{field}`s; a field without a value stays as written. */
export function format(template: string, fields: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (name in fields ? String(fields[name]) : all));
}
