// How much of the machine's CPU time the hypervisor gave to other guests ("steal" in /proc/stat)
// while a measurement ran. On a shared virtual machine it decides how long the same work takes:
// a run's seconds are comparable with another's only alongside it. Linux only; null elsewhere.
import { readFileSync } from 'node:fs';

type Ticks = { steal: number; total: number };

function readTicks(): Ticks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '));
    // user nice system idle iowait irq softirq steal (guest time is counted within user already)
    const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
    if (!fields || fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
    return { steal: fields[7], total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** Starts a measure; calling the result gives the share of all cores' time stolen since, to a
 *  thousandth (the kernel counts in ticks of 10 ms), or null. */
export function stealMeter(): () => number | null {
  const from = readTicks();
  return () => {
    const to = readTicks();
    if (!from || !to || to.total <= from.total) return null;
    return +((to.steal - from.steal) / (to.total - from.total)).toFixed(3);
  };
}
