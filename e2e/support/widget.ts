// Reading the widget's state through its public debug API, and its shelf through the DOM.
import { expect, type Page } from '@playwright/test';
import type { DebugReport } from '../../src/loader/commands';
import type { SlotStatus } from '../../src/loader/slot';

/** What `shelfwise.debug()` answers. */
export type Debug = DebugReport;

/**
 * A rank budget long enough for SwiftShader's cold shader compile (~2 s), so a page with history
 * shows the fresh model order rather than the previous page's cached scores or the server order.
 */
export const WAIT_FOR_MODEL = 'sw-rank-budget=30000';

/** `await shelfwise.debug()`, or null while the loader has not replaced the command queue yet. */
export function debug(page: Page): Promise<Debug | null> {
  return page.evaluate(() => {
    const api = (window as unknown as { shelfwise?: { debug?: () => Promise<unknown> } }).shelfwise;
    return typeof api?.debug === 'function' ? (api.debug() as Promise<Debug>) : null;
  });
}

export async function debugNow(page: Page): Promise<Debug> {
  const info = await debug(page);
  expect(info, 'window.shelfwise.debug is there').not.toBeNull();
  return info!;
}

/** Waits until the slot has been shown (the loader reports it once) and returns its status. */
export async function slotStatus(page: Page, slot: string, timeout = 45_000): Promise<SlotStatus> {
  let found: SlotStatus | undefined;
  await expect
    .poll(async () => (found = (await debug(page))?.slots.find((s) => s.slot === slot)), { message: `slot "${slot}" is shown`, timeout })
    .toBeDefined();
  return found!;
}

/** Waits until the store holds at least `min` events and returns the count. */
export async function waitForEvents(page: Page, min: number): Promise<number> {
  let events = 0;
  await expect.poll(async () => (events = (await debug(page))?.events ?? 0), { message: `at least ${min} stored events` }).toBeGreaterThanOrEqual(min);
  return events;
}

export function slotSelector(slot: string): string {
  return `[data-shelfwise-slot="${slot}"]`;
}

/** The item ids of the cards the shelf shows, in order (Playwright's CSS pierces the open shadow root). */
export function cardIds(page: Page, slot: string): Promise<string[]> {
  return page.locator(`${slotSelector(slot)} [data-item-id]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id')!));
}

/** Runs `shelfwise.push(command)` in the page. */
export function push(page: Page, command: unknown[]): Promise<void> {
  return page.evaluate((cmd) => {
    (window as unknown as { shelfwise: { push(c: unknown): void } }).shelfwise.push(cmd);
  }, command);
}

const WIDGET_SCRIPT = '**/shelfwise.js';

/** Serves pages without the widget (its script answers empty), to see what the storefront does by itself. */
export async function blockWidget(page: Page): Promise<void> {
  await page.route(WIDGET_SCRIPT, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
}

export async function unblockWidget(page: Page): Promise<void> {
  await page.unroute(WIDGET_SCRIPT);
}
