import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main, makeCorpus, NEW_SENTENCES } from "../../examples/text_classification.ts";

Deno.test("examples/text_classification: words and pairs read negation (>= 0.95), single words cannot (<= 0.6)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno-text-example-" });
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  try {
    const result = await main({ dir, print: (l) => lines.push(l) });
    // The stated figures (the example's doc), on 1,000 sentences it never saw.
    assert.ok(result.accuracy >= 0.95, `words and pairs ${result.accuracy}`);
    assert.ok(result.unigramAccuracy <= 0.6, `single words ${result.unigramAccuracy}`);
    // The reloaded .keras model gives the same outputs, and right answers on new sentences.
    assert.ok(result.reloadedSame);
    NEW_SENTENCES.forEach(([text, label], i) => {
      assert.equal(result.predictions[i] > 0.5 ? 1 : 0, label, text);
    });
    assert.equal(lines.length, 2 + NEW_SENTENCES.length);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/text_classification's corpus: balanced, labelled by praise XOR not", () => {
  const { texts, labels } = makeCorpus(400, 3);
  const positive = labels.filter((l) => l === 1).length;
  assert.ok(positive > 160 && positive < 240, `${positive} of 400`);
  assert.deepEqual(makeCorpus(5, 3).texts, texts.slice(0, 5)); // seeded
  for (let i = 0; i < texts.length; i++) {
    const words = texts[i].toLowerCase().replace(/[.,!]/g, "").split(" ");
    const praise = [
      "good",
      "great",
      "wonderful",
      "excellent",
      "lovely",
      "brilliant",
      "fun",
      "superb",
    ]
      .some((w) => words.includes(w));
    assert.equal(labels[i], praise !== words.includes("not") ? 1 : 0, texts[i]);
  }
});
