/**
 * The metric forms of Poisson, SquaredHinge, CategoricalHinge,
 * CosineSimilarity, MSLE and MAPE, SparseTopKCategoricalAccuracy, F1Score,
 * FBetaScore, MeanIoU and R2Score. Expected numbers are Keras 3's documented
 * examples (the docstrings in keras/src/metrics/*.py, cited per test) or
 * derived by hand in the comments.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  CategoricalHinge,
  CosineSimilarity,
  F1Score,
  FBetaScore,
  getMetric,
  MeanAbsolutePercentageError,
  MeanIoU,
  MeanSquaredLogarithmicError,
  type Metric,
  Poisson,
  R2Score,
  SparseTopKCategoricalAccuracy,
  SquaredHinge,
} from "../../metrics/mod.ts";
import { assertClose, noLeaks } from "../losses/_helpers.ts";
import { forceDeferredReads } from "../../engine/_reads.ts";

/** Updates `m` with nested arrays (disposing the tensors) and returns its result. */
function run(
  m: Metric,
  yTrue: number[] | number[][],
  yPred: number[] | number[][],
  sampleWeight?: number[] | number[][],
): number | number[] {
  const t = tf.tensor(yTrue);
  const p = tf.tensor(yPred);
  const w = sampleWeight === undefined ? undefined : tf.tensor(sampleWeight);
  try {
    m.updateState(t, p, w);
  } finally {
    tf.dispose([t, p, ...(w === undefined ? [] : [w])]);
  }
  return m.result();
}

/** Runs twice, unweighted and with `weights` after a reset, as Keras's examples do. */
function both(
  m: Metric,
  yTrue: number[][] | number[],
  yPred: number[][] | number[],
  weights: number[],
): [number, number] {
  const plain = run(m, yTrue, yPred) as number;
  m.resetState();
  const weighted = run(m, yTrue, yPred, weights) as number;
  return [plain, weighted];
}

const T2 = [[0, 1], [0, 0]];
const P2 = [[1, 1], [0, 0]];
const H2 = [[0.6, 0.4], [0.4, 0.6]];

Deno.test("the mean-wrapper metrics match Keras's examples, with sample weights", () => {
  noLeaks(() => {
    // keras/src/metrics/probabilistic_metrics.py Poisson: 0.49999997, weighted [1, 0]: 0.99999994
    assertClose(both(new Poisson(), T2, P2, [1, 0]), [0.5, 1]);
    // keras/src/metrics/hinge_metrics.py: SquaredHinge 1.86 / 1.46, CategoricalHinge 1.4 / 1.2
    assertClose(both(new SquaredHinge(), T2, H2, [1, 0]), [1.86, 1.46]);
    assertClose(both(new CategoricalHinge(), T2, H2, [1, 0]), [1.4, 1.2]);
    // keras/src/metrics/regression_metrics.py: MSLE 0.12011322 / 0.24022643
    assertClose(both(new MeanSquaredLogarithmicError(), T2, P2, [1, 0]), [0.12011322, 0.24022643]);
    // MAPE 250000000.0 / 500000000.0 (a zero target divides by 1e-7)
    assertClose(both(new MeanAbsolutePercentageError(), T2, P2, [1, 0]), [2.5e8, 5e8], 1e-4);
    // CosineSimilarity(axis=1): 0.49999997, weighted [0.3, 0.7]: 0.6999999
    const cos = new CosineSimilarity({ axis: 1 });
    assertClose(both(cos, [[0, 1], [1, 1]], [[1, 0], [1, 1]], [0.3, 0.7]), [0.5, 0.7]);
  });
  assert.equal(new CosineSimilarity().direction, "max");
  assert.equal(new Poisson().direction, "min");
});

Deno.test("SparseTopKCategoricalAccuracy matches Keras's example", () => {
  noLeaks(() => {
    // keras/src/metrics/accuracy_metrics.py: k=1 gives 0.5, weighted [0.7, 0.3]: 0.3
    const m = new SparseTopKCategoricalAccuracy({ k: 1 });
    const scores = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]];
    assertClose(both(m, [2, 1], scores, [0.7, 0.3]), [0.5, 0.3]);
    // default k = 5 covers every class of 3; [batch, 1] labels are squeezed
    assert.equal(run(new SparseTopKCategoricalAccuracy(), [[2], [1]], scores), 1);
    // k = 2: class 2 is second in row 1 (0.8), last in row 2 (0)
    assert.equal(run(new SparseTopKCategoricalAccuracy({ k: 2 }), [2, 2], scores), 0.5);
  });
  assert.throws(
    () => new SparseTopKCategoricalAccuracy({ k: 0 }),
    /"k" must be a positive integer/,
  );
});

