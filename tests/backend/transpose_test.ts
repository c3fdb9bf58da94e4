import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { collapsePermutation } from "../../backend/kernels/transpose.ts";
import { assertGradient, assertSameAsCpu, make, project, rand, runOn } from "./_helpers.ts";

Deno.test("collapsePermutation drops size-1 axes and merges adjacent ones", () => {
  assert.deepEqual(collapsePermutation([2, 3, 4], [0, 1, 2]), { shape: [24], perm: [0] });
  assert.deepEqual(collapsePermutation([2, 3, 4], [2, 0, 1]), { shape: [6, 4], perm: [1, 0] });
  assert.deepEqual(collapsePermutation([2, 1, 4], [1, 0, 2]), { shape: [8], perm: [0] });
  assert.deepEqual(collapsePermutation([5, 3, 4], [0, 2, 1]), {
    shape: [5, 3, 4],
    perm: [0, 2, 1],
  });
});

Deno.test("transpose matches cpu for identity, matrix, batched, merged and general permutations", async () => {
  const cases: [number[], number[]][] = [
    [[7, 5], [0, 1]],
    [[7, 5], [1, 0]],
    [[1, 1], [1, 0]],
    [[1, 7], [1, 0]],
    [[70, 33], [1, 0]],
    [[3, 7, 5], [0, 2, 1]],
    [[3, 7, 5], [2, 0, 1]],
    [[3, 7, 5], [1, 2, 0]],
    [[2, 3, 4, 5], [0, 2, 1, 3]],
    [[2, 1, 5], [1, 0, 2]],
    [[4, 9, 2, 8], [0, 2, 1, 3]], // attention's head split, [b, t, h, d] → [b, h, t, d]
    [[4, 2, 9, 8], [0, 2, 1, 3]], // and its merge
    [[3, 4, 5, 6], [3, 1, 0, 2]], // the innermost axis moves: strided runs
    [[2, 3, 4, 5, 6], [4, 2, 0, 3, 1]],
    [[5, 0, 3], [2, 0, 1]], // empty
  ];
  for (const [shape, perm] of cases) {
    await assertSameAsCpu(() => tf.transpose(make(rand(shape, 1)), perm), 0, `${shape} ${perm}`);
  }
});

Deno.test("transpose by an order-keeping permutation shares storage and frees it once", async () => {
  const before = tf.memory().numTensors;
  const r = await runOn("kerno", () => {
    const x = tf.tensor([[1, 2, 3]]);
    const y = tf.transpose(x, [1, 0]);
    const shared = tf.engine().backend.refCount?.(x.dataId) ?? 0;
    x.dispose();
    return [y, tf.scalar(shared)];
  });
  assert.deepEqual(Array.from(r.values[0]), [1, 2, 3]);
  assert.deepEqual(r.shapes[0], [3, 1]);
  assert.equal(r.values[1][0], 2, "x and its transpose share one buffer");
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("transpose gradient matches cpu and finite differences", async () => {
  await assertGradient(
    (t) => project(tf.transpose(t, [0, 2, 1])),
    rand([2, 7, 5], 2),
    0,
    1e-2,
    "batched",
  );
});
