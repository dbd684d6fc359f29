// A user's page: one shipped model (public/model.pabnn) run on the wasm backend and on the js
// backend, each result (or its error) written to #out as JSON for the test to read. `?threads=2`
// runs wasm on two threads, every conv split between them (minPartNs: 0), so the kernel worker
// must load too.
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

const out = document.getElementById('out');
const threads = Number(new URLSearchParams(location.search).get('threads') ?? 1);

/** The model's output on `backend`, without falling back to js for any node. */
async function logits(graph, backend, backendOptions) {
  try {
    const session = await Session.create(graph, { backend, backendOptions, fallback: false });
    const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 7));
    const result = await session.run({ image: tensor('float32', [1, 28, 28, 1], x) });
    const used = session.profile().backend;
    session.dispose();
    return { backend: used, logits: Array.from(Object.values(result)[0].data) };
  } catch (error) {
    return { error: `${error.code ?? error.name}: ${error.message}` };
  }
}

const graph = load(new Uint8Array(await (await fetch('/model.pabnn')).arrayBuffer()));
out.textContent = JSON.stringify({
  crossOriginIsolated,
  wasm: await logits(graph, 'wasm', { threads, minPartNs: 0 }),
  js: await logits(graph, 'js'),
});
out.dataset.done = 'true';
