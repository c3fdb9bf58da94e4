/**
 * Where a training step's time goes: per-kernel totals over a few epochs of
 * `fit` (TensorFlow.js's profiler, which times every kernel), and the time
 * outside the kernels. `deno run -A bench/profile.ts mlp [epochs]`.
 *
 * @module
 */
import { tf } from "../mod.ts";
import { buildWorkload, type WorkloadName } from "./workloads.ts";

const name = (Deno.args[0] ?? "mlp") as WorkloadName;
const epochs = Number(Deno.args[1] ?? 1);
const w = buildWorkload(name);
const options = { batchSize: w.batchSize, epochs: 1, verbose: 0 as const, shuffle: true };
await w.model.fit(w.x, w.y, options);
const t0 = performance.now();
for (let e = 0; e < epochs; e++) await w.model.fit(w.x, w.y, options);
const plain = performance.now() - t0;
const t1 = performance.now();
const info = await tf.profile(async () => {
  for (let e = 0; e < epochs; e++) await w.model.fit(w.x, w.y, options);
});
const profiled = performance.now() - t1;
const totals = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0;
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
  const shape = k.inputShapes.map((s) => `[${s}]`).join(",");
  const key = `${k.name} ${shape}`;
  const entry = totals.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += ms;
  entry.calls++;
  totals.set(key, entry);
  kernelMs += ms;
}
const steps = epochs * Math.ceil(w.samples / w.batchSize);
console.log(
  `${name}: ${(plain / steps).toFixed(3)} ms/step unprofiled; profiled ${
    (profiled / steps).toFixed(3)
  } ms/step, kernels ${(kernelMs / steps).toFixed(3)} ms/step, ${
    (info.kernels.length / steps).toFixed(1)
  } kernels/step`,
);
const sorted = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
for (const [key, { ms, calls }] of sorted) {
  console.log(
    `${(ms / steps).toFixed(3).padStart(8)} ms/step ${String(calls / steps).padStart(5)}×  ${key}`,
  );
}
