/**
 * The shared layer check: output shape against `computeOutputShape` and a
 * hand-written expectation, weight and parameter counts, config round trip
 * (through JSON), gradients against central finite differences, and no
 * tensor leaks.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { type Layer, maskOf } from "../../engine/layer.ts";
import { Random, setSeed } from "../../engine/random.ts";

/** What {@link checkLayer} checks one layer against. */
export interface LayerCheck {
  /** Makes a fresh, unbuilt layer. */
  make: () => Layer;
  /** The layer's class, for `fromConfig`. */
  cls: { fromConfig(config: Record<string, unknown>): Layer };
  /** The concrete input shape, batch axis first. */
  inputShape: number[];
  /** The expected output shape, batch axis first (hand-computed). */
  outputShape: number[];
  /** Expected number of weight tensors. */
  weights: number;
  /** Expected number of trainable weight tensors. @default weights */
  trainableWeights?: number;
  /** Expected number of scalar parameters (hand-computed). */
  params: number;
  /** Makes the input; default: distinct values 0.05 apart (no ties for max/relu). */
  input?: () => tf.Tensor;
  /** Whether to check the gradient with respect to the input. @default true */
  inputGradient?: boolean;
  /** Mode of the gradient check. @default false */
  training?: boolean;
  /** Relative tolerance of the gradient check. @default 2e-2 */
  rtol?: number;
}

/** Distinct values, 0.05 apart, in a seeded random order. */
export function distinctInput(shape: number[], seed = 7): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = new Random(seed).permutation(n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (perm[i] - n / 2) * 0.05;
  return tf.tensor(values, shape);
}

/**
 * Runs every shared check on one layer; throws an AssertionError on the
 * first failure.
 *
 * @param spec The layer and the expected numbers.
 */
export function checkLayer(spec: LayerCheck): void {
  setSeed(1234);
  const before = tf.memory().numTensors;
  const layer = spec.make();
  const x = spec.input ? spec.input() : distinctInput(spec.inputShape);
  const y = applyOwned(layer, x);
  const name = layer.constructor.name;

  assert.deepEqual(y.shape, spec.outputShape, `${name}: output shape`);
  const batchless = [null, ...spec.inputShape.slice(1)];
  assert.deepEqual(
    layer.computeOutputShape(batchless),
    [null, ...spec.outputShape.slice(1)],
    `${name}: computeOutputShape`,
  );
  assert.equal(layer.weights.length, spec.weights, `${name}: weight count`);
  assert.equal(
    layer.trainableWeights.length,
    spec.trainableWeights ?? spec.weights,
    `${name}: trainable weight count`,
  );
  if (spec.weights > 0 || layer.built) {
    assert.equal(layer.countParams(), spec.params, `${name}: parameter count`);
  }

  checkRoundTrip(spec, layer, x, y);
  checkGradients(spec, layer, x);

  tf.dispose([x, y]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
}

/** `layer.apply`, disposing any mask the layer attached to the output. */
export function applyOwned(layer: Layer, x: tf.Tensor, training = false): tf.Tensor {
  const y = layer.apply(x, { training });
  maskOf(y)?.dispose();
  return y;
}

function checkRoundTrip(spec: LayerCheck, layer: Layer, x: tf.Tensor, y: tf.Tensor): void {
  const config = layer.getConfig();
  const json = JSON.parse(JSON.stringify(config));
  assert.deepEqual(json, config, `${layer.constructor.name}: config is plain JSON`);
  const copy = spec.cls.fromConfig(json);
  assert.equal(copy.constructor, layer.constructor);
  assert.deepEqual(copy.getConfig(), config, `${layer.constructor.name}: config round trip`);
  applyOwned(copy, x).dispose(); // builds it
  const values = layer.getWeights();
  copy.setWeights(values);
  tf.dispose(values);
  const y2 = applyOwned(copy, x);
  assert.deepEqual(
    Array.from(y2.dataSync()),
    Array.from(y.dataSync()),
    `${layer.constructor.name}: same output after round trip`,
  );
  y2.dispose();
  copy.dispose();
}

function checkGradients(spec: LayerCheck, layer: Layer, x: tf.Tensor): void {
  const training = spec.training ?? false;
  const rtol = spec.rtol ?? 2e-2;
  const name = layer.constructor.name;
  const probe = tf.tidy(() => tf.randomUniform(spec.outputShape, -1, 1, "float32", 99));
  const weights = layer.trainableWeights;
  const objective = (input: tf.Tensor) => tf.sum(tf.mul(applyOwned(layer, input, training), probe));
  const probeData = probe.dataSync();
  const value = (input: tf.Tensor): number =>
    tf.tidy(() => {
      const out = applyOwned(layer, input, training).dataSync();
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i] * probeData[i];
      return s;
    });

  if (spec.inputGradient ?? true) {
    const g = tf.tidy(() => tf.grad(objective)(x));
    const analytic = g.dataSync();
    const base = Float32Array.from(x.dataSync());
    for (const i of sample(base.length)) {
      const numeric = central(base, i, (arr) => {
        const t = tf.tensor(arr, x.shape);
        const v = value(t);
        t.dispose();
        return v;
      });
      near(numeric, analytic[i], rtol, maxAbs(analytic), `${name}: d/dinput[${i}]`);
    }
    g.dispose();
  }

  if (weights.length === 0) {
    probe.dispose();
    return;
  }
  const { value: v, grads } = tf.variableGrads(() => objective(x) as tf.Scalar, weights);
  v.dispose();
  for (const w of weights) {
    const analytic = grads[w.name].dataSync();
    const base = Float32Array.from(w.dataSync());
    for (const i of sample(base.length)) {
      const numeric = central(base, i, (arr) => {
        const t = tf.tensor(arr, w.shape);
        w.assign(t);
        t.dispose();
        return value(x);
      });
      near(numeric, analytic[i], rtol, maxAbs(analytic), `${name}: d/d${w.name}[${i}]`);
    }
    const restore = tf.tensor(base, w.shape);
    w.assign(restore);
    restore.dispose();
  }
  tf.dispose(grads);
  probe.dispose();
}

