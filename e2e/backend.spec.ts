// Shelves are ranked on the page without TF.js; TF.js loads only to learn, in idle time, on the
// best backend the browser has (WebGPU, then WebGL, then CPU; a GPU emulated in software only when
// the site names its backends), falls back when one is missing or fails, and downloads only the
// backends it tries.
import { expect, test, type Page } from '@playwright/test';
import { backendChunks, isChunk, learningChunks } from './support/chunks';
import { waitForStored } from './support/storage';
import { debug, debugNow, slotStatus, type Debug } from './support/widget';

/** Enough history to take part in the federated round (its update is learnt in the worker), then
 *  the home shelf and the learning in idle time; returns the widget's report and the URLs fetched. */
async function learnedHome(page: Page, params = ''): Promise<{ info: Debug; fetched: string[] }> {
  const fetched: string[] = [];
  page.context().on('request', (r) => fetched.push(r.url())); // the worker's requests included
  for (const id of ['SKU-1045', 'SKU-1043', 'SKU-1101']) {
    await page.goto(`/p/${id}?${params}`);
    await waitForStored(page, 'view_item', id);
  }
  await page.goto(`/?${params}`);
  expect((await slotStatus(page, 'for-you')).source).toBe('model');
  await expect.poll(async () => (await debug(page))?.backend, { message: 'the learning worker picked a backend', timeout: 60_000 }).not.toBe('none');
  return { info: await debugNow(page), fetched };
}

test('a shelf is ranked without TF.js; with nothing to learn, TF.js is never downloaded', async ({ page }) => {
  const fetched: string[] = [];
  page.context().on('request', (r) => fetched.push(r.url()));
  await page.goto('/p/SKU-1045');
  await waitForStored(page, 'view_item', 'SKU-1045');
  await page.goto('/');
  expect((await slotStatus(page, 'for-you')).source).toBe('model');
  // One interest event: nothing to contribute yet, no history beyond the model's window to adapt to.
  await expect.poll(async () => (await debug(page))?.contribution.outcome).toBe('not-enough-history');
  const learning = learningChunks();
  expect(fetched.filter((url) => learning.some((file) => isChunk(url, file)))).toEqual([]);
  expect(await debugNow(page)).toMatchObject({ backend: 'none', modelVersion: expect.stringMatching(/^demo-/) });
});

test('learns on the best backend the browser has, downloading no other', async ({ page }, testInfo) => {
  const { info, fetched } = await learnedHome(page, 'sw-backends=webgpu,webgl,cpu');
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
  expect(info.timings.learn).toBeGreaterThan(0);
});

test('by default, a GPU emulated in software is passed over for learning', async ({ page }) => {
  await page.goto('/');
  // What this browser's GPUs are: SwiftShader here, for WebGPU (the webgpu project) and WebGL.
  const software = await page.evaluate(async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> } }).gpu;
    const adapter = gpu ? await gpu.requestAdapter() : null;
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    return { webgpu: !adapter || adapter.info?.isFallbackAdapter === true, webgl: !gl || /swiftshader|llvmpipe|software/i.test(renderer) };
  });
  test.skip(!software.webgpu || !software.webgl, 'this browser has a hardware GPU');
  const { info, fetched } = await learnedHome(page);
  expect(info.backend).toBe('cpu');
  const { webgpu, webgl } = backendChunks();
  expect(fetched.filter((url) => isChunk(url, webgpu) || isChunk(url, webgl))).toEqual([]);
});

test('data-backends="cpu" learns on the CPU backend', async ({ page }) => {
  const { info, fetched } = await learnedHome(page, 'sw-backends=cpu');
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
  const { info } = await learnedHome(page, 'sw-backends=webgpu,cpu');
  expect(info.backend).toBe('cpu');
});
