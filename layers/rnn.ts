/**
 * RNN: runs a cell (or a stack of cells) over the time axis, Keras's base
 * of `SimpleRNN`, `LSTM` and `GRU`.
 *
 * Each cell's plan projects all its inputs at once (kerno's cells: one
 * matrix product for the whole sequence, then one transpose to per-step
 * `[width, batch]` blocks), and the loop adds one recurrent step per time
 * step; the outputs are stacked once at the end. Masks skip steps as Keras
 * does (see `_rnn_loop.ts`).
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
import { formatShape } from "../engine/format.ts";
import { boolean, reject } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { type LoopResult, runLoop, StepMasks } from "./_rnn_loop.ts";
import { CarriedStates, checkInitialStates, checkMask } from "./_rnn_states.ts";
import { serializeLayer } from "./_nested_layer.ts";
import { planOf, type RNNCell, stateSizes } from "./rnn_cell.ts";
import { BaseRNNCell } from "./base_rnn_cell.ts";
import {
  buildChild,
  cellFromConfig,
  checkCell,
  outputSizeOf,
  StackedRNNCells,
} from "./stacked_rnn_cells.ts";

/** Options of {@link RNN} (and of `SimpleRNN`, `LSTM`, `GRU`). */
export interface RNNOptions extends LayerOptions {
  /** Whether to return the output of every step (`[batch, time, units]`) or only the last. @default false */
  returnSequences?: boolean;
  /** Whether to return the final states too: `apply` then returns `[output, ...states]`. @default false */
  returnState?: boolean;
  /** Whether to process the sequence from its end (the sequence output is then in that order). @default false */
  goBackwards?: boolean;
  /**
   * Whether the final states of a batch are the initial states of the
   * next (sample i continues sample i); the batch size is then fixed: by
   * `batchSize` (or the `Input`'s), else by the first batch. Clear them
   * with `resetStates()`. @default false
   */
  stateful?: boolean;
  /** Keras's unrolling; kerno runs a loop, so only `false` is accepted. @default false */
  unroll?: boolean;
  /** Whether a masked step outputs zeros rather than the previous output (Bidirectional sets it). @default false */
  zeroOutputForMask?: boolean;
}

/** The keys of {@link RNNOptions}. */
export const RNN_OPTION_KEYS: readonly string[] = [
  ...LAYER_OPTION_KEYS,
  "returnSequences",
  "returnState",
  "goBackwards",
  "stateful",
  "unroll",
  "zeroOutputForMask",
] satisfies (keyof RNNOptions)[];

/** Options of an RNN's `apply`. */
export interface RNNCallOptions extends CallOptions {
  /**
   * The initial states: one tensor per state, `[batch, size]` (an LSTM's
   * `[h0, c0]`; a stack's, every cell's in order, flat or one list per
   * cell); one tensor for a cell of one state. @default zeros
   */
  initialState?: tf.Tensor | (tf.Tensor | tf.Tensor[])[] | null;
}

/** Options of an RNN's `apply` on symbolic tensors (the functional API). */
export interface SymbolicRNNCallOptions {
  /** Training mode, fixed for this call. */
  training?: boolean;
  /** The initial states, as symbolic tensors (`Input`s or other layers' outputs). */
  initialState?: SymbolicTensor | SymbolicTensor[] | null;
}

/**
 * A recurrent layer running any cell over `[batch, time, features]`: a
 * kerno cell, a stack (`new RNN([cellA, cellB])`), or a cell of your own
 * (see `RNNCell`). The output is the last step's `[batch, units]`, or every
 * step's with `returnSequences`; with `returnState`, `apply` returns
 * `[output, ...finalStates]` (in TypeScript: `as unknown as tf.Tensor[]`).
 * A mask from `Embedding({ maskZero })` or `Masking` is honoured.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const rnn = new layers.RNN(new layers.LSTMCell(8), { returnSequences: true });
 * const y = rnn.apply(tf.ones([2, 5, 3])); // [2, 5, 8]
 * y.dispose();
 * ```
 */
