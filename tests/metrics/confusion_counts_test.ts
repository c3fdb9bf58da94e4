import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Sequential } from "../../engine/sequential.ts";
import { Dense } from "../../layers/dense.ts";
import {
  FalseNegatives,
  FalsePositives,
  getMetric,
  TrueNegatives,
  TruePositives,
} from "../../metrics/mod.ts";
import { noLeaks } from "../losses/_helpers.ts";

// Counted by hand (a prediction strictly above the threshold is positive):
//   index   0    1    2    3     4    5     6    7    8    9
//   label   1    0    1    1     0    0     1    0    1    0
//   pred   .9   .6   .4   .55   .2   .51   .8   .1   .3   .7
// at 0.5: tp {0,3,6} = 3, fp {1,5,9} = 3, tn {4,7} = 2, fn {2,8} = 2
// at 0.3: tp {0,2,3,6} = 4, fp {1,5,9} = 3, tn {4,7} = 2, fn {8} = 1 (0.3 is not above 0.3)
// at 0.7: tp {0,6} = 2, fp {} = 0, tn {1,4,5,7,9} = 5, fn {2,3,8} = 3
const LABELS = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
const PREDS = [0.9, 0.6, 0.4, 0.55, 0.2, 0.51, 0.8, 0.1, 0.3, 0.7];

const all =
  () => [new TruePositives(), new FalsePositives(), new TrueNegatives(), new FalseNegatives()];

Deno.test("TruePositives, FalsePositives, TrueNegatives, FalseNegatives count at 0.5 over batches", () => {
  noLeaks(() => {
    const metrics = all();
    const t1 = tf.tensor1d(LABELS.slice(0, 4));
    const p1 = tf.tensor1d(PREDS.slice(0, 4));
    const t2 = tf.tensor2d(LABELS.slice(4), [6, 1]);
    const p2 = tf.tensor2d(PREDS.slice(4), [6, 1]);
    for (const m of metrics) {
      m.updateState(t1, p1);
      m.updateState(t2, p2);
    }
    assert.deepEqual(metrics.map((m) => m.result()), [3, 3, 2, 2]);
    assert.deepEqual(metrics.map((m) => m.name), [
      "true_positives",
      "false_positives",
      "true_negatives",
      "false_negatives",
    ]);
    assert.deepEqual(metrics.map((m) => m.direction), ["max", "min", "max", "min"]);
    for (const m of metrics) {
      assert.deepEqual(m.thresholds, [0.5]);
      m.resetState();
      assert.equal(m.result(), 0);
    }
    tf.dispose([t1, p1, t2, p2]);
  });
});

Deno.test("TruePositives with several thresholds returns one count per threshold", () => {
  noLeaks(() => {
    const t = tf.tensor1d(LABELS);
    const p = tf.tensor1d(PREDS);
    const thresholds = [0.3, 0.5, 0.7];
    const metrics = [
      new TruePositives({ thresholds }),
      new FalsePositives({ thresholds }),
      new TrueNegatives(thresholds), // Keras's positional thresholds
      new FalseNegatives({ thresholds }),
    ];
    for (const m of metrics) m.updateState(t, p);
    assert.deepEqual(metrics.map((m) => m.result()), [[4, 3, 2], [3, 3, 0], [2, 2, 5], [1, 2, 3]]);
    // a number gives a number; an array of one gives a number too, as in Keras
    const one = new TruePositives(0.7);
    const listOfOne = new FalseNegatives({ thresholds: [0.3] });
    one.updateState(t, p);
    listOfOne.updateState(t, p);
    assert.equal(one.result(), 2);
    assert.equal(listOfOne.result(), 1);
    assert.deepEqual(listOfOne.results(), [1]);
    tf.dispose([t, p]);
  });
});

Deno.test("confusion counts sum sample weights", () => {
  noLeaks(() => {
    // weights at 0.5: tp 0,3,6 -> 1 + 1 + 0 = 2; fp 1,5,9 -> 2 + 1 + 1 = 4;
    // tn 4,7 -> 3 + 2 = 5; fn 2,8 -> 0.5 + 1 = 1.5
    const weights = [1, 2, 0.5, 1, 3, 1, 0, 2, 1, 1];
    const t = tf.tensor1d(LABELS);
    const p = tf.tensor1d(PREDS);
    const w = tf.tensor1d(weights);
    const metrics = all();
    for (const m of metrics) m.updateState(t, p, w);
    assert.deepEqual(metrics.map((m) => m.result()), [2, 4, 5, 1.5]);
    // one scalar weight scales every count
    const fp = new FalsePositives();
    fp.updateState(t, p, 2);
    assert.equal(fp.result(), 6);
    tf.dispose([t, p, w]);
  });
});

