/**
 * Training from a folder of images through `imageDatasetFromDirectory`:
 * the bundled handwritten digits (8×8, 1,797 of them) are written as
 * greyscale PNG files, one subfolder per digit (`train/0/…`, `train/1/…`,
 * `test/…`), then a small convolutional network trains from the folder as
 * from a folder of photos — files listed and split as Keras lists them,
 * decoded in Web Workers, batched and prefetched.
 *
 * Run: `deno run -A examples/image_folder.ts`
 *
 * @module
 */
import { encode } from "fast-png";
import {
  datasets,
  imageDatasetFromDirectory,
  layers,
  optimizers,
  Sequential,
  setSeed,
  tf,
} from "../mod.ts";

/** Options of {@link main}. */
export interface ImageFolderOptions {
  /** Epochs to train. @default 10 */
  epochs?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. @default 2 */
  verbose?: 0 | 1 | 2;
  /** Where to write the images. @default a new temporary folder, removed afterwards */
  dir?: string;
}

/**
 * Writes the PNG folders and trains from them.
 *
 * @param options Epochs, verbosity, folder.
 * @returns The test accuracy after training, the number of files written and the class names.
 */
export async function main(
  options: ImageFolderOptions = {},
): Promise<{ accuracy: number; files: number; classNames: string[] }> {
  setSeed(7);
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "kerno_image_folder_" });
  try {
    const files = await writeDigits(dir);
    const verbose = (options.verbose ?? 2) > 0;
    const common = { colorMode: "grayscale", imageSize: [8, 8], verbose } as const;
    const [train, val] = await imageDatasetFromDirectory(`${dir}/train`, {
      ...common,
      validationSplit: 0.1,
      subset: "both",
      seed: 1337,
    });
    const test = await imageDatasetFromDirectory(`${dir}/test`, { ...common, shuffle: false });
    const model = new Sequential([
      new layers.Rescaling(1 / 255, { inputShape: [8, 8, 1] }),
      new layers.Conv2D(16, 3, { activation: "relu", padding: "same" }),
      new layers.MaxPooling2D(2),
      new layers.Flatten(),
      new layers.Dense(10, { activation: "softmax" }),
    ]);
    model.compile({
      optimizer: new optimizers.Adam({ learningRate: 3e-3 }),
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    await model.fit(train.prefetch(2), undefined, {
      epochs: options.epochs ?? 10,
      verbose: options.verbose ?? 2,
      validationData: val,
    });
    const { accuracy } = await model.evaluate(test);
    model.dispose();
    return { accuracy, files, classNames: train.classNames ?? [] };
  } finally {
    if (options.dir === undefined) await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Writes the digits as 8×8 greyscale PNGs (pixel values 0..16 scaled to
 * 0..255): the first 1,400 under `train/<digit>/`, the other 397 under
 * `test/<digit>/`.
 */
async function writeDigits(dir: string): Promise<number> {
  const data = await datasets.digits();
  const pixels = data.x.dataSync();
  const labels = data.y.dataSync();
  tf.dispose([data.x, data.y]);
  for (let i = 0; i < labels.length; i++) {
    const folder = `${dir}/${i < 1400 ? "train" : "test"}/${labels[i]}`;
    await Deno.mkdir(folder, { recursive: true });
    const grey = Uint8Array.from(
      pixels.subarray(i * 64, (i + 1) * 64),
      (v) => Math.min(255, v * 16),
    );
    const png = encode({ width: 8, height: 8, channels: 1, data: grey });
    await Deno.writeFile(`${folder}/${String(i).padStart(4, "0")}.png`, png);
  }
  return labels.length;
}

if (import.meta.main) {
  const { accuracy, files, classNames } = await main();
  console.log(
    `${files} PNG files, classes ${classNames.join(" ")}; test accuracy: ${accuracy.toFixed(4)}`,
  );
}
