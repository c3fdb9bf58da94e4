/**
 * `IndexLookup`: the machinery of StringLookup and IntegerLookup (Keras's
 * `IndexLookup`): a vocabulary given or learned by `adapt`, the lookup of
 * tokens to indices (mask token, OOV buckets, tokens) and back, the
 * encodings of the indices, and saving the vocabulary as Keras 3 does (an
 * asset file `vocabulary.txt`, the IDF weights as the variable
 * `idf_weights`).
 *
 * Index layout, as Keras: in `"int"` mode with a mask token, index 0 is the
 * mask; then `numOovIndices` OOV indices; then the tokens. In the other
 * modes the mask token has no index (its occurrences are dropped).
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
import { checkLoadSize } from "../engine/_weight_budget.ts";
import { boolean, integer, oneOf, reject, show } from "../engine/validate.ts";
import { type AdaptBatch, adaptBatches, type AdaptOptions, PreprocessingLayer } from "./_adapt.ts";
import { fastBucket, strongBucket } from "./_hash.ts";
import { encodedShape, encodeIndices, type EncodeMode } from "./_encoding.ts";

/** A lookup layer's output modes. */
export type LookupOutputMode = "int" | "one_hot" | "multi_hot" | "count" | "tf_idf";

const OUTPUT_MODES: readonly LookupOutputMode[] = [
  "int",
  "one_hot",
  "multi_hot",
  "count",
  "tf_idf",
];

/** Options of the lookup layers; `T` is the token type (string or number). */
export interface IndexLookupOptions<T extends string | number> extends LayerOptions {
  /** The largest vocabulary `adapt` keeps, mask and OOV indices included; `null`: no limit. @default null */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens share (hashed among them when more than 1; 0: an OOV token is an error). @default 1 */
  numOovIndices?: number;
  /** A token meaning "masked": index 0 in `"int"` mode, dropped in the others; `null`: none. @default null */
  maskToken?: T | null;
  /** The token `invert` returns for OOV indices, and that `getVocabulary` shows for them. */
  oovToken?: T;
  /** The vocabulary: an array of tokens, or the path of a text file of one token per line. @default null (adapt) */
  vocabulary?: readonly T[] | string | null;
  /** IDF weights for `"tf_idf"` with a given vocabulary, one per token. @default null */
  idfWeights?: readonly number[] | null;
  /** Map indices back to tokens (`"int"` mode only). @default false */
  invert?: boolean;
  /** `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or `"tf_idf"`. @default "int" */
  outputMode?: LookupOutputMode;
  /** Pad the encoded axis to `maxTokens` (not `"int"`). @default false */
  padToMaxTokens?: boolean;
  /** Sparse outputs are not supported by kerno: only `false`. @default false */
  sparse?: boolean;
  /** SipHash key for the OOV buckets (2 integers, or one used twice); `null`: FarmHash. @default null */
  salt?: number | [number, number] | null;
  /** The vocabulary size a saved Keras config records (what the layer's output size is before its vocabulary is loaded). @default null */
  vocabularySize?: number | null;
}

/** The keys of {@link IndexLookupOptions}. */
export const INDEX_LOOKUP_OPTION_KEYS: readonly (keyof IndexLookupOptions<string>)[] = [
  ...LAYER_OPTION_KEYS,
  "maxTokens",
  "numOovIndices",
  "maskToken",
  "oovToken",
  "vocabulary",
  "idfWeights",
  "invert",
  "outputMode",
  "padToMaxTokens",
  "sparse",
  "salt",
  "vocabularySize",
] satisfies (keyof IndexLookupOptions<string>)[];

/** The asset file of a lookup layer's vocabulary, as Keras 3 names it. */
const VOCABULARY_FILE = "vocabulary.txt";

/**
 * The base of StringLookup and IntegerLookup. A subclass states its token
 * kind (to the constructor), how an OOV token of its kind is hashed into a bucket
 * (`oovBucket`) and how a line of a vocabulary file is read (`parseToken`).
 */
