import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { setSeed } from "../../engine/random.ts";
import { Dropout } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Dropout passes the shared layer check", () => {
  checkLayer({
    make: () => new Dropout(0.3, { seed: 4 }),
    cls: Dropout,
    inputShape: [3, 5],
    outputShape: [3, 5],
    weights: 0,
    params: 0,
  });
});

Deno.test("Dropout scales survivors by 1/(1-rate) in training and is the identity otherwise", () => {
  const before = tf.memory().numTensors;
  const x = tf.fill([50, 20], 3);
  const layer = new Dropout(0.25, { seed: 1 });
  const y = layer.apply(x, { training: true });
  const values = Array.from(y.dataSync());
  for (const v of values) assert.ok(v === 0 || Math.abs(v - 4) < 1e-6, `unexpected value ${v}`);
  const dropped = values.filter((v) => v === 0).length / values.length;
  assert.ok(dropped > 0.18 && dropped < 0.32, `dropped fraction ${dropped}`);
  const z = layer.apply(x);
  assert.deepEqual(Array.from(z.dataSync()), Array.from(x.dataSync()));
  const w = layer.apply(x, { training: false });
  assert.deepEqual(Array.from(w.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, y, z, w]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Dropout with the same seed gives the same masks, call after call", () => {
  const x = tf.ones([8, 8]);
  const a = new Dropout(0.5, { seed: 42 });
  const b = new Dropout(0.5, { seed: 42 });
  const a1 = a.apply(x, { training: true });
  const b1 = b.apply(x, { training: true });
  assert.deepEqual(a1.arraySync(), b1.arraySync());
  const a2 = a.apply(x, { training: true });
  const b2 = b.apply(x, { training: true });
  assert.deepEqual(a2.arraySync(), b2.arraySync());
  assert.notDeepEqual(
    a1.arraySync(),
    a2.arraySync(),
    "a fixed seed fixes the sequence, not one mask",
  );
  tf.dispose([x, a1, b1, a2, b2]);
});

Deno.test("Dropout without a seed is repeatable under setSeed", () => {
  const x = tf.ones([8, 8]);
  setSeed(7);
  const y1 = new Dropout(0.5).apply(x, { training: true });
  setSeed(7);
  const y2 = new Dropout(0.5).apply(x, { training: true });
  assert.deepEqual(y1.arraySync(), y2.arraySync());
  tf.dispose([x, y1, y2]);
});

Deno.test("Dropout noiseShape shares the mask along size-1 axes", () => {
  const x = tf.ones([6, 10]);
  const y = new Dropout(0.5, { noiseShape: [null, 1], seed: 3 }).apply(x, { training: true });
  for (const row of y.arraySync() as number[][]) {
    assert.ok(row.every((v) => v === row[0]), "each row is kept or dropped whole");
  }
  tf.dispose([x, y]);
  const x3 = tf.ones([2, 3]);
  assert.throws(
    () => new Dropout(0.5, { noiseShape: [1] }).apply(x3, { training: true }),
    RangeError,
  );
  x3.dispose();
});

Deno.test("Dropout passes a mask through", () => {
  const x = tf.ones([2, 3, 4]);
  const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0]], [2, 3], "bool");
  const y = new Dropout(0.5).apply(x, { mask, training: true });
  assert.deepEqual(maskValues(y), [1, 1, 0, 1, 0, 0]);
  tf.dispose([x, mask, y]);
});

Deno.test("Dropout rejects bad options", () => {
  assert.throws(() => new Dropout(-0.1), RangeError);
  assert.throws(() => new Dropout(1), /"rate" must be a number in \[0, 1\): received 1/);
  assert.throws(() => new Dropout("0.5" as unknown as number), TypeError);
  assert.throws(() => new Dropout(undefined as unknown as number), TypeError);
  assert.throws(() => new Dropout(0.5, { noiseShape: [0] }), TypeError);
  assert.throws(() => new Dropout(0.5, { seed: NaN }), TypeError);
});

function maskValues(t: tf.Tensor): number[] | null {
  const m = maskOf(t);
  if (!m) return null;
  const v = Array.from(m.dataSync());
  m.dispose();
  return v;
}
