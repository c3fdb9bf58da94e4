import assert from "node:assert/strict";
import { layers, tf } from "../../mod.ts";

const { StringLookup } = layers;
const s = (rows: string[][] | string[]) => tf.tensor(rows);

Deno.test("StringLookup.adapt orders by count, ties by the string (higher first), as Keras's docs", () => {
  const before = tf.memory().numTensors;
  const lookup = new StringLookup();
  lookup.adapt([["a", "c", "d"], ["d", "z", "b"]]);
  assert.deepEqual(lookup.getVocabulary(), ["[UNK]", "d", "z", "c", "b", "a"]);
  assert.deepEqual(lookup.getVocabulary(false), ["d", "z", "c", "b", "a"]);
  assert.equal(lookup.vocabularySize(), 6);
  const x = s([["a", "c", "d"], ["d", "z", "b"]]);
  const y = lookup.apply(x);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.arraySync(), [[5, 3, 1], [1, 2, 4]]);
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("StringLookup with a vocabulary: OOV to 1 index, or hashed over 2 with FarmHash (Keras's docs)", () => {
  const vocab = ["a", "b", "c", "d"];
  const x = s([["a", "c", "d"], ["d", "z", "b"]]);
  const y = new StringLookup({ vocabulary: vocab }).apply(x);
  assert.deepEqual(y.arraySync(), [[1, 3, 4], [4, 0, 2]]);
  const x2 = s([["a", "c", "d"], ["m", "z", "b"]]);
  const y2 = new StringLookup({ vocabulary: vocab, numOovIndices: 2 }).apply(x2);
  assert.deepEqual(y2.arraySync(), [[2, 4, 5], [0, 1, 3]]);
  tf.dispose([x, y, x2, y2]);
});

Deno.test("StringLookup encodes one_hot, multi_hot, count and tf_idf as Keras's docs", () => {
  const vocab = ["a", "b", "c", "d"];
  const x1 = s(["a", "b", "c", "d", "z"]);
  const oneHot = new StringLookup({ vocabulary: vocab, outputMode: "one_hot" }).apply(x1);
  assert.deepEqual(oneHot.arraySync(), [
    [0, 1, 0, 0, 0],
    [0, 0, 1, 0, 0],
    [0, 0, 0, 1, 0],
    [0, 0, 0, 0, 1],
    [1, 0, 0, 0, 0],
  ]);
  const x = s([["a", "c", "d", "d"], ["d", "z", "b", "z"]]);
  const multi = new StringLookup({ vocabulary: vocab, outputMode: "multi_hot" }).apply(x);
  assert.deepEqual(multi.arraySync(), [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]);
  const count = new StringLookup({ vocabulary: vocab, outputMode: "count" }).apply(x);
  assert.deepEqual(count.arraySync(), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]);
  const tfidf = new StringLookup({ outputMode: "tf_idf" });
  tfidf.setVocabulary(vocab, [0.25, 0.75, 0.6, 0.4]);
  // OOV's weight is the mean of the given ones: 0.5.
  const t1 = tfidf.apply(x).arraySync() as number[][];
  [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]].forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(t1[i][j] - v) < 1e-6))
  );
  tfidf.setVocabulary(["[UNK]", ...vocab], [0.9, 0.25, 0.75, 0.6, 0.4]);
  const t2 = tfidf.apply(x).arraySync() as number[][];
  assert.ok(Math.abs(t2[1][0] - 1.8) < 1e-6);
  tf.dispose([x1, oneHot, x, multi, count]);
});

Deno.test("StringLookup adapt in tf_idf mode: idf = log(1 + docs / (1 + docs with the token))", () => {
  const lookup = new StringLookup({ outputMode: "tf_idf" });
  lookup.adapt([["a", "a"], ["a", "b"], ["c", "a"]]);
  assert.deepEqual(lookup.getVocabulary(), ["[UNK]", "a", "c", "b"]);
  const ia = Math.log(1 + 3 / 4);
  const ib = Math.log(1 + 3 / 2);
  const idf = lookup.getIdfWeights()!;
  [(ia + ib + ib) / 3, ia, ib, ib].forEach((w, i) => assert.ok(Math.abs(idf[i] - w) < 1e-6));
});

