// The demo page: pick a shipped model, a backend and an image; see the top 5, the latency and
// one layer's weight histogram with the staircase that replaces it.
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import '@pabnn/backend-webgpu';
import { getBackend } from '@pabnn/backend';
import { load } from '@pabnn/ir';
import { createQuantizer, staircasePlot } from '@pabnn/quantizer';
import { type Camera, startCamera } from './camera.js';
import {
  CHANCE_TOP1,
  fetchModel,
  loadCatalog,
  type ModelEntry,
  RECOMMENDED,
  type Sample,
} from './catalog.js';
import { Classifier } from './classify.js';
import { floatCounterpart, renderComparison } from './compare.js';
import { drawPixels, imageToPixels } from './image-input.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSelect = $<HTMLSelectElement>('model');
const backendSelect = $<HTMLSelectElement>('backend');
const threadsSelect = $<HTMLSelectElement>('threads');
const truth = $<HTMLParagraphElement>('truth');
const compare = $<HTMLTableElement>('compare');
const status = $<HTMLParagraphElement>('status');
const top5 = $<HTMLOListElement>('top5');
const inputCanvas = $<HTMLCanvasElement>('input');

const BACKENDS = ['wasm', 'js', 'webgpu'];
/** ResNet's first binarized conv; other families show their second conv (the first stays float). */
const HISTOGRAM_LAYER = 'layer1.0.conv1';
const classifiers = new Map<string, Promise<Classifier>>();
let models: ModelEntry[] = [];
let current: Uint8Array | undefined;
/** Bumped by every new request and every model change: a result of an older one is dropped. */
let latest = 0;
/** Classifications finished, current or dropped (body[data-finished], for the tests). */
let finished = 0;

function setStatus(state: 'idle' | 'running' | 'done' | 'error', text: string, extra = {}) {
  status.dataset.state = state;
  for (const key of ['backend', 'class']) delete status.dataset[key];
  Object.assign(status.dataset, extra);
  status.textContent = text;
}

const selectedModel = () => models.find((m) => m.file === modelSelect.value) as ModelEntry;

function classifier(entry: ModelEntry, backend: string, threads: number): Promise<Classifier> {
  const key = `${entry.file}|${backend}|${threads}`;
  let c = classifiers.get(key);
  if (!c) {
    c = fetchModel(entry).then((bytes) => Classifier.open(bytes, backend, threads));
    c.catch(() => classifiers.delete(key)); // a failed backend can be retried
    classifiers.set(key, c);
  }
  return c;
}

async function classify(): Promise<void> {
  const pixels = current; // the image of this request, whatever is chosen meanwhile
  if (!pixels) return;
  const entry = selectedModel();
  const backend = backendSelect.value;
  const threads = Number(threadsSelect.value);
  const ticket = ++latest;
  setStatus('running', `running ${entry.scheme} on ${backend}...`);
  top5.replaceChildren();
  renderComparison(compare, []);
  try {
    const result = await (await classifier(entry, backend, threads)).classify(pixels);
    // the float baseline on the same backend and image, beside a binarized model
    const float = entry.scheme === 'float' ? undefined : floatCounterpart(models, entry);
    const baseline = float && (await (await classifier(float, backend, threads)).classify(pixels));
    if (ticket !== latest) return; // the model, backend or image changed meanwhile
    for (const p of result.top5) {
      const li = document.createElement('li');
      li.dataset.class = String(p.classIndex);
      li.dataset.score = String(p.score);
      li.textContent = `${p.label}: ${(100 * p.score).toFixed(1)} %`;
      li.style.setProperty('--p', `${(100 * p.score).toFixed(1)}%`); // its bar (style.css)
      top5.append(li);
    }
    renderComparison(
      compare,
      float && baseline
        ? [
            { entry, result },
            { entry: float, result: baseline },
          ]
        : [],
    );
    const fallbacks = result.fallbacks ? ` (${result.fallbacks} float ops on js)` : '';
    const on = backend === 'wasm' ? `${result.backend}, ${threads} thread(s)` : result.backend;
    setStatus('done', `${result.ms.toFixed(2)} ms on ${on}${fallbacks}`, {
      backend: result.backend,
      class: String(result.top5[0].classIndex),
    });
  } catch (error) {
    if (ticket === latest) setStatus('error', (error as Error).message);
  } finally {
    document.body.dataset.finished = String(++finished);
  }
}

/** Histogram of one float channel of the dataset's float model, with the chosen scheme's staircase. */
async function drawHistogram(entry: ModelEntry): Promise<void> {
  const target = $<HTMLDivElement>('histogram');
  const float = models.find(
    (m) => m.dataset === entry.dataset && m.model === entry.model && m.scheme === 'float',
  );
  if (!float) {
    target.textContent = 'no float model of this architecture is shipped';
    return;
  }
  const graph = load(await fetchModel(float));
  // dense (not depthwise) convs: a depthwise channel has only kh * kw weights to show
  const convs = graph.nodes
    .filter((n) => n.op === 'Conv2D' && ((n.attrs.groups as number | undefined) ?? 1) === 1)
    .map((n) => n.name);
  const layer = convs.includes(HISTOGRAM_LAYER) ? HISTOGRAM_LAYER : convs[1];
  const weight = graph.constants.get(`${layer}/weight`);
  if (!weight) {
    target.textContent = `no weights named ${layer}/weight in ${float.file}`;
    return;
  }
  const perChannel = weight.data.length / weight.shape[0];
  const channel = Float64Array.from((weight.data as Float32Array).subarray(0, perChannel));
  const [, scheme = 'pa', m = '4'] = /^(\w+)-(\d+)x/.exec(entry.scheme) ?? [];
  const name = entry.scheme === 'float' ? 'pa' : scheme;
  const bases = name === 'xnor' ? 1 : Number(m);
  const stairs = createQuantizer({ name, bases }).fit(channel);
  const caption = `${layer}, output channel 0 of the float model: ${perChannel} weights and the ${name} staircase with M=${bases} that replaces them`;
  const plot = staircasePlot(
    channel,
    [{ label: `${name}, M=${bases}`, color: '#c0392b', staircase: stairs }],
    `${layer}, output channel 0`,
  );
  target.innerHTML = `${plot}<p class="caption">${caption}</p>`;
}

