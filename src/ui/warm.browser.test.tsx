import { describe, expect, it, vi } from 'vitest';
import { useLayoutEffect } from 'preact/hooks';
import type { Candidate } from '../shared/types';
import { Shelf } from './shelf';
import { warmUp } from './warm';

describe('warmUp', () => {
  it('renders the shelf once with items, off the page, and unmounts it', () => {
    const before = document.body.innerHTML;
    const life: string[] = [];
    const seen: Candidate[][] = [];
    function Probe({ items }: { slot: string; items: Candidate[] }) {
      seen.push(items);
      useLayoutEffect(() => {
        life.push('mounted');
        return () => void life.push('unmounted');
      }, []);
      return <Shelf slot="warm-up" items={items} />;
    }
    warmUp(Probe);
    expect(life).toEqual(['mounted', 'unmounted']);
    expect(seen).toHaveLength(1);
    expect(seen[0].length).toBeGreaterThan(1);
    // No image to fetch, nothing left in the page.
    expect(seen[0].every((c) => !c.image)).toBe(true);
    expect(document.body.innerHTML).toBe(before);
  });

  it('reports no impression and leaves no observer behind', async () => {
    const observe = vi.spyOn(IntersectionObserver.prototype, 'observe');
    const unobserve = vi.spyOn(IntersectionObserver.prototype, 'unobserve');
    warmUp(Shelf);
    await new Promise((r) => setTimeout(r, 50));
    expect(observe.mock.calls.length).toBeGreaterThan(0);
    expect(unobserve.mock.calls.map(([el]) => el)).toEqual(observe.mock.calls.map(([el]) => el));
    observe.mockRestore();
    unobserve.mockRestore();
  });
});
