/**
 * IntegerLookup: maps integers to indices of a vocabulary, given or learned.
 *
 * @module
 */
import type { LayerOptions } from "../engine/layer.ts";
import { oneOf } from "../engine/validate.ts";
import { hashBucket, INDEX_LOOKUP_OPTION_KEYS, IndexLookup } from "./_index_lookup.ts";
import type { IndexLookupOptions } from "./_index_lookup.ts";
import { layerOptions, noPositional } from "./_checks.ts";

/** Options of {@link IntegerLookup}. */
export interface IntegerLookupOptions extends IndexLookupOptions<number>, LayerOptions {
  /** The OOV token. @default -1 */
  oovToken?: number;
  /**
   * How OOV integers are spread over several OOV indices: `"floormod"`
   * (`value mod numOovIndices`) or `"farmhash"` (FarmHash of the decimal
   * text, or SipHash with `salt`). @default "floormod"
   */
  oovMethod?: "floormod" | "farmhash";
  /** The vocabulary's dtype in Keras; kerno's integers are int32: only `"int64"`, as Keras. @default "int64" */
  vocabularyDtype?: "int64";
}

/**
 * Keras's `IntegerLookup`: each integer of the input becomes its index in
 * the vocabulary (`"int"`), or the input is encoded over the vocabulary
 * (`"one_hot"`, `"multi_hot"`, `"count"`, `"tf_idf"`), or, with `invert`,
 * indices become integers again. The vocabulary is given or learned by
 * `adapt` (most frequent first, ties by the larger integer, as Keras).
 * Index layout in `"int"` mode: the mask token (when set) at 0, then
 * `numOovIndices` OOV indices, then the tokens. Inputs are int32 tensors
 * (or float32 tensors of whole numbers); int32 indices come out.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const lookup = new layers.IntegerLookup({ vocabulary: [12, 36, 1138, 42] });
 * const x = tf.tensor2d([[12, 1138, 42], [42, 1000, 36]], undefined, "int32");
 * const y = lookup.apply(x); // [[1, 3, 4], [4, 0, 2]]
 * tf.dispose([x, y]);
 * ```
 */
export class IntegerLookup extends IndexLookup<number> {
  /** How OOV integers are bucketed. */
  readonly oovMethod: "floormod" | "farmhash";

  /** The keys of {@link IntegerLookupOptions}. */
  static override optionKeys: readonly string[] = [
    ...INDEX_LOOKUP_OPTION_KEYS,
    "oovMethod",
    "vocabularyDtype",
  ] satisfies (keyof IntegerLookupOptions)[];

  /**
   * Creates an IntegerLookup layer.
   *
   * @param options `maxTokens`, `numOovIndices`, `maskToken`, `oovToken`,
   *   `vocabulary`, `idfWeights`, `invert`, `outputMode`, `padToMaxTokens`,
   *   `oovMethod`, `salt`.
   */
  constructor(options: IntegerLookupOptions = {}) {
    const checked = layerOptions<IntegerLookupOptions>(
      "IntegerLookup",
      options,
      noPositional,
      "new IntegerLookup({ vocabulary: [12, 36] })",
    );
    super("IntegerLookup", checked, -1, "int");
    const what = "build IntegerLookup";
    oneOf(what, "vocabularyDtype", checked.vocabularyDtype ?? "int64", ["int64"]);
    this.oovMethod = oneOf(what, "oovMethod", checked.oovMethod ?? "floormod", [
      "floormod",
      "farmhash",
    ]);
    if (this.salt !== null && this.oovMethod !== "farmhash") {
      throw new TypeError(
        `Cannot ${what} as "salt" needs "oovMethod" to be "farmhash": received ${
          JSON.stringify(this.oovMethod)
        }`,
      );
    }
  }

  /** `value mod numOovIndices` (floored), or the hash of its decimal text. */
  protected oovBucket(token: number): number {
    if (this.oovMethod === "farmhash") return hashBucket(token, this.numOovIndices, this.salt);
    const n = this.numOovIndices;
    return ((token % n) + n) % n;
  }

  /** A vocabulary file's line as an integer. */
  protected parseToken(line: string): number {
    const value = Number(line.trim());
    if (line.trim() === "" || !Number.isInteger(value)) {
      throw new TypeError(
        `Cannot read the vocabulary of IntegerLookup as a line is not an integer: received ${
          JSON.stringify(line)
        }`,
      );
    }
    return value;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), oovMethod: this.oovMethod, vocabularyDtype: "int64" };
  }
}
