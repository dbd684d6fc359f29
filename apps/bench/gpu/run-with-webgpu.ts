// What every GPU-machine entry does (../shared/tools/gpu/README.md): put Dawn's navigator.gpu on
// globalThis before anything touches WebGPU, run the job, keep the GPU object referenced until
// the end (Node aborts if it is collected early), and exit with the job's status.
// With { webgpu: false } the job runs alone (no 'webgpu' package needed), with the same exit.
export function runWithWebgpu(job: () => Promise<unknown>, { webgpu = true } = {}): void {
  let gpu: unknown;
  if (webgpu) {
    const { create, globals } = require('webgpu');
    Object.assign(globalThis, globals);
    // timestamps as the driver gives them: Dawn rounds them to 65.5 us by default (a browser's
    // guard against timing attacks), coarser than a small dispatch (webgpu-job/profile.ts)
    gpu = create(['disable-dawn-features=timestamp_quantization']);
    (globalThis as { navigator?: object }).navigator ??= {};
    Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'gpu', {
      value: gpu,
      configurable: true,
    });
  }
  job()
    .then(() => {
      (globalThis as { keep?: unknown }).keep = gpu;
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
