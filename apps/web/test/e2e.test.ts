// The built app in real headless Chromium (Debian's, driven by playwright-core): it loads, runs
// a shipped model on a sample on wasm and on webgpu (SwiftShader in CI), and shows the same
// top-5 as @pabnn/runtime computes in Node for the same file and image (1e-4).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@pabnn/backend-js';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, createServer, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOMMENDED } from '../src/catalog.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(app, 'test-results');
const CHROMIUM = '/usr/bin/chromium'; // apt `chromium`, installed by tooling/scripts/install-system-deps.sh
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // a synthetic camera that needs no permission prompt, for the camera test
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

let server: PreviewServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  execFileSync(process.execPath, [join(app, 'scripts/prepare-assets.mjs')], { stdio: 'inherit' });
  await build({ root: app, logLevel: 'warn' });
  server = await preview({
    root: app,
    preview: { port: 4300, strictPort: false },
    logLevel: 'warn',
  });
  url = server.resolvedUrls?.local[0] as string;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // playwright gives every launch a fresh temporary profile (its own --user-data-dir), so runs
    // share no cache or storage
    args: FLAGS,
  });
  mkdirSync(results, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

/** The page's top-5 (class, probability) after classifying sample `id` with `model` on `backend`. */
async function classifyOnPage(page: Page, model: string, backend: string, sample: string) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  await page.selectOption('#model', `models/${model}.pabnn`);
  await page.selectOption('#backend', backend);
  await page.click(`button[data-sample="${sample}"]`);
  await page.waitForSelector('#status[data-state=done], #status[data-state=error]', {
    timeout: 120_000,
  });
  const status = await page.$eval('#status', (s) => ({
    state: s.getAttribute('data-state'),
    backend: s.getAttribute('data-backend'),
    text: s.textContent,
  }));
  expect(status.state, status.text ?? '').toBe('done');
  expect(status.backend).toBe(backend);
  const top5 = await page.$$eval('#top5 li', (items) =>
    items.map((li) => ({ classIndex: Number(li.dataset.class), score: Number(li.dataset.score) })),
  );
  return top5;
}

interface SampleJson {
  id: string;
  dataset: string;
  label: number;
  className: string;
  pixels: string;
}

/**
 * The same model on the dataset's samples through @pabnn/runtime in Node (js backend): softmax
 * of the logits of the first sample it classifies correctly (the page must then show that class).
 */
async function reference(model: string) {
  const samples = JSON.parse(
    readFileSync(join(app, 'public/samples.json'), 'utf8'),
  ) as SampleJson[];
  const graph = load(readFileSync(join(app, 'public/models', `${model}.pabnn`)));
  const p = graph.metadata.preprocess as { scale: number; mean: number[]; std: number[] };
  const session = await Session.create(graph, { backend: 'js' });
  try {
    for (const s of samples.filter((x) => x.dataset === graph.metadata.dataset)) {
      const x = Float32Array.from(
        Buffer.from(s.pixels, 'base64'),
        (v) => (v * p.scale - p.mean[0]) / p.std[0],
      );
      const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
      const logits = Array.from(out[graph.outputs[0]].data as Float32Array);
      const max = Math.max(...logits);
      const exp = logits.map((v) => Math.exp(v - max));
      const total = exp.reduce((a, b) => a + b, 0);
      if (logits.indexOf(max) === s.label) {
        return { sample: s.id, label: s.label, probabilities: exp.map((e) => e / total) };
      }
    }
  } finally {
    session.dispose();
  }
  throw new Error(`${model} classifies none of the shipped samples correctly`);
}