Deno.test("StringLookup: invert, mask token, maxTokens, Dataset and batch streaming", () => {
  const vocab = ["a", "b", "c", "d"];
  const ids = tf.tensor2d([[1, 3, 4], [4, 0, 2]], undefined, "int32");
  const back = new StringLookup({ vocabulary: vocab, invert: true }).apply(ids);
  assert.equal(back.dtype, "string");
  assert.deepEqual(back.arraySync(), [["a", "c", "d"], ["d", "[UNK]", "b"]]);
  const masked = new StringLookup({ vocabulary: vocab, maskToken: "" });
  assert.deepEqual(masked.getVocabulary(), ["", "[UNK]", "a", "b", "c", "d"]);
  const x = s([["a", ""], ["q", "d"]]);
  const y = masked.apply(x);
  assert.deepEqual(y.arraySync(), [[2, 0], [1, 5]]);
  const dropped = new StringLookup({ vocabulary: vocab, maskToken: "", outputMode: "count" })
    .apply(x);
  assert.deepEqual(dropped.arraySync(), [[0, 1, 0, 0, 0], [1, 0, 0, 0, 1]]);
  const capped = new StringLookup({ maxTokens: 3 });
  capped.adapt(["x", "y", "y", "z", "z", "z"], { batchSize: 4 });
  assert.deepEqual(capped.getVocabulary(), ["[UNK]", "z", "y"]);
  const streamed = new StringLookup();
  streamed.adapt((function* () {
    yield ["b", "a"];
    yield tf.tensor(["b"]);
  })());
  assert.deepEqual(streamed.getVocabulary(), ["[UNK]", "b", "a"]);
  tf.dispose([ids, back, x, y, dropped]);
});

Deno.test("StringLookup errors: empty data, no vocabulary, duplicates, special tokens, wrong dtype", () => {
  const lookup = new StringLookup();
  assert.throws(
    () => lookup.adapt([]),
    /Cannot adapt string_lookup.*\(StringLookup\) as "data" holds no values/,
  );
  const x = s(["a"]);
  assert.throws(() => lookup.apply(x), /has no vocabulary yet.*adapt\(data\)/);
  assert.throws(
    () => new StringLookup({ vocabulary: ["a", "b", "a"] }),
    /RangeError|repeats \["a"\]/,
  );
  assert.throws(
    () => new StringLookup({ vocabulary: ["a", "[UNK]"] }),
    /holds the OOV token "\[UNK\]" at index 1.*\["\[UNK\]"\]/,
  );
  assert.throws(
    () => new StringLookup({ vocabulary: ["a", ""], maskToken: "" }),
    /holds the mask token "" at index 1/,
  );
  const ok = new StringLookup({ vocabulary: ["[UNK]", "a"] }); // special tokens first: accepted
  assert.deepEqual(ok.getVocabulary(), ["[UNK]", "a"]);
  const n = tf.tensor([1, 2]);
  assert.throws(() => ok.apply(n), /input must be a string tensor: received a float32 tensor/);
  assert.throws(() => ok.adapt([1, 2]), /created with a "vocabulary"/);
  assert.throws(() => new StringLookup().adapt([1, 2]), /learns strings: received numbers/);
  assert.throws(
    () => new StringLookup({ vocabulary: ["a"], numOovIndices: 0 }).apply(s(["b"])),
    /"numOovIndices" is 0.*\["b"\]/,
  );
  assert.throws(() => new StringLookup({ invert: true, outputMode: "count" }), /outputMode/);
  assert.throws(() => new StringLookup({ maxToken: 3 } as never), /"maxToken" is not an option/);
  tf.dispose([x, n]);
});

Deno.test("StringLookup saves its vocabulary as the asset vocabulary.txt, special tokens first", async () => {
  const lookup = new StringLookup({ maskToken: "", numOovIndices: 2 });
  lookup.adapt([["x", "y", "y"]]);
  const dir = await Deno.makeTempDir({ prefix: "kerno-lookup-" });
  try {
    await lookup.saveAssets(dir);
    assert.equal(await Deno.readTextFile(`${dir}/vocabulary.txt`), "\n[UNK]\n[UNK]\ny\nx");
    const again = StringLookup.fromConfig(JSON.parse(JSON.stringify(lookup.getConfig())));
    await again.loadAssets(dir);
    assert.deepEqual(again.getVocabulary(), lookup.getVocabulary());
    const given = new StringLookup({ vocabulary: ["p", "q"] });
    await given.saveAssets(`${dir}/none`); // in the config: no file
    assert.deepEqual(StringLookup.fromConfig(given.getConfig()).getVocabulary(), [
      "[UNK]",
      "p",
      "q",
    ]);
    const file = new StringLookup({
      vocabulary: `${dir}/vocabulary.txt`,
      maskToken: "",
      numOovIndices: 2,
    });
    assert.deepEqual(file.getVocabulary(), lookup.getVocabulary());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
