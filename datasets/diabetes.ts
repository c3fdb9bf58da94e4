import { base64Gzip as rawFeatures } from "./_data/diabetes_data_raw.ts";
import { base64Gzip as rawTarget } from "./_data/diabetes_target.ts";
import { decodeEmbedded, parseNumbers } from "./_decode.ts";
import { fromRows } from "./_tabular.ts";
import type { BundledDataset } from "./bundled_dataset.ts";

const featureNames = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

const description =
  'Diabetes (B. Efron, T. Hastie, I. Johnstone, R. Tibshirani, "Least Angle Regression", ' +
  "Annals of Statistics, 2004), as shipped by scikit-learn 1.2.1: 442 patients, 10 baseline " +
  "variables in their raw units (age in years, sex coded 1/2, body mass index, average " +
  "blood pressure, six blood serum measurements s1..s6); the target is a quantitative " +
  "measure of disease progression one year after baseline (25..346). " +
  "Attribution: datasets/data/ATTRIBUTION.md.";

/**
 * Loads the diabetes regression data set (442 samples, 10 features), offline
 * from data embedded in kerno. The features are the raw, unscaled values
 * (unlike scikit-learn's default), so standardize them (fitted on the
 * training part) before training.
 *
 * Source and citation: `datasets/data/ATTRIBUTION.md` (Efron, Hastie,
 * Johnstone and Tibshirani 2004, via scikit-learn 1.2.1).
 *
 * @returns `x` float32 `[442, 10]`, `y` float32 `[442]` (the target),
 *   feature names `age`, `sex`, `bmi`, `bp`, `s1`..`s6`; no class names.
 * @example
 * ```ts
 * import { diabetes } from "./diabetes.ts";
 * const data = await diabetes();
 * console.log(data.y.dtype); // "float32"
 * data.x.dispose();
 * data.y.dispose();
 * ```
 */
export async function diabetes(): Promise<BundledDataset> {
  const features = parseNumbers(await decodeEmbedded(rawFeatures), /\s+/);
  const target = parseNumbers(await decodeEmbedded(rawTarget), /\s+/);
  if (features.length !== target.length) {
    throw new RangeError(
      `Cannot load diabetes as the features and target must have equal rows: received ${features.length} and ${target.length}`,
    );
  }
  const rows = features.map((row, i) => [...row, target[i][0]]);
  return fromRows(rows, { featureNames, description }, "float32");
}