function showSamples(samples: Sample[]): void {
  const box = $<HTMLDivElement>('samples');
  box.replaceChildren();
  for (const s of samples.filter((x) => x.dataset === selectedModel().dataset)) {
    const button = document.createElement('button');
    button.dataset.sample = s.id;
    button.dataset.label = String(s.label);
    button.title = `${s.className} (test image ${s.id})`;
    const c = document.createElement('canvas');
    c.width = 28;
    c.height = 28;
    drawPixels(c, s.pixels);
    button.append(c);
    button.addEventListener('click', () => {
      box.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', 'false'));
      button.setAttribute('aria-pressed', 'true');
      useImage(s.pixels, s.className);
    });
    box.append(button);
  }
}

function useImage(pixels: Uint8Array, label?: string, source = 'your image'): void {
  current = pixels;
  drawPixels(inputCanvas, pixels);
  truth.textContent = label ? `true label: ${label}` : `true label: unknown (${source})`;
  truth.dataset.label = label ?? '';
  void classify();
}

async function main(): Promise<void> {
  const catalog = await loadCatalog();
  models = catalog.models;
  for (const m of models) {
    const size = `${(m.bytes / 1024).toFixed(0)} KB`;
    const top1 = m.top1 === undefined ? '' : `, ${(100 * m.top1).toFixed(1)} %`;
    const chance = m.top1 !== undefined && m.top1 <= CHANCE_TOP1 ? ', at chance' : '';
    const text = `${m.dataset} ${m.model} ${m.scheme} (${size}${top1}${chance})`;
    const option = new Option(m.file === RECOMMENDED ? `${text}, recommended` : text, m.file);
    if (chance) option.dataset.chance = 'true';
    modelSelect.add(option);
  }
  if (models.some((m) => m.file === RECOMMENDED)) modelSelect.value = RECOMMENDED;
  // wasm threads need SharedArrayBuffer: a cross-origin isolated page (vite.config.ts headers)
  const isolated = globalThis.crossOriginIsolated === true;
  for (const n of [1, 2, 4]) {
    const option = new Option(String(n), String(n));
    option.disabled = n > 1 && !isolated;
    threadsSelect.add(option);
  }
  const isolation = $<HTMLParagraphElement>('isolation');
  isolation.dataset.isolated = String(isolated);
  isolation.textContent = isolated
    ? 'cross-origin isolated: wasm can run on several threads'
    : 'not cross-origin isolated: wasm runs on one thread';
  for (const name of BACKENDS) {
    const supported = await Promise.resolve(getBackend(name).isSupported()).catch(() => false);
    const option = new Option(supported ? name : `${name} (not available here)`, name);
    option.disabled = !supported;
    backendSelect.add(option);
  }
  const onModel = () => {
    const m = selectedModel();
    $<HTMLParagraphElement>('model-info').textContent =
      `${m.file}: ${m.bytes.toLocaleString()} bytes`;
    showSamples(catalog.samples);
    current = undefined;
    latest++; // a result still coming for the previous model is dropped
    truth.textContent = '';
    top5.replaceChildren();
    renderComparison(compare, []);
    void drawHistogram(m);
    setStatus('idle', 'choose an image');
  };
  modelSelect.addEventListener('change', onModel);
  backendSelect.addEventListener('change', () => void classify());
  threadsSelect.addEventListener('change', () => void classify());
  const file = $<HTMLInputElement>('file');
  const drop = $<HTMLLabelElement>('drop');
  const fromFile = async (f: File | undefined) => {
    if (!f) return;
    try {
      useImage(await imageToPixels(f));
    } catch (error) {
      setStatus('error', (error as Error).message);
    }
  };
  file.addEventListener('change', () => void fromFile(file.files?.[0]));
  const video = $<HTMLVideoElement>('video');
  const cameraButton = $<HTMLButtonElement>('camera');
  const captureButton = $<HTMLButtonElement>('capture');
  let camera: Camera | undefined;
  cameraButton.addEventListener('click', async () => {
    if (camera) {
      camera.stop();
      camera = undefined;
      video.hidden = captureButton.hidden = true;
      cameraButton.textContent = 'Use the camera';
      return;
    }
    try {
      camera = await startCamera(video);
      video.hidden = captureButton.hidden = false;
      cameraButton.textContent = 'Stop the camera';
    } catch (error) {
      setStatus('error', `camera: ${(error as Error).message}`);
    }
  });
  captureButton.addEventListener('click', async () => {
    if (!camera) return;
    try {
      useImage(await imageToPixels(await camera.capture()), undefined, 'camera');
    } catch (error) {
      setStatus('error', (error as Error).message);
    }
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void fromFile(e.dataTransfer?.files[0]);
  });
  onModel();
  document.body.dataset.ready = 'true';
}

main().catch((error) => setStatus('error', `the app could not start: ${(error as Error).message}`));
