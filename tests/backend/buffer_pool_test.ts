import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { drainPool, pooledFloats } from "../../backend/_buffer_pool.ts";
import { randomValues } from "./_helpers.ts";

const N = 128; // 128 x 128 = 16384 floats, the smallest pooled size

async function onKerno(fn: () => void): Promise<void> {
  const before = tf.memory().numTensors;
  await tf.setBackend("kerno");
  drainPool();
  try {
    fn();
  } finally {
    drainPool();
    await tf.setBackend("cpu");
  }
  assert.equal(tf.memory().numTensors, before);
}

const square = (seed: number) => tf.tensor(randomValues(N * N, seed), [N, N]);

Deno.test("KernoBackend recycles a disposed output buffer for the next output of its size", async () => {
  await onKerno(() => {
    const x = square(1);
    const y = tf.relu(x);
    const first = tf.backend() as unknown as { data: { get(id: object): { values: unknown } } };
    const buffer = first.data.get(y.dataId).values;
    y.dispose();
    assert.equal(pooledFloats(), N * N);
    const z = tf.relu(x);
    assert.equal(first.data.get(z.dataId).values, buffer, "same buffer reused");
    assert.equal(pooledFloats(), 0);
    const expected = Array.from(x.dataSync()).map((v) => Math.max(0, v));
    assert.deepEqual(Array.from(z.dataSync()), expected);
    tf.dispose([x, z]);
  });
});

Deno.test("KernoBackend never recycles values read with dataSync", async () => {
  await onKerno(() => {
    const x = square(2);
    const y = tf.neg(x);
    const read = y.dataSync();
    const copy = Array.from(read);
    y.dispose();
    assert.equal(pooledFloats(), 0);
    const z = tf.abs(x);
    assert.deepEqual(Array.from(read), copy);
    tf.dispose([x, z]);
  });
});

Deno.test("KernoBackend's slice copies, so recycling its source's buffer leaves it intact", async () => {
  await onKerno(() => {
    const x = square(3);
    const y = tf.neg(x);
    // The cpu kernel returns a view of y's buffer for a contiguous slice; kerno's copies.
    const row = tf.slice(y, [1, 0], [1, N]);
    y.dispose();
    assert.equal(pooledFloats(), N * N, "y's buffer is free to recycle: nothing aliases it");
    const z = tf.abs(x); // takes y's buffer and overwrites it
    const expected = Array.from(x.dataSync()).slice(N, 2 * N).map((v) => -v);
    assert.deepEqual(Array.from(row.dataSync()), expected);
    tf.dispose([x, row, z]);
  });
});

Deno.test("KernoBackend never recycles arrays the caller passed to tf.tensor", async () => {
  await onKerno(() => {
    const mine = randomValues(N * N, 4);
    const copy = Array.from(mine);
    const t = tf.tensor(mine, [N, N]);
    t.dispose();
    assert.equal(pooledFloats(), 0);
    const x = square(5);
    const z = tf.neg(x);
    assert.deepEqual(Array.from(mine), copy);
    tf.dispose([x, z]);
  });
});
