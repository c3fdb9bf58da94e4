/**
 * TextVectorization: raw strings to token indices or to bag-of-words
 * vectors, with a vocabulary given or learned by `adapt`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { checkLoadSize } from "../engine/_weight_budget.ts";
import type { VariableStore } from "../engine/layer.ts";
import { boolean, integer, oneOf, reject } from "../engine/validate.ts";
import {
  type AdaptBatch,
  adaptBatches,
  type AdaptData,
  type AdaptOptions,
  PreprocessingLayer,
} from "./_adapt.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { StringLookup } from "./string_lookup.ts";
import {
  ngrams,
  ngramWidths,
  type SplitOption,
  splitOption,
  type StandardizeOption,
  standardizeOption,
  standardizeText,
  tokenize,
} from "./_text_ops.ts";

export type { SplitOption, StandardizeOption } from "./_text_ops.ts";

/** TextVectorization's output modes. */
export type TextOutputMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";

const OUTPUT_MODES: readonly TextOutputMode[] = [
  "int",
  "one_hot",
  "multi_hot",
  "count",
  "tf_idf",
];

/** Options of {@link TextVectorization}, Keras 3's names. */
export interface TextVectorizationOptions extends LayerOptions {
  /**
   * The largest vocabulary `adapt` keeps, the OOV index (and, in `"int"`
   * mode, the padding index 0) included; `null`: no limit. @default null
   */
  maxTokens?: number | null;
  /**
   * `"lower_and_strip_punctuation"`, `"lower"` (Unicode lowercasing),
   * `"strip_punctuation"`, `null` (none), or a function of one string.
   * @default "lower_and_strip_punctuation"
   */
  standardize?: StandardizeOption;
  /**
   * `"whitespace"`, `"character"` (Unicode code points), `null` (each
   * string is one token), or a function from a string to its tokens.
   * @default "whitespace"
   */
  split?: SplitOption;
  /** `n`: the 1- to n-grams; a list: those widths; `null`: tokens only. @default null */
  ngrams?: number | number[] | null;
  /**
   * `"int"`: token indices, `[batch, length]`; `"multi_hot"`, `"count"`,
   * `"tf_idf"`: one vector per string, `[batch, vocabularySize]`;
   * `"one_hot"`: one vector per token. @default "int"
   */
  outputMode?: TextOutputMode;
  /**
   * `"int"` mode: pad (with 0) or cut every output to this many tokens;
   * `null`: pad to the batch's longest. @default null
   */
  outputSequenceLength?: number | null;
  /** Non-`"int"` modes: make the vector `maxTokens` long whatever the vocabulary's size. @default false */
  padToMaxTokens?: boolean;
  /** The vocabulary: tokens (without `""` and `"[UNK]"`, or with them first), or a file of one per line. @default null (adapt) */
  vocabulary?: readonly string[] | string | null;
  /** `"tf_idf"` with a given `vocabulary`: one inverse document frequency per token. @default null */
  idfWeights?: readonly number[] | null;
  /** Keras's flag; kerno has no sparse tensors: only `false`. @default false */
  sparse?: boolean;
  /** Keras's flag; kerno has no ragged tensors: only `false`. @default false */
  ragged?: boolean;
  /** The text encoding; only UTF-8. @default "utf-8" */
  encoding?: "utf-8";
  /**
   * The vocabulary size a saved configuration records (Keras's
   * `vocabulary_size`), so a reloaded layer knows its output size before its
   * vocabulary is read back. @default null
   */
  vocabularySize?: number | null;
}

/** The keys of {@link TextVectorizationOptions}. */
const OPTION_KEYS: readonly string[] = [
  ...LAYER_OPTION_KEYS,
  "maxTokens",
  "standardize",
  "split",
  "ngrams",
  "outputMode",
  "outputSequenceLength",
  "padToMaxTokens",
  "vocabulary",
  "idfWeights",
  "sparse",
  "ragged",
  "encoding",
  "vocabularySize",
] satisfies (keyof TextVectorizationOptions)[];