/** Central difference of `f` along element `i` of `base`, with eps 1e-2. */
function central(base: Float32Array, i: number, f: (arr: Float32Array) => number): number {
  const plus = Float32Array.from(base);
  const minus = Float32Array.from(base);
  plus[i] = base[i] + 1e-2;
  minus[i] = base[i] - 1e-2;
  const step = plus[i] - minus[i]; // the float32 step actually taken
  return (f(plus) - f(minus)) / step;
}

function near(numeric: number, analytic: number, rtol: number, scale: number, what: string) {
  const atol = 1e-3 * Math.max(1, scale);
  const ok =
    Math.abs(numeric - analytic) <= atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic));
  assert.ok(ok, `${what}: finite difference ${numeric} vs gradient ${analytic}`);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Up to 16 element indices, all of them for small tensors. */
function sample(n: number): number[] {
  if (n <= 16) return [...Array(n).keys()];
  return Array.from(new Random(5).permutation(n).slice(0, 16));
}

/** What {@link checkMultiInputLayer} checks one layer of several inputs (a merge layer) against. */
export interface MultiInputLayerCheck {
  /** Makes a fresh, unbuilt layer. */
  make: () => Layer;
  /** The layer's class, for `fromConfig`. */
  cls: { fromConfig(config: Record<string, unknown>): Layer };
  /** The concrete input shapes, batch axis first, one per input. */
  inputShapes: number[][];
  /** The expected output shape, batch axis first (hand-computed). */
  outputShape: number[];
  /** Makes the inputs; default: distinct values 0.05 apart, input k shifted by k·0.025. */
  inputs?: () => tf.Tensor[];
  /** Relative tolerance of the gradient check. @default 2e-2 */
  rtol?: number;
}

/**
 * The shared check for a layer called on an array of tensors: output shape
 * against `computeOutputShape` and the expectation, no weights, config
 * round trip (through JSON) with the same output, gradients with respect
 * to every input against central finite differences, and no leaks.
 *
 * @param spec The layer and the expected numbers.
 */
export function checkMultiInputLayer(spec: MultiInputLayerCheck): void {
  setSeed(1234);
  const before = tf.memory().numTensors;
  const layer = spec.make();
  const name = layer.constructor.name;
  // Input k is offset by k·0.025, half the grid step: no ties between inputs (for Maximum).
  const xs = spec.inputs
    ? spec.inputs()
    : spec.inputShapes.map((s, k) => tf.tidy(() => tf.add(distinctInput(s, 7 + k), 0.025 * k)));
  const y = applyMany(layer, xs);
  assert.deepEqual(y.shape, spec.outputShape, `${name}: output shape`);
  assert.deepEqual(
    layer.computeOutputShape(spec.inputShapes.map((s) => [null, ...s.slice(1)])),
    [null, ...spec.outputShape.slice(1)],
    `${name}: computeOutputShape`,
  );
  assert.equal(layer.weights.length, 0, `${name}: weight count`);

  const config = layer.getConfig();
  const json = JSON.parse(JSON.stringify(config));
  assert.deepEqual(json, config, `${name}: config is plain JSON`);
  const copy = spec.cls.fromConfig(json);
  assert.equal(copy.constructor, layer.constructor);
  assert.deepEqual(copy.getConfig(), config, `${name}: config round trip`);
  const y2 = applyMany(copy, xs);
  assert.deepEqual(Array.from(y2.dataSync()), Array.from(y.dataSync()), `${name}: same output`);
  y2.dispose();

  const probe = tf.tidy(() => tf.randomUniform(spec.outputShape, -1, 1, "float32", 99));
  const probeData = probe.dataSync();
  const grads = tf.tidy(() =>
    tf.grads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(applyMany(layer, inputs), probe)))(xs)
  );
  xs.forEach((x, k) => {
    const analytic = grads[k].dataSync();
    const base = Float32Array.from(x.dataSync());
    for (const i of sample(base.length)) {
      const numeric = central(base, i, (arr) =>
        tf.tidy(() => {
          const inputs = xs.map((other, j) => (j === k ? tf.tensor(arr, x.shape) : other));
          const out = applyMany(layer, inputs).dataSync();
          let s = 0;
          for (let n = 0; n < out.length; n++) s += out[n] * probeData[n];
          return s;
        }));
      near(
        numeric,
        analytic[i],
        spec.rtol ?? 2e-2,
        maxAbs(analytic),
        `${name}: d/dinput${k}[${i}]`,
      );
    }
  });
  tf.dispose([...grads, probe, ...xs, y]);
  layer.dispose();
  copy.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
}

/** `layer.apply` on several inputs, disposing any mask the layer attached to the output. */
export function applyMany(layer: Layer, xs: tf.Tensor[], training = false): tf.Tensor {
  const y = layer.apply(xs, { training });
  maskOf(y)?.dispose();
  return y;
}
