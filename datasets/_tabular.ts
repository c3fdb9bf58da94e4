/**
 * Internal: builds a {@link BundledDataset} from parsed rows whose last
 * column is the label.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { BundledDataset } from "./bundled_dataset.ts";

/** The parts of a bundled data set that are not tensors. */
export interface TabularInfo {
  featureNames: string[];
  classNames?: string[];
  description: string;
}

/**
 * Makes tensors from rows of `features + 1` numbers (the label last).
 *
 * @param rows The parsed rows.
 * @param info Feature names, class names and description.
 * @param labelDtype `"int32"` for class labels, `"float32"` for regression.
 * @returns The data set with fresh tensors.
 */
export function fromRows(
  rows: number[][],
  info: TabularInfo,
  labelDtype: "int32" | "float32",
): BundledDataset {
  const features = info.featureNames.length;
  const x = new Float32Array(rows.length * features);
  const y = labelDtype === "int32" ? new Int32Array(rows.length) : new Float32Array(rows.length);
  rows.forEach((row, i) => {
    if (row.length !== features + 1 || row.some((v) => Number.isNaN(v))) {
      throw new RangeError(
        `Cannot load data set as row ${i} must hold ${features + 1} numbers: received ${row}`,
      );
    }
    x.set(row.slice(0, features), i * features);
    y[i] = row[features];
  });
  return {
    x: tf.tensor2d(x, [rows.length, features], "float32"),
    y: tf.tensor1d(y, labelDtype),
    featureNames: [...info.featureNames],
    ...(info.classNames ? { classNames: [...info.classNames] } : {}),
    description: info.description,
  };
}
