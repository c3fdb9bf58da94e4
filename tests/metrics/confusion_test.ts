import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { AUC, Precision, Recall } from "../../metrics/mod.ts";
import { assertClose, noLeaks } from "../losses/_helpers.ts";

const LABELS = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
const PREDS = [0.9, 0.6, 0.4, 0.55, 0.2, 0.51, 0.8, 0.1, 0.3, 0.7];

/** Plain confusion counts: prediction strictly above the threshold is positive. */
function counts(labels: number[], preds: number[], threshold: number, weights?: number[]) {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  labels.forEach((y, i) => {
    const w = weights?.[i] ?? 1;
    const positive = preds[i] > threshold;
    if (y === 1 && positive) c.tp += w;
    else if (y === 0 && positive) c.fp += w;
    else if (y === 1) c.fn += w;
    else c.tn += w;
  });
  return c;
}

Deno.test("Precision and Recall follow the confusion counts at 0.5", () => {
  noLeaks(() => {
    const c = counts(LABELS, PREDS, 0.5); // tp 3, fp 3, fn 2
    assert.deepEqual([c.tp, c.fp, c.fn], [3, 3, 2]);
    const precision = new Precision();
    const recall = new Recall();
    // two batches accumulate
    const t1 = tf.tensor1d(LABELS.slice(0, 4));
    const p1 = tf.tensor1d(PREDS.slice(0, 4));
    const t2 = tf.tensor2d(LABELS.slice(4), [6, 1]);
    const p2 = tf.tensor2d(PREDS.slice(4), [6, 1]);
    for (const m of [precision, recall]) {
      m.updateState(t1, p1);
      m.updateState(t2, p2);
    }
    assertClose(precision.result(), c.tp / (c.tp + c.fp));
    assertClose(recall.result(), c.tp / (c.tp + c.fn));
    precision.resetState();
    recall.resetState();
    assert.equal(precision.result(), 0);
    assert.equal(recall.result(), 0);
    assert.equal(precision.direction, "max");
    tf.dispose([t1, p1, t2, p2]);
  });
});

Deno.test("Precision and Recall with sample weights and several thresholds", () => {
  noLeaks(() => {
    const weights = [1, 2, 0.5, 1, 3, 1, 0, 2, 1, 1];
    const t = tf.tensor1d(LABELS);
    const p = tf.tensor1d(PREDS);
    const w = tf.tensor1d(weights);
    const thresholds = [0.7, 0.3, 0.5];
    const precision = new Precision({ thresholds });
    const recall = new Recall({ thresholds });
    precision.updateState(t, p, w);
    recall.updateState(t, p, w);
    const expectedP = thresholds.map((th) => {
      const c = counts(LABELS, PREDS, th, weights);
      return c.tp / (c.tp + c.fp);
    });
    const expectedR = thresholds.map((th) => {
      const c = counts(LABELS, PREDS, th, weights);
      return c.tp / (c.tp + c.fn);
    });
    assertClose(precision.results(), expectedP);
    assertClose(recall.results(), expectedR);
    assertClose(precision.result(), expectedP[0]);
    assert.deepEqual(precision.getConfig(), {
      name: "precision",
      thresholds: [0.7, 0.3, 0.5],
      classId: undefined,
    });
    // Keras's documented examples
    const kt = tf.tensor1d([0, 1, 1, 1]);
    const kp = tf.tensor1d([1, 0, 1, 1]);
    const kw = tf.tensor1d([0, 0, 1, 0]);
    const kPrecision = new Precision();
    kPrecision.updateState(kt, kp);
    assertClose(kPrecision.result(), 2 / 3);
    kPrecision.resetState();
    kPrecision.updateState(kt, kp, kw);
    assertClose(kPrecision.result(), 1);
    tf.dispose([t, p, w, kt, kp, kw]);
  });
});

Deno.test("Precision and Recall classId score one column", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const p = tf.tensor2d([[0.9, 0.2], [0.8, 0.7], [0.1, 0.6]]);
    const p0 = new Precision({ classId: 0 });
    const r0 = new Recall({ classId: 0 });
    const p1 = new Precision({ classId: 1 });
    for (const m of [p0, r0, p1]) m.updateState(t, p);
    assertClose(p0.result(), 0.5); // column 0: tp 1, fp 1, fn 1
    assertClose(r0.result(), 0.5);
    assertClose(p1.result(), 1); // column 1: tp 2, fp 0
    tf.dispose([t, p]);
  });
});

