import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { Input, layers, loadModel, Model, tf } from "../../mod.ts";

const { IntegerLookup } = layers;
const ints = (rows: number[][] | number[]) => tf.tensor(rows, undefined, "int32");

Deno.test("IntegerLookup.adapt orders by count, ties by the larger integer, as Keras's docs", () => {
  const before = tf.memory().numTensors;
  const lookup = new IntegerLookup();
  lookup.adapt([[12, 1138, 42], [42, 1000, 36]]);
  assert.deepEqual(lookup.getVocabulary(), [-1, 42, 1138, 1000, 36, 12]);
  const x = ints([[12, 1138, 42], [42, 1000, 36]]);
  const y = lookup.apply(x);
  assert.deepEqual(y.arraySync(), [[5, 2, 1], [1, 3, 4]]);
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("IntegerLookup: OOV indices by floormod or FarmHash of the decimal text (Keras's docs)", () => {
  const vocab = [12, 36, 1138, 42];
  const x = ints([[12, 1138, 42], [42, 1000, 36]]);
  const y = new IntegerLookup({ vocabulary: vocab }).apply(x);
  assert.deepEqual(y.arraySync(), [[1, 3, 4], [4, 0, 2]]);
  const x2 = ints([[12, 1138, 42], [37, 1000, 36]]);
  const y2 = new IntegerLookup({ vocabulary: vocab, numOovIndices: 2 }).apply(x2);
  assert.deepEqual(y2.arraySync(), [[2, 4, 5], [1, 0, 3]]);
  const oov = ints([100, 300, 700, 1100, 1700, 2000]);
  const floormod = new IntegerLookup({ vocabulary: [10, 20, 30], numOovIndices: 4 }).apply(oov);
  assert.deepEqual(floormod.arraySync(), [0, 0, 0, 0, 0, 0]);
  const farm = new IntegerLookup({
    vocabulary: [10, 20, 30],
    numOovIndices: 4,
    oovMethod: "farmhash",
  })
    .apply(oov);
  assert.deepEqual(farm.arraySync(), [3, 3, 2, 2, 0, 1]);
  const counts = new IntegerLookup({ vocabulary: vocab, outputMode: "count" })
    .apply(ints([[12, 1138, 42, 42], [42, 7, 36, 7]]));
  assert.deepEqual(counts.arraySync(), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]);
  const back = new IntegerLookup({ vocabulary: vocab, invert: true }).apply(
    ints([[1, 3, 4], [4, 0, 2]]),
  );
  assert.deepEqual(back.arraySync(), [[12, 1138, 42], [42, -1, 36]]);
  tf.dispose([x, y, x2, y2, oov, floormod, farm, counts, back]);
});

Deno.test("IntegerLookup errors: not integers, strings, mask or OOV value in the vocabulary", () => {
  assert.throws(() => new IntegerLookup({ vocabulary: [1, 2, 2] }), /repeats \[2\]/);
  assert.throws(() => new IntegerLookup({ vocabulary: [1, -1] }), /OOV token -1 at index 1/);
  assert.throws(() => new IntegerLookup({ vocabulary: [0, 1], maskToken: 0 }), /mask token 0/);
  assert.throws(
    () => new IntegerLookup().adapt([1.5]),
    /"data" must be integers only: received 1.5/,
  );
  assert.throws(() => new IntegerLookup().adapt([["a"]]), /learns integers: received strings/);
  const s = tf.tensor(["a"]);
  assert.throws(
    () => new IntegerLookup({ vocabulary: [1] }).apply(s),
    /must hold integers: received a string tensor/,
  );
  assert.throws(() => new IntegerLookup({ salt: 3 }), /"salt" needs "oovMethod" to be "farmhash"/);
  s.dispose();
});

Deno.test("IntegerLookup in a model round-trips in both formats: vocabulary.txt asset, idf_weights", async () => {
  const lookup = new IntegerLookup({ outputMode: "tf_idf", maskToken: 0 });
  lookup.adapt([[5, 5, 0], [7, 5, 9]]);
  const inputs = Input({ shape: [3], dtype: "int32" });
  const model = new Model({ inputs, outputs: lookup.apply(inputs) });
  const x = ints([[5, 9, 0], [7, 7, 3]]);
  const want = (model.predict(x) as tf.Tensor).arraySync();
  const dir = await Deno.makeTempDir({ prefix: "kerno-intlookup-" });
  try {
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await model.save(path);
      const again = await loadModel(path);
      const got = again.predict(x) as tf.Tensor;
      assert.deepEqual(got.arraySync(), want, path);
      assert.deepEqual((again.layers[1] as layers.IntegerLookup).getVocabulary(), [-1, 5, 9, 7]);
      got.dispose();
      again.dispose();
    }
    const entries = unzipSync(await Deno.readFile(`${dir}/m.keras`));
    const vocab = new TextDecoder().decode(entries["assets/layers/integer_lookup/vocabulary.txt"]);
    assert.equal(vocab, "-1\n5\n9\n7");
    assert.equal(
      await Deno.readTextFile(`${dir}/m/assets/layers/integer_lookup/vocabulary.txt`),
      vocab,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  x.dispose();
  model.dispose();
});
