import { storageByteLength, type TensorInfo } from '@pabnn/ir';

/** A reusable buffer slot on one backend. */
export interface Slot {
  backend: string;
  byteLength: number;
}

export interface MemoryPlan {
  slots: Slot[];
  /** Slot index of every intermediate value (node outputs). */
  slotOf: Map<string, number>;
  /** Bytes of all slots together: the peak activation memory of a run. */
  peakBytes: number;
  /** Bytes if every intermediate had its own buffer, for comparison. */
  unplannedBytes: number;
}

export interface PlanStep {
  backend: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

/**
 * Greedy buffer reuse over the execution order: each node output takes the smallest free
 * slot on its backend that fits (or a new one), and a value's slot returns to the free list
 * right after its last reader ran. Graph outputs are never reused within a run.
 */
export function planMemory(
  steps: readonly PlanStep[],
  infos: Map<string, TensorInfo>,
  graphOutputs: ReadonlySet<string>,
): MemoryPlan {
  const lastUse = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const v of s.inputs) lastUse.set(v, i);
  });
  const slots: Slot[] = [];
  const free: number[] = [];
  const slotOf = new Map<string, number>();
  let unplannedBytes = 0;
  steps.forEach((step, i) => {
    for (const v of step.outputs) {
      const size = storageByteLength(infos.get(v)!.dtype, infos.get(v)!.shape);
      unplannedBytes += size;
      let best = -1;
      for (let k = 0; k < free.length; k++) {
        const slot = slots[free[k]];
        if (
          slot.backend === step.backend &&
          slot.byteLength >= size &&
          (best === -1 || slot.byteLength < slots[free[best]].byteLength)
        )
          best = k;
      }
      if (best === -1) {
        slots.push({ backend: step.backend, byteLength: size });
        slotOf.set(v, slots.length - 1);
      } else {
        slotOf.set(v, free[best]);
        free.splice(best, 1);
      }
    }
    const done = [...step.inputs, ...step.outputs].filter(
      (v) => slotOf.has(v) && !graphOutputs.has(v) && (lastUse.get(v) ?? i) <= i,
    );
    for (const v of new Set(done)) free.push(slotOf.get(v)!);
  });
  return { slots, slotOf, peakBytes: slots.reduce((n, s) => n + s.byteLength, 0), unplannedBytes };
}