const F_TRUE = [[1, 1, 1], [1, 0, 0], [1, 1, 0]];
const F_PRED = [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]];

Deno.test("F1Score and FBetaScore match Keras's examples per class", () => {
  noLeaks(() => {
    // keras/src/metrics/f_score_metrics.py: F1Score(threshold=0.5): [0.5, 0.8, 0.6666667]
    assertClose(run(new F1Score({ threshold: 0.5 }), F_TRUE, F_PRED), [0.5, 0.8, 2 / 3]);
    // FBetaScore(beta=2.0, threshold=0.5): [0.3846154, 0.90909094, 0.8333334]
    const fb = run(new FBetaScore({ beta: 2, threshold: 0.5 }), F_TRUE, F_PRED);
    assertClose(fb, [0.3846154, 0.90909094, 0.8333334]);
  });
});

Deno.test("F1Score averages: micro, macro, weighted and the arg-max default", () => {
  noLeaks(() => {
    // by hand, threshold 0.5: per class tp [1, 2, 1], fp [0, 1, 1], fn [2, 0, 0], support [3, 2, 1]
    const micro = run(new F1Score({ threshold: 0.5, average: "micro" }), F_TRUE, F_PRED);
    assertClose(micro, 2 / 3); // tp 4, fp 2, fn 2: P = R = 2/3
    const macro = run(new F1Score({ threshold: 0.5, average: "macro" }), F_TRUE, F_PRED);
    assertClose(macro, (0.5 + 0.8 + 2 / 3) / 3);
    const weighted = run(new F1Score({ threshold: 0.5, average: "weighted" }), F_TRUE, F_PRED);
    assertClose(weighted, (0.5 * 3 + 0.8 * 2 + 2 / 3) / 6);
    // threshold null: the row maxima (ties all count) [0,0,1], [0,1,1], [0,1,0]
    assertClose(run(new F1Score(), F_TRUE, F_PRED), [0, 0.5, 2 / 3]);
    // a weight per sample: row 2 weighted 0 leaves class 1 with tp 2, class 2 with tp 1
    const w = run(new F1Score({ threshold: 0.5 }), F_TRUE, F_PRED, [1, 0, 1]);
    assertClose(w, [2 * (1 * 0.5) / 1.5, 1, 1]);
  });
});

Deno.test("F1Score accumulates across batches and resets", () => {
  noLeaks(() => {
    const m = new F1Score({ threshold: 0.5, average: "macro" });
    run(m, F_TRUE.slice(0, 2), F_PRED.slice(0, 2));
    run(m, F_TRUE.slice(2), F_PRED.slice(2));
    assertClose(m.result() as number, (0.5 + 0.8 + 2 / 3) / 3);
    m.resetState();
    assert.equal(m.result(), 0);
  });
  assert.throws(
    () => new F1Score({ average: "samples" as never }),
    /"average" must be null, "micro"/,
  );
  assert.throws(
    () => new F1Score({ beta: 2 } as never),
    /Cannot build F1Score as "beta" is not an option/,
  );
  assert.throws(() => new FBetaScore({ beta: 0 }), /"beta" must be/);
  assert.throws(() => new FBetaScore({ threshold: 1.5 }), /"threshold" must be/);
  const t = tf.tensor1d([1, 0]);
  assert.throws(
    () => new F1Score().updateState(t, t),
    /expects "yTrue" and "yPred" of shape \[batch, classes\]/,
  );
  t.dispose();
});

Deno.test("MeanIoU matches Keras's example, with sample weights", () => {
  noLeaks(() => {
    // keras/src/metrics/iou_metrics.py MeanIoU(num_classes=2): 0.33333334, weighted: 0.23809525
    const m = new MeanIoU(2);
    assertClose(both(m, [0, 0, 1, 1], [0, 1, 0, 1], [0.3, 0.3, 0.3, 0.1]), [1 / 3, 0.23809525]);
    assert.equal(m.name, "mean_io_u");
  });
});