export class RNN extends Layer {
  /** The cell (a `StackedRNNCells` for a list of cells). */
  readonly cell: RNNCell;
  /** Whether every step's output is returned. */
  readonly returnSequences: boolean;
  /** Whether the final states are returned too. */
  readonly returnState: boolean;
  /** Whether the sequence is processed from its end. */
  readonly goBackwards: boolean;
  /** Whether states carry over from one batch to the next. */
  readonly stateful: boolean;
  /** Whether masked steps output zeros (Keras's attribute; `Bidirectional` sets it). */
  zeroOutputForMask: boolean;
  readonly #carried: CarriedStates;

  /** `fromConfig` passes `cell` positionally. */
  static override positionalArgs: string[] = ["cell"];

  /** The keys of {@link RNNOptions}. */
  static override optionKeys: readonly string[] = RNN_OPTION_KEYS;

  /** `apply` takes `initialState`. */
  static override callOptionKeys: readonly string[] = ["initialState"];

  /**
   * Creates the layer.
   *
   * @param cell A cell, or a list of cells (run as a `StackedRNNCells`).
   * @param options `returnSequences`, `returnState`, `goBackwards`, `stateful`, …
   */
  constructor(cell: RNNCell | RNNCell[], options: RNNOptions = {}) {
    const cls = new.target.name;
    const o = layerOptions<RNNOptions>(
      cls,
      options,
      noPositional,
      `new ${cls}(cell, { returnSequences: true })`,
    );
    super(o);
    const what = `build ${cls}`;
    this.cell = Array.isArray(cell) ? new StackedRNNCells(cell) : checkCell(what, "cell", cell);
    this.returnSequences = boolean(what, "returnSequences", o.returnSequences, false);
    this.returnState = boolean(what, "returnState", o.returnState, false);
    this.goBackwards = boolean(what, "goBackwards", o.goBackwards, false);
    this.stateful = boolean(what, "stateful", o.stateful, false);
    this.zeroOutputForMask = boolean(what, "zeroOutputForMask", o.zeroOutputForMask, false);
    if (o.unroll !== undefined && o.unroll !== false) {
      reject(what, "unroll", o.unroll, "false (kerno runs the steps in a loop)", RangeError);
    }
    this.#carried = new CarriedStates(this.batchInputShape?.[0] ?? null);
    this.supportsMasking = true;
  }

