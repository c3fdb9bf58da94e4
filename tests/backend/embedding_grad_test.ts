import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Embedding } from "../../layers/embedding.ts";
import { Adam } from "../../optimizers/adam.ts";
import { arenaOf } from "../../backend/_wasm_arena.ts";
import { backendValues } from "../../backend/fused_updates.ts";
import { assertClose, onKerno, randomValues } from "./_helpers.ts";

const ROWS = 11, WIDTH = 7;
/** Per-step indices: duplicates, rows touched once then never again, changing sets. */
const STEPS = [
  [[1, 5, 9], [0, 0, 3]],
  [[9, 9, 9], [2, 5, 1]],
  [[10, 4, 4], [6, 6, 0]],
  [[3, 2, 1], [1, 2, 3]],
  [[7, 7, 8], [8, 7, 7]],
  [[5, 5, 5], [5, 5, 5]],
];

/** The table and the gradients seen, after Adam steps on `backend`. */
async function train(backend: string, holdFirst = false) {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const before = tf.memory().numTensors;
    const layer = new Embedding(ROWS, WIDTH);
    const probe = tf.zeros([1, 3], "int32");
    layer.apply(probe);
    probe.dispose();
    const table = layer.embeddings!;
    const init = tf.tensor(randomValues(ROWS * WIDTH, 3).map((x) => x * 0.2), [ROWS, WIDTH]);
    table.assign(init);
    init.dispose();
    const weights = tf.tensor(randomValues(3 * WIDTH, 4), [3 * WIDTH, 1]);
    const opt = new Adam({ learningRate: 0.01 });
    const grads: Float32Array[] = [];
    let inArena = 0;
    let held: tf.Tensor | null = null;
    for (const step of STEPS) {
      const ids = tf.tensor2d(step, [2, 3], "int32");
      const { grads: g, value } = tf.variableGrads(() => {
        const e = tf.reshape(layer.apply(ids) as tf.Tensor, [2, 3 * WIDTH]);
        return tf.sum(tf.sigmoid(tf.matMul(e, weights))) as tf.Scalar;
      }, [table]);
      const grad = g[table.name];
      grads.push(Float32Array.from(grad.dataSync() as Float32Array));
      const arena = arenaOf(backendValues(table) ?? new Float32Array());
      if (arena !== undefined && arena.gradient === grad.dataSync()) inArena++;
      opt.applyGradients([grad], [table]);
      if (holdFirst && held === null) held = grad;
      else grad.dispose();
      tf.dispose([ids, value]);
    }
    const out = Float32Array.from(table.dataSync() as Float32Array);
    tf.dispose([weights, held ?? []]);
    opt.dispose?.();
    layer.dispose?.();
    table.dispose();
    return { out, grads, inArena, leaked: tf.memory().numTensors - before };
  } finally {
    await tf.setBackend(previous);
  }
}

Deno.test("embeddingGradient writes into the arena and matches cpu through Adam", async () => {
  const cpu = await train("cpu");
  const kerno = await train("kerno");
  assert.ok(kerno.inArena >= STEPS.length - 1, `arena path taken ${kerno.inArena} times`);
  assert.equal(cpu.inArena, 0);
  for (let s = 0; s < STEPS.length; s++) {
    assertClose(kerno.grads[s], cpu.grads[s], 1e-6, `gradient of step ${s}`);
  }
  assertClose(kerno.out, cpu.out, 1e-6, "table after Adam steps");
});

Deno.test("embeddingGradient leaves a gradient still alive untouched", async () => {
  const cpu = await train("cpu", true);
  const kerno = await train("kerno", true);
  for (let s = 0; s < STEPS.length; s++) {
    assertClose(kerno.grads[s], cpu.grads[s], 1e-6, `gradient of step ${s}`);
  }
  assertClose(kerno.out, cpu.out, 1e-6, "table after Adam steps");
});

Deno.test("embeddingGradient falls back off the arena with no leaked tensors", async () => {
  await onKerno(() => {
    const layer = new Embedding(4, 2);
    const ids = tf.tensor2d([[1, 1, 3]], [1, 3], "int32");
    tf.dispose(layer.apply(ids) as tf.Tensor);
    const { grads, value } = tf.variableGrads(
      () => tf.sum(layer.apply(ids) as tf.Tensor) as tf.Scalar,
      [layer.embeddings!],
    );
    const g = Object.values(grads)[0];
    assert.deepEqual(Array.from(g.dataSync()), [0, 0, 2, 2, 0, 0, 1, 1]);
    tf.dispose([ids, value, ...Object.values(grads)]);
    layer.dispose?.();
  });
});
