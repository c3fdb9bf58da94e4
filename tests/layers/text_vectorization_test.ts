import assert from "node:assert/strict";
import { Dataset, Input, layers, loadModel, Model, tf } from "../../mod.ts";
import {
  lowerCase,
  ngrams,
  splitText,
  standardizeText,
  stripPunctuation,
} from "../../layers/_text_ops.ts";

const { TextVectorization } = layers;

/** Runs the layer on strings and reads the result (no tensor left behind). */
function run(layer: layers.TextVectorization, texts: string[] | string[][]): number[][] {
  const x = tf.tensor(texts as string[]);
  const y = layer.apply(x);
  const out = y.arraySync() as number[][];
  tf.dispose([x, y]);
  return out;
}

Deno.test("TextVectorization: Keras's docstring examples (adapt order, int output padded to outputSequenceLength)", () => {
  const before = tf.memory().numTensors;
  const v = new TextVectorization({ maxTokens: 5000, outputSequenceLength: 4 });
  v.adapt(["foo bar", "bar baz", "baz bada boom"]);
  // Counts: bar 2, baz 2, then bada, boom, foo once: by count, ties by the token, higher first.
  assert.deepEqual(v.getVocabulary(), ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]);
  assert.deepEqual(run(v, [["foo qux bar"], ["qux baz"]]), [[4, 1, 3, 0], [1, 2, 0, 0]]);
  const given = new TextVectorization({ vocabulary: ["earth", "wind", "and", "fire"] });
  assert.deepEqual(given.getVocabulary(), ["", "[UNK]", "earth", "wind", "and", "fire"]);
  assert.deepEqual(given.getVocabulary(false), ["earth", "wind", "and", "fire"]);
  assert.equal(given.vocabularySize(), 6);
  // Without outputSequenceLength: padded to the batch's longest; flat batches too.
  assert.deepEqual(run(given, ["Wind and FIRE!", "earth"]), [[3, 4, 5], [2, 0, 0]]);
  // Longer than outputSequenceLength: cut.
  const cut = new TextVectorization({ vocabulary: ["a", "b"], outputSequenceLength: 2 });
  assert.deepEqual(run(cut, ["b a b a", ""]), [[3, 2], [0, 0]]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("TextVectorization standardizes as Keras 3 (the 32 ASCII punctuation marks), lowercasing by Unicode", () => {
  // Unicode's default case mapping, not only A-Z (tf.strings.lower's default).
  assert.equal(lowerCase("ÉCOLE Été ÀB ΣΟΦΊΑ"), "école été àb σοφία");
  assert.equal(lowerCase("Hello WORLD"), "hello world");
  // Python's string.punctuation, the set Keras's pattern lists.
  const ascii = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  assert.equal(ascii.length, 32);
  assert.equal(stripPunctuation(`x${ascii}y`), "xy");
  // Other characters stay, whole: accents, non-ASCII punctuation, emoji (surrogate pairs).
  assert.equal(stripPunctuation("¡Olé! — «naïve» 😀, café."), "¡Olé — «naïve» 😀 café");
  const what = "test";
  assert.equal(
    standardizeText("Don't STOP, Café!", "lower_and_strip_punctuation", what),
    "dont stop café",
  );
  assert.equal(standardizeText("Don't STOP", "lower", what), "don't stop");
  assert.equal(standardizeText("Don't STOP", "strip_punctuation", what), "Dont STOP");
  assert.equal(standardizeText("Don't", null, what), "Don't");
  // In the layer: "Été" and "été" are one token; a function can keep them apart.
  const v = new TextVectorization();
  v.adapt(["Été été été"]);
  assert.deepEqual(v.getVocabulary(), ["", "[UNK]", "été"]);
  const kept = new TextVectorization({ standardize: (s) => s });
  kept.adapt(["Été été été"]);
  assert.deepEqual(kept.getVocabulary(), ["", "[UNK]", "été", "Été"]);
});

Deno.test("TextVectorization splits on ASCII whitespace or into code points, and makes n-grams", () => {
  const what = "test";
  assert.deepEqual(splitText("  a\tb\n\n c\r\v\fd  ", "whitespace", what), ["a", "b", "c", "d"]);
  assert.deepEqual(splitText("   ", "whitespace", what), []);
  // A no-break space is not whitespace to tf.strings.split.
  assert.deepEqual(splitText("a\u00a0b c", "whitespace", what), ["a\u00a0b", "c"]);
  assert.deepEqual(splitText("né😀", "character", what), ["n", "é", "😀"]);
  assert.deepEqual(splitText("a b", null, what), ["a b"]);
  // tf.strings.ngrams's documented example, and several widths in order.
  assert.deepEqual(ngrams(["A", "B", "C", "D"], [2]), ["A B", "B C", "C D"]);
  assert.deepEqual(ngrams(["a", "b", "c"], [1, 2, 3]), ["a", "b", "c", "a b", "b c", "a b c"]);
  assert.deepEqual(ngrams(["a"], [2]), []);
  // ngrams: 2 in the layer means widths 1 and 2.
  const v = new TextVectorization({ ngrams: 2, standardize: null });
  v.adapt(["x y", "x y z"]);
  // x, y, "x y" twice; z, "y z" once: ties by the token, higher first.
  assert.deepEqual(v.getVocabulary(), ["", "[UNK]", "y", "x y", "x", "z", "y z"]);
  assert.deepEqual(run(v, ["x y z"]), [[4, 2, 5, 3, 6]]);
  const bigrams = new TextVectorization({ ngrams: [2], vocabulary: ["a b"] });
  assert.deepEqual(run(bigrams, ["A b c"]), [[2, 1]]);
  // Characters, and functions for both steps.
  const chars = new TextVectorization({ split: "character", standardize: null });
  chars.adapt(["aab"]);
  assert.deepEqual(chars.getVocabulary(), ["", "[UNK]", "a", "b"]);
  const own = new TextVectorization({
    standardize: (s) => s.replaceAll("-", " "),
    split: (s) => s.split(" "),
    vocabulary: ["well", "known"],
  });
  assert.deepEqual(run(own, ["well-known"]), [[2, 3]]);
  // split null: each string is one token; [batch, k] strings are k tokens per row.
  const whole = new TextVectorization({ split: null, vocabulary: ["new york", "paris"] });
  assert.deepEqual(run(whole, ["New York", "Rome"]), [[2], [1]]);
  assert.deepEqual(run(whole, [["Paris", "new york"], ["x", ""]]), [[3, 2], [1, 0]]);
});

Deno.test("TextVectorization's multi_hot, count and tf_idf outputs", () => {
  const docs = ["a b", "a c", "a a d"];
  const multi = new TextVectorization({ outputMode: "multi_hot" });
  multi.adapt(docs);
  // No mask index in these modes: [UNK] is index 0.
  assert.deepEqual(multi.getVocabulary(), ["[UNK]", "a", "d", "c", "b"]);
  assert.deepEqual(run(multi, ["a a b", "z", ""]), [[0, 1, 0, 0, 1], [1, 0, 0, 0, 0], [
    0,
    0,
    0,
    0,
    0,
  ]]);
  const count = new TextVectorization({ outputMode: "count", maxTokens: 8, padToMaxTokens: true });
  count.adapt(docs);
  assert.deepEqual(run(count, ["a a b q q"]), [[2, 2, 0, 0, 1, 0, 0, 0]]);
  const tfidf = new TextVectorization({ outputMode: "tf_idf" });
  tfidf.adapt(docs);
  // idf = log(1 + documents / (1 + documents holding the token)); [UNK] gets the mean.
  const a = Math.log(1 + 3 / 4);
  const once = Math.log(1 + 3 / 2);
  const unk = (a + 3 * once) / 4;
  const weights = tfidf.getIdfWeights()!;
  [unk, a, once, once, once].forEach((w, i) => assert.ok(Math.abs(weights[i] - w) < 1e-6));
  const [row] = run(tfidf, ["a a b z"]);
  [unk, 2 * a, 0, 0, once].forEach((w, i) => assert.ok(Math.abs(row[i] - w) < 1e-6, `${i}`));
  // maxTokens counts the special indices: int mode keeps maxTokens - 2 tokens.
  const capped = new TextVectorization({ maxTokens: 4 });
  capped.adapt(docs);
  assert.deepEqual(capped.getVocabulary(), ["", "[UNK]", "a", "d"]);
  // setVocabulary with IDF weights (one per token given).
  tfidf.setVocabulary(["b", "a"], [2, 4]);
  assert.deepEqual(tfidf.getVocabulary(), ["[UNK]", "b", "a"]);
  assert.deepEqual(tfidf.getIdfWeights(), [3, 2, 4]);
  assert.deepEqual(run(tfidf, ["a a x"]), [[3, 0, 8]]);
});

Deno.test("TextVectorization.adapt reads string tensors, [n, 1] arrays and Datasets, in batches", () => {
  const texts = ["one two", "two three", "three", "three four", "four"];
  const fromArray = new TextVectorization();
  fromArray.adapt(texts);
  const expected = fromArray.getVocabulary();
  assert.deepEqual(expected, ["", "[UNK]", "three", "two", "four", "one"]);
  const fromTensor = new TextVectorization();
  const t = tf.tensor(texts.map((s) => [s]));
  fromTensor.adapt(t, { batchSize: 2 });
  t.dispose();
  assert.deepEqual(fromTensor.getVocabulary(), expected);
  const fromDataset = new TextVectorization();
  const before = tf.memory().numTensors;
  fromDataset.adapt(Dataset.fromArrays(texts, [0, 1, 0, 1, 0]).batch(2));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(fromDataset.getVocabulary(), expected);
  // A second adapt starts afresh.
  fromArray.adapt(["zebra"]);
  assert.deepEqual(fromArray.getVocabulary(), ["", "[UNK]", "zebra"]);
});

Deno.test("TextVectorization in a functional model: symbolic shapes, int32 output, Embedding after it", () => {
  const v = new TextVectorization({ vocabulary: ["a", "b"] });
  const input = Input({ shape: [1], dtype: "string" });
  const ids = v.apply(input);
  assert.deepEqual(ids.shape, [null, null]); // the token axis is the data's
  assert.equal(ids.dtype, "int32");
  const fixed = new TextVectorization({ vocabulary: ["a"], outputSequenceLength: 7 }).apply(input);
  assert.deepEqual(fixed.shape, [null, 7]);
  const hot = new TextVectorization({ vocabulary: ["a", "b"], outputMode: "multi_hot" }).apply(
    input,
  );
  assert.deepEqual(hot.shape, [null, 3]);
  assert.equal(hot.dtype, "float32");
  const pooled = new layers.GlobalAveragePooling1D().apply(
    new layers.Embedding(4, 2).apply(ids),
  );
  const model = new Model({ inputs: input, outputs: pooled });
  for (const batch of [["a b a"], ["b", "a a a a a b"]]) {
    const y = model.predict(batch) as tf.Tensor;
    assert.deepEqual(y.shape, [batch.length, 2]);
    y.dispose();
  }
});

Deno.test("TextVectorization refuses bad options, empty data, numbers, a missing vocabulary and bad vocabularies", () => {
  assert.throws(
    () => new TextVectorization({ standardize: "upper" as "lower" }),
    /Cannot build TextVectorization as "standardize" must be one of "lower_and_strip_punctuation", "lower", "strip_punctuation", null or a function: received "upper"/,
  );
  assert.throws(
    () => new TextVectorization({ split: "comma" as "whitespace" }),
    /"split" must be one of "whitespace", "character", null or a function: received "comma"/,
  );
  assert.throws(() => new TextVectorization({ ngrams: 0 }), /"ngrams" must be null, a positive/);
  assert.throws(
    () => new TextVectorization({ outputMode: "multi_hot", outputSequenceLength: 4 }),
    /"outputSequenceLength" must be null unless "outputMode" is "int": received 4/,
  );
  assert.throws(() => new TextVectorization({ outputSequenceLength: 0 }), /positive integer/);
  assert.throws(() => new TextVectorization({ ragged: true }), /"ragged" must be false/);
  assert.throws(() => new TextVectorization({ sparse: true }), /"sparse" must be false/);
  assert.throws(
    () => new TextVectorization({ maxToken: 10 } as never),
    /maxToken/,
  );
  const v = new TextVectorization();
  assert.throws(
    () => v.adapt([]),
    /Cannot adapt text_vectorization\S* \(TextVectorization\) as "data" holds no values/,
  );
  assert.throws(() => v.adapt([1, 2]), /as "data" must hold strings: received numbers/);
  const x = tf.tensor(["a"]);
  assert.throws(
    () => v.apply(x),
    /Cannot apply text_vectorization\S* \(TextVectorization\) as it has no vocabulary yet: call adapt\(texts\) first/,
  );
  const n = tf.tensor([[1]]);
  assert.throws(
    () => v.apply(n),
    /its input must be a string tensor \(raw text\): received a float32 tensor/,
  );
  v.adapt(["a b"]);
  const wide = tf.tensor([["a", "b"]]);
  assert.throws(
    () => v.apply(wide),
    /its input must be \[batch\] or \[batch, 1\]: received shape \[1,2\]/,
  );
  tf.dispose([x, n, wide]);
  assert.throws(
    () => new TextVectorization({ vocabulary: ["a", "b", "a"] }),
    /Cannot build TextVectorization as the vocabulary repeats \["a"\]/,
  );
  assert.throws(
    () => v.setVocabulary(["a", "[UNK]"]),
    /Cannot set the vocabulary of text_vectorization\S* \(TextVectorization\) as the vocabulary holds the OOV token "\[UNK\]"/,
  );
  assert.throws(() => v.setVocabulary(["", "b"]), /holds the mask token ""/);
  const given = new TextVectorization({ vocabulary: ["a"] });
  assert.throws(() => given.adapt(["b"]), /as it was created with a "vocabulary"/);
  assert.throws(
    () => new TextVectorization({ outputMode: "tf_idf", vocabulary: ["a"] }),
    /"idfWeights" must be given with "vocabulary" when "outputMode" is "tf_idf"/,
  );
});

Deno.test("TextVectorization's config rebuilds the layer; a function cannot be saved", () => {
  const v = new TextVectorization({ maxTokens: 10, ngrams: [1, 2], outputSequenceLength: 5 });
  v.adapt(["red fish blue fish", "one fish"]);
  const config = JSON.parse(JSON.stringify(v.getConfig()));
  assert.deepEqual(config.ngrams, [1, 2]);
  assert.equal(config.vocabularySize, v.vocabularySize());
  const again = TextVectorization.fromConfig(config) as layers.TextVectorization;
  again.setVocabulary(v.getVocabulary());
  assert.deepEqual(run(again, ["one red fish"]), run(v, ["one red fish"]));
  const own = new TextVectorization({ split: (s) => s.split(","), vocabulary: ["a"] });
  assert.throws(() => own.getConfig(), /Cannot serialize .* as its "split" is a function/);
});

Deno.test("a text model's vocabulary and IDF weights round-trip in .keras and TensorFlow.js files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno-text-" });
  try {
    for (const mode of ["int", "tf_idf"] as const) {
      const v = new TextVectorization({ outputMode: mode, ngrams: 2 });
      v.adapt(["the cat sat", "the dog sat", "a cat and a dog"]);
      const input = Input({ shape: [1], dtype: "string", name: "text" });
      const features = mode === "int"
        ? new layers.GlobalAveragePooling1D().apply(
          new layers.Embedding(20, 3).apply(v.apply(input)),
        )
        : v.apply(input);
      const model = new Model({
        inputs: input,
        outputs: new layers.Dense(1, { activation: "sigmoid" }).apply(features),
      });
      const texts = ["the cat", "a dog sat there", "Éclair!"];
      const expected = model.predict(texts) as tf.Tensor;
      for (const path of [`${dir}/${mode}.keras`, `${dir}/${mode}_tfjs`]) {
        await model.save(path);
        const loaded = await loadModel(path);
        const tv = loaded.layers.find((l) =>
          l instanceof TextVectorization
        ) as layers.TextVectorization;
        assert.deepEqual(tv.getVocabulary(), v.getVocabulary());
        assert.deepEqual(tv.getIdfWeights(), v.getIdfWeights());
        const got = loaded.predict(texts) as tf.Tensor;
        assert.deepEqual(Array.from(got.dataSync()), Array.from(expected.dataSync()));
        got.dispose();
      }
      expected.dispose();
    }
    // .keras stores the vocabulary as Keras 3 does: the layer's asset, and its lookup's.
    const { unzipSync } = await import("fflate");
    const names = Object.keys(unzipSync(await Deno.readFile(`${dir}/int.keras`)));
    assert.ok(names.includes("assets/layers/text_vectorization/vocabulary.txt"), names.join());
    assert.ok(names.includes("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