describe('apps/web in headless Chromium', () => {
  for (const [backend, model] of [
    ['wasm', 'fashion-mnist__resnet8__pa-4x5-lr1.2e-2-bn'],
    ['webgpu', 'fashion-mnist__resnet8__pa-4x5-lr1.2e-2-bn'],
    ['js', 'mnist__resnet8__pa-4x5-lr1.2e-2-bn'],
  ] as const) {
    it(`classifies a sample with ${model} on ${backend} as the runtime does in Node`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const ref = await reference(model);
      const top5 = await classifyOnPage(page, model, backend, ref.sample);
      expect(top5[0].classIndex, 'the page shows the class of the runtime in Node').toBe(ref.label);
      for (const p of top5)
        expect(Math.abs(p.score - ref.probabilities[p.classIndex])).toBeLessThan(1e-4);
      // the weight histogram with its staircase is drawn
      expect(await page.$$eval('#histogram svg path', (l) => l.length)).toBe(1);
      await page.screenshot({ path: join(results, `${model}-${backend}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

const samples = () =>
  JSON.parse(readFileSync(join(app, 'public/samples.json'), 'utf8')) as SampleJson[];

/** A fresh page of the app, ready, with its page errors collected. */
async function openApp(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  return { page, errors };
}

const finished = (page: Page, n: number) =>
  page.waitForSelector(`body[data-finished="${n}"]`, { timeout: 120_000 });

describe('apps/web: what the page shows around a classification', () => {
  it('opens on the recommended PA model, marks models at chance, shows the true label', async () => {
    const { page, errors } = await openApp();
    expect(await page.$eval('#model', (s) => (s as HTMLSelectElement).value)).toBe(RECOMMENDED);
    const options = await page.$$eval('#model option', (o) =>
      o.map((x) => ({ text: x.textContent ?? '', chance: x.getAttribute('data-chance') })),
    );
    const index = JSON.parse(readFileSync(join(app, 'public/models/index.json'), 'utf8')) as {
      top1?: number;
    }[];
    const atChance = index.filter((m) => m.top1 !== undefined && m.top1 <= 0.2).length;
    expect(atChance).toBeGreaterThan(0); // the shipped ABC DenseNet is at 10 %
    expect(options.filter((o) => o.chance === 'true')).toHaveLength(atChance);
    for (const o of options.filter((x) => x.chance === 'true')) expect(o.text).toMatch(/at chance/);
    const sample = samples().find((s) => s.dataset === 'fashion-mnist') as SampleJson;
    await page.click(`button[data-sample="${sample.id}"]`);
    expect(await page.$eval('#truth', (t) => t.textContent)).toBe(
      `true label: ${sample.className}`,
    );
    await finished(page, 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is cross-origin isolated, so wasm runs on 2 threads', async () => {
    const { page, errors } = await openApp();
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.$eval('#isolation', (p) => p.getAttribute('data-isolated'))).toBe('true');
    await page.selectOption('#backend', 'wasm');
    await page.selectOption('#threads', '2');
    await page.click('#samples button');
    await finished(page, 1);
    const status = await page.$eval('#status', (s) => ({
      state: s.getAttribute('data-state'),
      text: s.textContent ?? '',
    }));
    // fallback is off: without SharedArrayBuffer the backend fails instead of using 1 thread
    expect(status.state, status.text).toBe('done');
    expect(status.text).toMatch(/on wasm, 2 thread\(s\)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fetches each model file once, whatever asks for it', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.pabnn')) requests.push(new URL(r.url()).pathname);
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    // a float model: the histogram and the classifier want the same file at once, then the
    // classifier again on two more backends
    await page.selectOption('#model', 'models/fashion-mnist__resnet8__float.pabnn');
    await page.click('#samples button');
    await finished(page, 1);
    await page.selectOption('#backend', 'js');
    await finished(page, 2);
    await page.selectOption('#backend', 'wasm');
    await finished(page, 3);
    // wanted by the first histogram (on load), the float model's own one and three classifiers
    expect(requests).toContain('/models/fashion-mnist__resnet8__float.pabnn');
    expect(requests.filter((r, i) => requests.indexOf(r) !== i)).toEqual([]);
    await page.close();
  });

  it('drops a result that arrives after the model changed', async () => {
    const { page, errors } = await openApp();
    // the default model's bytes arrive a second late, so the change below surely comes first
    await page.route(`**/${RECOMMENDED}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    await page.click('#samples button'); // starts fetching and classifying the default model
    await page.selectOption('#model', 'models/mnist__resnet8__pa-4x5-lr1.2e-2-bn.pabnn');
    await finished(page, 1);
    expect(await page.$eval('#status', (s) => s.getAttribute('data-state'))).toBe('idle');
    expect(await page.$$eval('#top5 li', (l) => l.length)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the float model beside the PA one: size, test top-1, latency here, prediction', async () => {
    const { page, errors } = await openApp();
    const sample = samples().find((s) => s.dataset === 'fashion-mnist') as SampleJson;
    await page.selectOption('#backend', 'wasm');
    await page.click(`button[data-sample="${sample.id}"]`);
    await finished(page, 1);
    const rows = await page.$$eval('#compare tr[data-scheme]', (r) =>
      r.map((tr) => ({ ...(tr as HTMLElement).dataset })),
    );
    expect(rows.map((r) => r.scheme)).toEqual(['pa-2x2-lr1.2e-2-bn', 'float']);
    const [pa, float] = rows;
    expect(Number(pa.bytes) * 6).toBeLessThan(Number(float.bytes)); // 48 KB vs 316 KB
    for (const r of rows) expect(Number(r.ms)).toBeGreaterThan(0);
    const shown = await page.$eval('#status', (s) => s.getAttribute('data-class'));
    expect(pa.class).toBe(shown);
    // the float row's prediction is the float model's in Node
    const graph = load(
      readFileSync(join(app, 'public/models/fashion-mnist__resnet8__float.pabnn')),
    );
    const p = graph.metadata.preprocess as { scale: number; mean: number[]; std: number[] };
    const x = Float32Array.from(
      Buffer.from(sample.pixels, 'base64'),
      (v) => (v * p.scale - p.mean[0]) / p.std[0],
    );
    const session = await Session.create(graph, { backend: 'js' });
    const out = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
    session.dispose();
    const logits = Array.from(out[graph.outputs[0]].data as Float32Array);
    expect(Number(float.class)).toBe(logits.indexOf(Math.max(...logits)));
    // each of the top 5 has a bar as long as its probability
    const bars = await page.$$eval('#top5 li', (l) =>
      l.map((li) => ({
        score: Number(li.dataset.score),
        p: (li as HTMLElement).style.getPropertyValue('--p'),
        bg: getComputedStyle(li).backgroundImage,
      })),
    );
    for (const b of bars) {
      expect(b.p).toBe(`${(100 * b.score).toFixed(1)}%`);
      expect(b.bg).toMatch(/^linear-gradient/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies an image dropped on the page', async () => {
    const { page, errors } = await openApp();
    // a PNG made in the page (a light square on black), dropped as a user's file would be
    await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 40;
      canvas.height = 40;
      const g = canvas.getContext('2d') as CanvasRenderingContext2D;
      g.fillStyle = '#000';
      g.fillRect(0, 0, 40, 40);
      g.fillStyle = '#ddd';
      g.fillRect(10, 8, 20, 24);
      const blob = await new Promise<Blob>((resolve) =>
        canvas.toBlob((b) => resolve(b as Blob), 'image/png'),
      );
      const data = new DataTransfer();
      data.items.add(new File([blob], 'mine.png', { type: 'image/png' }));
      const drop = document.getElementById('drop') as HTMLElement;
      drop.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true }));
      drop.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    });
    await finished(page, 1);
    expect(await page.$eval('#status', (s) => s.getAttribute('data-state'))).toBe('done');
    expect(await page.$eval('#truth', (t) => t.textContent)).toBe(
      'true label: unknown (your image)',
    );
    expect(await page.$$eval('#top5 li', (l) => l.length)).toBe(5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("classifies a frame of the camera (Chromium's synthetic one)", async () => {
    const { page, errors } = await openApp();
    await page.click('#camera');
    await page.waitForSelector('#capture:not([hidden])', { timeout: 30_000 });
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).readyState >= 2,
    );
    await page.click('#capture');
    await finished(page, 1);
    const status = await page.$eval('#status', (s) => ({
      state: s.getAttribute('data-state'),
      text: s.textContent ?? '',
    }));
    expect(status.state, status.text).toBe('done');
    expect(await page.$eval('#truth', (t) => t.textContent)).toBe('true label: unknown (camera)');
    await page.click('#camera'); // stops it
    expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).hidden)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws the chart's axis text at least 12 px high, in a layout whose sections do not overlap", async () => {
    const { page } = await openApp();
    await page.waitForSelector('#histogram svg text');
    const heights = await page.$$eval('#histogram svg text', (t) =>
      t.map((x) => x.getBoundingClientRect().height),
    );
    expect(heights.length).toBeGreaterThan(3);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(12);
    // the layout: every section inside the viewport's width, no two overlapping
    const boxes = await page.$$eval('main > section', (list) =>
      list.map((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }),
    );
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    expect(boxes.length).toBeGreaterThanOrEqual(5);
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    const overlap = (a: (typeof boxes)[0], b: (typeof boxes)[0]) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j])).toBe(false);
    await page.screenshot({ path: join(results, 'layout.png'), fullPage: true });
    await page.close();
  });
});

describe('apps/web on the Vite dev server', () => {
  // The dev server pre-bundles dependencies into another folder: the wasm backend's .wasm URL
  // then returned the page's HTML (issue #28) unless the config excludes the package, as ours does.
  it('runs a sample on wasm, cross-origin isolated', async () => {
    const dev = await createServer({
      root: app,
      server: { port: 4400, strictPort: false },
      logLevel: 'warn',
    });
    await dev.listen();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(dev.resolvedUrls?.local[0] as string);
      await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      await page.selectOption('#backend', 'wasm');
      await page.selectOption('#threads', '2');
      await page.click('#samples button');
      await finished(page, 1);
      const status = await page.$eval('#status', (s) => ({
        state: s.getAttribute('data-state'),
        backend: s.getAttribute('data-backend'),
        text: s.textContent ?? '',
      }));
      expect(status.state, status.text).toBe('done');
      expect(status.backend).toBe('wasm');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await dev.close();
    }
  }, 180_000);
});
