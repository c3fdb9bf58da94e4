/**
 * kerno's Tile kernel (what `tf.tile` and `tf.broadcastTo` run) against the
 * `cpu` backend's, on ranks 1-4 with repeats on every combination of axes,
 * and Mean's gradient (a Tile on kerno's backend) against the `cpu`
 * backend's.
 */
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { assertSameAsCpu, randomValues } from "./_helpers.ts";

const CASES: [number[], number[]][] = [
  [[5], [3]],
  [[2, 3], [1, 1]],
  [[2, 3], [3, 1]],
  [[2, 3], [1, 4]],
  [[2, 3], [2, 2]],
  [[2, 1, 4], [1, 5, 1]],
  [[2, 3, 4], [2, 1, 3]],
  [[1, 2, 1, 3], [3, 2, 4, 1]],
  [[2, 2, 2, 2], [2, 3, 1, 2]],
  // One value per leading position spread over trailing axes of size 1.
  [[4, 1, 1], [1, 3, 5]],
  [[3, 2, 1], [1, 1, 4]],
  [[3, 1], [2, 4]],
  [[2, 1, 1], [1, 1, 1]],
];

Deno.test("Tile on kerno equals the cpu backend's, every combination of repeated axes", async () => {
  for (const [shape, reps] of CASES) {
    const values = randomValues(shape.reduce((a, b) => a * b, 1), shape.length + reps[0]);
    await assertSameAsCpu(
      () => tf.tidy(() => tf.tile(tf.tensor(values, shape), reps)),
      0,
      `tile [${shape}] × [${reps}]`,
    );
  }
});

Deno.test("broadcastTo and Mean's gradient on kerno equal the cpu backend's", async () => {
  const x = randomValues(2 * 5 * 3, 7);
  await assertSameAsCpu(
    () => tf.tidy(() => tf.broadcastTo(tf.tensor(x.slice(0, 6), [2, 1, 3]), [2, 5, 3])),
    0,
    "broadcastTo",
  );
  const cases: [number | number[], boolean][] = [[1, false], [[0, 2], false], [-1, false], [
    1,
    true,
  ]];
  for (const [axis, keepDims] of cases) {
    await assertSameAsCpu(
      () =>
        tf.tidy(() => {
          const w = tf.tensor(randomValues(2 * 5 * 3, 8), [2, 5, 3]);
          return tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.mean(t, axis, keepDims), tf.mean(w, axis, keepDims)))
          )(
            tf.tensor(x, [2, 5, 3]),
          );
        }),
      1e-6,
      `mean's gradient over ${JSON.stringify(axis)}, keepDims ${keepDims}`,
    );
  }
});
