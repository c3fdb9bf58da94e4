/**
 * Test harness: runs an optimizer for a few steps on a tiny hand-written
 * problem and, next to it, the same steps computed in plain JavaScript
 * numbers from the documented equations (Keras 3's base-class order:
 * accumulate, clip, decay, update rule, moving average).
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import type { Optimizer } from "../../optimizers/mod.ts";

export type Vec = number[];

/** One variable's update in plain numbers: mutates `w` (and its own state). */
export type RefRule = (index: number, w: Vec, g: Vec, lr: number, t: number) => void;

/** Base-class options the reference reproduces. */
export interface RefOptions {
  lr: number | ((step: number) => number);
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
  weightDecay?: number;
  decayExcluded?: number[];
  accumulation?: number;
  emaMomentum?: number;
  emaOverwriteFrequency?: number;
}

/** `tf.variable(tf.tensor(values))`, disposing the initial tensor. */
export function makeVariable(values: number[] | number[][], name?: string): tf.Variable {
  const initial = tf.tensor(values);
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/** The tiny problem: two variables and a convex quadratic's gradient. */
export const START: Vec[] = [[1, -2, 0.5], [0.3]];
const A = [[1, 3, 0.5], [2]];
const C = [[0.2, -0.1, 0.4], [-1]];

/** ∇ of sum(0.5 a w² + c w), optionally scaled per call (to make gradients shrink). */
export function quadraticGrad(params: Vec[], call: number, scale = (_: number) => 1): Vec[] {
  return params.map((w, i) => w.map((x, j) => (A[i][j] * x + C[i][j]) * scale(call)));
}

const norm = (v: Vec) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/**
 * The reference: applies one call of `grads` to `params` in place.
 */
export class Reference {
  calls = 0;
  #acc: Vec[] | null = null;
  averages: Vec[] | null = null;
  constructor(readonly rule: RefRule, readonly options: RefOptions) {}

  get iterations(): number {
    return Math.floor(this.calls / (this.options.accumulation ?? 1));
  }

  step(params: Vec[], grads: Vec[]): void {
    const o = this.options;
    let ready: Vec[] | null = grads.map((g) => [...g]);
    if (o.accumulation !== undefined) {
      this.#acc ??= grads.map((g) => g.map(() => 0));
      const acc = this.#acc;
      if ((this.calls + 1) % o.accumulation !== 0) {
        grads.forEach((g, i) => g.forEach((x, j) => (acc[i][j] += x)));
        ready = null;
      } else {
        ready = grads.map((g, i) => g.map((x, j) => (x + acc[i][j]) / o.accumulation!));
        this.#acc = null;
      }
    }
    if (ready !== null) this.#update(params, ready);
    if (o.emaMomentum !== undefined) {
      this.averages ??= params.map((p) => [...p]);
      const m = this.iterations === 0 ? 0 : o.emaMomentum;
      this.averages.forEach((avg, i) =>
        avg.forEach((a, j) => (avg[j] = m * a + (1 - m) * params[i][j]))
      );
      const every = o.emaOverwriteFrequency;
      if (every !== undefined && (this.iterations + 1) % every === 0) {
        this.averages.forEach((avg, i) => avg.forEach((a, j) => (params[i][j] = a)));
      }
    }
    this.calls += 1;
  }

  #update(params: Vec[], grads: Vec[]): void {
    const o = this.options;
    const t = this.iterations + 1;
    const lr = typeof o.lr === "number" ? o.lr : o.lr(t - 1);
    let g = grads;
    if (o.clipnorm !== undefined) {
      g = g.map((v) => v.map((x) => x * o.clipnorm! / Math.max(norm(v), o.clipnorm!)));
    } else if (o.globalClipnorm !== undefined) {
      const total = norm(g.flat());
      g = g.map((v) => v.map((x) => x * Math.min(1, o.globalClipnorm! / total)));
    } else if (o.clipvalue !== undefined) {
      g = g.map((v) => v.map((x) => Math.min(o.clipvalue!, Math.max(-o.clipvalue!, x))));
    }
    if (o.weightDecay !== undefined) {
      params.forEach((w, i) => {
        if (o.decayExcluded?.includes(i)) return;
        w.forEach((x, j) => (w[j] = x - x * o.weightDecay! * lr));
      });
    }
    params.forEach((w, i) => this.rule(i, w, g[i], lr, t));
  }
}

/** Asserts `actual` equals `expected` to `rel` relative error (floor 0.1 on the scale). */
export function assertClose(actual: ArrayLike<number>, expected: Vec, rel = 1e-6, what = ""): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < expected.length; j++) {
    const tol = rel * Math.max(Math.abs(expected[j]), 0.1);
    assert.ok(
      Math.abs(actual[j] - expected[j]) <= tol,
      `${what}[${j}]: got ${actual[j]}, expected ${expected[j]} (tolerance ${tol})`,
    );
  }
}

/**
 * Runs `optimizer` and the reference side by side for `calls` calls and
 * compares every parameter after every call. Disposes what it creates.
 */
export function compareWithReference(
  optimizer: Optimizer,
  rule: RefRule,
  options: RefOptions,
  calls = 3,
  scale?: (call: number) => number,
): void {
  const params = START.map((p) => [...p]);
  const variables = params.map((p) => makeVariable(p));
  const reference = new Reference(rule, options);
  for (let call = 0; call < calls; call++) {
    const grads = quadraticGrad(params, call, scale);
    const tensors = grads.map((g) => tf.tensor(g));
    optimizer.applyGradients(tensors, variables);
    tf.dispose(tensors);
    reference.step(params, grads);
    variables.forEach((v, i) =>
      assertClose(v.dataSync(), params[i], 1e-6, `call ${call} var ${i}`)
    );
  }
  if (reference.averages !== null) {
    optimizer.swapEmaWeights(variables);
    variables.forEach((v, i) =>
      assertClose(v.dataSync(), reference.averages![i], 1e-6, `ema ${i}`)
    );
    optimizer.swapEmaWeights(variables);
    variables.forEach((v, i) => assertClose(v.dataSync(), params[i], 1e-6, `swapped back ${i}`));
  }
  assert.equal(optimizer.iterations, reference.iterations);
  optimizer.dispose();
  tf.dispose(variables);
}

/** Per-variable state helper for reference rules: a zero-filled (or `init`) vector per name. */
export function slotStore(
  init: Record<string, number> = {},
): (i: number, name: string, n: number) => Vec {
  const store = new Map<string, Vec>();
  return (i, name, n) => {
    const key = `${i}/${name}`;
    if (!store.has(key)) store.set(key, new Array(n).fill(init[name] ?? 0));
    return store.get(key)!;
  };
}
