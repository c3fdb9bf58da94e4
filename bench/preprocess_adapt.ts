/**
 * `Normalization.adapt` over 10⁶ × 10 values (a float32 tensor, streamed in
 * batches of 1,024 rows; and the same data as a Dataset of batches), with
 * the result checked against a float64 two-pass mean and variance. Prints
 * seconds per adapt (best of 3) and the largest errors.
 *
 * Run: `deno run -A bench/preprocess_adapt.ts`
 *
 * @module
 */
import { Dataset, layers, tf } from "../mod.ts";

const ROWS = 1_000_000;
const COLS = 10;

/** Data with offset, scale and a drift along the rows, so a naive sum would lose digits. */
function makeData(): Float32Array {
  const x = new Float32Array(ROWS * COLS);
  let s = 1;
  for (let i = 0; i < x.length; i++) {
    s = (s * 16807) % 2147483647;
    const col = i % COLS;
    x[i] = 1000 * (col + 1) + (col + 1) * ((s / 2147483647) - 0.5) + 1e-6 * i;
  }
  return x;
}

/** Two-pass float64 reference. */
function reference(x: Float32Array): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(COLS);
  const variance = new Float64Array(COLS);
  for (let i = 0; i < x.length; i++) mean[i % COLS] += x[i];
  mean.forEach((m, j) => (mean[j] = m / ROWS));
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - mean[i % COLS];
    variance[i % COLS] += d * d;
  }
  variance.forEach((v, j) => (variance[j] = v / ROWS));
  return { mean, variance };
}

function best(fn: () => void, runs = 3): number {
  let t = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

function relError(layer: layers.Normalization, ref: ReturnType<typeof reference>): number[] {
  const mean = layer.adaptMean!.dataSync();
  const variance = layer.adaptVariance!.dataSync();
  let em = 0;
  let ev = 0;
  for (let j = 0; j < COLS; j++) {
    em = Math.max(em, Math.abs(mean[j] - ref.mean[j]) / Math.abs(ref.mean[j]));
    ev = Math.max(ev, Math.abs(variance[j] - ref.variance[j]) / ref.variance[j]);
  }
  return [em, ev];
}

const data = makeData();
const ref = reference(data);
const tensor = tf.tensor2d(data, [ROWS, COLS]);
const norm = new layers.Normalization();
const fromTensor = best(() => norm.adapt(tensor));
const [em, ev] = relError(norm, ref);
const ds = Dataset.fromArrays(tensor).batch(8192);
const norm2 = new layers.Normalization();
const fromDataset = best(() => norm2.adapt(ds), 1);
const [em2, ev2] = relError(norm2, ref);
console.log(`backend: ${tf.getBackend()}`);
console.log(
  `Normalization.adapt, ${ROWS} x ${COLS} float32 tensor: ${fromTensor.toFixed(3)} s ` +
    `(max relative error: mean ${em.toExponential(1)}, variance ${ev.toExponential(1)})`,
);
console.log(
  `Normalization.adapt, Dataset of ${ds.size} rows in batches of 8192: ${
    fromDataset.toFixed(3)
  } s (max relative error: mean ${em2.toExponential(1)}, variance ${ev2.toExponential(1)})`,
);
tensor.dispose();
norm.dispose();
norm2.dispose();
