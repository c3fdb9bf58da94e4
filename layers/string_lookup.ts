/**
 * StringLookup: maps strings to indices of a vocabulary, given or learned.
 *
 * @module
 */
import type { LayerOptions } from "../engine/layer.ts";
import { oneOf } from "../engine/validate.ts";
import { hashBucket, INDEX_LOOKUP_OPTION_KEYS, IndexLookup } from "./_index_lookup.ts";
import type { IndexLookupOptions } from "./_index_lookup.ts";
import { layerOptions, noPositional } from "./_checks.ts";

/** Options of {@link StringLookup}. */
export interface StringLookupOptions extends IndexLookupOptions<string>, LayerOptions {
  /** The OOV token. @default "[UNK]" */
  oovToken?: string;
  /** The text encoding of the strings; only UTF-8. @default "utf-8" */
  encoding?: "utf-8";
}

/**
 * Keras's `StringLookup`: each string of the input becomes its index in the
 * vocabulary (`"int"`), or the input is encoded over the vocabulary
 * (`"one_hot"`, `"multi_hot"`, `"count"`, `"tf_idf"`), or, with `invert`,
 * indices become strings again. The vocabulary is given (`vocabulary`,
 * `setVocabulary`) or learned by `adapt` (most frequent first, ties by the
 * string, higher first, as Keras). Index layout in `"int"` mode: the mask
 * token (when set) at 0, then `numOovIndices` OOV indices (an unknown
 * string is hashed among them with FarmHash, as Keras), then the tokens.
 *
 * Stable API (TextVectorization builds on it): the constructor's options,
 * `adapt(data, { batchSize, steps })`, `updateState`/`finalizeState`/
 * `resetState`, `getVocabulary(includeSpecialTokens)`,
 * `setVocabulary(vocabulary, idfWeights)`, `vocabularySize()`, and `apply`
 * on a string tensor of any rank (int32 indices out in `"int"` mode,
 * float32 encodings otherwise). Saved models keep the vocabulary as
 * Keras 3 does: in the config when it was given as an array, else as the
 * asset `vocabulary.txt`; IDF weights as the variable `idf_weights`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const lookup = new layers.StringLookup();
 * lookup.adapt([["a", "c", "d"], ["d", "z", "b"]]);
 * lookup.getVocabulary(); // ["[UNK]", "d", "z", "c", "b", "a"]
 * const x = tf.tensor([["a", "c", "d"], ["d", "q", "b"]]);
 * const y = lookup.apply(x); // [[5, 3, 1], [1, 0, 4]] (int32)
 * tf.dispose([x, y]);
 * ```
 */
export class StringLookup extends IndexLookup<string> {
  /** The text encoding (`"utf-8"`). */
  readonly encoding: "utf-8";

  /** The keys of {@link StringLookupOptions}. */
  static override optionKeys: readonly string[] = [
    ...INDEX_LOOKUP_OPTION_KEYS,
    "encoding",
  ] satisfies (keyof StringLookupOptions)[];

  /**
   * Creates a StringLookup layer.
   *
   * @param options `maxTokens`, `numOovIndices`, `maskToken`, `oovToken`,
   *   `vocabulary`, `idfWeights`, `invert`, `outputMode`, `padToMaxTokens`, `salt`.
   */
  constructor(options: StringLookupOptions = {}) {
    const checked = layerOptions<StringLookupOptions>(
      "StringLookup",
      options,
      noPositional,
      'new StringLookup({ vocabulary: ["a", "b"] })',
    );
    super("StringLookup", checked, "[UNK]", "string");
    this.encoding = oneOf("build StringLookup", "encoding", checked.encoding ?? "utf-8", [
      "utf-8",
    ]);
  }

  /** FarmHash (or, with a salt, SipHash) bucket of an unknown string, as Keras. */
  protected oovBucket(token: string): number {
    return hashBucket(token, this.numOovIndices, this.salt);
  }

  /** A vocabulary file's line as a token. */
  protected parseToken(line: string): string {
    return line;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), encoding: this.encoding };
  }
}