/**
 * Keras's `TextVectorization`: each string is standardized (lowercased and
 * stripped of punctuation by default), split into tokens (on whitespace by
 * default), optionally turned into n-grams, and the tokens are looked up in
 * a vocabulary: `"int"` gives their indices (0 pads, 1 is `"[UNK]"`, then
 * the tokens, most frequent first), the other modes one vector per string
 * over the vocabulary (`"multi_hot"`, `"count"`, `"tf_idf"`).
 *
 * The vocabulary is learned by `adapt(texts)` (counted over every token,
 * ordered by count, ties by the token, higher first, as Keras), given as
 * `vocabulary`, or set with `setVocabulary`. Inside a model it takes the
 * strings of an `Input({ shape: [1], dtype: "string" })` (or a flat
 * batch), so a saved model predicts on raw text; the vocabulary is saved
 * as Keras 3 saves it (the asset `vocabulary.txt`, or the config when it
 * was given as an array; IDF weights as the variable `idf_weights`).
 * Standardization is Keras 3's (its 32 punctuation marks, ASCII
 * whitespace), with Unicode lowercasing where Keras's `tf.strings.lower`
 * changes A–Z only.
 * A `standardize` or `split` function cannot be saved in a file.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const vectorize = new layers.TextVectorization({ outputSequenceLength: 4 });
 * vectorize.adapt(["foo bar", "bar baz", "baz bada boom"]);
 * vectorize.getVocabulary(); // ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]
 * const x = tf.tensor([["foo qux bar"], ["qux baz"]]);
 * const y = vectorize.apply(x); // [[4, 1, 3, 0], [1, 2, 0, 0]] (int32)
 * tf.dispose([x, y]);
 * ```
 */
export class TextVectorization extends PreprocessingLayer {
  /** The keys of {@link TextVectorizationOptions}. */
  static override optionKeys: readonly string[] = OPTION_KEYS;
  /** The standardization. */
  readonly standardize: StandardizeOption;
  /** The split. */
  readonly split: SplitOption;
  /** The `ngrams` option, as given. */
  readonly ngrams: number | number[] | null;
  /** The output mode. */
  readonly outputMode: TextOutputMode;
  /** The `"int"` mode's fixed output length, or `null`. */
  readonly outputSequenceLength: number | null;
  /** The text encoding. */
  readonly encoding: "utf-8";
  /**
   * The StringLookup that indexes the tokens (mask token `""`), Keras's
   * `_lookup_layer`: saved files hold its vocabulary under this name.
   */
  readonly _lookup_layer: StringLookup;
  readonly #widths: number[] | null;
  readonly #hasInputVocabulary: boolean;

  /**
   * Creates a TextVectorization layer.
   *
   * @param options `maxTokens`, `standardize`, `split`, `ngrams`,
   *   `outputMode`, `outputSequenceLength`, `padToMaxTokens`, `vocabulary`,
   *   `idfWeights`.
   */
  constructor(options: TextVectorizationOptions = {}) {
    const o = layerOptions<TextVectorizationOptions>(
      "TextVectorization",
      options,
      noPositional,
      "new TextVectorization({ maxTokens: 20000, outputSequenceLength: 80 })",
    );
    super(o);
    const what = "build TextVectorization";
    this.standardize = standardizeOption(
      what,
      o.standardize === undefined ? "lower_and_strip_punctuation" : o.standardize,
    );
    this.split = splitOption(what, o.split === undefined ? "whitespace" : o.split);
    this.#widths = ngramWidths(what, o.ngrams);
    this.ngrams = o.ngrams === undefined || o.ngrams === null
      ? null
      : Array.isArray(o.ngrams)
      ? [...o.ngrams]
      : o.ngrams;
    this.outputMode = o.outputMode === undefined
      ? "int"
      : oneOf(what, "outputMode", o.outputMode, OUTPUT_MODES);
    const length = o.outputSequenceLength ?? null;
    if (length !== null) {
      integer(what, "outputSequenceLength", length, 1);
      checkLoadSize("TextVectorization", "outputSequenceLength", length);
      if (this.outputMode !== "int") {
        reject(what, "outputSequenceLength", length, `null unless "outputMode" is "int"`);
      }
    }
    this.outputSequenceLength = length;
    if (boolean(what, "ragged", o.ragged, false)) {
      reject(what, "ragged", true, "false (kerno has no ragged tensors: use outputSequenceLength)");
    }
    this.encoding = oneOf(what, "encoding", o.encoding ?? "utf-8", ["utf-8"]);
    this.#hasInputVocabulary = o.vocabulary !== undefined && o.vocabulary !== null;
    this._lookup_layer = renamingErrors("build StringLookup", what, () =>
      new StringLookup({
        name: `${this.name}_lookup`,
        maxTokens: o.maxTokens ?? null,
        vocabulary: o.vocabulary ?? null,
        idfWeights: o.idfWeights ?? null,
        padToMaxTokens: o.padToMaxTokens ?? false,
        maskToken: "",
        outputMode: this.outputMode,
        sparse: o.sparse ?? false,
        encoding: this.encoding,
        vocabularySize: o.vocabularySize ?? null,
      }));
  }

