import { base64Gzip } from "./_data/breast_cancer.ts";
import { decodeEmbedded, parseNumbers } from "./_decode.ts";
import { parseHeader } from "./_header.ts";
import { fromRows } from "./_tabular.ts";
import type { BundledDataset } from "./bundled_dataset.ts";

const measures = [
  "radius",
  "texture",
  "perimeter",
  "area",
  "smoothness",
  "compactness",
  "concavity",
  "concave points",
  "symmetry",
  "fractal dimension",
];

/** The 30 standard names: mean, standard error and worst value of each measure. */
const featureNames = [
  ...measures.map((m) => `mean ${m}`),
  ...measures.map((m) => `${m} error`),
  ...measures.map((m) => `worst ${m}`),
];

const description =
  "Breast Cancer Wisconsin (Diagnostic) (W.H. Wolberg, W.N. Street, O.L. Mangasarian, 1995), " +
  "UCI Machine Learning Repository, as shipped by scikit-learn 1.2.1: 569 fine-needle " +
  "aspirates of breast masses, 30 features (mean, standard error and worst of 10 cell-nucleus " +
  "measures), 2 classes (0 = malignant: 212, 1 = benign: 357). " +
  "Attribution: datasets/data/ATTRIBUTION.md.";

/**
 * Loads the breast cancer Wisconsin (diagnostic) data set (569 samples, 30
 * features, 2 classes), offline from data embedded in kerno: the binary task
 * for a `sigmoid` output and `binaryCrossentropy`. The features span very
 * different scales, so standardize them (fitted on the training part).
 *
 * Source and citation: `datasets/data/ATTRIBUTION.md` (UCI ML Repository,
 * Wolberg, Street and Mangasarian 1995, via scikit-learn 1.2.1).
 *
 * @returns `x` float32 `[569, 30]`, `y` int32 `[569]` (0 = malignant,
 *   1 = benign), the 30 standard feature names (`"mean radius"`, ...,
 *   `"worst fractal dimension"`), class names `malignant`, `benign`.
 * @example
 * ```ts
 * import { breastCancer } from "./breast_cancer.ts";
 * const data = await breastCancer();
 * console.log(data.featureNames[0]); // "mean radius"
 * data.x.dispose();
 * data.y.dispose();
 * ```
 */
export async function breastCancer(): Promise<BundledDataset> {
  const text = await decodeEmbedded(base64Gzip);
  const { classNames } = parseHeader(text);
  const rows = parseNumbers(text, ",", 1);
  return fromRows(rows, { featureNames, classNames, description }, "int32");
}
