/**
 * Hashing: strings or integers into a fixed number of bins, as Keras.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { oneOf, positiveInt, reject } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { PreprocessingLayer } from "./_adapt.ts";
import { encodedShape, encodeIndices, type EncodeMode } from "./_encoding.ts";
import { hashBucket } from "./_index_lookup.ts";

/** Hashing's output modes. */
export type HashingOutputMode = "int" | EncodeMode;

/** Options of {@link Hashing}. */
export interface HashingOptions extends LayerOptions {
  /** A value that goes to bin 0 (the others then share bins 1 to numBins − 1); `null`: none. @default null */
  maskValue?: string | number | null;
  /** SipHash key (one integer used twice, or two); `null`: FarmHash Fingerprint64. @default null */
  salt?: number | [number, number] | null;
  /** `"int"` (bin indices), `"one_hot"`, `"multi_hot"` or `"count"`. @default "int" */
  outputMode?: HashingOutputMode;
  /** Sparse outputs are not supported by kerno: only `false`. @default false */
  sparse?: boolean;
}

/**
 * Keras's `Hashing`: every value becomes a bin in `[0, numBins)`, the same
 * bins TensorFlow gives: FarmHash Fingerprint64 of the value's text modulo
 * `numBins` (`tf.strings.to_hash_bucket_fast`), or SipHash-2-4 keyed by
 * `salt` (`to_hash_bucket_strong`). Integers are hashed as their decimal
 * text and floats are truncated to integers first, as Keras does. With a
 * `maskValue`, that value goes to bin 0 and the others to `1 + hash mod
 * (numBins − 1)`. Takes string, int32 or float32 tensors of any shape.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const hash = new layers.Hashing(3);
 * const x = tf.tensor([["A"], ["B"], ["C"], ["D"], ["E"]]);
 * const y = hash.apply(x); // [[1], [0], [1], [1], [2]] (int32), as Keras
 * tf.dispose([x, y]);
 * ```
 */
export class Hashing extends PreprocessingLayer {
  /** The number of bins (the mask's included). */
  readonly numBins: number;
  /** The mask value, or `null`. */
  readonly maskValue: string | number | null;
  /** The SipHash key, or `null` for FarmHash. */
  readonly salt: [number, number] | null;
  /** The output mode. */
  readonly outputMode: HashingOutputMode;

  /** The positional constructor arguments, for `fromConfig`. */
  static override positionalArgs: string[] = ["numBins"];

  /** The keys of {@link HashingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "maskValue",
    "salt",
    "outputMode",
    "sparse",
  ] satisfies (keyof HashingOptions)[];

  /**
   * Creates a Hashing layer.
   *
   * @param numBins The number of bins: a positive integer.
   * @param options `maskValue`, `salt`, `outputMode`.
   */
  constructor(numBins: number, options: HashingOptions = {}) {
    const o = layerOptions<HashingOptions>(
      "Hashing",
      options,
      noPositional,
      "new Hashing(numBins, { salt: 133 })",
    );
    super(o);
    const what = "build Hashing";
    this.numBins = positiveInt(what, "numBins", numBins);
    const mask = o.maskValue ?? null;
    if (mask !== null && typeof mask !== "string" && typeof mask !== "number") {
      reject(what, "maskValue", mask, "a string, a number or null");
    }
    this.maskValue = mask;
    const salt = o.salt ?? null;
    const pair = typeof salt === "number" ? [salt, salt] : salt;
    if (
      pair !== null &&
      (!Array.isArray(pair) || pair.length !== 2 ||
        pair.some((k) => typeof k !== "number" || !Number.isSafeInteger(k) || k < 0))
    ) {
      reject(what, "salt", salt, "a non-negative integer, a list of 2 of them, or null");
    }
    this.salt = pair === null ? null : [pair[0], pair[1]];
    this.outputMode = o.outputMode === undefined
      ? "int"
      : oneOf(what, "outputMode", o.outputMode, ["int", "one_hot", "multi_hot", "count"]);
    if (o.sparse === true) reject(what, "sparse", true, "false (kerno has no sparse tensors)");
  }

  /** The bin of every value (then encoded, unless `"int"`). */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const values = inputs.dataSync() as unknown as ArrayLike<string | number>;
    const masked = this.maskValue !== null && this.numBins > 1;
    const bins = masked ? this.numBins - 1 : this.numBins;
    const mask = this.maskValue;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (masked && v === mask) {
        out[i] = 0;
        continue;
      }
      const token = typeof v === "number" ? Math.trunc(v) : v;
      out[i] = hashBucket(token, bins, this.salt) + (masked ? 1 : 0);
    }
    if (this.outputMode === "int") return tf.tensor(out, inputs.shape, "int32");
    return encodeIndices(out, inputs.shape, this.numBins, this.outputMode, null);
  }

  /** The output shape: the input's (`"int"`), or with the bins' axis. */
  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === "int") return [...inputShape];
    return encodedShape(inputShape, this.numBins, this.outputMode);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numBins: this.numBins,
      salt: this.salt === null ? null : [...this.salt],
      maskValue: this.maskValue,
      outputMode: this.outputMode,
      sparse: false,
    };
  }
}
