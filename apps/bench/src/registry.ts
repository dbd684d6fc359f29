import { runApprox } from './benchmarks/approx.js';

export interface Benchmark {
  description: string;
  run(): Promise<void>;
}

/** Every `pnpm bench <name>`; one entry per benchmark file in benchmarks/. */
export const BENCHMARKS: Record<string, Benchmark> = {
  approx: {
    description:
      'PA / ABC-Net / XNOR approximation error on every ResNet-50 conv (reports/approx.*)',
    run: runApprox,
  },
};
