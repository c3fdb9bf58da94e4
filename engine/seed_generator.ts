/**
 * `SeedGenerator`: a random stream of its own, as Keras 3's
 * `keras.random.SeedGenerator`. Every layer and model holds one, seeded from
 * kerno's global generator (see `setSeed`) when it is created; its weight
 * initialisation, dropout masks and — for a model — `fit`'s shuffling draw
 * from it, so two models trained at once in one process each get the numbers
 * they get alone.
 *
 * @module
 */
import { Random } from "./random.ts";
import type { Layer } from "./layer.ts";

/**
 * A seeded stream of seeds for TensorFlow.js's random ops, and of
 * permutations. Without a seed, its seed is drawn from kerno's global
 * generator when it is created, so `setSeed(n)` followed by the same program
 * gives the same streams.
 *
 * @example
 * ```ts
 * import { SeedGenerator, tf } from "../mod.ts";
 * const a = new SeedGenerator(7);
 * const b = new SeedGenerator(7);
 * const x = tf.randomNormal([3], 0, 1, "float32", a.next());
 * const y = tf.randomNormal([3], 0, 1, "float32", b.next());
 * console.log(tf.equal(x, y).all().dataSync()[0]); // 1: same seed, same draws
 * tf.dispose([x, y]);
 * ```
 */
export class SeedGenerator {
  /** The seed given at creation, or `null` when it was drawn from the global generator. */
  readonly seed: number | null;
  readonly #random: Random;

  /**
   * Creates a generator.
   *
   * @param seed Any finite number; equal seeds give equal streams. When
   *   omitted (or null) it is drawn from kerno's global generator (see `setSeed`).
   */
  constructor(seed: number | null = null) {
    if (seed !== null && (typeof seed !== "number" || !Number.isFinite(seed))) {
      throw new TypeError(
        `Cannot create SeedGenerator as "seed" must be a finite number or null: received ${
          String(seed)
        }`,
      );
    }
    this.seed = seed;
    this.#random = new Random(seed ?? undefined);
  }

  /**
   * Draws the seed of one TensorFlow.js random op (`tf.randomNormal`,
   * `tf.dropout`, …) and advances the stream.
   *
   * @returns An integer in [0, 2^31).
   */
  next(): number {
    return Math.floor(this.#random.next() * 2147483648);
  }

  /**
   * Draws a uniformly random permutation (Fisher-Yates) and advances the stream.
   *
   * @param n The length of the permutation.
   * @returns The numbers 0..n-1 in random order.
   */
  permutation(n: number): Int32Array {
    return this.#random.permutation(n);
  }

  /**
   * The stream's position: a 32-bit unsigned integer. Setting a value read
   * earlier replays the stream from there (checkpoints use it to resume
   * bit-identically).
   */
  get state(): number {
    return this.#random.state;
  }
  set state(value: number) {
    this.#random.state = value;
  }

  /**
   * The constructor's options.
   *
   * @returns `{ seed }`.
   */
  getConfig(): { seed: number | null } {
    return { seed: this.seed };
  }
}

/**
 * The `SeedGenerator`s of a layer (or model) and of its tracked layers,
 * depth first, each once: what a checkpoint saves to resume a model's random
 * streams exactly.
 *
 * @param root The layer or model.
 * @returns Its generator, then its sublayers'.
 */
export function seedGeneratorsOf(root: Layer): SeedGenerator[] {
  const seen = new Set<Layer>();
  const found = new Set<SeedGenerator>();
  const visit = (layer: Layer) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    found.add(layer.seedGenerator);
    for (const child of layer.trackedLayers) visit(child);
  };
  visit(root);
  return [...found];
}
