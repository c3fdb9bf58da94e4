import assert from "node:assert/strict";
import { Dataset, splitDataset, tf } from "../../mod.ts";

async function values(ds: Dataset<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) {
    out.push(
      Array.isArray(e) ? e.map((t) => (t as tf.Tensor).arraySync()) : (e as tf.Tensor).arraySync(),
    );
  }
  return out;
}

Deno.test("splitDataset cuts arrays by fraction or count, left first and right last", async () => {
  const x = tf.range(0, 10);
  const before = tf.memory().numTensors;
  const [l, r] = await splitDataset(x, { leftSize: 0.8 });
  assert.deepEqual(await values(l), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(await values(r), [8, 9]);
  const [l2, r2] = await splitDataset(x, { leftSize: 3, rightSize: 0.5 });
  assert.deepEqual(await values(l2), [0, 1, 2]);
  assert.deepEqual(await values(r2), [5, 6, 7, 8, 9]);
  // Python rounds halves to even: 0.25 · 10 = 2.5 → 2.
  const [, r3] = await splitDataset(x, { rightSize: 0.25 });
  assert.deepEqual(await values(r3), [8, 9]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("splitDataset shuffles as Python's random.seed(seed); random.shuffle and splits tuples", async () => {
  const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, -i]));
  const y = new Float32Array(10).map((_, i) => 10 * i);
  const [l, r] = await splitDataset([x, y], { leftSize: 3, shuffle: true, seed: 1 });
  // random.seed(1); random.shuffle(list(range(10))) = [6, 8, 9, 7, 5, 3, 0, 4, 1, 2]
  assert.deepEqual(await values(l), [[[6, -6], 60], [[8, -8], 80], [[9, -9], 90]]);
  assert.equal((await values(r)).length, 7);
  x.dispose();
});

Deno.test("splitDataset splits a Dataset's elements, records and tensors kept", async () => {
  const ds = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 5; i++) yield { a: i, b: Float32Array.of(i, i) };
  });
  const [l, r] = await splitDataset(ds, { rightSize: 2 });
  const out: unknown[] = [];
  for (const e of l) out.push([e.a, Array.from(e.b)]);
  assert.deepEqual(out, [[0, [0, 0]], [1, [1, 1]], [2, [2, 2]]]);
  let count = 0;
  for (const _ of r) count++;
  assert.equal(count, 2);
});

Deno.test("splitDataset errors as Keras: sizes missing, out of range, too large together, empty side", async () => {
  const x = [1, 2, 3, 4];
  await assert.rejects(splitDataset(x, {}), /"leftSize" or "rightSize" must be given/);
  await assert.rejects(
    splitDataset(x, { leftSize: 4 }),
    /"leftSize" must be a fraction in \(0, 1\) or a positive integer below the number of samples \(4\): received 4/,
  );
  await assert.rejects(splitDataset(x, { leftSize: 0.7, rightSize: 0.5 }), /must be at most 1/);
  await assert.rejects(
    splitDataset(x, { leftSize: 3, rightSize: 2 }),
    /add up to at most the 4 samples/,
  );
  await assert.rejects(splitDataset(x, { leftSize: 0.1 }), /the left part would be empty/);
  await assert.rejects(splitDataset(x, { left: 1 } as never), /"left" is not an option/);
});
