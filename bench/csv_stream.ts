/**
 * Training from a CSV file larger than memory should allow: writes a CSV of
 * `--mb` megabytes (default 2048: 2 GB) of 32 numeric features and a 0/1
 * label in a temporary folder, then trains a small classifier for one
 * epoch from `Dataset.csv(...).shuffle(10000).batch(256).prefetch(2)`,
 * sampling the resident memory (`Deno.memoryUsage().rss`) every 100 ms and
 * after every 50 batches. Prints the peak (target: under 500 MB), the
 * reading and training speed, and the final accuracy. The file is deleted
 * unless `--keep`.
 *
 * Run: `deno run -A bench/csv_stream.ts [--mb=2048] [--dir=/tmp] [--keep]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { callbacks, Dataset, layers, Sequential, setSeed, tf } from "../mod.ts";

const FEATURES = 32;
const MB = 1024 * 1024;

/** The command line. */
function args(): { mb: number; dir: string | undefined; keep: boolean } {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      mb: { type: "string", default: "2048" },
      dir: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const mb = Number(values.mb);
  if (!(mb > 0)) throw new RangeError(`--mb must be a positive number: received ${values.mb}`);
  return { mb, dir: values.dir, keep: values.keep ?? false };
}

/** Writes rows until the file holds `bytes`; the label is 1 when the weighted sum is positive. */
async function writeCsv(path: string, bytes: number): Promise<{ rows: number; bytes: number }> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const weights = Array.from({ length: FEATURES }, (_, i) => (i % 3) - 1 + 0.25);
  let written = 0;
  let rows = 0;
  const header = [...Array.from({ length: FEATURES }, (_, i) => `f${i}`), "label"].join(",") + "\n";
  written += await file.write(encoder.encode(header));
  while (written < bytes) {
    const lines: string[] = [];
    for (let r = 0; r < 4096; r++) {
      let sum = 0;
      const fields = new Array<string>(FEATURES + 1);
      for (let i = 0; i < FEATURES; i++) {
        const v = next() * 2 - 1;
        sum += v * weights[i];
        fields[i] = v.toFixed(5);
      }
      fields[FEATURES] = sum > 0 ? "1" : "0";
      lines.push(fields.join(","));
    }
    const chunk = encoder.encode(lines.join("\n") + "\n");
    for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
    written += chunk.length;
    rows += 4096;
  }
  file.close();
  return { rows, bytes: written };
}

/** Samples the resident memory; `peak` is the largest seen. */
class RssSampler extends callbacks.Callback {
  peak = Deno.memoryUsage().rss;
  #timer = setInterval(() => this.sample(), 100);

  sample(): void {
    this.peak = Math.max(this.peak, Deno.memoryUsage().rss);
  }

  override onTrainBatchEnd(batch: number): Promise<void> {
    if (batch % 50 === 0) this.sample();
    return Promise.resolve();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }
}

if (import.meta.main) {
  const { mb, dir, keep } = args();
  const folder = await Deno.makeTempDir({ dir, prefix: "kerno_csv_bench_" });
  const path = `${folder}/big.csv`;
  try {
    let t = performance.now();
    const { rows, bytes } = await writeCsv(path, mb * MB);
    const writeS = (performance.now() - t) / 1000;
    console.log(
      `wrote ${(bytes / MB).toFixed(0)} MB, ${rows} rows in ${writeS.toFixed(1)} s (${path})`,
    );
    setSeed(1);
    const model = new Sequential([
      new layers.Dense(16, { activation: "relu", inputShape: [FEATURES] }),
      new layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
    const data = Dataset.csv(path, { label: "label" }).shuffle(10_000, { seed: 1 }).batch(256)
      .prefetch(2);
    const rssBefore = Deno.memoryUsage().rss;
    const sampler = new RssSampler();
    t = performance.now();
    const history = await model.fit(data, undefined, {
      epochs: 1,
      verbose: 0,
      callbacks: [sampler],
    });
    const trainS = (performance.now() - t) / 1000;
    sampler.stop();
    console.log(
      `trained 1 epoch in ${trainS.toFixed(1)} s: ${(bytes / MB / trainS).toFixed(1)} MB/s, ${
        Math.round(rows / trainS)
      } rows/s; accuracy ${history.history.accuracy[0].toFixed(4)}`,
    );
    console.log(
      `resident memory: ${(rssBefore / MB).toFixed(0)} MB before fit, peak ${
        (sampler.peak / MB).toFixed(0)
      } MB (target < 500 MB); tensors alive after: ${tf.memory().numTensors}`,
    );
    model.dispose();
  } finally {
    if (!keep) await Deno.remove(folder, { recursive: true });
  }
}
