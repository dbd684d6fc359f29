import { expect, it } from 'vitest';
import { RUNS, TEACHER_KD_RUNS } from '../src/benchmarks/accuracy/recipe.js';

// A run's `from` and `teacher` are run ids: a typo would only show as a missing model file
// half an hour into training, or (for the scheduler, jobs.ts) as a run started before its
// teacher exists.
const byId = new Map(RUNS.map((r) => [r.id, r]));

it('names only runs of the recipe as the run to start from and as the teacher', () => {
  for (const run of RUNS) {
    for (const id of [run.from, run.teacher]) {
      if (id !== undefined) expect(byId.has(id), `${run.id} needs ${id}`).toBe(true);
    }
  }
});

it('distils only from float runs, and gives the teacher rows a teacher of their own length', () => {
  for (const run of RUNS.filter((r) => r.teacher)) {
    expect(run.distill, run.id).toBeDefined();
    expect(byId.get(run.teacher as string)?.scheme, run.id).toBe('float');
  }
  expect(TEACHER_KD_RUNS.map((r) => r.id)).toEqual([
    'fashion-mnist/resnet8/pa-2x2-kd-ft-lr1.2e-2-bn',
    'fashion-mnist/resnet8/pa-3x3-kd-ft-lr1.2e-2-bn',
  ]);
  for (const run of TEACHER_KD_RUNS) {
    const teacher = byId.get(run.teacher as string);
    // the teacher starts from the float row as the student does and trains as many epochs
    expect(teacher?.from).toBe(run.from);
    expect(teacher?.epochs).toBe(run.epochs);
    expect(teacher?.learningRate).toBe(run.learningRate);
  }
});
