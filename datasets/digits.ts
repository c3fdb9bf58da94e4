import { base64Gzip } from "./_data/digits.ts";
import { decodeEmbedded, parseNumbers } from "./_decode.ts";
import { fromRows } from "./_tabular.ts";
import type { BundledDataset } from "./bundled_dataset.ts";

const featureNames: string[] = [];
for (let row = 0; row < 8; row++) {
  for (let col = 0; col < 8; col++) featureNames.push(`pixel_${row}_${col}`);
}

const description =
  "Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998), UCI Machine " +
  "Learning Repository, as shipped by scikit-learn 1.2.1: 1797 images of 8x8 pixels, each " +
  "pixel the count 0..16 of set pixels in a 4x4 block of the original 32x32 bitmap, " +
  "flattened row by row (pixel_<row>_<col>); 10 classes, the digits 0..9. " +
  "Attribution: datasets/data/ATTRIBUTION.md.";

/**
 * Loads the handwritten digits data set (1797 samples, 64 features, 10
 * classes), offline from data embedded in kerno. Reshape `x` to
 * `[1797, 8, 8, 1]` for a convolutional net; divide by 16 to scale to 0..1.
 *
 * Source and citation: `datasets/data/ATTRIBUTION.md` (UCI ML Repository,
 * E. Alpaydin 1998, via scikit-learn 1.2.1).
 *
 * @returns `x` float32 `[1797, 64]` (values 0..16), `y` int32 `[1797]`
 *   (0..9), feature names `pixel_0_0`..`pixel_7_7`, class names `"0"`..`"9"`.
 * @example
 * ```ts
 * import { digits } from "./digits.ts";
 * const data = await digits();
 * console.log(data.x.shape); // [1797, 64]
 * data.x.dispose();
 * data.y.dispose();
 * ```
 */
export async function digits(): Promise<BundledDataset> {
  const rows = parseNumbers(await decodeEmbedded(base64Gzip), ",");
  const classNames = Array.from({ length: 10 }, (_, i) => String(i));
  return fromRows(rows, { featureNames, classNames, description }, "int32");
}
