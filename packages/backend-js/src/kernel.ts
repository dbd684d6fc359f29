import type { KernelNode } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';

/**
 * One kernel of the js backend (one file per op in kernels/, like tfjs-core's kernel
 * configs): `prepare` turns constant inputs into whatever the kernel wants to keep (once
 * per session), `run` computes outputs from host views of the input and output tensors.
 */
export interface KernelConfig<State = unknown> {
  op: string;
  prepare?(node: KernelNode, constants: (Tensor | undefined)[]): State;
  run(state: State, node: KernelNode, inputs: (Tensor | undefined)[], outputs: Tensor[]): void;
}

export function defineKernel<State>(config: KernelConfig<State>): KernelConfig<State> {
  return config;
}