Deno.test("confusion counts: Keras's documented example", () => {
  // keras.metrics.FalsePositives: update_state([0, 1, 0, 0], [0, 0, 1, 1]) -> 2,
  // then with sample_weight [0, 0, 1, 0] -> 1
  const m = new FalsePositives();
  const t = tf.tensor1d([0, 1, 0, 0]);
  const p = tf.tensor1d([0, 0, 1, 1]);
  m.updateState(t, p);
  assert.equal(m.result(), 2);
  m.resetState();
  const w = tf.tensor1d([0, 0, 1, 0]);
  m.updateState(t, p, w);
  assert.equal(m.result(), 1);
  tf.dispose([t, p, w]);
});

Deno.test("confusion counts: getConfig rebuilds the metric, names resolve in getMetric", () => {
  const m = new TruePositives({ thresholds: [0.2, 0.8], name: "tp" });
  const config = m.getConfig();
  assert.equal(config.name, "tp");
  assert.deepEqual(config.thresholds, [0.2, 0.8]);
  const again = new TruePositives(config);
  assert.equal(again.name, "tp");
  assert.deepEqual(again.thresholds, [0.2, 0.8]);
  for (
    const [id, cls] of [
      ["true_positives", TruePositives],
      ["FalsePositives", FalsePositives],
      ["trueNegatives", TrueNegatives],
      ["false_negatives", FalseNegatives],
    ] as const
  ) {
    const resolved = getMetric(id);
    assert.ok(resolved instanceof cls, id);
    assert.equal(resolved.name, id);
  }
});

Deno.test("confusion counts reject unknown options and bad thresholds", () => {
  assert.throws(
    () => new TruePositives({ threshold: 0.5 } as never),
    (e: Error) => e instanceof TypeError && /"threshold".*"thresholds"/.test(e.message),
  );
  assert.throws(() => new FalseNegatives({ thresholds: Number.NaN }), RangeError);
  assert.throws(() => new FalseNegatives({ thresholds: [] }), RangeError);
  assert.throws(() => new TrueNegatives({ dtype: "int8" as never }), RangeError);
  const tp = new TruePositives();
  const t = tf.tensor1d([1, 0]);
  assert.throws(() => tp.updateState(t), TypeError);
  t.dispose();
});

Deno.test("confusion counts in compile: evaluate logs them, several thresholds as name_i", async () => {
  // kernel and bias zero: every prediction is sigmoid(0) = 0.5, so at 0.5
  // (not above) all are negative, at 0.4 all positive, at 0.6 all negative
  const model = new Sequential([
    new Dense(1, {
      activation: "sigmoid",
      inputShape: [2],
      kernelInitializer: "zeros",
      biasInitializer: "zeros",
    }),
  ]);
  model.compile({
    optimizer: "sgd",
    loss: "binary_crossentropy",
    metrics: ["true_positives", "true_negatives", new FalsePositives({ thresholds: [0.4, 0.6] })],
  });
  const x = [[0, 1], [1, 0], [1, 1], [0, 0], [2, 2]];
  const y = [[1], [0], [1], [1], [0]]; // 3 positives, 2 negatives
  const logs = await model.evaluate(x, y, { batchSize: 2 });
  assert.equal(logs.true_positives, 0);
  assert.equal(logs.true_negatives, 2);
  assert.equal(logs.false_positives_0, 2);
  assert.equal(logs.false_positives_1, 0);
  model.dispose?.();
});

Deno.test("confusion counts: fromConfig rebuilds from getConfig", () => {
  const m = FalseNegatives.fromConfig(
    new FalseNegatives({ thresholds: 0.9, name: "fn" }).getConfig(),
  );
  assert.ok(m instanceof FalseNegatives);
  assert.equal(m.name, "fn");
  assert.deepEqual(m.thresholds, [0.9]);
});