  get #who(): string {
    return `${this.name} (TextVectorization)`;
  }

  /**
   * Learns the vocabulary (and, in `"tf_idf"` mode, the IDF weights) from
   * texts: every string is standardized, split and turned into n-grams, and
   * the tokens are counted; the `maxTokens` most frequent are kept. Data
   * are read in batches, so a Dataset streams.
   *
   * @param data Strings: an array (one string per document, or `[n, 1]`),
   *   a string tensor, a `Dataset` of strings (its `x` when it yields
   *   `[x, y]`), or any iterable of such batches.
   * @param options `batchSize` (documents per batch for arrays and tensors) and `steps`.
   */
  adapt(data: AdaptData, options: AdaptOptions = {}): void {
    const what = `adapt ${this.#who}`;
    if (this.#hasInputVocabulary) {
      throw new TypeError(
        `Cannot ${what} as it was created with a "vocabulary": create it without one to learn it from data, or call setVocabulary(...)`,
      );
    }
    const lookup = this._lookup_layer;
    lookup.resetState();
    for (const batch of adaptBatches(what, data, options)) {
      lookup.updateState(this.#documentsOfBatch(what, batch));
    }
    lookup.finalizeState();
  }

  /**
   * The vocabulary, index by index: `""` (padding, `"int"` mode only),
   * `"[UNK]"`, then the tokens, most frequent first.
   *
   * @param includeSpecialTokens Whether `""` and `"[UNK]"` are included. @default true
   * @returns The tokens.
   */
  getVocabulary(includeSpecialTokens = true): string[] {
    return this._lookup_layer.getVocabulary(includeSpecialTokens);
  }

  /**
   * Sets the vocabulary (and the IDF weights in `"tf_idf"` mode) in place of
   * the one given or learned; tokens must be unique and must not be `""` or
   * `"[UNK]"` (unless those lead, in `getVocabulary()`'s order).
   *
   * @param vocabulary The tokens, or the path of a file of one per line.
   * @param idfWeights One weight per vocabulary entry (`"tf_idf"` only).
   */
  setVocabulary(
    vocabulary: readonly string[] | string,
    idfWeights?: readonly number[] | null,
  ): void {
    const lookup = this._lookup_layer;
    renamingErrors(
      `set the vocabulary of ${lookup.name} (StringLookup)`,
      `set the vocabulary of ${this.#who}`,
      () => lookup.setVocabulary(vocabulary, idfWeights),
    );
  }

  /**
   * The number of indices: the vocabulary with the special tokens, the
   * size of the vectors in the modes other than `"int"` (unless `padToMaxTokens`).
   *
   * @returns The size.
   */
  vocabularySize(): number {
    return this._lookup_layer.vocabularySize();
  }

  /** The IDF weights, index by index (`"tf_idf"` mode), or `null`. @returns A copy. */
  getIdfWeights(): number[] | null {
    return this._lookup_layer.getIdfWeights();
  }

  /** The token axis of `"int"` output, when no `outputSequenceLength` fixes it. @internal */
  dataSizedAxes(): number[] {
    return this.outputMode === "int" && this.outputSequenceLength === null ? [1] : [];
  }

  /**
   * The output shape for an input shape, computed without running the
   * layer: `[batch, outputSequenceLength]` in `"int"` mode (the length
   * unknown without it); `[batch, depth]` in the multi-hot, count and TF-IDF
   * modes, `depth` the vocabulary's size (`maxTokens` with
   * `padToMaxTokens`); `"one_hot"`, whose token axis the data decide, is
   * inferred by running the layer.
   */
  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === "int") return [inputShape[0], this.outputSequenceLength];
    if (this.outputMode === "one_hot") return super.computeOutputShape(inputShape);
    return this._lookup_layer.computeOutputShape([inputShape[0], null]);
  }

  /** Any batch of strings fits, `[batch]` and `[batch, 1]` alike (`call` checks the rank). */
  protected override checkInputShape(): void {}

  /** Standardizes, splits and looks up a batch of strings. */
  override call(inputs: tf.Tensor): tf.Tensor {
    const what = `apply ${this.#who}`;
    if (inputs.dtype !== "string") {
      throw new TypeError(
        `Cannot ${what} as its input must be a string tensor (raw text): received a ${inputs.dtype} tensor of shape [${inputs.shape}]; give the model an Input({ shape: [1], dtype: "string" })`,
      );
    }
    const lookup = this._lookup_layer;
    if (!lookup.hasVocabulary && !this.probing) {
      throw new TypeError(
        `Cannot ${what} as it has no vocabulary yet: call adapt(texts) first, or pass "vocabulary" (or call setVocabulary)`,
      );
    }
    const docs = this.#documentsOfTensor(what, inputs);
    let longest = 0;
    for (const d of docs) longest = Math.max(longest, d.length);
    const length = this.outputMode === "int" ? this.outputSequenceLength ?? longest : longest;
    if (this.probing && !lookup.hasVocabulary) return this.#placeholder(docs.length, length);
    if (this.outputMode === "int") return this.#indices(docs, length);
    const flat = new Array<string>(docs.length * length).fill("");
    docs.forEach((d, i) => {
      for (let j = 0; j < Math.min(length, d.length); j++) flat[i * length + j] = d[j];
    });
    // The lookup's own `call`, as Keras's: it is a part of this layer, not a layer called on data.
    return lookup.call(tf.tensor(flat, [docs.length, length], "string"), { training: false });
  }

  /**
   * `"int"` output: the tokens are looked up once, unpadded (no string
   * tensor of padding), and placed in rows of `length`, 0 after the end.
   */
  #indices(docs: string[][], length: number): tf.Tensor {
    const kept: string[] = [];
    for (const d of docs) {
      for (let j = 0; j < Math.min(length, d.length); j++) kept.push(d[j]);
    }
    const found = this._lookup_layer.call(tf.tensor(kept, [kept.length], "string"), {
      training: false,
    });
    const ids = found.dataSync() as Int32Array;
    const out = new Int32Array(docs.length * length);
    let k = 0;
    docs.forEach((d, i) => {
      const n = Math.min(length, d.length);
      out.set(ids.subarray(k, k + n), i * length);
      k += n;
    });
    return tf.tensor(out, [docs.length, length], "int32");
  }

  /** An output of the right shape and dtype before any vocabulary (shape inference, loading). */
  #placeholder(batch: number, length: number): tf.Tensor {
    if (this.outputMode === "int") return tf.zeros([batch, length], "int32");
    const config = this._lookup_layer.getConfig();
    const depth = config.padToMaxTokens ? config.maxTokens : config.vocabularySize;
    if (typeof depth !== "number") {
      throw new TypeError(
        `Cannot apply ${this.#who} in "${this.outputMode}" mode before it has a vocabulary, as its output size is the vocabulary's: adapt it (or pass "vocabulary", or "maxTokens" with "padToMaxTokens") before calling it on symbolic inputs`,
      );
    }
    const shape = this.outputMode === "one_hot" ? [batch, length, depth] : [batch, depth];
    return tf.zeros(shape, "float32");
  }

  /** The tokens of each string of a batch tensor (`[batch]` or `[batch, 1]`; `[batch, k]` tokens when `split` is null). */
  #documentsOfTensor(what: string, inputs: tf.Tensor): string[][] {
    const values = inputs.dataSync() as unknown as string[];
    return this.#documents(what, values, inputs.shape);
  }

  /** The tokens of each document of an adapt batch. */
  #documentsOfBatch(what: string, batch: AdaptBatch): string[][] {
    if (!Array.isArray(batch.values)) {
      throw new TypeError(
        `Cannot ${what} as "data" must hold strings: received numbers (a batch of shape [${batch.shape}])`,
      );
    }
    return this.#documents(what, batch.values, batch.shape);
  }

  #documents(what: string, values: string[], shape: readonly number[]): string[][] {
    const steps = { standardize: this.standardize, split: this.split, ngrams: this.#widths };
    if (shape.length === 0 || shape.length > 2) {
      throw new RangeError(
        `Cannot ${what} as its strings must be a batch of shape [batch] or [batch, 1]: received shape [${shape}]`,
      );
    }
    const rows = shape[0];
    const width = shape.length === 1 ? 1 : shape[1];
    if (width !== 1 && this.split !== null) {
      throw new RangeError(
        `Cannot ${what} as it splits each string into tokens, so its input must be [batch] or [batch, 1]: received shape [${shape}] (pass split: null for strings that are already tokens)`,
      );
    }
    const docs: string[][] = new Array(rows);
    if (width === 1) {
      for (let i = 0; i < rows; i++) docs[i] = tokenize(values[i], steps, what);
      return docs;
    }
    // split null, [batch, k]: each row is a document of k tokens.
    for (let i = 0; i < rows; i++) {
      const row = values.slice(i * width, (i + 1) * width).map((t) =>
        standardizeText(t, this.standardize, what)
      );
      docs[i] = this.#widths === null ? row : ngrams(row, this.#widths);
    }
    return docs;
  }

  /** Keras's `save_own_variables`: the lookup's IDF weights, in `"tf_idf"` mode. */
  override saveOwnVariables(store: VariableStore): void {
    this._lookup_layer.saveOwnVariables(store);
  }

  /** Keras's `load_own_variables`: the lookup's IDF weights, in `"tf_idf"` mode. */
  override loadOwnVariables(store: VariableStore): void {
    this._lookup_layer.loadOwnVariables(store);
  }

  /** Keras's `save_assets`: the lookup's `vocabulary.txt`. @param dir The layer's asset directory. */
  override async saveAssets(dir: string): Promise<void> {
    await this._lookup_layer.saveAssets(dir);
  }

  /** Keras's `load_assets`: reads the lookup's `vocabulary.txt` back. @param dir The layer's asset directory. */
  override async loadAssets(dir: string): Promise<void> {
    await this._lookup_layer.loadAssets(dir);
  }

  /** The constructor's options (defaults filled in, the vocabulary size recorded), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    for (const [arg, value] of [["standardize", this.standardize], ["split", this.split]]) {
      if (typeof value === "function") {
        throw new TypeError(
          `Cannot serialize ${this.#who} as its "${arg}" is a function, which cannot be saved as data: save the model without it, or standardize and split the texts before the model (split: null takes tokens)`,
        );
      }
    }
    const lookup = this._lookup_layer.getConfig();
    return {
      ...super.getConfig(),
      maxTokens: lookup.maxTokens,
      standardize: this.standardize,
      split: this.split,
      ngrams: Array.isArray(this.ngrams) ? [...this.ngrams] : this.ngrams,
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength,
      padToMaxTokens: lookup.padToMaxTokens,
      sparse: false,
      ragged: false,
      vocabulary: lookup.vocabulary,
      idfWeights: lookup.idfWeights,
      encoding: this.encoding,
      vocabularySize: this.vocabularySize(),
    };
  }
}

/**
 * Runs `fn`, rewording an error of the inner StringLookup (`Cannot <from>
 * as …`) so that it names the TextVectorization layer (`Cannot <to> as …`).
 */
function renamingErrors<T>(from: string, to: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`Cannot ${from} `)) {
      const Kind = e instanceof RangeError ? RangeError : TypeError;
      throw new Kind(`Cannot ${to} ${e.message.slice(`Cannot ${from} `.length)}`, { cause: e });
    }
    throw e;
  }
}