export abstract class IndexLookup<T extends string | number> extends PreprocessingLayer {
  /** The vocabulary size limit, or `null`. */
  readonly maxTokens: number | null;
  /** The number of OOV indices. */
  readonly numOovIndices: number;
  /** The mask token, or `null`. */
  readonly maskToken: T | null;
  /** The OOV token. */
  readonly oovToken: T;
  /** Whether the layer maps indices to tokens. */
  readonly invert: boolean;
  /** The output mode. */
  readonly outputMode: LookupOutputMode;
  /** Whether encodings are padded to `maxTokens`. */
  readonly padToMaxTokens: boolean;
  /** The SipHash key of the OOV buckets, or `null`. */
  readonly salt: [number, number] | null;
  /** `"string"` or `"int"`. */
  protected readonly tokenKind: "string" | "int";
  #tokens: T[] = [];
  #index = new Map<T, number>();
  #idf: Float32Array | null = null;
  #hasVocabulary = false;
  #configVocabulary: T[] | null;
  #configIdf: number[] | null;
  #frozenSize: number | null;
  #counts = new Map<T, number>();
  #documentCounts = new Map<T, number>();
  #documents = 0;
  #adaptable: boolean;

  /**
   * Checks the options and sets a given vocabulary.
   *
   * @param className The class name, for messages.
   * @param options The options, already checked for unknown keys by the base `Layer`.
   * @param oovDefault The OOV token when none is given.
   * @param tokenKind `"string"` or `"int"`.
   */
  constructor(
    className: string,
    options: IndexLookupOptions<T>,
    oovDefault: T,
    tokenKind: "string" | "int",
  ) {
    super(options);
    this.tokenKind = tokenKind;
    const what = `build ${className}`;
    const max = options.maxTokens ?? null;
    if (max !== null) integer(what, "maxTokens", max, 2);
    this.maxTokens = max;
    this.numOovIndices = integer(what, "numOovIndices", options.numOovIndices ?? 1, 0);
    // From a file, sizes are bounded before any table is made (the OOV tokens are listed).
    checkLoadSize(className, "maxTokens", max);
    checkLoadSize(className, "numOovIndices", this.numOovIndices, 2 ** 20);
    checkLoadSize(className, "vocabularySize", options.vocabularySize);
    this.outputMode = options.outputMode === undefined
      ? "int"
      : oneOf(what, "outputMode", options.outputMode, OUTPUT_MODES);
    this.invert = boolean(what, "invert", options.invert, false);
    this.padToMaxTokens = boolean(what, "padToMaxTokens", options.padToMaxTokens, false);
    if (boolean(what, "sparse", options.sparse, false)) {
      reject(what, "sparse", true, "false (kerno has no sparse tensors)");
    }
    if (this.invert && this.outputMode !== "int") {
      reject(what, "outputMode", this.outputMode, '"int" when "invert" is true');
    }
    if (this.padToMaxTokens && max === null) {
      reject(what, "maxTokens", max, 'a number when "padToMaxTokens" is true');
    }
    this.salt = saltOption(what, options.salt);
    this.maskToken = options.maskToken ?? null;
    this.oovToken = options.oovToken ?? oovDefault;
    const want = this.tokenKind === "string" ? "a string" : "an integer";
    if (this.maskToken !== null && !this.isToken(this.maskToken)) {
      reject(what, "maskToken", this.maskToken, `${want} or null`);
    }
    if (!this.isToken(this.oovToken)) reject(what, "oovToken", this.oovToken, want);
    const size = options.vocabularySize ?? null;
    this.#frozenSize = size === null ? null : integer(what, "vocabularySize", size, 0);
    const vocabulary = options.vocabulary ?? null;
    const idf = options.idfWeights ?? null;
    if (idf !== null && this.outputMode !== "tf_idf") {
      reject(what, "idfWeights", idf, 'null unless "outputMode" is "tf_idf"');
    }
    if (vocabulary !== null && idf === null && this.outputMode === "tf_idf") {
      reject(what, "idfWeights", idf, 'given with "vocabulary" when "outputMode" is "tf_idf"');
    }
    if (vocabulary !== null) this.#setVocabulary(what, vocabulary, idf);
    this.#configVocabulary = Array.isArray(vocabulary) ? [...vocabulary] : null;
    this.#configIdf = idf === null ? null : [...idf];
    this.#adaptable = vocabulary === null;
  }

