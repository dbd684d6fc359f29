import { checkLimit, type Limits, numElements, type TensorInfo } from '@pabnn/ir';
import type { MemoryPlan } from './memory-plan.js';

/**
 * Checks a run's plan against the limits before any of its buffers is allocated: every
 * value's element count (maxTensorElements) and the plan's activation bytes, all reused
 * buffers together (maxActivationBytes). A small file (one Conv2D with pads of 2000) can ask
 * for gigabytes; this is where it is refused, with a LimitError naming the limit and the value.
 */
export function checkPlanLimits(
  infos: Map<string, TensorInfo>,
  memory: MemoryPlan,
  limits: Limits,
  shapes: string,
): void {
  checkLimit(
    limits,
    'maxActivationBytes',
    memory.peakBytes,
    `the activation bytes of the plan for input shapes ${shapes}`,
  );
  for (const name of memory.slotOf.keys()) {
    const info = infos.get(name)!;
    checkLimit(
      limits,
      'maxTensorElements',
      numElements(info.shape),
      `the element count of value '${name}' for input shapes ${shapes}`,
    );
  }
}
