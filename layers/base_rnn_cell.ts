/**
 * BaseRNNCell: what kerno's `SimpleRNNCell`, `LSTMCell` and `GRUCell`
 * share — the options, the weights (Keras's layout: `kernel`
 * `[inputDim, gates·units]`, `recurrent_kernel` `[units, gates·units]`,
 * `bias`), the dropout masks, and the sequence plan: the whole sequence's
 * inputs multiplied by the kernel in one matrix product, leaving one
 * recurrent product per step.
 *
 * Dropout follows Keras: one mask per sequence for the inputs (`dropout`)
 * and one for the recurrent state (`recurrentDropout`), drawn in training
 * only and used at every step. (Keras draws a mask per gate when
 * `recurrentDropout` is set; kerno shares one across the gates, Keras's
 * choice without it.)
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { type Activation, activationName, getActivation } from "../engine/activations.ts";
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { boolean, number, positiveInt } from "../engine/validate.ts";
import { fused, hasFusedReplacement } from "../engine/fused.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { type CellCallOptions, type CellStep, RNNCell, type SequencePlan } from "./rnn_cell.ts";

/** Options every kerno cell takes (and its layer: `SimpleRNN`, `LSTM`, `GRU`). */
export interface BaseRNNCellOptions extends LayerOptions {
  /** Activation of the output (and of the candidate state). @default "tanh" */
  activation?: string | Activation | null;
  /** Whether to add biases. @default true */
  useBias?: boolean;
  /** Initializer of `kernel`. @default "glorot_uniform" */
  kernelInitializer?: InitializerLike;
  /** Initializer of `recurrent_kernel`. @default "orthogonal" */
  recurrentInitializer?: InitializerLike;
  /** Initializer of `bias`. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on `kernel`. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on `recurrent_kernel`. */
  recurrentRegularizer?: RegularizerLike;
  /** Penalty on `bias`. */
  biasRegularizer?: RegularizerLike;
  /** Fraction of the inputs dropped in training, in [0, 1). @default 0 */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training, in [0, 1). @default 0 */
  recurrentDropout?: number;
  /** Seed of the dropout masks. @default drawn from kerno's global generator */
  seed?: number | null;
}

/** The keys of {@link BaseRNNCellOptions}. */
export const BASE_RNN_CELL_OPTION_KEYS: readonly (keyof BaseRNNCellOptions)[] = [
  ...LAYER_OPTION_KEYS,
  "activation",
  "useBias",
  "kernelInitializer",
  "recurrentInitializer",
  "biasInitializer",
  "kernelRegularizer",
  "recurrentRegularizer",
  "biasRegularizer",
  "dropout",
  "recurrentDropout",
  "seed",
] satisfies (keyof BaseRNNCellOptions)[];

/**
 * The base of kerno's recurrent cells: a subclass states its number of
 * gates, its bias, and its step from the projected input.
 */
export abstract class BaseRNNCell extends RNNCell {
  /** The number of units: the size of the output and of each state. */
  readonly units: number;
  /** Fraction of the inputs dropped in training. */
  readonly dropout: number;
  /** Fraction of the recurrent state dropped in training. */
  readonly recurrentDropout: number;
  /** The dropout masks' fixed seed, or null. */
  readonly seed: number | null;
  /** `[inputDim, gates·units]`; set by `build`. */
  kernel: tf.Variable | null = null;
  /** `[units, gates·units]`; set by `build`. */
  recurrentKernel: tf.Variable | null = null;
  /** The bias; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;
  /** The output's activation. */
  protected readonly activation: Activation;
  /** The options as given. */
  protected readonly cellOptions: BaseRNNCellOptions;
  /** How many blocks of `units` columns the kernels have (1, 3 or 4). */
  protected abstract readonly gates: number;

