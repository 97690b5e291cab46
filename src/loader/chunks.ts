// Where the lazily loaded parts live. The build writes their hashed names into the loader.
declare const __SHELFWISE_CHUNKS__: { ui: string; store: string; rank: string; worker: string };

export type Chunk = keyof typeof __SHELFWISE_CHUNKS__;

export function chunkUrl(base: string, chunk: Chunk): string {
  return new URL(__SHELFWISE_CHUNKS__[chunk], base).href;
}

/** `import()` of a runtime URL; the bundler must leave it alone. */
export function load<T>(url: string): Promise<T> {
  return import(/* @vite-ignore */ url) as Promise<T>;
}