  /** Whether a value is a token of this layer's kind. */
  protected isToken(value: unknown): value is T {
    return this.tokenKind === "string"
      ? typeof value === "string"
      : typeof value === "number" && Number.isInteger(value);
  }

  /** The OOV bucket (from 0) of an out-of-vocabulary token, when `numOovIndices > 1`. */
  protected abstract oovBucket(token: T): number;

  /** A token read from a line of a vocabulary file. */
  protected abstract parseToken(line: string): T;

  /** `1` when index 0 is the mask's (`"int"` mode with a mask token), else 0. */
  protected get oovStartIndex(): number {
    return this.maskToken !== null && this.outputMode === "int" ? 1 : 0;
  }

  /** The index of the first real token. */
  protected get tokenStartIndex(): number {
    return this.oovStartIndex + this.numOovIndices;
  }

  /** Whether a vocabulary was given, set or learned. */
  get hasVocabulary(): boolean {
    return this.#hasVocabulary;
  }

  /**
   * The size of the vocabulary, mask and OOV indices included: the size of
   * the encoded axis (unless `padToMaxTokens`).
   *
   * @returns The number of indices.
   */
  vocabularySize(): number {
    return this.tokenStartIndex + this.#tokens.length;
  }

  /**
   * The vocabulary, index by index: the mask token (in `"int"` mode), the
   * OOV token once per OOV index, then the tokens.
   *
   * @param includeSpecialTokens Whether the mask and OOV tokens are included. @default true
   * @returns The tokens; a token's position is its index when special tokens are included.
   */
  getVocabulary(includeSpecialTokens = true): T[] {
    if (!includeSpecialTokens) return [...this.#tokens];
    const special = this.oovStartIndex === 1 ? [this.maskToken as T] : [];
    for (let i = 0; i < this.numOovIndices; i++) special.push(this.oovToken);
    return [...special, ...this.#tokens];
  }

  /** The IDF weights, index by index (`"tf_idf"` mode), or `null`. @returns A copy. */
  getIdfWeights(): number[] | null {
    return this.#idf === null ? null : Array.from(this.#idf);
  }

  /**
   * Sets the vocabulary (and, in `"tf_idf"` mode, the IDF weights), in place
   * of the one given or learned. The vocabulary may start with the special
   * tokens in `getVocabulary()`'s order, or leave them out; it must not
   * repeat a token, nor hold the mask or OOV token anywhere else.
   *
   * @param vocabulary The tokens, or the path of a text file of one token per line.
   * @param idfWeights One weight per entry of `vocabulary` (`"tf_idf"` only).
   */
  setVocabulary(vocabulary: readonly T[] | string, idfWeights?: readonly number[] | null): void {
    this.#setVocabulary(`set the vocabulary of ${this.#who}`, vocabulary, idfWeights ?? null);
    this.#configVocabulary = null;
    this.#configIdf = null;
  }

  get #who(): string {
    return `${this.name} (${this.constructor.name})`;
  }

  #setVocabulary(what: string, given: readonly T[] | string, idf: readonly number[] | null): void {
    if (this.outputMode === "tf_idf" && idf === null) {
      reject(what, "idfWeights", idf, 'given when "outputMode" is "tf_idf"');
    }
    if (this.outputMode !== "tf_idf" && idf !== null) {
      reject(what, "idfWeights", idf, 'null unless "outputMode" is "tf_idf"');
    }
    const vocabulary = typeof given === "string" ? this.#readFile(what, given) : given;
    if (!Array.isArray(vocabulary)) {
      reject(what, "vocabulary", vocabulary, "an array of tokens or a file path");
    }
    if (vocabulary.length === 0) {
      reject(what, "vocabulary", vocabulary, "a non-empty array of tokens", RangeError);
    }
    const bad = vocabulary.findIndex((t) => !this.isToken(t));
    if (bad >= 0) {
      const want = this.tokenKind === "string" ? "strings" : "integers";
      reject(what, `vocabulary[${bad}]`, vocabulary[bad], `one of an array of ${want}`);
    }
    const special = this.getVocabulary(true).slice(0, this.tokenStartIndex);
    const withSpecial = special.every((s, i) => vocabulary[i] === s);
    const tokens = withSpecial ? vocabulary.slice(special.length) : [...vocabulary];
    this.#checkTokens(what, tokens, special);
    const size = this.tokenStartIndex + tokens.length;
    if (this.maxTokens !== null && size > this.maxTokens) {
      throw new RangeError(
        `Cannot ${what} as the vocabulary holds ${size} indices (special ones included) and "maxTokens" is ${this.maxTokens}`,
      );
    }
    let weights: Float32Array | null = null;
    if (idf !== null) weights = this.#padIdf(what, idf, vocabulary.length, !withSpecial);
    this.#install(what, tokens, weights);
  }

