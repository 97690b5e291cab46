// The model runs on the best backend the browser has (WebGPU, then WebGL, then CPU), falls back
// when one is missing or fails, downloads only the backends it tries, and ranks in every case.
import { expect, test, type Page } from '@playwright/test';
import { backendChunks, isChunk } from './support/chunks';
import { waitForStored } from './support/storage';
import { debugNow, slotStatus, WAIT_FOR_MODEL, type Debug } from './support/widget';

/** Some history, then the home shelf ranked by the model; returns the widget's report and the URLs the page fetched. */
async function rankedHome(page: Page, params = ''): Promise<{ info: Debug; fetched: string[] }> {
  const fetched: string[] = [];
  page.context().on('request', (r) => fetched.push(r.url())); // the worker's requests included
  await page.goto(`/p/SKU-1045?${params}`);
  await waitForStored(page, 'view_item', 'SKU-1045');
  await page.goto(`/?${WAIT_FOR_MODEL}&${params}`);
  expect((await slotStatus(page, 'for-you')).source).toBe('model');
  return { info: await debugNow(page), fetched };
}

test('ranks on the best backend the browser has, downloading no other', async ({ page }, testInfo) => {
  const { info, fetched } = await rankedHome(page);
  const chunks = backendChunks();
  const downloaded = (file: string) => fetched.some((url) => isChunk(url, file));
  if (testInfo.project.name === 'webgpu') {
    expect(info.backend).toBe('webgpu');
    expect(downloaded(chunks.webgpu)).toBe(true);
    expect(downloaded(chunks.webgl) || downloaded(chunks.cpu)).toBe(false);
  } else {
    expect(['webgl', 'cpu']).toContain(info.backend);
    expect(downloaded(chunks[info.backend as 'webgl' | 'cpu'])).toBe(true);
    // No adapter: the WebGPU chunk is not even fetched.
    expect(downloaded(chunks.webgpu)).toBe(false);
  }
  expect(info.modelVersion).toBeTruthy();
});

test('data-backends="cpu" runs the model on the CPU backend', async ({ page }) => {
  const { info, fetched } = await rankedHome(page, 'sw-backends=cpu');
  expect(info.backend).toBe('cpu');
  const { webgpu, webgl, cpu } = backendChunks();
  expect(fetched.some((url) => isChunk(url, cpu))).toBe(true);
  expect(fetched.filter((url) => isChunk(url, webgpu) || isChunk(url, webgl))).toEqual([]);
});

test('when WebGPU is missing or fails, the next backend takes over', async ({ page, context }, testInfo) => {
  if (testInfo.project.name === 'webgpu') {
    // This browser has WebGPU, so make it fail: its backend chunk does not load.
    const { webgpu } = backendChunks();
    await context.route(`**/${webgpu}`, (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  }
  const { info } = await rankedHome(page, 'sw-backends=webgpu,cpu');
  expect(info.backend).toBe('cpu');
});