Deno.test("MeanIoU ignores a class and out-of-range ids, and takes dense inputs", () => {
  noLeaks(() => {
    // by hand: only label-1 rows count, cm [[0, 0], [1, 1]]: IoU [0 / 1, 1 / 2], mean 0.25
    assertClose(
      run(new MeanIoU({ numClasses: 2, ignoreClass: 0 }), [0, 0, 1, 1], [0, 1, 0, 1]),
      0.25,
    );
    // an id of 5 is out of range: the pair is dropped, leaving the perfect (0, 0), (1, 1)
    assertClose(run(new MeanIoU({ numClasses: 2 }), [0, 1, 5], [0, 1, 1]), 1);
    // a class absent from labels and predictions is left out of the mean
    assertClose(run(new MeanIoU({ numClasses: 3 }), [0, 1], [0, 1]), 1);
    const dense = new MeanIoU({ numClasses: 2, sparseYTrue: false, sparseYPred: false });
    const oneHot = [[1, 0], [1, 0], [0, 1], [0, 1]];
    const scores = [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]];
    assertClose(run(dense, oneHot, scores), 1 / 3);
  });
  assert.throws(() => new MeanIoU({} as never), /"numClasses" must be a positive integer/);
  assert.throws(
    () => new MeanIoU({ numClasses: 2, num_classes: 2 } as never),
    /did you mean "numClasses"\?/,
  );
});

Deno.test("R2Score matches Keras's example and scikit-learn's aggregations", () => {
  noLeaks(() => {
    // keras/src/metrics/regression_metrics.py R2Score: 0.57142854
    assertClose(run(new R2Score(), [[1], [4], [3]], [[2], [4], [4]]), 0.57142854);
    // by hand, two outputs: column 1 R2 = 1 - 2 / (42 / 9) = 4/7, column 2 1 - 1 / 2 = 0.5
    const yTrue = [[1, 1], [4, 2], [3, 3]];
    const yPred = [[2, 1], [4, 2], [4, 2]];
    assertClose(run(new R2Score({ classAggregation: null }), yTrue, yPred), [4 / 7, 0.5]);
    assertClose(run(new R2Score(), yTrue, yPred), (4 / 7 + 0.5) / 2);
    const variance = run(
      new R2Score({ classAggregation: "variance_weighted_average" }),
      yTrue,
      yPred,
    );
    assertClose(variance, (42 / 9 * 4 / 7 + 2 * 0.5) / (42 / 9 + 2));
    // adjusted, n = 3, p = 1: 1 - (1 - 4/7) * 2 / 1
    assertClose(run(new R2Score({ numRegressors: 1 }), [[1], [4], [3]], [[2], [4], [4]]), 1 / 7);
    // weights [1, 1, 0]: targets [1, 4], mean 2.5, total 4.5, residual 1
    assertClose(run(new R2Score(), [[1], [4], [3]], [[2], [4], [4]], [1, 1, 0]), 1 - 1 / 4.5);
    // rank-1 pairs count as one output; batches accumulate
    const m = new R2Score();
    run(m, [1, 4], [2, 4]);
    assertClose(run(m, [3], [4]), 4 / 7);
  });
  assert.throws(
    () => new R2Score({ classAggregation: "mean" as never }),
    /"classAggregation" must be/,
  );
  assert.throws(
    () => new R2Score({ numRegressors: -1 }),
    /"numRegressors" must be a non-negative integer/,
  );
});

Deno.test("the new metrics resolve by Keras name and round-trip their configs", () => {
  const cases: [string, unknown][] = [
    ["poisson", Poisson],
    ["squared_hinge", SquaredHinge],
    ["categorical_hinge", CategoricalHinge],
    ["cosine_similarity", CosineSimilarity],
    ["msle", MeanSquaredLogarithmicError],
    ["mape", MeanAbsolutePercentageError],
    ["sparse_top_k_categorical_accuracy", SparseTopKCategoricalAccuracy],
    ["f1_score", F1Score],
    ["F1Score", F1Score],
    ["fbeta_score", FBetaScore],
    ["r2_score", R2Score],
  ];
  for (const [name, cls] of cases) {
    const m = getMetric(name);
    assert.ok(m instanceof (cls as typeof Poisson), name);
    assert.equal(m.name, name);
  }
  assert.ok(getMetric("binary_focal_crossentropy") instanceof Object);
  const configs: [{ fromConfig(c: Record<string, unknown>): Metric }, Metric][] = [
    [F1Score, new F1Score({ average: "weighted", threshold: 0.4, name: "f1" })],
    [FBetaScore, new FBetaScore({ beta: 0.5 })],
    [MeanIoU, new MeanIoU({ numClasses: 4, ignoreClass: 255, sparseYPred: false })],
    [R2Score, new R2Score({ classAggregation: "variance_weighted_average", numRegressors: 2 })],
    [SparseTopKCategoricalAccuracy, new SparseTopKCategoricalAccuracy({ k: 3 })],
    [CosineSimilarity, new CosineSimilarity({ axis: 0 })],
  ];
  for (const [cls, m] of configs) {
    assert.deepEqual(cls.fromConfig(m.getConfig()).getConfig(), m.getConfig());
  }
  assert.deepEqual(new F1Score().getConfig(), { name: "f1_score", average: null, threshold: null });
});

