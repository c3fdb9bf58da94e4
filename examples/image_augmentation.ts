/**
 * Image augmentation inside the model, as keras.io's "image classification
 * from scratch" does it: the bundled 8×8 digits go through `Rescaling`,
 * `Resizing` (to 16×16, so small turns and shifts keep the strokes) and
 * three random layers — `RandomRotation`, `RandomZoom`,
 * `RandomTranslation` — that act only while `fit` trains, then a small CNN.
 * The saved model would take raw 0-16 pixel images of any size. The
 * example also writes a PNG grid: each row one test digit, then six of its
 * augmented versions.
 *
 * Run: `deno run -A examples/image_augmentation.ts` (writes
 * `runs/image_augmentation.png`).
 *
 * @module
 */
import { datasets, layers, Sequential, setSeed, tf } from "../mod.ts";
import { svgToPng } from "../plot/png.ts";

/**
 * The augmentation stage: random turns of up to ±18°, zooms of ±15% and
 * shifts of up to 1.6 pixels (of 16), each image its own draw, filling with
 * the background (0).
 *
 * @param seed The first layer's seed (the others use the next ones).
 * @returns The three layers, in order.
 */
export function augmentation(
  seed = 1,
): (layers.RandomRotation | layers.RandomZoom | layers.RandomTranslation)[] {
  const fill = { fillMode: "constant", fillValue: 0 } as const;
  return [
    new layers.RandomRotation(0.05, { ...fill, seed }),
    new layers.RandomZoom(0.15, null, { ...fill, seed: seed + 1 }),
    new layers.RandomTranslation(0.1, 0.1, { ...fill, seed: seed + 2 }),
  ];
}

/**
 * The model: preprocessing and augmentation first, then two convolutions.
 *
 * @returns The (uncompiled) model, for `[batch, 8, 8, 1]` pixels in 0..16.
 */
export function augmentedCnn(): Sequential {
  return new Sequential([
    new layers.Rescaling(1 / 16, { inputShape: [null, null, 1], name: "scale" }),
    new layers.Resizing(16, 16, { name: "resize" }),
    ...augmentation(),
    new layers.Conv2D(16, 3, { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D(32, 3, { activation: "relu" }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Flatten(),
    new layers.Dense(10, { activation: "softmax" }),
  ]);
}

/**
 * A grid of small grey images as SVG: one row per image list, one square
 * cell of `size` × `size` screen pixels per pixel.
 *
 * @param rows Images (`[height, width]` values in [0, 1]), row by row.
 * @param size Screen pixels per image pixel.
 * @returns The SVG document.
 */
export function imageGridSvg(rows: number[][][][], size = 4): string {
  const h = rows[0][0].length;
  const w = rows[0][0][0].length;
  const gap = 4;
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * (w * size + gap) + gap;
  const height = rows.length * (h * size + gap) + gap;
  const cells: string[] = [];
  rows.forEach((images, r) =>
    images.forEach((image, c) => {
      const x0 = gap + c * (w * size + gap);
      const y0 = gap + r * (h * size + gap);
      image.forEach((line, y) =>
        line.forEach((v, x) => {
          const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
          cells.push(
            `<rect x="${x0 + x * size}" y="${
              y0 + y * size
            }" width="${size}" height="${size}" fill="rgb(${grey},${grey},${grey})"/>`,
          );
        })
      );
    })
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#bbb"/>${
    cells.join("")
  }</svg>`;
}

/**
 * Trains the augmented CNN on 80% of the digits, evaluates it on the rest,
 * and writes the PNG grid of augmented samples.
 *
 * @param options Epochs, verbosity, and where the PNG goes (`null`: not written).
 * @returns The test accuracy, the PNG's path (or null) and its size in bytes.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2; png?: string | null } = {},
): Promise<{ accuracy: number; png: string | null; pngBytes: number }> {
  setSeed(11);
  const digits = await datasets.digits();
  const split = datasets.trainTestSplit(digits.x, digits.y, { testSize: 0.2, seed: 11 });
  const xTrain = tf.reshape(split.xTrain, [-1, 8, 8, 1]);
  const xTest = tf.reshape(split.xTest, [-1, 8, 8, 1]);
  const model = augmentedCnn();
  model.compile({
    optimizer: "adam",
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  });
  await model.fit(xTrain, split.yTrain, {
    batchSize: 32,
    epochs: options.epochs ?? 20,
    verbose: options.verbose ?? 2,
  });
  const score = await model.evaluate(xTest, split.yTest, { verbose: 0 });

  // The grid: 8 test digits, each followed by 6 draws of the model's own augmentation layers.
  const path = options.png === undefined ? "runs/image_augmentation.png" : options.png;
  let pngBytes = 0;
  if (path !== null) {
    const rows = tf.tidy(() => {
      const sample = tf.slice(xTest, [0, 0, 0, 0], [8, 8, 8, 1]);
      const base = model.layers[1].apply(model.layers[0].apply(sample)) as tf.Tensor;
      const views = [base];
      for (let k = 0; k < 6; k++) {
        let x = base;
        for (const layer of model.layers.slice(2, 5)) x = layer.apply(x, { training: true });
        views.push(x);
      }
      const arrays = views.map((v) => tf.squeeze(v, [3]).arraySync() as number[][][]);
      return arrays[0].map((_, i) => arrays.map((a) => a[i]));
    });
    const { png } = await svgToPng(imageGridSvg(rows));
    await Deno.mkdir(path.replace(/\/[^/]*$/, "") || ".", { recursive: true });
    await Deno.writeFile(path, png);
    pngBytes = png.length;
  }
  tf.dispose([
    xTrain,
    xTest,
    split.xTrain,
    split.xTest,
    split.yTrain,
    split.yTest,
    digits.x,
    digits.y,
  ]);
  model.dispose();
  return { accuracy: score.accuracy as number, png: path, pngBytes };
}

if (import.meta.main) {
  const { accuracy, png } = await main();
  console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
  if (png) console.log(`Augmented samples: ${png}`);
}
