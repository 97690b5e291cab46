// Which candidates a shelf shows once the shopper dismisses some: a dismissed card is replaced in
// its own place by the next candidate not yet shown, so no other card moves; with no candidate
// left, the place goes.

interface Keyed {
  item_id: string;
}

/** The first `count` candidates that are not dismissed. */
export function firstShown<T extends Keyed>(all: readonly T[], count: number, gone: ReadonlySet<string>): string[] {
  return all.filter((c) => !gone.has(c.item_id)).slice(0, count).map((c) => c.item_id);
}

/** `shown` with each dismissed id replaced, left to right, by the next candidate (in `all`'s order)
 *  that is neither shown nor dismissed. Returns `shown` itself when nothing is dismissed. */
export function refill<T extends Keyed>(shown: readonly string[], all: readonly T[], gone: ReadonlySet<string>): readonly string[] {
  if (!shown.some((id) => gone.has(id))) return shown;
  const used = new Set(shown);
  const spare = all.filter((c) => !used.has(c.item_id) && !gone.has(c.item_id)).map((c) => c.item_id);
  const out: string[] = [];
  for (const id of shown) {
    if (!gone.has(id)) out.push(id);
    else if (spare.length) out.push(spare.shift()!);
  }
  return out;
}
