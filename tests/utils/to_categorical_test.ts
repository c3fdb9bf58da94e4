import assert from "node:assert/strict";
import { tf, utils } from "../../mod.ts";

const read = (t: tf.Tensor) => {
  const out = { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
  t.dispose();
  return out;
};

Deno.test("utils.toCategorical one-hot encodes an array, numClasses defaulting to max + 1", () => {
  assert.deepEqual(read(utils.toCategorical([0, 2, 1, 2])), {
    shape: [4, 3],
    dtype: "float32",
    values: [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1],
  });
  assert.deepEqual(read(utils.toCategorical([1, 0], 4)), {
    shape: [2, 4],
    dtype: "float32",
    values: [0, 1, 0, 0, 1, 0, 0, 0],
  });
});

Deno.test("utils.toCategorical takes typed arrays, tensors, nested arrays and a scalar", () => {
  const before = tf.memory().numTensors;
  assert.deepEqual(read(utils.toCategorical(new Int32Array([2, 0]), 3)).values, [0, 0, 1, 1, 0, 0]);
  assert.deepEqual(read(utils.toCategorical(new Float32Array([1]))).values, [0, 1]);
  const labels = tf.tensor1d([1, 1, 0], "int32");
  assert.deepEqual(read(utils.toCategorical(labels)), {
    shape: [3, 2],
    dtype: "float32",
    values: [0, 1, 0, 1, 1, 0],
  });
  labels.dispose();
  // a last axis of 1 is replaced, as Keras: [3, 1] -> [3, numClasses]
  assert.deepEqual(read(utils.toCategorical([[2], [0], [1]])).shape, [3, 3]);
  // other shapes gain an axis: [2, 2] -> [2, 2, 3]
  assert.deepEqual(read(utils.toCategorical([[0, 1], [2, 0]])), {
    shape: [2, 2, 3],
    dtype: "float32",
    values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0],
  });
  assert.deepEqual(read(utils.toCategorical(2, 3)), {
    shape: [3],
    dtype: "float32",
    values: [0, 0, 1],
  });
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("utils.toCategorical rejects labels that are not class indices", () => {
  assert.throws(() => utils.toCategorical([0, -1]), TypeError);
  assert.throws(() => utils.toCategorical([0.5, 1]), TypeError);
  assert.throws(
    () => utils.toCategorical([0, 3], 3),
    /label 3 is not below "numClasses" \(3\)/,
  );
  assert.throws(() => utils.toCategorical([0, 1], 0), RangeError);
  assert.throws(() => utils.toCategorical("1" as never), TypeError);
  assert.throws(() => utils.toCategorical([[0, 1], [2]]), TypeError);
});
