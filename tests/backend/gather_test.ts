import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  project,
  rand,
  runOn,
  type Spec,
} from "./_helpers.ts";

const ids = (shape: number[], values: number[]): Spec => ({
  shape,
  values: Int32Array.from(values),
});

Deno.test("gather matches cpu along axes 0, 1 and -1 with 1-D and 2-D indices", async () => {
  const x = rand([7, 5, 3], 1);
  await assertSameAsCpu(() => tf.gather(make(x), make(ids([4], [6, 0, 0, 3]))));
  await assertSameAsCpu(() => tf.gather(make(x), make(ids([2, 3], [1, 2, 3, 4, 0, 0])), 1));
  await assertSameAsCpu(() => tf.gather(make(x), make(ids([1], [2])), -1));
  await assertSameAsCpu(() => tf.gather(make(rand([7], 2)), make(ids([3], [6, 6, 1]))));
  await assertSameAsCpu(() =>
    tf.gather(make(rand([100, 20], 3)), make(ids([2, 4], [99, 0, 5, 5, 1, 2, 3, 4])))
  );
});

Deno.test("gather rejects out-of-range indices as the cpu kernel does", async () => {
  const x = rand([3, 2], 4);
  await assert.rejects(() => runOn("kerno", () => tf.gather(make(x), make(ids([1], [3])))));
});

Deno.test("gather (embedding lookup) gradient matches cpu and finite differences", async () => {
  const table = rand([9, 4], 5);
  const lookup = ids([2, 3], [8, 1, 1, 0, 4, 8]);
  await assertGradient((t) => project(tf.gather(t, make(lookup))), table, 1e-6, 1e-2, "embedding");
  await assertGradient(
    (t) => project(tf.gather(t, make(ids([3], [2, 0, 2])), 1)),
    table,
    1e-6,
    1e-2,
    "axis 1",
  );
});

Deno.test("unsortedSegmentSum adds rows by id and drops ids out of range", async () => {
  const x = { shape: [4, 2], values: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) };
  const r = await runOn(
    "kerno",
    () => tf.unsortedSegmentSum(make(x), make(ids([4], [2, 0, 2, 5])) as tf.Tensor1D, 3),
  );
  assert.deepEqual(r.shapes[0], [3, 2]);
  assertClose(r.values[0], [3, 4, 0, 0, 6, 8]);
  await assertSameAsCpu(() =>
    tf.unsortedSegmentSum(
      make(rand([7, 3], 6)),
      make(ids([7], [0, 1, 0, 4, 4, 2, 1])) as tf.Tensor1D,
      5,
    )
  );
  await assertSameAsCpu(() =>
    tf.unsortedSegmentSum(
      make(rand([7], 7)),
      make(ids([7], [0, 1, 0, 4, 4, 2, 1])) as tf.Tensor1D,
      6,
    )
  );
});
