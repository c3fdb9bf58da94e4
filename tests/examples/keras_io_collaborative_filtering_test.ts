import assert from "node:assert/strict";
import { loadModel, tf } from "../../mod.ts";
import {
  generateRatings,
  main,
  RecommenderNet,
} from "../../examples/keras_io/collaborative_filtering.ts";

Deno.test("keras_io/collaborative_filtering: the generated ratings look like MovieLens's", () => {
  const { rows, score, numUsers, numMovies } = generateRatings();
  assert.equal(rows.length, 15_000);
  assert.equal(score.length, numUsers * numMovies);
  const ratings = rows.map((r) => r.rating);
  assert.equal(Math.min(...ratings), 0.5);
  assert.equal(Math.max(...ratings), 5);
  assert.ok(ratings.every((r) => Number.isInteger(r * 2)));
  assert.equal(new Set(rows.map((r) => r.user * numMovies + r.movie)).size, rows.length);
});

Deno.test("keras_io/collaborative_filtering learns the hidden tastes, recommends, saves and loads", async () => {
  const before = tf.memory().numTensors;
  const result = await main({ verbose: 0, keepModel: true }); // the original's 5 epochs
  const model = result.model!;
  const xVal = result.xVal!;

  // val_loss decreases every epoch.
  assert.equal(result.valLoss.length, 5);
  for (let i = 1; i < result.valLoss.length; i++) {
    assert.ok(result.valLoss[i] < result.valLoss[i - 1], `val_loss ${result.valLoss}`);
  }
  // Predictions on the validation pairs follow the hidden scores
  // (chance: 0; typically 0.66 after 5 epochs, 0.89 after 10).
  assert.ok(result.validationCorrelation > 0.45, `correlation ${result.validationCorrelation}`);
  // Ten distinct movies the user has not rated.
  const { rows } = generateRatings();
  const watched = new Set(rows.filter((r) => r.user === result.userId).map((r) => r.movie));
  assert.equal(new Set(result.recommended).size, 10);
  assert.ok(result.recommended.every((m) => !watched.has(m)), `${result.recommended}`);
  assert.equal(result.unseen, 200 - watched.size);

  // The subclassed model round-trips through the .keras format.
  const dir = await Deno.makeTempDir({ prefix: "cf" });
  try {
    await model.save(`${dir}/cf.keras`);
    const loaded = await loadModel(`${dir}/cf.keras`);
    assert.ok(loaded instanceof RecommenderNet);
    assert.deepEqual(
      {
        numUsers: loaded.numUsers,
        numMovies: loaded.numMovies,
        embeddingSize: loaded.embeddingSize,
        minRating: loaded.minRating,
        maxRating: loaded.maxRating,
      },
      { numUsers: 300, numMovies: 200, embeddingSize: 50, minRating: 0.5, maxRating: 5 },
    );
    const [a, b] = [model.predict(xVal), loaded.predict(xVal)];
    assert.deepEqual(a.shape, [1500, 1]);
    assert.deepEqual(b.dataSync(), a.dataSync());
    // Compiled as saved: binary cross-entropy (plus the L2 penalties) on the same data.
    assert.ok(loaded.compiled !== null);
    const y = tf.round(a);
    const [lossBefore, lossAfter] = [
      await model.evaluate(xVal, y, { verbose: 0 }),
      await loaded.evaluate(xVal, y, { verbose: 0 }),
    ];
    assert.equal(lossAfter.loss, lossBefore.loss);
    tf.dispose([a, b, y]);
    loaded.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  model.dispose();
  xVal.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("keras_io/collaborative_filtering leaks no tensors", async () => {
  const before = tf.memory().numTensors;
  const result = await main({ epochs: 1, verbose: 0 });
  assert.equal(result.loss.length, 1);
  assert.equal(tf.memory().numTensors, before);
});
