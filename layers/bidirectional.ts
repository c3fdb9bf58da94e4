/**
 * Bidirectional: an RNN run forwards and backwards over the sequence, the
 * two outputs merged.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  type InputMasks,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import type { SymbolicInputs, SymbolicTensor } from "../engine/symbolic.ts";
import { describe } from "../engine/format.ts";
import { reject } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { deserializeLayer, serializeLayer } from "./_nested_layer.ts";
import { RNN, type RNNCallOptions, type SymbolicRNNCallOptions } from "./rnn.ts";
import { SimpleRNN } from "./simple_rnn.ts";
import { LSTM } from "./lstm.ts";
import { GRU } from "./gru.ts";
import { buildChild, copyLayer } from "./stacked_rnn_cells.ts";

/** How `Bidirectional` merges the two outputs. */
export type MergeMode = "concat" | "sum" | "mul" | "ave";

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions extends LayerOptions {
  /**
   * How the forward and backward outputs are combined: concatenated on the
   * last axis, summed, multiplied, averaged, or not at all (`null`: both
   * are returned, forward first). @default "concat"
   */
  mergeMode?: MergeMode | null;
  /**
   * The layer run backwards (an RNN with the opposite `goBackwards` and the
   * same `returnSequences`, `returnState` and `stateful`); default: a copy
   * of `layer` going backwards.
   */
  backwardLayer?: RNN;
}

const MERGE_MODES = ["concat", "sum", "mul", "ave"] as const;

/**
 * Runs an RNN over the sequence forwards and a copy of it backwards, and
 * merges their outputs; with `returnSequences` the backward outputs are put
 * back in time order first. With `returnState`, `apply` returns
 * `[merged, ...forwardStates, ...backwardStates]` (with `mergeMode: null`,
 * `[forward, backward, ...states]`). `initialState` takes the forward
 * layer's states then the backward's. A mask is passed to both (with
 * `returnSequences`, masked steps output zeros, as Keras).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const bi = new layers.Bidirectional(new layers.LSTM(8, { returnSequences: true }));
 * const y = bi.apply(tf.ones([2, 5, 3])); // [2, 5, 16]
 * y.dispose();
 * ```
 */
export class Bidirectional extends Layer {
  /** The layer run forwards (a copy of the given layer, named `forward_<name>`). */
  readonly forwardLayer: RNN;
  /** The layer run backwards (`backward_<name>` unless given). */
  readonly backwardLayer: RNN;
  /** How the outputs are merged. */
  readonly mergeMode: MergeMode | null;

  /** `fromConfig` passes `layer` positionally. */
  static override positionalArgs: string[] = ["layer"];

  /** The keys of {@link BidirectionalOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "mergeMode",
    "backwardLayer",
  ] satisfies (keyof BidirectionalOptions)[];

  /** `apply` takes `initialState`. */
  static override callOptionKeys: readonly string[] = ["initialState"];

