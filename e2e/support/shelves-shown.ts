// Waiting for a page's shelves without touching the page while they load. Polling from the test
// (a locator, `page.evaluate`, `shelfwise.debug()`) runs on the page's main thread: Playwright's
// selector engine alone is about 10 ms of parsing there the first time, and `debug()` reads the
// store and loads the ranking chunk. Inside the span a benchmark measures, that is the test's cost
// counted as the widget's. Here an init script watches the widget's own `shelfwise:shelf` measures
// (what a host page's monitoring would read) and calls a binding when every slot has one; the test
// only waits for that call.
import type { Page } from '@playwright/test';

const BINDING = 'shelfwiseE2eShelvesShown';

/** Set up once per page, before its first navigation. `next()` resolves when the next page to load
 *  has measured a shelf for each of its slots (call it before `page.goto`). */
export async function watchShelves(page: Page): Promise<{ next(timeoutMs?: number): Promise<void> }> {
  let resolve: (() => void) | null = null;
  await page.exposeBinding(BINDING, () => {
    resolve?.();
    resolve = null;
  });
  await page.addInitScript((binding) => {
    let called = false;
    let measured = 0;
    new PerformanceObserver((list) => {
      measured += list.getEntries().filter((e) => e.name === 'shelfwise:shelf').length;
      const slots = document.querySelectorAll('[data-shelfwise-slot]').length;
      if (!called && slots > 0 && measured >= slots) {
        called = true;
        (window as unknown as Record<string, () => void>)[binding]();
      }
    }).observe({ type: 'measure', buffered: true });
  }, BINDING);
  return {
    next: (timeoutMs = 30_000) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`the page's shelves were not all shown within ${timeoutMs} ms`)), timeoutMs);
        resolve = () => {
          clearTimeout(timer);
          done();
        };
      }),
  };
}
