import assert from "node:assert/strict";
import { layers, tf } from "../../mod.ts";

const { Hashing } = layers;
const letters = () => tf.tensor([["A"], ["B"], ["C"], ["D"], ["E"]]);

Deno.test("Hashing gives Keras's bins: FarmHash Fingerprint64, and SipHash with a salt (its docs)", () => {
  const before = tf.memory().numTensors;
  const x = letters();
  const cases: [layers.Hashing, number[]][] = [
    [new Hashing(3), [1, 0, 1, 1, 2]],
    [new Hashing(3, { salt: [133, 137] }), [1, 2, 1, 0, 2]],
    [new Hashing(3, { salt: 133 }), [0, 0, 2, 1, 0]],
  ];
  for (const [layer, want] of cases) {
    const y = layer.apply(x);
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.arraySync(), want.map((v) => [v]));
    y.dispose();
  }
  const x2 = tf.tensor([["A"], ["B"], [""], ["C"], ["D"]]);
  const y2 = new Hashing(3, { maskValue: "" }).apply(x2);
  assert.deepEqual(y2.arraySync(), [[1], [1], [0], [2], [2]]);
  tf.dispose([x, x2, y2]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Hashing hashes integers as their decimal text (floats truncated), and encodes", () => {
  // FarmHash of "100", "300", "700", "1100", "1700", "2000" mod 4 (IntegerLookup's docs): 3 3 2 2 0 1.
  const ints = tf.tensor1d([100, 300, 700, 1100, 1700, 2000], "int32");
  const y = new Hashing(4).apply(ints);
  assert.deepEqual(y.arraySync(), [3, 3, 2, 2, 0, 1]);
  const floats = tf.tensor1d([100.7, 300.2]);
  const y2 = new Hashing(4).apply(floats);
  assert.deepEqual(y2.arraySync(), [3, 3]);
  const text = tf.tensor([["100", "300"]]);
  const y3 = new Hashing(4, { outputMode: "multi_hot" }).apply(text);
  assert.deepEqual(y3.arraySync(), [[0, 0, 0, 1]]);
  const y4 = new Hashing(4, { outputMode: "count" }).apply(text);
  assert.deepEqual(y4.arraySync(), [[0, 0, 0, 2]]);
  tf.dispose([ints, y, floats, y2, text, y3, y4]);
});

Deno.test("Hashing errors and config round trip", () => {
  assert.throws(() => new Hashing(0), /"numBins" must be a positive integer: received 0/);
  assert.throws(() => new Hashing(3, { salt: [1] as never }), /"salt"/);
  assert.throws(() => new Hashing(3, { outputMode: "tf_idf" as never }), /outputMode/);
  const layer = new Hashing(7, { salt: 5, maskValue: "", outputMode: "one_hot" });
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  assert.deepEqual(config.salt, [5, 5]);
  const again = Hashing.fromConfig(config);
  const x = letters();
  const a = layer.apply(x);
  const b = again.apply(x);
  assert.deepEqual(b.arraySync(), a.arraySync());
  tf.dispose([x, a, b]);
});