  /** Builds the cell for a step's input `[batch, features]`. */
  override build(inputShape: Shape): void {
    if (inputShape.length !== 3) {
      throw new RangeError(
        `Cannot build ${this.name} (${this.constructor.name}) as its input must have rank 3, [batch, time, features]: received ${
          formatShape(inputShape)
        }`,
      );
    }
    if (inputShape[2] === null) {
      throw new RangeError(
        `Cannot build ${this.name} (${this.constructor.name}) as its input's features axis must have a known size: received ${
          formatShape(inputShape)
        }`,
      );
    }
    buildChild(this.cell, [inputShape[0], inputShape[2]]);
    if (this.stateful && inputShape[0] !== null) {
      this.#carried.checkBatch(`${this.name} (${this.constructor.name})`, inputShape[0]);
    }
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
   * Calls the layer on symbolic tensors (the functional API): as
   * `Layer.apply`; a stateful layer's states are kept out of the shape
   * inference, and it needs a fixed batch size.
   *
   * @param inputs A symbolic tensor.
   * @param options `training`, `initialState`.
   * @returns The symbolic output (`[output, ...states]` with `returnState`).
   */
  override apply(inputs: SymbolicInputs, options?: SymbolicRNNCallOptions): SymbolicTensor;
  /**
   * Runs the layer on `[batch, time, features]`.
   *
   * @param inputs The sequences.
   * @param options `training`, `mask`, `initialState`.
   * @returns The output (`[batch, units]`, or `[batch, time, units]` with
   *   `returnSequences`); with `returnState`, `[output, ...states]`.
   */
  override apply(inputs: LayerInputs, options?: RNNCallOptions): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options: RNNCallOptions | SymbolicRNNCallOptions = {},
  ): tf.Tensor | SymbolicTensor {
    const opts = options as CallOptions<InputMasks>;
    if (!this.stateful || inputs instanceof tf.Tensor) return super.apply(inputs as never, opts);
    const batch = (inputs as { shape?: Shape }).shape?.[0] ?? this.#carried.batchSize;
    if (batch === null || batch === undefined) {
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as it is stateful and its input's batch size is unknown: a stateful RNN needs a fixed batch size; give the Input a "batchSize" (or the first layer "batchSize" with "inputShape")`,
      );
    }
    this.#carried.checkBatch(`${this.name} (${this.constructor.name})`, batch);
    return this.preservingStates(() => super.apply(inputs as never, opts));
  }

  /**
   * Runs `fn` and puts the states back as they were (shape inference on
   * symbolic tensors runs the layer on zeros).
   *
   * @param fn What to run.
   * @returns What `fn` returns.
   * @internal
   */
  preservingStates<T>(fn: () => T): T {
    return this.#carried.preserving(fn);
  }

  /** Runs the cell over the sequence. */
  override call(inputs: tf.Tensor, options: RNNCallOptions): tf.Tensor {
    const what = `${this.name} (${this.constructor.name})`;
    const [batch, time] = inputs.shape;
    if (time === 0) {
      throw new RangeError(
        `Cannot apply ${what} as the sequence has no time steps: received shape [${inputs.shape}]`,
      );
    }
    if (this.stateful && !this.#carried.probing) this.#carried.checkBatch(what, batch);
    const mask = options.mask ? checkMask(what, options.mask, batch, time) : null;
    const sizes = stateSizes(this.cell);
    const given = options.initialState;
    const initial = given !== undefined && given !== null
      ? checkInitialStates(what, given, sizes, batch)
      : this.#carried.current ?? sizes.map((n) => tf.zeros([batch, n]));
    const { output, states } = this.#run(inputs, initial, mask, options.training ?? false);
    if (this.stateful) this.#carried.keep(states);
    return (this.returnState ? [output, ...states] : output) as tf.Tensor;
  }

  /** Each cell over the whole sequence in turn (a stack cell by cell). */
  #run(
    inputs: tf.Tensor,
    initial: tf.Tensor[],
    mask: tf.Tensor | null,
    training: boolean,
  ): { output: tf.Tensor; states: tf.Tensor[] } {
    const what = `${this.name} (${this.constructor.name})`;
    const cells = cellsOf(this.cell);
    let sequence = inputs;
    const masks = mask ? new StepMasks(mask, this.goBackwards) : null;
    const states: tf.Tensor[] = [];
    let offset = 0;
    let result!: LoopResult;
    let transposed = false;
    let fusedSequence: tf.Tensor | null = null;
    // The mask in the order processed, for cells that run the whole sequence at once.
    const orderedMask = mask && this.goBackwards ? tf.reverse(mask, 1) : mask;
    cells.forEach((cell, k) => {
      const n = stateSizes(cell).length;
      const last = k === cells.length - 1;
      const whole = cell instanceof BaseRNNCell
        ? cell.runSequence(
          k === 0 && this.goBackwards ? tf.reverse(sequence, 1) : sequence,
          initial.slice(offset, offset + n),
          orderedMask,
          training,
          this.zeroOutputForMask,
        )
        : null;
      if (whole !== null) {
        // The seam's recurrence (one kernel for the sequence on kerno's backend).
        states.push(...whole.states);
        offset += n;
        const time = whole.outputs.shape[1]!;
        result = {
          outputs: [],
          last: tf.squeeze(tf.slice(whole.outputs, [0, time - 1, 0], [-1, 1, -1]), [1]),
          states: whole.states,
        };
        transposed = false;
        sequence = whole.outputs;
        fusedSequence = whole.outputs;
        return;
      }
      fusedSequence = null;
      const plan = planOf(cell, sequence, training);
      transposed = plan.transposed ?? false;
      const flip = (s: tf.Tensor) => (transposed ? tf.transpose(s) : s);
      // Going backwards: the first cell reads the steps from the end; the next cells read
      // its outputs, already in that order.
      if (k === 0 && this.goBackwards) plan.inputs = [...plan.inputs].reverse();
      result = runLoop(what, plan, initial.slice(offset, offset + n).map(flip), masks, {
        keepOutputs: !last || this.returnSequences,
        zeroOutputForMask: this.zeroOutputForMask,
      });
      states.push(...result.states.map(flip));
      offset += n;
      if (!last) sequence = sequenceOf(result.outputs, transposed);
    });
    const output = this.returnSequences
      ? fusedSequence ?? sequenceOf(result.outputs, transposed)
      : transposed
      ? tf.transpose(result.last)
      : result.last;
    return { output, states };
  }

  /** A stateful layer's current states (copies; the caller owns them), or `null` before its first call. */
  get states(): tf.Tensor[] | null {
    return this.#carried.current?.map((s) => tf.clone(s)) ?? null;
  }

  /**
   * Resets a stateful layer's states: to zeros, or to `states` (one
   * `[batch, size]` tensor per state; copied).
   *
   * @param states The new states; default zeros.
   */
  resetStates(states?: tf.Tensor[]): void {
    if (!this.stateful) {
      throw new TypeError(
        `Cannot reset the states of ${this.name} (${this.constructor.name}) as it is not stateful: create it with { stateful: true }`,
      );
    }
    const sizes = stateSizes(this.cell);
    if (states === undefined) return this.#carried.reset(null, sizes);
    const what = `${this.name} (${this.constructor.name})`;
    const batch = this.#carried.batchSize ?? states[0]?.shape[0] ?? 0;
    tf.tidy(() => this.#carried.reset(checkInitialStates(what, states, sizes, batch), sizes));
  }

  /** Keras's singular name for {@link resetStates}. @param states The new states; default zeros. */
  resetState(states?: tf.Tensor[]): void {
    this.resetStates(states);
  }

  /** The output's mask: the input's with `returnSequences`, else none. */
  override computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    return this.returnSequences && mask instanceof tf.Tensor ? mask : null;
  }

  /** `[null, time, units]` with `returnSequences`, else `[null, units]` (the first output's). */
  override computeOutputShape(inputShape: Shape): Shape {
    const size = outputSizeOf(this.cell);
    return this.returnSequences ? [null, inputShape[1], size] : [null, size];
  }

  /** The options and the cell's `{ className, config }`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cell: serializeLayer(this.cell),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      unroll: false,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }

  /**
   * Rebuilds the layer from `getConfig()`'s output; its `cell` is a cell
   * or the `{ className, config }` of a kerno cell (pass a cell of your own
   * class as the cell itself).
   *
   * @param config The configuration.
   * @returns A new, unbuilt layer.
   */
  static override fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    if (!("cell" in config)) return super.fromConfig.call(this, config) as T;
    const cell = config.cell;
    const cells = Array.isArray(cell)
      ? cell.map((c, i) => cellFromConfig(`rebuild ${this.name}`, `cell[${i}]`, c))
      : cellFromConfig(`rebuild ${this.name}`, "cell", cell);
    return super.fromConfig.call(this, { ...config, cell: cells }) as T;
  }

  /** Frees the weights and a stateful layer's states. */
  override dispose(): void {
    super.dispose();
    this.#carried.dispose();
  }
}

/**
 * Per-step outputs stacked once as `[batch, time, size]`: transposed ones
 * (`[size, batch]`) stacked to `[time, size, batch]` and moved in one 2-D
 * transpose, the others stacked along the time axis.
 */
function sequenceOf(outputs: tf.Tensor[], transposed: boolean): tf.Tensor {
  return transposed ? tf.transpose(tf.stack(outputs, 0), [2, 0, 1]) : tf.stack(outputs, 1);
}

/** The cells a layer runs in turn: a stack's (nested stacks flattened), else the cell. */
function cellsOf(cell: RNNCell): RNNCell[] {
  return cell instanceof StackedRNNCells ? cell.cells.flatMap(cellsOf) : [cell];
}
