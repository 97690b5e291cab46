// The carousel in the real page: WAI-ARIA carousel semantics, arrow-key focus movement, and a
// click on a card recorded as the shopper's own signal. (The UI's component tests cover the rest.)
import { expect, test } from '@playwright/test';
import { storedEvents, waitForStored } from './support/storage';
import { debugNow, slotSelector, slotStatus, waitForEvents } from './support/widget';

test('the for-you carousel is a labelled region, keyboard-navigable, and records clicks', async ({ page }) => {
  await page.goto('/');
  await slotStatus(page, 'for-you');
  const region = page.locator(`${slotSelector('for-you')} [role="region"]`);
  await expect(region).toHaveAttribute('aria-roledescription', 'carousel');
  await expect(region).toHaveAccessibleName(/.+/);
  const cards = page.locator(`${slotSelector('for-you')} a[data-item-id]`);
  const count = await cards.count();
  expect(count).toBeGreaterThan(2);

  await cards.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(cards.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(cards.nth(2)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(cards.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(cards.nth(count - 1)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(cards.first()).toBeFocused();

  const before = (await debugNow(page)).events;
  const id = (await cards.nth(1).getAttribute('data-item-id'))!;
  await cards.nth(1).click();
  await expect(page).toHaveURL(new RegExp(`/p/${id}$`));
  const click = await waitForStored(page, 'shelfwise_click', id);
  expect(click).toMatchObject({ slot: 'for-you', source: 'widget' });
  await page.goBack();
  await waitForEvents(page, before + 1);
  expect((await storedEvents(page)).filter((e) => e.type === 'shelfwise_click')).toHaveLength(1);
});
