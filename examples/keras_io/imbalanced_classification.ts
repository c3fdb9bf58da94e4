/**
 * keras.io "Imbalanced classification: credit card fraud detection",
 * ported to kerno. The Kaggle transactions are replaced by generated ones
 * (30 features, about 2% frauds, which differ from the rest in a few
 * features), normalized with the training part's mean and standard
 * deviation as the original does; the model, the confusion-count metrics,
 * `Adam(1e-2)`, the class weights and the per-epoch `ModelCheckpoint` are
 * the original's.
 *
 * Run: `deno run -A examples/keras_io/imbalanced_classification.ts`
 *
 * @module
 */
import { callbacks, layers, metrics, optimizers, Sequential, setSeed, tf } from "../../mod.ts";

/** Seeded transactions: `rows × 30` features and a 0/1 fraud target. */
function transactions(
  rows: number,
  seed: number,
): { features: Float32Array; targets: Float32Array } {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const features = new Float32Array(rows * 30);
  const targets = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const fraud = uniform() < 0.02;
    targets[r] = fraud ? 1 : 0;
    for (let c = 0; c < 30; c++) {
      // Frauds are shifted in features 3, 7, 11 and 14, and spread wider in 10 and 12.
      const shift = fraud && (c === 3 || c === 7 || c === 11 || c === 14) ? 2.5 : 0;
      const spread = fraud && (c === 10 || c === 12) ? 3 : 1;
      features[r * 30 + c] = 10 * (c % 3) + spread * normal() + shift;
    }
  }
  return { features, targets };
}

/** What {@link main} reports on the validation data. */
export interface FraudResult {
  /** Frauds in the validation data. */
  frauds: number;
  /** Of them, caught (true positives) and missed (false negatives). */
  tp: number;
  fn: number;
  /** Legitimate transactions flagged (false positives) and passed (true negatives). */
  fp: number;
  tn: number;
  /** Recall on the validation data. */
  recall: number;
  /** The checkpoint files written, one per epoch. */
  checkpoints: string[];
}

/**
 * Trains the fraud model of the original example.
 *
 * @param options Epochs, verbosity, the number of transactions and where checkpoints go.
 * @returns The validation counts and the checkpoint files.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2; rows?: number; dir?: string } = {},
): Promise<FraudResult> {
  setSeed(11);
  const rows = options.rows ?? 20000;
  const { features, targets } = transactions(rows, 11);
  const numVal = Math.floor(rows * 0.2);
  const numTrain = rows - numVal;
  const all = tf.tensor2d(features, [rows, 30]);
  const [trainRaw, valRaw] = tf.split(all, [numTrain, numVal]);
  const trainTargets = tf.tensor2d(targets.subarray(0, numTrain), [numTrain, 1]);
  const valTargets = tf.tensor2d(targets.subarray(numTrain), [numVal, 1]);

  // Class weights from the training counts, as the original.
  const counts = [0, 0];
  for (let i = 0; i < numTrain; i++) counts[targets[i]] += 1;
  console.log(`Number of positive samples in training data: ${counts[1]}`);
  const classWeight = { 0: 1 / counts[0], 1: 1 / counts[1] };

  // Normalize with the training part's mean and standard deviation.
  const { mean, variance } = tf.moments(trainRaw, 0);
  const std = tf.sqrt(variance);
  const normalize = (x: tf.Tensor) => tf.tidy(() => tf.div(tf.sub(x, mean), std));
  const [trainFeatures, valFeatures] = [normalize(trainRaw), normalize(valRaw)];

  const model = new Sequential([
    new layers.Dense(256, { activation: "relu", inputShape: [30] }),
    new layers.Dense(256, { activation: "relu" }),
    new layers.Dropout(0.3),
    new layers.Dense(256, { activation: "relu" }),
    new layers.Dropout(0.3),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({
    optimizer: new optimizers.Adam(1e-2),
    loss: "binary_crossentropy",
    metrics: [
      new metrics.FalseNegatives({ name: "fn" }),
      new metrics.FalsePositives({ name: "fp" }),
      new metrics.TrueNegatives({ name: "tn" }),
      new metrics.TruePositives({ name: "tp" }),
      new metrics.Precision({ name: "precision" }),
      new metrics.Recall({ name: "recall" }),
    ],
  });
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "fraud" });
  await model.fit(trainFeatures, trainTargets, {
    batchSize: 2048,
    epochs: options.epochs ?? 30,
    verbose: options.verbose ?? 2,
    callbacks: [new callbacks.ModelCheckpoint(`${dir}/fraud_model_at_epoch_{epoch}.keras`)],
    validationData: [valFeatures, valTargets],
    classWeight,
  });
  const checkpoints = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  if (options.dir === undefined) await Deno.remove(dir, { recursive: true });

  const logs = await model.evaluate(valFeatures, valTargets, { verbose: 0 });
  let frauds = 0;
  for (let i = numTrain; i < rows; i++) frauds += targets[i];
  tf.dispose([all, trainRaw, valRaw, trainTargets, valTargets, mean, variance, std]);
  tf.dispose([trainFeatures, valFeatures]);
  model.dispose();
  const n = (key: string) => logs[key] as number;
  return {
    frauds,
    tp: n("tp"),
    fn: n("fn"),
    fp: n("fp"),
    tn: n("tn"),
    recall: n("recall"),
    checkpoints,
  };
}

if (import.meta.main) {
  const r = await main();
  console.log(
    `Validation: ${r.tp} of ${r.frauds} frauds caught (${r.fn} missed); ` +
      `${r.fp} legitimate transactions flagged, ${r.tn} passed; recall ${r.recall.toFixed(3)}`,
  );
}
