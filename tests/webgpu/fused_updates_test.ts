/**
 * The `webgpu` backend's fused, in-place optimizer updates (WGSL passes,
 * `backend/webgpu/fused_updates.ts`) against the plain update rules run on
 * TensorFlow.js's `cpu` backend, which has no fused rules: every optimizer
 * and option over several steps on a problem whose gradients depend on the
 * parameters; that the update happened in place (the variable keeps its
 * storage); that a value read before an update is not served stale after
 * it; that a variable sharing storage with a clone is not written through
 * (the plain rule runs, and the clone keeps its value); and no leaks.
 * Skipped, with one printed line saying why, without a WebGPU adapter.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { getBackend, setBackend } from "../../backend/select.ts";
import { fusedUpdateRule } from "../../engine/fused.ts";
import { randomValues } from "../backend/_helpers.ts";
import { webgpuTests } from "./_helpers.ts";
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Lion,
  Nadam,
  type Optimizer,
  RMSprop,
  SGD,
} from "../../optimizers/mod.ts";

const { skip } = await webgpuTests("the WebGPU fused-update tests");

const STEPS = 4;
const SHAPES = [[7], [5, 3]];

/** ∇ of Σ ½aᵢwᵢ² + cᵢwᵢ, with `c` changing every step. */
function gradient(values: Float32Array, index: number, step: number): Float32Array {
  const a = randomValues(values.length, 10 + index);
  const c = randomValues(values.length, 20 + index + step);
  return values.map((w, j) => (a[j] + 1.5) * w + c[j]);
}

interface Result {
  weights: Float32Array[];
  state: Float32Array[];
  inPlace: boolean;
  leaked: number;
}

/** Runs STEPS updates on `backend`, reading the weights (as a user would) before each. */
async function run(backend: string, make: () => Optimizer): Promise<Result> {
  await setBackend(backend);
  const before = tf.memory().numTensors;
  const vars = tf.tidy(() =>
    SHAPES.map((s, i) => tf.variable(tf.tensor(randomValues(size(s), i + 1), s)))
  );
  const optimizer = make();
  let inPlace = true;
  for (let step = 0; step < STEPS; step++) {
    const values = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
    const grads = values.map((w, i) => tf.tensor(gradient(w, i, step), SHAPES[i]));
    const ids = vars.map((v) => v.dataId);
    optimizer.applyGradients(grads, vars);
    if (step > 0) inPlace &&= vars.every((v, i) => v.dataId === ids[i]);
    tf.dispose(grads);
  }
  const weights = await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
  const saved = optimizer.getWeights();
  const state = await Promise.all(saved.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(saved);
  optimizer.dispose();
  tf.dispose(vars);
  return { weights, state, inPlace, leaked: tf.memory().numTensors - before };
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  });
}

const CASES: [string, () => Optimizer][] = [
  ["SGD", () => new SGD({ learningRate: 0.1 })],
  ["SGD momentum", () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
  ["SGD Nesterov", () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
  ["Adam", () => new Adam({ learningRate: 0.1 })],
  ["Adam AMSGrad", () => new Adam({ learningRate: 0.1, amsgrad: true })],
  ["AdamW", () => new AdamW({ learningRate: 0.1, weightDecay: 0.05 })],
  ["Adamax", () => new Adamax({ learningRate: 0.1 })],
  ["Nadam", () => new Nadam({ learningRate: 0.1 })],
  ["Lion", () => new Lion({ learningRate: 0.01 })],
  ["Adagrad", () => new Adagrad({ learningRate: 0.1 })],
  ["Adadelta", () => new Adadelta({ learningRate: 1 })],
  ["RMSprop", () => new RMSprop({ learningRate: 0.01 })],
  ["RMSprop momentum", () => new RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ["RMSprop centered", () => new RMSprop({ learningRate: 0.01, centered: true })],
  [
    "RMSprop centered momentum",
    () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5 }),
  ],
];

const restore = getBackend();

Deno.test({
  name: "webgpu fused updates equal the plain rules on cpu, in place, without leaks",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      for (const [name, make] of CASES) {
        const cpu = await run("cpu", make);
        const gpu = await run("webgpu", make);
        assert.ok(gpu.inPlace, `${name}: the variables were given new storage (not fused)`);
        assert.equal(gpu.leaked, 0, `${name}: tensors left behind on webgpu`);
        gpu.weights.forEach((w, i) => assertClose(w, cpu.weights[i], `${name} weight ${i}`));
        assert.equal(gpu.state.length, cpu.state.length);
        gpu.state.forEach((s, i) => assertClose(s, cpu.state[i], `${name} state ${i}`));
      }
    } finally {
      await setBackend(restore);
    }
  },
});

Deno.test({
  name:
    "webgpu fused updates: registered, and a variable shared with a clone is not written through",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      await setBackend("webgpu");
      for (const [rule] of CASES) {
        const key = rule.split(" ")[0].toLowerCase().replace("adamw", "adam");
        assert.notEqual(fusedUpdateRule(key), undefined, `no fused rule "${key}" on webgpu`);
      }
      const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
      const snapshot = tf.clone(v); // shares v's storage
      const g = tf.tensor1d([1, 1, 1]);
      const optimizer = new SGD({ learningRate: 0.5 });
      optimizer.applyGradients([g], [v]);
      assert.deepEqual(Array.from(await snapshot.data()), [1, 2, 3]);
      assert.deepEqual(Array.from(await v.data()), [0.5, 1.5, 2.5]);
      snapshot.dispose();
      const id = v.dataId;
      optimizer.applyGradients([g], [v]); // now v's storage is its own: fused, in place
      assert.equal(v.dataId, id);
      assert.deepEqual(Array.from(await v.data()), [0, 1, 2]);
      tf.dispose([v, g]);
      optimizer.dispose();
    } finally {
      await setBackend(restore);
    }
  },
});
