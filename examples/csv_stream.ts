/**
 * Training from a CSV file through `Dataset.csv`: the bundled handwritten
 * digits are written to `train.csv` and `test.csv` (64 pixel columns and a
 * `digit` column), then a small network trains on a stream of the file —
 * read row by row, scaled in a `map`, shuffled in a buffer, batched and
 * prefetched — as it would on a file larger than memory.
 *
 * Run: `deno run -A examples/csv_stream.ts`
 *
 * @module
 */
import { Dataset, datasets, layers, Sequential, setSeed, tf } from "../mod.ts";

/** Options of {@link main}. */
export interface CsvStreamOptions {
  /** Epochs to train. @default 20 */
  epochs?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. @default 2 */
  verbose?: 0 | 1 | 2;
  /** Where to write the CSV files. @default a new temporary folder, removed afterwards */
  dir?: string;
}

/**
 * Writes the CSV files and trains from them.
 *
 * @param options Epochs, verbosity, folder.
 * @returns The test accuracy after training, and the files' size in bytes.
 */
export async function main(
  options: CsvStreamOptions = {},
): Promise<{ accuracy: number; bytes: number }> {
  setSeed(7);
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "kerno_csv_stream_" });
  try {
    const bytes = await writeDigits(dir);
    const read = (file: string) =>
      Dataset.csv(`${dir}/${file}`, { label: "digit" })
        .map(([pixels, digit]) => [pixels.map((v) => v / 16), digit] as [Float32Array, number]);
    const train = read("train.csv").shuffle(2000, { seed: 7 }).batch(32).prefetch(2);
    const test = read("test.csv").batch(128);
    const model = new Sequential([
      new layers.Dense(64, { activation: "relu", inputShape: [64] }),
      new layers.Dense(10, { activation: "softmax" }),
    ]);
    model.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    await model.fit(train, undefined, {
      epochs: options.epochs ?? 20,
      verbose: options.verbose ?? 2,
      validationData: test,
    });
    const { accuracy } = await model.evaluate(test);
    model.dispose();
    return { accuracy, bytes };
  } finally {
    if (options.dir === undefined) await Deno.remove(dir, { recursive: true });
  }
}

/** Writes the digits as `train.csv` (the first 1,400 rows) and `test.csv` (the other 397). */
async function writeDigits(dir: string): Promise<number> {
  const data = await datasets.digits();
  const pixels = data.x.dataSync();
  const labels = data.y.dataSync();
  tf.dispose([data.x, data.y]);
  const header = [...data.featureNames, "digit"].join(",");
  const line = (i: number) => [...pixels.subarray(i * 64, (i + 1) * 64), labels[i]].join(",");
  const rows = Array.from({ length: labels.length }, (_, i) => line(i));
  const train = [header, ...rows.slice(0, 1400)].join("\n") + "\n";
  const test = [header, ...rows.slice(1400)].join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/train.csv`, train);
  await Deno.writeTextFile(`${dir}/test.csv`, test);
  return train.length + test.length;
}

if (import.meta.main) {
  const { accuracy, bytes } = await main();
  console.log(`CSV files: ${(bytes / 1024).toFixed(0)} KiB; test accuracy: ${accuracy.toFixed(4)}`);
}
