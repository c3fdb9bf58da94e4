/**
 * An image-folder input pipeline against the training step it feeds:
 * writes N PNG files (the bundled 8×8 digits upscaled to S×S greyscale,
 * one folder per digit), then measures, in images per second,
 *
 * 1. the pipeline alone — `imageDatasetFromDirectory` (files read and
 *    decoded in `numParallelCalls` Web Workers, resized and batched here)
 *    iterated without training, with 1 worker and with W workers;
 * 2. the training step alone — a small CNN's `trainOnBatch` on one batch
 *    held in memory;
 * 3. training from the pipeline — `fit` on the dataset with `.prefetch(2)`.
 *
 * When (1) outruns (2) the step, not decoding, is the bottleneck; on shared
 * cores (3) still pays for decoding, so it is compared with both.
 * (Every number is one run: a script, not a timed test.)
 *
 * Run: `deno run -A bench/image_folder.ts [--n 10000] [--size 64] [--workers 2] [--batch 32] [--backend kerno]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { encode } from "fast-png";
import {
  datasets,
  imageDatasetFromDirectory,
  layers,
  Sequential,
  setBackend,
  setSeed,
  tf,
} from "../mod.ts";
import type { BackendName } from "../backend/mod.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    n: { type: "string", default: "10000" },
    size: { type: "string", default: "64" },
    workers: { type: "string", default: String(navigator.hardwareConcurrency || 2) },
    batch: { type: "string", default: "32" },
    backend: { type: "string", default: "kerno" },
  },
});
const n = Number(args.values.n);
const size = Number(args.values.size);
const workers = Number(args.values.workers);
const batchSize = Number(args.values.batch);
await setBackend(args.values.backend as BackendName);
setSeed(1);

/** Writes `count` PNGs of `s × s` grey pixels (digits upscaled by repeating pixels). */
async function writePngs(dir: string, count: number, s: number): Promise<number> {
  const data = await datasets.digits();
  const pixels = data.x.dataSync();
  const labels = data.y.dataSync();
  tf.dispose([data.x, data.y]);
  let bytes = 0;
  for (let d = 0; d < 10; d++) await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  for (let i = 0; i < count; i++) {
    const k = i % labels.length;
    const grey = new Uint8Array(s * s);
    for (let r = 0; r < s; r++) {
      for (let c = 0; c < s; c++) {
        const v = pixels[k * 64 + Math.floor((r * 8) / s) * 8 + Math.floor((c * 8) / s)];
        grey[r * s + c] = Math.min(255, v * 16 + ((r * 7 + c * 13 + i) % 9)); // a little texture
      }
    }
    const png = encode({ width: s, height: s, channels: 1, data: grey });
    bytes += png.length;
    await Deno.writeFile(`${dir}/${labels[k]}/${String(i).padStart(6, "0")}.png`, png);
  }
  return bytes;
}

function cnn(): Sequential {
  const model = new Sequential([
    new layers.Rescaling(1 / 255, { inputShape: [size, size, 1] }),
    new layers.Conv2D(16, 3, { activation: "relu" }),
    new layers.MaxPooling2D(2),
    new layers.Conv2D(32, 3, { activation: "relu" }),
    new layers.MaxPooling2D(2),
    new layers.Flatten(),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
  return model;
}

const options = (w: number) =>
  ({
    colorMode: "grayscale",
    imageSize: [size, size],
    batchSize,
    seed: 1,
    numParallelCalls: w,
    verbose: false,
  }) as const;

const dir = await Deno.makeTempDir({ prefix: "kerno_bench_images_" });
try {
  let t = performance.now();
  const bytes = await writePngs(dir, n, size);
  console.log(
    `wrote ${n} PNGs of ${size}×${size} (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s; backend ${args.values.backend}, ${navigator.hardwareConcurrency} cores`,
  );

  const pipelineRate = async (w: number) => {
    const ds = await imageDatasetFromDirectory(dir, options(w));
    const start = performance.now();
    let seen = 0;
    for await (const [x] of ds) seen += x.shape[0];
    return seen / ((performance.now() - start) / 1000);
  };
  const one = await pipelineRate(1);
  const many = workers > 1 ? await pipelineRate(workers) : one;
  console.log(`pipeline alone: ${one.toFixed(0)} images/s with 1 worker (in this thread)`);
  console.log(`pipeline alone: ${many.toFixed(0)} images/s with ${workers} workers`);

  const model = cnn();
  const x = tf.randomUniform([batchSize, size, size, 1], 0, 255);
  const y = tf.randomUniform([batchSize], 0, 10, "int32");
  await model.trainOnBatch(x, y); // warm-up
  const steps = Math.max(5, Math.min(50, Math.floor(n / batchSize)));
  t = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const stepRate = (steps * batchSize) / ((performance.now() - t) / 1000);
  tf.dispose([x, y]);
  console.log(`training step alone: ${stepRate.toFixed(0)} images/s (batch ${batchSize})`);

  const ds = await imageDatasetFromDirectory(dir, options(workers));
  t = performance.now();
  await model.fit(ds.prefetch(2), undefined, { epochs: 1, verbose: 0 });
  const fitRate = n / ((performance.now() - t) / 1000);
  model.dispose();
  // Decoding and training share the same cores, so fit's rate is bounded by
  // both: one image costs 1/stepRate of the cores to train and about
  // 1/many to decode (the pipeline alone kept the cores busy too).
  const shared = 1 / (1 / stepRate + 1 / many);
  console.log(
    `fit from the folder (${workers} workers, prefetch 2): ${fitRate.toFixed(0)} images/s = ${
      (100 * fitRate / stepRate).toFixed(0)
    }% of the step alone (${(100 * fitRate / shared).toFixed(0)}% of ${
      shared.toFixed(0)
    }, what the cores allow when they decode as well as train); ${
      many > stepRate
        ? `the training step is the bottleneck (decoding alone is ${
          (many / stepRate).toFixed(1)
        }× faster)`
        : "decoding is the bottleneck"
    }`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