  /**
   * Creates the wrapper.
   *
   * @param layer The recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`);
   *   it is copied from its config, so it is not used itself.
   * @param options `mergeMode` and `backwardLayer`.
   */
  constructor(layer: RNN, options: BidirectionalOptions = {}) {
    const o = layerOptions<BidirectionalOptions>(
      "Bidirectional",
      options,
      noPositional,
      'new Bidirectional(layer, { mergeMode: "concat" })',
    );
    super(o);
    const what = "build Bidirectional";
    if (!(layer instanceof RNN)) {
      throw new TypeError(
        `Cannot ${what} as "layer" must be a recurrent layer (LSTM, GRU, SimpleRNN or RNN): received ${
          describe(layer)
        }`,
      );
    }
    const mode = o.mergeMode === undefined ? "concat" : o.mergeMode;
    if (mode !== null && !MERGE_MODES.includes(mode)) {
      reject(what, "mergeMode", mode, '"concat", "sum", "mul", "ave" or null', RangeError);
    }
    this.mergeMode = mode;
    const base = layer.name.replace(/^(forward_|backward_)/, "");
    this.forwardLayer = copyOf(layer, { name: `forward_${base}` });
    if (o.backwardLayer === undefined) {
      this.backwardLayer = copyOf(layer, { name: `backward_${base}`, goBackwards: true });
    } else if (!(o.backwardLayer instanceof RNN)) {
      throw new TypeError(
        `Cannot ${what} as "backwardLayer" must be a recurrent layer (LSTM, GRU, SimpleRNN or RNN): received ${
          describe(o.backwardLayer)
        }`,
      );
    } else {
      this.backwardLayer = o.backwardLayer;
    }
    this.#checkPair();
    // Keras: masked steps of a sequence output zeros in both directions.
    this.forwardLayer.zeroOutputForMask = this.forwardLayer.returnSequences;
    this.backwardLayer.zeroOutputForMask = this.backwardLayer.returnSequences;
    this.supportsMasking = true;
  }

