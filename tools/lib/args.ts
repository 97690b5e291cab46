// Minimal --flag value / --flag=value parsing with clear errors, for the CLIs.

export type Flags = Record<string, string | true>;

export function parseFlags(argv: readonly string[], known: readonly string[]): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.includes(name)) throw new Error(`unknown option --${name} (known: ${known.map((k) => '--' + k).join(' ')})`);
    const next = argv[i + 1];
    if (inline !== undefined) out[name] = inline;
    else if (next !== undefined && !next.startsWith('--')) out[name] = argv[++i];
    else out[name] = true;
  }
  return out;
}

export function numberFlag(flags: Flags, name: string, fallback: number, check: (n: number) => boolean = Number.isFinite): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !check(n)) throw new Error(`--${name}: invalid value ${JSON.stringify(v)}`);
  return n;
}

export function stringFlag(flags: Flags, name: string, fallback?: string): string | undefined {
  const v = flags[name];
  if (v === true) throw new Error(`--${name} needs a value`);
  return v ?? fallback;
}

export const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
