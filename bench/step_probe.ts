/**
 * Time split of one `fit` epoch: forward + backward (`engine.gradients`) and
 * the optimizer (`applyGradients`). `deno run -A bench/step_probe.ts cnn`.
 *
 * @module
 */
import { tf } from "../mod.ts";
import { buildWorkload, type WorkloadName } from "./workloads.ts";
const name = (Deno.args[0] ?? "mlp") as WorkloadName;
const w = buildWorkload(name);
const options = { batchSize: w.batchSize, epochs: 1, verbose: 0 as const, shuffle: true };
await w.model.fit(w.x, w.y, options);
// deno-lint-ignore no-explicit-any
const m = w.model as any;
const opt = m.optimizer ?? m.compiled?.optimizer;
const timers: Record<string, number> = {};
function wrap(obj: Record<string, unknown>, key: string, label: string) {
  const f = obj[key] as (...a: unknown[]) => unknown;
  obj[key] = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    const r = f.apply(this, a);
    timers[label] = (timers[label] ?? 0) + performance.now() - t0;
    return r;
  };
}
wrap(opt, "applyGradients", "applyGradients");
const eng = tf.engine() as unknown as Record<string, unknown>;
wrap(eng, "gradients", "engine.gradients");
const t0 = performance.now();
await w.model.fit(w.x, w.y, options);
const total = performance.now() - t0;
const steps = Math.ceil(w.samples / w.batchSize);
console.log(`${name}: ${(total / steps).toFixed(3)} ms/step`);
for (const [k, v] of Object.entries(timers)) {
  console.log(`  ${k}: ${(v / steps).toFixed(3)} ms/step`);
}