  /**
   * Checks the shared options.
   *
   * @param units The number of units: a positive integer.
   * @param options The cell's options.
   */
  constructor(units: number, options: BaseRNNCellOptions = {}) {
    const cls = new.target.name;
    const o = layerOptions<BaseRNNCellOptions>(
      cls,
      options,
      noPositional,
      `new ${cls}(units, { activation: "tanh" })`,
    );
    super(o);
    const what = `build ${cls}`;
    this.units = positiveInt(what, "units", units);
    this.activation = getActivation(o.activation === undefined ? "tanh" : o.activation);
    boolean(what, "useBias", o.useBias, true);
    const rate = { min: 0, max: 1, maxOpen: true };
    this.dropout = number(what, "dropout", o.dropout, rate, 0);
    this.recurrentDropout = number(what, "recurrentDropout", o.recurrentDropout, rate, 0);
    this.seed = o.seed === undefined || o.seed === null ? null : number(what, "seed", o.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    // Resolve names now, so that a typo fails here rather than at build.
    for (const k of ["kernelInitializer", "recurrentInitializer", "biasInitializer"] as const) {
      if (o[k] !== undefined) getInitializer(o[k]!);
    }
    for (const k of ["kernelRegularizer", "recurrentRegularizer", "biasRegularizer"] as const) {
      if (o[k] !== undefined) getRegularizer(o[k]!);
    }
    this.cellOptions = o;
  }

  /** The size of each state. */
  get stateSize(): number | number[] {
    return this.units;
  }

  /** The size of the output: `units`. */
  override get outputSize(): number {
    return this.units;
  }

  /** Whether the cell adds biases. */
  get useBias(): boolean {
    return this.cellOptions.useBias ?? true;
  }

  /** Creates `kernel`, `recurrent_kernel` and `bias` for a step's input `[batch, features]`. */
  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw new RangeError(
        `Cannot build ${this.name} (${this.constructor.name}) as its input needs a known last axis: received [${inputShape}]`,
      );
    }
    const o = this.cellOptions;
    const width = this.gates * this.units;
    this.kernel = this.addWeight("kernel", [inputDim, width], {
      initializer: o.kernelInitializer ?? "glorot_uniform",
      regularizer: o.kernelRegularizer,
    });
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, width], {
      initializer: o.recurrentInitializer ?? "orthogonal",
      regularizer: o.recurrentRegularizer,
    });
    if (this.useBias) {
      this.bias = this.addWeight("bias", this.biasShape(), {
        initializer: this.biasInitializer(),
        regularizer: o.biasRegularizer,
      });
    }
  }

  /** The bias's shape: `[gates·units]` unless a cell says otherwise. */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias's initializer. */
  protected biasInitializer(): InitializerLike {
    return this.cellOptions.biasInitializer ?? "zeros";
  }

  /** The part of the bias added to the inputs' projection (all of it, unless a cell says otherwise). */
  protected inputBias(): tf.Tensor1D | null {
    return this.bias as tf.Tensor1D | null;
  }

  /**
   * The step of one sequence, from the projected input: a cell computes
   * here, once per sequence, what every step shares (slices of its
   * weights), and returns the step.
   *
   * @param recurrentMask The recurrent dropout mask `[units, batch]`, or `null`.
   * @returns The step, transposed: the step's input times `kernel` plus the
   *   input bias (`[gates·units, batch]`) and the previous states (`[units,
   *   batch]` each) to `[output, newStates]` (`[units, batch]`).
   */
  protected abstract makeStep(recurrentMask: tf.Tensor | null): CellStep;

  /**
   * The sequence plan: one product of all steps' inputs with `kernel`
   * (dropout applied first, with one mask for the whole sequence), then
   * the cell's step at each step.
   *
   * @param sequence The inputs, `[batch, time, features]`.
   * @param training Training mode.
   * @returns The projected per-step inputs and the step.
   */
  override planSequence(sequence: tf.Tensor, training: boolean): SequencePlan {
    const [batch, time] = sequence.shape;
    const projected = this.projectSequence(sequence, training);
    // The steps run transposed, [units, batch]: a gated cell's gates are then row blocks
    // of one product, contiguous (TensorFlow.js's CPU kernels slice columns element by
    // element), and [batch, time, width] becomes [time, width, batch] in one 2-D transpose.
    const steps = tf.reshape(projected, [batch, time, this.gates * this.units]);
    const inputs = tf.unstack(tf.transpose(steps, [1, 2, 0]), 0);
    const recurrentMask = training && this.recurrentDropout > 0
      ? this.#dropoutMask([this.units, batch], this.recurrentDropout)
      : null;
    return { inputs, step: this.makeStep(recurrentMask), transposed: true };
  }

  /**
   * The input projection of a whole sequence, `x · kernel + inputBias`
   * (with the input dropout when training), as one product.
   *
   * @param sequence `[batch, time, features]`.
   * @param training Whether to apply the input dropout.
   * @returns `[batch · time, gates · units]`.
   */
  protected projectSequence(sequence: tf.Tensor, training: boolean): tf.Tensor2D {
    const [batch, time, features] = sequence.shape;
    let x = sequence;
    if (training && this.dropout > 0) {
      x = tf.mul(x, tf.expandDims(this.#dropoutMask([batch, features], this.dropout), 1));
    }
    const flat = tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
    return fused.denseBiasActivation(flat, this.kernel as tf.Tensor2D, this.inputBias(), "linear");
  }

  /**
   * The whole recurrence at once through the backend seam (`fused.lstmSequence`,
   * `fused.gruSequence`), for a cell that computes exactly what they do:
   * `RNN` calls it before falling back to the step loop. `null` here and
   * whenever the cell's settings differ (other activations, recurrent
   * dropout while training, a subclass with its own step).
   *
   * @param _sequence `[batch, time, features]`, in the order processed.
   * @param _initial The initial states, `[batch, size]` each.
   * @param _mask `[batch, time]` (in the order processed), or `null`.
   * @param _training Training mode.
   * @param _zeroOutputForMask Zeros (not the previous output) at masked steps.
   * @returns The outputs `[batch, time, units]` and final states, or `null`.
   */
  runSequence(
    _sequence: tf.Tensor,
    _initial: tf.Tensor[],
    _mask: tf.Tensor | null,
    _training: boolean,
    _zeroOutputForMask: boolean,
  ): { outputs: tf.Tensor; states: tf.Tensor[] } | null {
    return null;
  }

  /**
   * The input projection `[batch, time, gates · units]` for the seam's
   * whole-sequence recurrence, or `null` when the cell must run its step
   * loop: other activations than tanh and sigmoid, recurrent dropout in
   * this call, `makeStep` overridden by a subclass, or no backend version of
   * `op` (the step loop, in row blocks, is then the faster).
   *
   * @param sequence `[batch, time, features]`.
   * @param training Training mode.
   * @param ownStep The class's own `makeStep`.
   * @param op The seam's operation the cell would run.
   * @returns The projection, or `null`.
   */
  protected fusedInput(
    sequence: tf.Tensor,
    training: boolean,
    ownStep: unknown,
    op: "lstmSequence" | "gruSequence",
  ): tf.Tensor3D | null {
    const o = this.cellOptions as BaseRNNCellOptions & { recurrentActivation?: unknown };
    const tanh = o.activation === undefined || o.activation === "tanh";
    const sigmoid = o.recurrentActivation === undefined || o.recurrentActivation === "sigmoid";
    const own = (this as unknown as { makeStep: unknown }).makeStep === ownStep;
    if (!tanh || !sigmoid || !own || (training && this.recurrentDropout > 0)) return null;
    if (!hasFusedReplacement(op)) return null;
    const [batch, time] = sequence.shape;
    const projected = this.projectSequence(sequence, training);
    return tf.reshape(projected, [batch, time, this.gates * this.units]) as tf.Tensor3D;
  }

  /**
   * One time step (Keras's cell `call`), for a cell used on its own; `RNN`
   * runs the sequence plan instead.
   *
   * @param input The step's input, `[batch, features]`.
   * @param states The previous states (`tf.Tensor[]`), one `[batch, units]` tensor each.
   * @param options `training`.
   * @returns `[output, newStates]`: `[tf.Tensor, tf.Tensor[]]` (typed loosely, see `RNNCell.call`).
   */
  // deno-lint-ignore no-explicit-any
  override call(input: tf.Tensor, states: any, options: CellCallOptions = {}): any {
    const list: tf.Tensor[] = Array.isArray(states) ? states : [states];
    const plan = this.planSequence(tf.expandDims(input, 1), options.training ?? false);
    const [output, next] = plan.step(plan.inputs[0], list.map((s) => tf.transpose(s)));
    return [tf.transpose(output), next.map((s) => tf.transpose(s))];
  }

  /** The dropout mask of one sequence: zeros and `1 / (1 - rate)`s. */
  #dropoutMask(shape: number[], rate: number): tf.Tensor {
    return tf.dropout(tf.ones(shape), rate, undefined, this.seedGenerator.next());
  }

  /** The options shared by every cell, with defaults filled in. */
  override getConfig(): Record<string, unknown> {
    const o = this.cellOptions;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationName(o.activation === undefined ? "tanh" : o.activation),
      useBias: this.useBias,
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      recurrentInitializer: o.recurrentInitializer ?? "orthogonal",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.recurrentRegularizer === undefined
        ? {}
        : { recurrentRegularizer: o.recurrentRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed,
    };
  }
}

/**
 * Checks a `recurrentActivation` option and returns the function.
 *
 * @param value The option (`"sigmoid"` when undefined).
 * @returns The activation.
 */
export function recurrentActivationOf(value: string | Activation | null | undefined): Activation {
  return getActivation(value === undefined ? "sigmoid" : value);
}

/**
 * The serialised name of a `recurrentActivation` option.
 *
 * @param value The option.
 * @returns Its name (`"sigmoid"` by default).
 */
export function recurrentActivationName(value: string | Activation | null | undefined): string {
  return activationName(value === undefined ? "sigmoid" : value);
}