  #checkTokens(what: string, tokens: readonly T[], special: T[]): void {
    const seen = new Set<T>();
    const repeated = new Set<T>();
    for (const t of tokens) (seen.has(t) ? repeated : seen).add(t);
    if (repeated.size > 0) {
      throw new RangeError(
        `Cannot ${what} as the vocabulary repeats ${
          show([...repeated].slice(0, 10))
        }: give each token once`,
      );
    }
    for (const [name, token] of [["mask", this.maskToken], ["OOV", this.oovToken]] as const) {
      if (token !== null && seen.has(token)) {
        throw new RangeError(
          `Cannot ${what} as the vocabulary holds the ${name} token ${show(token)} at index ${
            tokens.indexOf(token)
          } among its tokens: leave the mask and OOV tokens out, or give them only at the start, in this order: ${
            show(special)
          }`,
        );
      }
    }
  }

  #padIdf(what: string, idf: readonly number[], length: number, front: boolean): Float32Array {
    if (!Array.isArray(idf) || idf.some((w) => typeof w !== "number" || !Number.isFinite(w))) {
      reject(what, "idfWeights", idf, "an array of finite numbers");
    }
    if (idf.length !== length) {
      throw new RangeError(
        `Cannot ${what} as "idfWeights" must hold one weight per vocabulary entry (${length}): received ${idf.length}`,
      );
    }
    const lead = front ? this.tokenStartIndex : 0;
    const total = this.padToMaxTokens ? this.maxTokens! : lead + idf.length;
    const out = new Float32Array(total);
    const mean = idf.reduce((a, b) => a + b, 0) / idf.length;
    out.fill(mean, 0, lead);
    out.set(idf, lead);
    return out;
  }

  #install(what: string, tokens: readonly T[], idf: Float32Array | null): void {
    const size = this.tokenStartIndex + tokens.length;
    if (
      this.built && this.outputMode !== "int" && !this.padToMaxTokens &&
      this.#frozenSize !== null && this.#frozenSize !== size
    ) {
      throw new RangeError(
        `Cannot ${what} as the layer was called with ${this.#frozenSize} indices in "${this.outputMode}" mode and the new vocabulary has ${size}: its output size cannot change (use "padToMaxTokens")`,
      );
    }
    this.#tokens = [...tokens];
    this.#index = new Map(this.#tokens.map((t, i) => [t, i]));
    this.#idf = idf;
    this.#hasVocabulary = true;
    this.#frozenSize = size;
  }

  #readFile(what: string, path: string): T[] {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (error) {
      throw new TypeError(
        `Cannot ${what} as the vocabulary file ${JSON.stringify(path)} cannot be read: ${
          (error as Error).message
        }`,
      );
    }
    const lines = text.split("\n");
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return lines.map((line) => this.parseToken(line.endsWith("\r") ? line.slice(0, -1) : line));
  }

  /**
   * Learns the vocabulary from data: every token counted, the most frequent
   * kept (up to `maxTokens`, special indices included), ordered by count,
   * ties by the token, higher first (Keras's order); in `"tf_idf"` mode each
   * row (first-axis entry) is a document for the IDF weights,
   * `log(1 + documents / (1 + documents with the token))`.
   *
   * @param data Tokens: a tensor, a (nested) array, a Dataset or an iterable of batches.
   * @param options `batchSize` (rows per batch for arrays and tensors) and `steps`.
   */
  adapt(data: unknown, options: AdaptOptions = {}): void {
    this.resetState();
    for (const batch of adaptBatches(`adapt ${this.#who}`, data, options)) this.updateState(batch);
    this.finalizeState();
  }

  /** Forgets the counts of an adapt in progress. */
  resetState(): void {
    this.#counts = new Map();
    this.#documentCounts = new Map();
    this.#documents = 0;
  }

  /**
   * Counts the tokens of one batch, for `finalizeState` (what `adapt` does
   * per batch; TextVectorization calls it with its split documents).
   *
   * @param batch A batch of flat values with its shape (each first-axis row a
   *   document), or a list of documents, each a list of tokens.
   */
  updateState(batch: AdaptBatch | readonly (readonly T[])[]): void {
    const what = `adapt ${this.#who}`;
    if (!this.#adaptable) {
      throw new TypeError(
        `Cannot ${what} as it was created with a "vocabulary": create it without one to learn it from data`,
      );
    }
    const documents = Array.isArray(batch)
      ? batch as readonly (readonly T[])[]
      : this.#documentsOf(what, batch as AdaptBatch);
    const counts = this.#counts;
    for (const doc of documents) {
      for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
      if (this.outputMode === "tf_idf") {
        for (const t of new Set(doc)) {
          this.#documentCounts.set(t, (this.#documentCounts.get(t) ?? 0) + 1);
        }
        this.#documents++;
      }
    }
  }

  #documentsOf(what: string, batch: AdaptBatch): T[][] {
    const { values, shape } = batch;
    const strings = Array.isArray(values);
    if (strings !== (this.tokenKind === "string")) {
      throw new TypeError(
        `Cannot ${what} as it learns ${
          this.tokenKind === "string" ? "strings" : "integers"
        }: received ${strings ? "strings" : "numbers"}`,
      );
    }
    if (!strings) {
      const bad = (values as Float64Array).findIndex((v) => !Number.isInteger(v));
      if (bad >= 0) reject(what, "data", values[bad], "integers only");
    }
    const rows = shape.length <= 1 ? values.length : shape[0];
    const size = rows === 0 ? 0 : values.length / rows;
    const docs: T[][] = [];
    for (let r = 0; r < rows; r++) {
      docs.push(Array.from(values.slice(r * size, (r + 1) * size) as unknown as ArrayLike<T>));
    }
    return docs;
  }

  /** Turns the counts of `updateState` into the vocabulary (what ends `adapt`). */
  finalizeState(): void {
    const counts = this.#counts;
    if (this.maskToken !== null) counts.delete(this.maskToken);
    counts.delete(this.oovToken);
    const order = [...counts.keys()].sort((a, b) =>
      counts.get(b)! - counts.get(a)! || compareTokens(b, a)
    );
    const room = this.maxTokens === null ? order.length : this.maxTokens - this.tokenStartIndex;
    const tokens = order.slice(0, Math.max(0, room));
    const what = `adapt ${this.#who}`;
    let idf: Float32Array | null = null;
    if (this.outputMode === "tf_idf") {
      const n = this.#documents;
      const df = this.#documentCounts;
      const weights = tokens.map((t) => Math.log(1 + n / (1 + (df.get(t) ?? 0))));
      idf = weights.length > 0
        ? this.#padIdf(what, weights, weights.length, true)
        : new Float32Array(this.padToMaxTokens ? this.maxTokens! : this.tokenStartIndex);
    }
    this.#install(what, tokens, idf);
    this.resetState();
  }

  /** Maps tokens to indices (or, inverted, indices to tokens), then encodes. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    if (this.probing && !this.#hasVocabulary) return this.#probeOutput(inputs);
    const what = `apply ${this.#who}`;
    if (!this.#hasVocabulary) {
      throw new TypeError(
        `Cannot ${what} as it has no vocabulary yet: pass "vocabulary" when creating it, call setVocabulary(...), or adapt(data) first`,
      );
    }
    if (this.invert) return this.#inverse(what, inputs);
    const indices = this.#lookup(what, inputs);
    if (this.outputMode === "int") return tf.tensor(indices, inputs.shape, "int32");
    const depth = this.padToMaxTokens ? this.maxTokens! : this.vocabularySize();
    return encodeIndices(indices, inputs.shape, depth, this.#encodeMode(), this.#idf);
  }

  /**
   * The output shape for an input shape, computed without running the layer:
   * the input's shape in `"int"` mode; otherwise encoded along a new (or the
   * last) axis as long as the vocabulary (`maxTokens` with `padToMaxTokens`).
   */
  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === "int") return [...inputShape];
    const depth = this.padToMaxTokens
      ? this.maxTokens!
      : this.#hasVocabulary
      ? this.vocabularySize()
      : this.#frozenSize;
    if (depth === null) return super.computeOutputShape(inputShape);
    return encodedShape(inputShape, depth, this.#encodeMode());
  }

  #encodeMode(): EncodeMode {
    return this.outputMode === "tf_idf" ? "count" : this.outputMode as EncodeMode;
  }

  /** Zeros of the output's shape and dtype, for shape inference before a vocabulary exists. */
  #probeOutput(inputs: tf.Tensor): tf.Tensor {
    if (this.outputMode === "int") {
      if (!this.invert) return tf.zeros(inputs.shape, "int32");
      return this.tokenKind === "string"
        ? tf.fill(inputs.shape, "", "string")
        : tf.zeros(inputs.shape, "int32");
    }
    const depth = this.padToMaxTokens ? this.maxTokens! : this.#frozenSize;
    if (depth === null) {
      throw new TypeError(
        `Cannot apply ${this.#who} as its output size is not known before it has a vocabulary in "${this.outputMode}" mode: adapt it (or give "vocabulary", "vocabularySize" or "padToMaxTokens") first`,
      );
    }
    const indices = new Int32Array(inputs.size).fill(-1);
    return encodeIndices(indices, inputs.shape, depth, this.#encodeMode(), null);
  }

  #lookup(what: string, inputs: tf.Tensor): Int32Array {
    const values = this.#readTokens(what, inputs);
    const out = new Int32Array(values.length);
    const dropMask = this.outputMode === "int" ? 0 : -1;
    const start = this.tokenStartIndex;
    const oovStart = this.oovStartIndex;
    const missing: T[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === this.maskToken) {
        out[i] = dropMask;
        continue;
      }
      const k = this.#index.get(v);
      if (k !== undefined) out[i] = start + k;
      else if (this.numOovIndices === 1) out[i] = oovStart;
      else if (this.numOovIndices > 1) out[i] = oovStart + this.oovBucket(v);
      else missing.push(v);
    }
    if (missing.length > 0) {
      throw new RangeError(
        `Cannot ${what} as it has no OOV index ("numOovIndices" is 0) and the input holds tokens outside the vocabulary: ${
          show([...new Set(missing)].slice(0, 10))
        }; set "numOovIndices" to 1 or more`,
      );
    }
    return out;
  }

  /** The input's values as tokens, refusing the wrong dtype. */
  #readTokens(what: string, inputs: tf.Tensor): T[] {
    if (this.tokenKind === "string") {
      if (inputs.dtype !== "string") {
        throw new TypeError(
          `Cannot ${what} as its input must be a string tensor: received a ${inputs.dtype} tensor of shape [${inputs.shape}]`,
        );
      }
      return inputs.dataSync() as unknown as T[];
    }
    return Array.from(this.#readIntegers(what, inputs)) as T[];
  }

  #readIntegers(what: string, inputs: tf.Tensor): Int32Array | Float32Array {
    if (inputs.dtype === "string") {
      throw new TypeError(
        `Cannot ${what} as its input must hold integers: received a string tensor of shape [${inputs.shape}]`,
      );
    }
    const values = inputs.dataSync() as Int32Array | Float32Array;
    const bad = values.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0) reject(what, "inputs", values[bad], "integers (token indices or integer tokens)");
    return values;
  }

  #inverse(what: string, inputs: tf.Tensor): tf.Tensor {
    const indices = this.#readIntegers(what, inputs);
    const start = this.tokenStartIndex;
    const out = Array.from(indices, (k) => {
      if (k === 0 && this.oovStartIndex === 1) return this.maskToken as T;
      const t = this.#tokens[k - start];
      return k >= start && t !== undefined ? t : this.oovToken;
    });
    return this.tokenKind === "string"
      ? tf.tensor(out as string[], inputs.shape, "string")
      : tf.tensor(out as number[], inputs.shape, "int32");
  }

  /** Keras's `save_own_variables`: the IDF weights, in `"tf_idf"` mode. */
  override saveOwnVariables(store: Record<string, tf.Tensor>): void {
    if (this.outputMode === "tf_idf" && this.#idf !== null) {
      store.idf_weights = tf.tensor1d(this.#idf, "float32");
    }
  }

  /** Keras's `load_own_variables`: the IDF weights, in `"tf_idf"` mode. */
  override loadOwnVariables(store: Record<string, tf.Tensor>): void {
    const idf = store.idf_weights;
    if (this.outputMode === "tf_idf" && idf !== undefined) {
      this.#idf = Float32Array.from(idf.dataSync());
    }
  }

  /**
   * Keras's `save_assets`: writes `vocabulary.txt` (one token per line,
   * special tokens first) unless the vocabulary is in the config.
   *
   * @param dir The layer's asset directory.
   */
  override async saveAssets(dir: string): Promise<void> {
    if (this.#configVocabulary !== null || !this.#hasVocabulary) return;
    const vocabulary = this.getVocabulary(true).map(String);
    const bad = vocabulary.find((t) => t.includes("\n"));
    if (bad !== undefined) {
      throw new TypeError(
        `Cannot save ${this.#who} as its vocabulary file holds one token per line and the token ${
          show(bad)
        } holds a line break`,
      );
    }
    await Deno.writeTextFile(`${dir}/${VOCABULARY_FILE}`, vocabulary.join("\n"));
  }

  /**
   * Keras's `load_assets`: reads `vocabulary.txt` back (IDF weights, in
   * `"tf_idf"` mode, come from the variables loaded before).
   *
   * @param dir The layer's asset directory.
   */
  override async loadAssets(dir: string): Promise<void> {
    if (this.#configVocabulary !== null) return;
    const path = `${dir}/${VOCABULARY_FILE}`;
    try {
      await Deno.stat(path);
    } catch {
      return; // saved before it had a vocabulary
    }
    const idf = this.#idf === null ? null : Array.from(this.#idf);
    const what = `load the vocabulary of ${this.#who}`;
    const tokens = this.#readFile(what, path);
    this.#setVocabulary(what, tokens, this.outputMode === "tf_idf" ? idf : null);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      invert: this.invert,
      maxTokens: this.maxTokens,
      numOovIndices: this.numOovIndices,
      oovToken: this.oovToken,
      maskToken: this.maskToken,
      outputMode: this.outputMode,
      sparse: false,
      padToMaxTokens: this.padToMaxTokens,
      idfWeights: this.#configIdf === null ? null : [...this.#configIdf],
      vocabulary: this.#configVocabulary === null ? null : [...this.#configVocabulary],
      vocabularySize: this.#frozenSize,
      salt: this.salt === null ? null : [...this.salt],
    };
  }
}

/** Keras's `salt`: one integer (used twice) or two. */
function saltOption(what: string, salt: unknown): [number, number] | null {
  if (salt === undefined || salt === null) return null;
  const pair = typeof salt === "number" ? [salt, salt] : salt;
  if (
    !Array.isArray(pair) || pair.length !== 2 ||
    pair.some((k) => typeof k !== "number" || !Number.isSafeInteger(k) || k < 0)
  ) {
    reject(what, "salt", salt, "a non-negative integer or a list of 2 of them");
  }
  return [pair[0], pair[1]];
}

/**
 * Orders tokens as Keras's adapt does for ties: numbers numerically,
 * strings by their UTF-8 bytes (code point order).
 *
 * @param a A token.
 * @param b Another token of the same kind.
 * @returns Negative, zero or positive.
 */
export function compareTokens(a: string | number, b: string | number): number {
  if (typeof a === "number" || typeof b === "number") return (a as number) - (b as number);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** UTF-16 code units ranked as code points rank: surrogates (astral planes) after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit;
}

/**
 * FarmHash bucket of a token's text (its decimal form for an integer), or
 * SipHash with a salt: how Keras spreads OOV tokens over several indices.
 *
 * @param token The token.
 * @param buckets The number of OOV indices.
 * @param salt The SipHash key, or `null` for FarmHash.
 * @returns The bucket.
 */
export function hashBucket(
  token: string | number,
  buckets: number,
  salt: readonly number[] | null,
): number {
  const text = String(token);
  return salt === null ? fastBucket(text, buckets) : strongBucket(text, buckets, salt);
}