Deno.test("AUC matches Keras's three-threshold example, weights and summation methods", () => {
  noLeaks(() => {
    const t = tf.tensor1d([0, 0, 1, 1]);
    const p = tf.tensor1d([0, 0.5, 0.3, 0.9]);
    // thresholds [-1e-7, 0.5, 1 + 1e-7]: tp [2,1,0], fp [2,0,0], fn [0,1,2], tn [0,2,2]
    // recall [1, 0.5, 0], fpr [1, 0, 0]
    const roc = new AUC({ numThresholds: 3 });
    roc.updateState(t, p);
    assertClose(roc.result(), (1 - 0) * (1 + 0.5) / 2 + (0 - 0) * (0.5 + 0) / 2);
    const w = tf.tensor1d([1, 0, 0, 1]);
    roc.resetState();
    roc.updateState(t, p, w);
    assertClose(roc.result(), 1);
    const minoring = new AUC({ numThresholds: 3, summationMethod: "minoring" });
    const majoring = new AUC({ numThresholds: 3, summationMethod: "majoring" });
    minoring.updateState(t, p);
    majoring.updateState(t, p);
    assertClose(minoring.result(), 0.5);
    assertClose(majoring.result(), 1);
    // PR with Davis & Goadrich interpolation, worked by hand:
    // interval 1: dTP 1, P 4 -> 1, slope 1/3, intercept 2/3: (1/3)(1 + (2/3) ln 4) / 2
    // interval 2: dTP 1, P 1 -> 0, slope 1, intercept 0: 1 * 1 / 2
    const pr = new AUC({ numThresholds: 3, curve: "PR" });
    pr.updateState(t, p);
    assertClose(pr.result(), (1 / 3) * (1 + (2 / 3) * Math.log(4)) / 2 + 0.5);
    tf.dispose([t, p, w]);
  });
});

Deno.test("AUC with 200 thresholds equals the hand-computed ROC trapezoid", () => {
  noLeaks(() => {
    const labels = [0, 0, 1, 1, 0, 1];
    const preds = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9];
    // the ROC curve through every distinct prediction, integrated with trapezoids
    const cuts = [-1, ...[...preds].sort((a, b) => a - b), 2];
    const points = cuts.map((th) => {
      const c = counts(labels, preds, th);
      return [c.fp / (c.fp + c.tn), c.tp / (c.tp + c.fn)];
    });
    let trapezoid = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      trapezoid += (points[i][0] - points[i + 1][0]) * (points[i][1] + points[i + 1][1]) / 2;
    }
    assertClose(trapezoid, 7 / 9); // 7 of the 9 positive/negative pairs are ordered right
    const m = new AUC();
    assert.equal(m.thresholds.length, 200);
    const t = tf.tensor1d(labels);
    const p = tf.tensor1d(preds);
    // two batches accumulate
    const t1 = tf.tensor1d(labels.slice(0, 3));
    const p1 = tf.tensor1d(preds.slice(0, 3));
    const t2 = tf.tensor1d(labels.slice(3));
    const p2 = tf.tensor1d(preds.slice(3));
    m.updateState(t1, p1);
    m.updateState(t2, p2);
    assertClose(m.result(), trapezoid, 1e-6);
    // logits give the same area
    const logits = new AUC({ fromLogits: true });
    const z = tf.tensor1d(preds.map((q) => Math.log(q / (1 - q))));
    logits.updateState(t, z);
    assertClose(logits.result(), trapezoid, 1e-6);
    assert.equal(m.direction, "max");
    assert.deepEqual(new AUC({ thresholds: [0.5, 0.2] }).getConfig(), {
      name: "auc",
      numThresholds: 4,
      curve: "ROC",
      summationMethod: "interpolation",
      fromLogits: false,
      thresholds: [0.5, 0.2],
    });
    assert.throws(
      () => new AUC({ numThresholds: 1 }),
      /"numThresholds" must be an integer >= 2: received 1/,
    );
    assert.throws(() => new AUC({ curve: "XY" as "ROC" }), /"curve" must be one of/);
    tf.dispose([t, p, t1, p1, t2, p2, z]);
  });
});
