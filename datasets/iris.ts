import { base64Gzip } from "./_data/iris.ts";
import { decodeEmbedded, parseNumbers } from "./_decode.ts";
import { parseHeader } from "./_header.ts";
import { fromRows } from "./_tabular.ts";
import type { BundledDataset } from "./bundled_dataset.ts";

const featureNames = [
  "sepal length (cm)",
  "sepal width (cm)",
  "petal length (cm)",
  "petal width (cm)",
];

const description =
  "Iris plants (R.A. Fisher, 1936), UCI Machine Learning Repository, as shipped by " +
  "scikit-learn 1.2.1: 150 flowers, 50 of each of 3 species (setosa, versicolor, virginica), " +
  "4 measurements in centimetres. Attribution: datasets/data/ATTRIBUTION.md.";

/**
 * Loads the iris data set (150 samples, 4 features, 3 classes), offline from
 * data embedded in kerno.
 *
 * Source and citation: `datasets/data/ATTRIBUTION.md` (UCI ML Repository,
 * R.A. Fisher 1936, via scikit-learn 1.2.1).
 *
 * @returns `x` float32 `[150, 4]`, `y` int32 `[150]` (0..2), the four
 *   feature names (`"sepal length (cm)"`, ...), class names `setosa`,
 *   `versicolor`, `virginica`.
 * @example
 * ```ts
 * import { iris } from "./iris.ts";
 * const data = await iris();
 * console.log(data.classNames); // ["setosa", "versicolor", "virginica"]
 * data.x.dispose();
 * data.y.dispose();
 * ```
 */
export async function iris(): Promise<BundledDataset> {
  const text = await decodeEmbedded(base64Gzip);
  const { classNames } = parseHeader(text);
  const rows = parseNumbers(text, ",", 1);
  return fromRows(rows, { featureNames, classNames, description }, "int32");
}