  /** Whether every step's output is returned. */
  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** Whether the final states are returned too. */
  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  /** Whether states carry over between batches. */
  get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  #checkPair(): void {
    const [f, b] = [this.forwardLayer, this.backwardLayer];
    if (f.goBackwards === b.goBackwards) {
      throw new RangeError(
        `Cannot build Bidirectional as the forward and backward layers must have different "goBackwards": both are ${f.goBackwards}`,
      );
    }
    for (const key of ["stateful", "returnSequences", "returnState"] as const) {
      if (f[key] !== b[key]) {
        throw new RangeError(
          `Cannot build Bidirectional as the forward and backward layers must have the same "${key}": received ${
            f[key]
          } and ${b[key]}`,
        );
      }
    }
  }

  /** Builds both layers for the sequence's shape. */
  override build(inputShape: Shape): void {
    buildChild(this.forwardLayer, inputShape);
    buildChild(this.backwardLayer, inputShape);
  }

  /**
   * Any number of time steps fits once built (a declared `inputShape` is
   * checked in full on the first call).
   */
  protected override checkInputShape(actual: number[], expected: Shape | null): void {
    const free = expected && expected !== this.batchInputShape
      ? expected.map((d, i) => (i === 1 ? null : d))
      : expected;
    super.checkInputShape(actual, free);
  }

  /**
   * Calls the wrapper on symbolic tensors (the functional API), keeping
   * stateful layers' states out of the shape inference.
   *
   * @param inputs A symbolic tensor.
   * @param options `training`, `initialState`.
   * @returns The symbolic output(s).
   */
  override apply(inputs: SymbolicInputs, options?: SymbolicRNNCallOptions): SymbolicTensor;
  /**
   * Runs both layers and merges their outputs.
   *
   * @param inputs The sequences, `[batch, time, features]`.
   * @param options `training`, `mask`, `initialState`.
   * @returns The merged output; with `returnState` or `mergeMode: null`, an array.
   */
  override apply(inputs: LayerInputs, options?: RNNCallOptions): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options: RNNCallOptions | SymbolicRNNCallOptions = {},
  ): tf.Tensor | SymbolicTensor {
    const run = () => super.apply(inputs as never, options as CallOptions<InputMasks>);
    if (!this.stateful || inputs instanceof tf.Tensor) return run();
    return this.forwardLayer.preservingStates(() => this.backwardLayer.preservingStates(run));
  }

  /** Runs both layers and merges their outputs. */
  override call(inputs: tf.Tensor, options: RNNCallOptions): tf.Tensor {
    const init = options.initialState;
    let forwardState: RNNCallOptions["initialState"] = null;
    let backwardState: RNNCallOptions["initialState"] = null;
    if (init !== undefined && init !== null) {
      const list = Array.isArray(init) ? init : [init];
      const half = list.length / 2;
      if (!Number.isInteger(half) || half === 0) {
        throw new RangeError(
          `Cannot apply ${this.name} (Bidirectional) as "initialState" must hold the forward layer's states then the backward layer's (an even count): received ${list.length}`,
        );
      }
      [forwardState, backwardState] = [list.slice(0, half), list.slice(half)];
    }
    const common = { training: options.training, mask: options.mask ?? null };
    const y = this.forwardLayer.apply(inputs, { ...common, initialState: forwardState });
    const yRev = this.backwardLayer.apply(inputs, { ...common, initialState: backwardState });
    let states: tf.Tensor[] = [];
    let [forward, backward] = [y, yRev];
    if (this.returnState) {
      const [fy, ...fs] = y as unknown as tf.Tensor[];
      const [by, ...bs] = yRev as unknown as tf.Tensor[];
      [forward, backward, states] = [fy, by, [...fs, ...bs]];
    }
    if (this.returnSequences) backward = tf.reverse(backward, 1);
    const merged = this.#merge(forward, backward);
    const out = Array.isArray(merged) ? [...merged, ...states] : [merged, ...states];
    return (out.length === 1 ? out[0] : out) as tf.Tensor;
  }

  #merge(forward: tf.Tensor, backward: tf.Tensor): tf.Tensor | tf.Tensor[] {
    switch (this.mergeMode) {
      case "concat":
        return tf.concat([forward, backward], -1);
      case "sum":
        return tf.add(forward, backward);
      case "mul":
        return tf.mul(forward, backward);
      case "ave":
        return tf.div(tf.add(forward, backward), 2);
      default:
        return [forward, backward];
    }
  }

  /** The output's mask: the input's with `returnSequences`, else none. */
  override computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    return this.returnSequences && mask instanceof tf.Tensor ? mask : null;
  }

  /** The (first) output's shape: the forward layer's, its last axis doubled by `concat`. */
  override computeOutputShape(inputShape: Shape): Shape {
    const shape = this.forwardLayer.computeOutputShape(inputShape);
    if (this.mergeMode !== "concat") return shape;
    const last = shape[shape.length - 1];
    return [...shape.slice(0, -1), last === null ? null : 2 * last];
  }

  /** Resets both layers' states (stateful layers only). */
  resetStates(): void {
    if (!this.stateful) {
      throw new TypeError(
        `Cannot reset the states of ${this.name} (Bidirectional) as its layers are not stateful`,
      );
    }
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  /** `mergeMode` and both layers' `{ className, config }`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mergeMode: this.mergeMode,
      layer: serializeLayer(this.forwardLayer),
      backwardLayer: serializeLayer(this.backwardLayer),
    };
  }

  /**
   * Rebuilds the wrapper from `getConfig()`'s output; `layer` and
   * `backwardLayer` are layers or the `{ className, config }` of kerno's
   * `LSTM`, `GRU`, `SimpleRNN` or `RNN`.
   *
   * @param config The configuration.
   * @returns A new, unbuilt layer.
   */
  static override fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    const { layer, backwardLayer, ...rest } = config;
    const classes = { SimpleRNN, LSTM, GRU, RNN };
    const what = "rebuild Bidirectional";
    const options = { ...rest } as BidirectionalOptions;
    if (backwardLayer !== undefined && backwardLayer !== null) {
      options.backwardLayer = deserializeLayer(
        what,
        "backwardLayer",
        backwardLayer,
        classes,
      ) as RNN;
    }
    const forward = deserializeLayer(what, "layer", layer, classes) as RNN;
    return new Bidirectional(forward, options) as unknown as T;
  }
}

/** A fresh copy of a layer from its config (a cell copied by its own class), some options replaced. */
function copyOf(layer: RNN, changes: Record<string, unknown>): RNN {
  const config = { ...layer.getConfig(), ...changes };
  if ("cell" in config) config.cell = copyLayer(layer.cell);
  return copyLayer(layer, config) as RNN;
}
