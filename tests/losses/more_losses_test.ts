/**
 * Poisson, SquaredHinge, CategoricalHinge, CosineSimilarity, MSLE, MAPE and
 * the focal cross-entropies. Expected numbers are Keras 3's documented
 * examples (the docstrings of keras/src/losses/losses.py, cited per test) or
 * derived by hand in the comments.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  BinaryFocalCrossentropy,
  binaryFocalCrossentropy,
  CategoricalFocalCrossentropy,
  categoricalFocalCrossentropy,
  CategoricalHinge,
  CosineSimilarity,
  cosineSimilarity,
  getLoss,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Poisson,
  poisson,
  SquaredHinge,
} from "../../losses/mod.ts";
import { assertClose, bceProb, noLeaks, take } from "./_helpers.ts";

const T2 = [[0, 1], [0, 0]];
const P2 = [[1, 1], [0, 0]];
const H2 = [[0.6, 0.4], [0.4, 0.6]];

Deno.test("Poisson is yPred - yTrue log(yPred + eps), averaged per sample", () => {
  noLeaks(() => {
    const [t, p] = [tf.tensor2d(T2), tf.tensor2d(P2)];
    // by hand: row 1 (1 - 0 + 1 - log(1)) / 2 = 1, row 2 0 (0 * log(eps) = 0)
    assertClose(take(poisson(t, p)), [1, 0]);
    // Keras's Poisson metric example: 0.49999997 (the same mean)
    assertClose(take(new Poisson().apply(t, p)), 0.5);
    const w = tf.tensor1d([1, 0]);
    assertClose(take(new Poisson().apply(t, p, w)), 0.5);
    assertClose(take(new Poisson({ reduction: "mean_with_sample_weight" }).apply(t, p, w)), 1);
    tf.dispose([t, p, w]);
  });
});

Deno.test("SquaredHinge maps 0/1 targets to -1/1 and squares the hinge", () => {
  noLeaks(() => {
    const [t, p] = [tf.tensor2d(T2), tf.tensor2d(H2)];
    // Keras's SquaredHinge metric example: 1.86; by hand rows (2.56 + 0.36) / 2, (1.96 + 2.56) / 2
    const loss = new SquaredHinge();
    assertClose(take(loss.call(t, p)), [1.46, 2.26]);
    assertClose(take(loss.apply(t, p)), 1.86);
    const pm = tf.tensor2d([[-1, 1]]);
    const pp = tf.tensor2d([[0.5, 2]]);
    assertClose(take(loss.call(pm, pp)), [(1.5 ** 2 + 0) / 2]); // -1/1 targets kept
    tf.dispose([t, p, pm, pp]);
  });
});

Deno.test("CategoricalHinge is max(neg - pos + 1, 0)", () => {
  noLeaks(() => {
    const [t, p] = [tf.tensor2d(T2), tf.tensor2d(H2)];
    // Keras's CategoricalHinge metric example: 1.4000001 (rows 1.2 and 1.6)
    const loss = new CategoricalHinge();
    assertClose(take(loss.call(t, p)), [1.2, 1.6]);
    assertClose(take(loss.apply(t, p)), 1.4);
    const w = tf.tensor1d([1, 0]);
    assertClose(take(loss.apply(t, p, w)), 0.6);
    tf.dispose([t, p, w]);
    const [bad, scores] = [tf.tensor1d([0, 1]), tf.tensor2d(H2)];
    assert.throws(() => loss.call(bad, scores), /categorical_hinge.*same shape/);
    tf.dispose([bad, scores]);
  });
});

Deno.test("cosineSimilarity loss is the negative cosine along the axis", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[0, 1], [1, 1], [1, 1]]);
    const p = tf.tensor2d([[1, 0], [1, 1], [-1, -1]]);
    // Keras's cosine_similarity loss example: [-0., -0.99999994, 0.99999994]
    assertClose(take(cosineSimilarity(t, p)), [0, -1, 1]);
    assertClose(take(new CosineSimilarity({ axis: 1 }).apply(t, p)), 0);
    // axis 0: columns [0, 1, 1] . [1, 1, -1] / (sqrt2 sqrt3) = 0, [1, 1, 1] . [0, 1, -1] = 0
    assertClose(take(cosineSimilarity(t, p, { axis: 0 })), [0, 0]);
    const [zeros, ones] = [tf.zeros([1, 2]), tf.ones([1, 2])];
    assertClose(take(cosineSimilarity(zeros, ones)), [0]); // a zero vector gives 0
    tf.dispose([t, p, zeros, ones]);
  });
  assert.throws(
    () => new CosineSimilarity({ axis: 0.5 }),
    /CosineSimilarity.*"axis" must be an integer/,
  );
  const t = tf.ones([2, 2]);
  assert.throws(() => cosineSimilarity(t, t, { axis: 2 }), /"axis" must be in \[-2, 2\)/);
  t.dispose();
});

Deno.test("MeanSquaredLogarithmicError compares log(1 + x), clipping below eps", () => {
  noLeaks(() => {
    const [t, p] = [tf.tensor2d(T2), tf.tensor2d(P2)];
    // Keras's MSLE metric example: 0.12011322 = log(2)^2 / 4
    assertClose(take(new MeanSquaredLogarithmicError().apply(t, p)), Math.log(2) ** 2 / 4);
    const neg = tf.tensor2d([[-5]]);
    const zero = tf.tensor2d([[0]]);
    assertClose(take(new MeanSquaredLogarithmicError().call(zero, neg)), [0]); // both clip to eps
    tf.dispose([t, p, neg, zero]);
  });
});

Deno.test("MeanAbsolutePercentageError matches Keras's example", () => {
  noLeaks(() => {
    const t = tf.tensor1d([100, 200, 300]);
    const p = tf.tensor1d([90, 210, 310]);
    // Keras's MeanAbsolutePercentageError loss example: 6.111111
    assertClose(take(new MeanAbsolutePercentageError().apply(t, p)), 6.111111);
    // |yTrue| in the divisor: (-100 vs -90) is 10%
    const tn = tf.tensor2d([[-100]]);
    const pn = tf.tensor2d([[-90]]);
    assertClose(take(new MeanAbsolutePercentageError().call(tn, pn)), [10]);
    tf.dispose([t, p, tn, pn]);
  });
});

Deno.test("binaryFocalCrossentropy matches Keras's function example", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[0, 1], [0, 0]]);
    const p = tf.tensor2d([[0.6, 0.4], [0.4, 0.6]]);
    // Keras's binary_focal_crossentropy docstring: [0.330, 0.206] with gamma=2
    assertClose(take(binaryFocalCrossentropy(t, p)), [0.330, 0.206], 2e-3);
    // gamma 0 is plain binary cross-entropy
    const bce = [(bceProb(0, 0.6) + bceProb(1, 0.4)) / 2, (bceProb(0, 0.4) + bceProb(0, 0.6)) / 2];
    assertClose(take(binaryFocalCrossentropy(t, p, { gamma: 0 })), bce);
    tf.dispose([t, p]);
  });
});

Deno.test("BinaryFocalCrossentropy matches Keras's class examples", () => {
  noLeaks(() => {
    // Keras's BinaryFocalCrossentropy docstring, example 1
    const t1 = tf.tensor1d([0, 1, 0, 0]);
    const p1 = tf.tensor1d([-18.6, 0.51, 2.94, -12.8]);
    const focal = (o: Record<string, unknown>) =>
      new BinaryFocalCrossentropy({ fromLogits: true, ...o });
    assertClose(take(focal({ gamma: 2 }).apply(t1, p1)), 0.691, 2e-3);
    assertClose(take(focal({ gamma: 2, applyClassBalancing: true }).apply(t1, p1)), 0.51, 5e-3);
    // example 2
    const t = tf.tensor2d([[0, 1], [0, 0]]);
    const p = tf.tensor2d([[-18.6, 0.51], [2.94, -12.8]]);
    const w = tf.tensor1d([0.8, 0.2]);
    assertClose(take(focal({ gamma: 3 }).apply(t, p)), 0.647, 2e-3);
    assertClose(take(focal({ gamma: 3, applyClassBalancing: true }).apply(t, p)), 0.482, 2e-3);
    assertClose(take(focal({ gamma: 3 }).apply(t, p, w)), 0.133, 2e-3);
    assertClose(take(focal({ gamma: 3, applyClassBalancing: true }).apply(t, p, w)), 0.097, 5e-3);
    assertClose(take(focal({ gamma: 4, reduction: "sum" }).apply(t, p)), 1.222, 2e-3);
    const balanced = focal({ gamma: 4, applyClassBalancing: true, reduction: "sum" });
    assertClose(take(balanced.apply(t, p)), 0.914, 2e-3);
    assertClose(take(focal({ gamma: 5 }).call(t, p)), [0.0017, 1.1561], 2e-3);
    assertClose(
      take(focal({ gamma: 5, applyClassBalancing: true }).call(t, p)),
      [0.0004, 0.8670],
      2e-3,
    );
    tf.dispose([t1, p1, t, p, w]);
  });
});

Deno.test("BinaryFocalCrossentropy smooths labels towards 0.5 and has a finite gradient", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[1]]);
    const p = tf.tensor2d([[0.7]]);
    // by hand: z = 1 * 0.8 + 0.1 = 0.9, p_t = 0.9 * 0.7 + 0.1 * 0.3 = 0.66
    const expected = (1 - 0.66) ** 2 * bceProb(0.9, 0.7);
    const loss = new BinaryFocalCrossentropy({ labelSmoothing: 0.2 });
    assertClose(take(loss.apply(t, p)), expected);
    const g = tf.grad((x: tf.Tensor) => loss.apply(t, x))(p);
    assert.ok(Number.isFinite(take(g)[0]));
    tf.dispose([t, p]);
  });
});

Deno.test("CategoricalFocalCrossentropy matches Keras's examples", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[0, 1, 0], [0, 0, 1]]);
    const p = tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    // Keras's CategoricalFocalCrossentropy docstring
    const loss = new CategoricalFocalCrossentropy();
    assertClose(take(loss.apply(t, p)), 0.23315276);
    const w = tf.tensor1d([0.3, 0.7]);
    assertClose(take(loss.apply(t, p, w)), 0.1632, 1e-4);
    assertClose(take(new CategoricalFocalCrossentropy({ reduction: "sum" }).apply(t, p)), 0.46631);
    assertClose(take(loss.call(t, p)), [3.2058331e-05, 4.6627346e-01]);
    // categorical_focal_crossentropy docstring
    const p2 = tf.tensor2d([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]);
    assertClose(take(categoricalFocalCrossentropy(t, p2)), [2.63401289e-04, 6.75912094e-01]);
    // per-class alpha: only the target class's weight counts for one-hot targets
    const perClass = categoricalFocalCrossentropy(t, p2, { alpha: [1, 0.5, 2] });
    assertClose(take(perClass), [2 * 2.63401289e-04, 8 * 6.75912094e-01]);
    tf.dispose([t, p, w, p2]);
  });
});

Deno.test("CategoricalFocalCrossentropy with logits softmaxes first", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[0, 1]]);
    const logits = tf.tensor2d([[0, Math.log(3)]]); // softmax: [0.25, 0.75]
    const expected = 0.25 * 0.25 ** 2 * -Math.log(0.75);
    const loss = new CategoricalFocalCrossentropy({ fromLogits: true });
    assertClose(take(loss.apply(t, logits)), expected);
    tf.dispose([t, logits]);
    const sparse = tf.tensor1d([1]);
    const probs = tf.tensor2d([[0.3, 0.7]]);
    assert.throws(() => loss.call(sparse, probs), /one-hot/);
    tf.dispose([sparse, probs]);
  });
});

Deno.test("the new losses resolve by Keras name and round-trip their configs", () => {
  const cases: [string, unknown][] = [
    ["poisson", Poisson],
    ["squared_hinge", SquaredHinge],
    ["categorical_hinge", CategoricalHinge],
    ["cosine_similarity", CosineSimilarity],
    ["mean_squared_logarithmic_error", MeanSquaredLogarithmicError],
    ["msle", MeanSquaredLogarithmicError],
    ["MAPE", MeanAbsolutePercentageError],
    ["mean_absolute_percentage_error", MeanAbsolutePercentageError],
    ["binary_focal_crossentropy", BinaryFocalCrossentropy],
    ["BinaryFocalCrossentropy", BinaryFocalCrossentropy],
    ["categoricalFocalCrossentropy", CategoricalFocalCrossentropy],
  ];
  for (const [name, cls] of cases) {
    assert.ok(getLoss(name) instanceof (cls as typeof Poisson), name);
  }
  const bfce = new BinaryFocalCrossentropy({ gamma: 3, alpha: 0.4, applyClassBalancing: true });
  assert.deepEqual(
    BinaryFocalCrossentropy.fromConfig(bfce.getConfig()).getConfig(),
    bfce.getConfig(),
  );
  assert.deepEqual(bfce.getConfig(), {
    name: "binary_focal_crossentropy",
    reduction: "sum_over_batch_size",
    applyClassBalancing: true,
    alpha: 0.4,
    gamma: 3,
    fromLogits: false,
    labelSmoothing: 0,
  });
  const cfce = new CategoricalFocalCrossentropy({ alpha: [0.2, 0.8], labelSmoothing: 0.1 });
  assert.deepEqual(
    CategoricalFocalCrossentropy.fromConfig(cfce.getConfig()).getConfig(),
    cfce.getConfig(),
  );
  const cos = new CosineSimilarity({ axis: 0, name: "cos" });
  assert.deepEqual(CosineSimilarity.fromConfig(cos.getConfig()).getConfig(), {
    name: "cos",
    reduction: "sum_over_batch_size",
    axis: 0,
  });
});

Deno.test("the new losses refuse unknown and out-of-range options", () => {
  assert.throws(
    () => new Poisson({ axis: 1 } as never),
    /Cannot build Poisson as "axis" is not an option/,
  );
  assert.throws(
    () => new BinaryFocalCrossentropy({ apply_class_balancing: true } as never),
    /did you mean "applyClassBalancing"\?/,
  );
  assert.throws(() => new BinaryFocalCrossentropy({ alpha: 2 }), /"alpha" must be .*received 2/);
  assert.throws(() => new BinaryFocalCrossentropy({ gamma: -1 }), /"gamma" must be/);
  assert.throws(() => new CategoricalFocalCrossentropy({ labelSmoothing: 1.5 }), /labelSmoothing/);
  const t = tf.tensor2d([[0, 1, 0]]);
  assert.throws(
    () => categoricalFocalCrossentropy(t, t, { alpha: [1, 2] }),
    /"alpha" must hold one weight per class \(3\): received 2 weights/,
  );
  t.dispose();
});
