/**
 * Confusion matrices for the demo and the command line. Internal.
 *
 * @module
 */
import type { tf } from "../mod.ts";

/**
 * Counts (true class, predicted class) pairs.
 *
 * @param yTrue True class labels.
 * @param yPred Predicted class labels, as many.
 * @param classes Number of classes.
 * @returns `matrix[t][p]`: samples of class t predicted as p.
 */
export function confusionMatrix(yTrue: tf.Tensor, yPred: tf.Tensor, classes: number): number[][] {
  const t = yTrue.dataSync();
  const p = yPred.dataSync();
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < t.length; i++) matrix[t[i]][p[i]]++;
  return matrix;
}

/**
 * Lays a confusion matrix out as aligned text lines with a header row.
 *
 * @param matrix The counts.
 * @param names Class names (defaults to the indices).
 * @returns The lines.
 */
export function formatConfusion(matrix: number[][], names: string[]): string[] {
  const labels = matrix.map((_, i) => names[i] ?? String(i));
  const width = Math.max(
    3,
    ...labels.map((l) => l.length),
    ...matrix.flat().map((v) => `${v}`.length),
  );
  const cell = (s: string) => s.padStart(width);
  const first = Math.max(...labels.map((l) => l.length));
  return [
    `${"".padStart(first)} ${labels.map(cell).join(" ")}`,
    ...matrix.map((row, i) =>
      `${labels[i].padStart(first)} ${row.map((v) => cell(`${v}`)).join(" ")}`
    ),
  ];
}
