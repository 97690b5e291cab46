/**
 * Index of the card a key moves focus to, or -1 for keys the shelf leaves alone.
 * Stops at the ends rather than wrapping, so holding an arrow cannot spin the shelf.
 * In right-to-left pages ArrowRight goes toward the start.
 */
export function nextIndex(key: string, index: number, count: number, rtl = false): number {
  if (index < 0 || index >= count) return -1;
  const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
  if (step) return Math.min(Math.max(index + (rtl ? -step : step), 0), count - 1);
  return key === 'Home' ? 0 : key === 'End' ? count - 1 : -1;
}
