// "Never break the host page": the shelf shifts no layout and holds the main thread for no task
// over 50 ms. How the main thread is measured, and what cannot be: support/main-thread.ts.
import { expect, test } from '@playwright/test';
import { traceWidgetTasks, type WidgetTask } from './support/main-thread';
import { installProbe, readProbe, type Shift } from './support/probe';
import { waitForStored } from './support/storage';
import { slotSelector, slotStatus, WAIT_FOR_MODEL } from './support/widget';

test('the shelf causes no layout shift and no main-thread task over 50 ms', async ({ page, browser }, testInfo) => {
  await installProbe(page);
  await page.goto('/p/SKU-1045'); // history, so the next pages personalize
  await waitForStored(page, 'view_item', 'SKU-1045');
  // Without these entry types the lists below would be empty and prove nothing.
  expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes)).toEqual(expect.arrayContaining(['layout-shift', 'long-animation-frame']));

  const shifts: (Shift & { path: string })[] = [];
  const tasks: (WidgetTask & { path: string })[] = [];
  // A product page with the default rank budget, then home waiting for the model: the skeleton
  // stays up ~2 s and is then swapped for the shelf, which is where a shift would happen.
  for (const [path, slot] of [['/p/SKU-1043', 'related'], [`/?${WAIT_FOR_MODEL}`, 'for-you']] as const) {
    const found = await traceWidgetTasks(browser, page, async () => {
      await page.goto(path);
      await slotStatus(page, slot);
      await expect(page.locator(`${slotSelector(slot)} [data-item-id]`).first()).toBeVisible();
      // Two frames on, the render's shifts and frames have been reported.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    });
    tasks.push(...found.map((t) => ({ path, ...t })));
    shifts.push(...(await readProbe(page)).shifts.filter((s) => !s.hadRecentInput).map((s) => ({ path, ...s })));
  }

  // Layout shift: none from the slot, and none on the page at all (a slot that grew after the
  // first paint would shift the content below it, whose nodes, not the slot, are the sources).
  expect(shifts.filter((s) => s.fromSlot), 'layout shifts with the slot as a source').toEqual([]);
  expect(shifts.reduce((sum, s) => sum + s.value, 0), 'page CLS with the widget').toBe(0);

  // Long tasks: see support/main-thread.ts for what is measured and why.
  console.log(
    `[${testInfo.project.name}] widget scripts in frames over 50 ms:\n` +
      tasks.map((t) => `  ${t.path} ${t.script} (${t.invoker}): script ${t.scriptWallMs} ms wall; task (${t.task}) ${t.taskWallMs} ms wall, ${t.taskCpuMs} ms CPU`).join('\n'),
  );
  expect(tasks.filter((t) => Number.isNaN(t.taskCpuMs)), 'every widget script matched to its task').toEqual([]);
  expect(tasks.filter((t) => t.taskCpuMs > 50), 'main-thread tasks of the widget over 50 ms CPU').toEqual([]);
});
