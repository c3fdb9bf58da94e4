import assert from "node:assert/strict";
import { layers, tf } from "../../mod.ts";

const { CategoryEncoding } = layers;
const ints = (rows: number[][] | number[]) => tf.tensor(rows, undefined, "int32");

Deno.test("CategoryEncoding one_hot, multi_hot and weighted count, as Keras's docs", () => {
  const before = tf.memory().numTensors;
  const x1 = ints([3, 2, 0, 1]);
  const oneHot = new CategoryEncoding(4, { outputMode: "one_hot" });
  const y1 = oneHot.apply(x1);
  assert.deepEqual(y1.arraySync(), [[0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]);
  const x2 = ints([[0, 1], [0, 0], [1, 2], [3, 1]]);
  const y2 = new CategoryEncoding(4).apply(x2); // multi_hot by default
  assert.deepEqual(y2.arraySync(), [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]);
  const w = tf.tensor2d([[.1, .2], [.1, .1], [.2, .3], [.4, .2]]);
  const count = new CategoryEncoding(4, "count");
  const y3 = count.apply(x2, { countWeights: w } as never);
  const want = [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]];
  (y3.arraySync() as number[][]).forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-6))
  );
  const y4 = count.apply(x2);
  assert.deepEqual(y4.arraySync(), [[1, 1, 0, 0], [2, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]);
  // A last axis of 1 is replaced; values out of range count nowhere.
  const x5 = ints([[2], [9]]);
  const y5 = new CategoryEncoding(4, { outputMode: "one_hot" }).apply(x5);
  assert.deepEqual(y5.arraySync(), [[0, 0, 1, 0], [0, 0, 0, 0]]);
  assert.deepEqual(oneHot.computeOutputShape([null, 1]), [null, 4]);
  assert.deepEqual(oneHot.computeOutputShape([null, 3]), [null, 3, 4]);
  assert.deepEqual(count.computeOutputShape([null, 3]), [null, 4]);
  tf.dispose([x1, y1, x2, y2, w, y3, y4, x5, y5]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("CategoryEncoding errors and config round trip", () => {
  assert.throws(
    () => new CategoryEncoding(0),
    /"numTokens" must be a positive integer: received 0/,
  );
  assert.throws(() => new CategoryEncoding(3, { outputMode: "int" as never }), /outputMode/);
  assert.throws(() => new CategoryEncoding(3, { sparse: true }), /sparse/);
  const x = ints([[1]]);
  const w = tf.tensor2d([[1]]);
  assert.throws(
    () => new CategoryEncoding(3).apply(x, { countWeights: w } as never),
    /"countWeights".*"outputMode" is "count"/,
  );
  const s = tf.tensor(["a"]);
  assert.throws(
    () => new CategoryEncoding(3).apply(s),
    /must hold integers: received a string tensor/,
  );
  const layer = new CategoryEncoding(5, { outputMode: "count" });
  const again = CategoryEncoding.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
  assert.equal(again.numTokens, 5);
  assert.equal(again.outputMode, "count");
  tf.dispose([x, w, s]);
});