Deno.test("MeanIoU takes numClasses first, as Keras does, or in the options", () => {
  const positional = new MeanIoU(3, { ignoreClass: 0 });
  assert.deepEqual(
    positional.getConfig(),
    new MeanIoU({ numClasses: 3, ignoreClass: 0 }).getConfig(),
  );
  assert.throws(() => new MeanIoU(0), /"numClasses" must be a positive integer: received 0/);
});

Deno.test("FBetaScore, MeanIoU and R2Score keep their state on the device where reads are deferred", () => {
  // the asynchronous-backend path (webgpu), forced here on the CPU: the same hand-derived values
  forceDeferredReads(true);
  try {
    noLeaks(() => {
      const f1 = new F1Score({ threshold: 0.5 });
      run(f1, F_TRUE.slice(0, 2), F_PRED.slice(0, 2));
      const t = tf.tensor(F_TRUE.slice(2));
      const p = tf.tensor(F_PRED.slice(2));
      f1.updateState(t, p);
      tf.dispose([t, p]);
      assert.ok(f1.hasDeviceState, "the counts wait on the device");
      assertClose(f1.result(), [0.5, 0.8, 2 / 3]);
      assert.equal(f1.hasDeviceState, false);
      const fb = run(new FBetaScore({ beta: 2, threshold: 0.5 }), F_TRUE, F_PRED);
      assertClose(fb, [0.3846154, 0.90909094, 0.8333334]);
      const micro = run(new F1Score({ threshold: 0.5, average: "micro" }), F_TRUE, F_PRED);
      assertClose(micro, 2 / 3);
      const weighted = run(new F1Score({ threshold: 0.5, average: "weighted" }), F_TRUE, F_PRED);
      assertClose(weighted, (0.5 * 3 + 0.8 * 2 + 2 / 3) / 6);
      assertClose(run(new F1Score(), F_TRUE, F_PRED), [0, 0.5, 2 / 3]); // arg-max, ties count
      const w = run(new F1Score({ threshold: 0.5 }), F_TRUE, F_PRED, [1, 0, 1]);
      assertClose(w, [2 * (1 * 0.5) / 1.5, 1, 1]);

      const iou = new MeanIoU(2);
      assertClose(both(iou, [0, 0, 1, 1], [0, 1, 0, 1], [0.3, 0.3, 0.3, 0.1]), [
        1 / 3,
        0.23809525,
      ]);
      assertClose(
        run(new MeanIoU({ numClasses: 2, ignoreClass: 0 }), [0, 0, 1, 1], [0, 1, 0, 1]),
        0.25,
      );
      assertClose(run(new MeanIoU({ numClasses: 2 }), [0, 1, 5], [0, 1, 1]), 1);
      const dense = new MeanIoU({ numClasses: 2, sparseYTrue: false, sparseYPred: false });
      const oneHot = [[1, 0], [1, 0], [0, 1], [0, 1]];
      const scores = [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]];
      assertClose(run(dense, oneHot, scores), 1 / 3);

      assertClose(run(new R2Score(), [[1], [4], [3]], [[2], [4], [4]]), 0.57142854);
      const yTrue = [[1, 1], [4, 2], [3, 3]];
      const yPred = [[2, 1], [4, 2], [4, 2]];
      assertClose(run(new R2Score({ classAggregation: null }), yTrue, yPred), [4 / 7, 0.5]);
      assertClose(run(new R2Score({ numRegressors: 1 }), [[1], [4], [3]], [[2], [4], [4]]), 1 / 7);
      assertClose(run(new R2Score(), [[1], [4], [3]], [[2], [4], [4]], [1, 1, 0]), 1 - 1 / 4.5);
      const r2 = new R2Score();
      run(r2, [1, 4], [2, 4]);
      assertClose(run(r2, [3], [4]), 4 / 7);
      // a reset drops what waits on the device
      const t2 = tf.tensor([[1], [4]]);
      r2.updateState(t2, t2);
      t2.dispose();
      r2.resetState();
      assert.equal(r2.hasDeviceState, false);
      assert.equal(r2.result(), 0);
    });
    const a = tf.tensor2d([[1, 0]]);
    const b = tf.tensor2d([[1, 0, 0]]);
    const m = new F1Score();
    m.updateState(a, a);
    assert.throws(() => m.updateState(b, b), /the number of classes changed: it counted 2/);
    m.resetState();
    tf.dispose([a, b]);
  } finally {
    forceDeferredReads(null);
  }
});
