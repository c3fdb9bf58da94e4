/**
 * `summary`: Keras's table of a model's layers, output shapes and parameter counts.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { formatShape, type Layer } from "./layer.ts";

interface SummaryModel extends Layer {
  readonly layers: Layer[];
}

/**
 * Prints the table through `print`, one line at a time.
 *
 * @param model The model.
 * @param print Where lines go.
 */
export function summary(model: SummaryModel, print: (line: string) => void): void {
  const rows = model.layers.map((layer) => [
    `${layer.name} (${layer.constructor.name})`,
    layer.outputShape ? formatShape(layer.outputShape) : "?",
    layer.built || layer.weights.length > 0
      ? String(layer.weights.reduce((n, w) => n + w.size, 0))
      : "0 (unbuilt)",
  ]);
  const header = ["Layer (type)", "Output Shape", "Param #"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("").trimEnd();
  const total = widths.reduce((a, b) => a + b, 0);
  const count = (ws: tf.Variable[]) => ws.reduce((n, w) => n + w.size, 0);
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  print(`Model: "${model.name}"`);
  print("━".repeat(total));
  print(line(header));
  print("━".repeat(total));
  rows.forEach((r, i) => {
    print(line(r));
    print(i === rows.length - 1 ? "━".repeat(total) : "─".repeat(total));
  });
  if (rows.length === 0) print("━".repeat(total));
  print(` Total params: ${(trainable + nonTrainable).toLocaleString("en-US")}`);
  print(` Trainable params: ${trainable.toLocaleString("en-US")}`);
  print(` Non-trainable params: ${nonTrainable.toLocaleString("en-US")}`);
  print(` Backend: ${tf.getBackend()}`);
}
