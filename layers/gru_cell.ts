/**
 * GRUCell: one step of a gated recurrent unit, Keras's gates and layout.
 *
 * With the input's projection `x·kernel + b_in` and the state's
 * `h·recurrentKernel (+ b_rec)` split into three blocks in Keras's order
 * z (update), r (reset), h (candidate) — PyTorch orders them r, z, n —:
 * `z = σ(x_z + h_z)`, `r = σ(x_r + h_r)`, and the candidate
 * `ĥ = tanh(x_h + r·(h·U_h + b_rec,h))` with `resetAfter` (the default,
 * PyTorch's and cuDNN's form; `bias` is `[2, 3·units]`: the input's row,
 * then the recurrent one) or `ĥ = tanh(x_h + (r·h)·U_h)` without it
 * (`bias` `[3·units]`, on the input side); then `h' = z·h + (1 − z)·ĥ`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Activation } from "../engine/activations.ts";
import { boolean } from "../engine/validate.ts";
import { fused } from "../engine/fused.ts";
import {
  BASE_RNN_CELL_OPTION_KEYS,
  BaseRNNCell,
  type BaseRNNCellOptions,
  recurrentActivationName,
  recurrentActivationOf,
} from "./base_rnn_cell.ts";
import type { CellStep } from "./rnn_cell.ts";

/** Options of {@link GRUCell} (and of `GRU`). */
export interface GRUCellOptions extends BaseRNNCellOptions {
  /** Activation of the gates z and r. @default "sigmoid" */
  recurrentActivation?: string | Activation | null;
  /**
   * Whether the reset gate multiplies the state's projection (true: with
   * its own recurrent bias, as PyTorch and cuDNN) or the state before it.
   * @default true
   */
  resetAfter?: boolean;
}

/**
 * The cell of `GRU`: `kernel` `[inputDim, 3·units]`, `recurrent_kernel`
 * `[units, 3·units]`, `bias` `[2, 3·units]` (`[3·units]` without
 * `resetAfter`), gates in Keras's order z, r, h.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const rnn = new layers.RNN(new layers.GRUCell(8));
 * const y = rnn.apply(tf.ones([2, 5, 3])); // [2, 8]
 * y.dispose();
 * ```
 */
export class GRUCell extends BaseRNNCell {
  /** Whether the reset gate is applied after the recurrent product. */
  readonly resetAfter: boolean;
  /** Three blocks: z, r, h. */
  protected readonly gates = 3;
  readonly #recurrentActivation: Activation;
  readonly #options: GRUCellOptions;

  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link GRUCellOptions}. */
  static override optionKeys: readonly string[] = [
    ...BASE_RNN_CELL_OPTION_KEYS,
    "recurrentActivation",
    "resetAfter",
  ] satisfies (keyof GRUCellOptions)[];

  /**
   * Creates the cell.
   *
   * @param units The size of the output and of the state: a positive integer.
   * @param options Activations, `resetAfter`, bias, initializers, regularizers, dropout.
   */
  constructor(units: number, options: GRUCellOptions = {}) {
    super(units, options);
    this.#options = options ?? {};
    this.#recurrentActivation = recurrentActivationOf(this.#options.recurrentActivation);
    this.resetAfter = boolean("build GRUCell", "resetAfter", this.#options.resetAfter, true);
  }

  /** `[2, 3·units]` with `resetAfter` (input and recurrent biases), else `[3·units]`. */
  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** The input side's bias: row 0 of `bias` with `resetAfter`, else all of it. */
  protected override inputBias(): tf.Tensor1D | null {
    if (!this.bias || !this.resetAfter) return super.inputBias();
    return tf.reshape(tf.slice(this.bias, [0, 0], [1, -1]), [3 * this.units]);
  }

  /** The step: `[h', [h']]` from the projected input and `[h]`, all transposed. */
  protected makeStep(recurrentMask: tf.Tensor | null): CellStep {
    const u = this.units;
    const sigma = this.#recurrentActivation;
    const kernel = this.recurrentKernel as tf.Tensor2D;
    // What every step shares: the recurrent bias as a column [3·units, 1], or the kernel's
    // two parts (the reset gate applied before the product).
    const bias = this.resetAfter && this.bias
      ? tf.reshape(tf.slice(this.bias, [1, 0], [1, -1]), [3 * u, 1])
      : null;
    const [gatesKernel, candidateKernel] = this.resetAfter
      ? [kernel, null]
      : tf.split(kernel, [2 * u, u], 1);
    // Transposed, [units, batch]: the gates are row blocks of kernelᵀ·h.
    return (projected, [h]) => {
      const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
      const [xz, xr, xh] = tf.split(projected, 3, 0);
      let inner = tf.matMul(gatesKernel, hIn, true, false);
      if (bias) inner = tf.add(inner, bias);
      const [hz, hr, hh] = tf.split(inner, this.resetAfter ? 3 : 2, 0);
      const z = sigma(tf.add(xz, hz));
      const r = sigma(tf.add(xr, hr));
      const recurrent = candidateKernel
        ? tf.matMul(candidateKernel, tf.mul(r, hIn), true, false)
        : tf.mul(r, hh);
      const candidate = this.activation(tf.add(xh, recurrent));
      const next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      return [next, [next]];
    };
  }

  /** The whole recurrence through the seam's `gruSequence`, when its defaults hold (reset after). */
  override runSequence(
    sequence: tf.Tensor,
    initial: tf.Tensor[],
    mask: tf.Tensor | null,
    training: boolean,
    zeroOutputForMask: boolean,
  ): { outputs: tf.Tensor; states: tf.Tensor[] } | null {
    if (!this.resetAfter) return null;
    const projected = this.fusedInput(
      sequence,
      training,
      GRUCell.prototype.makeStep,
      "gruSequence",
    );
    if (projected === null) return null;
    const u = this.units;
    const recurrentBias = this.bias
      ? tf.reshape(tf.slice(this.bias, [1, 0], [1, -1]), [3 * u]) as tf.Tensor1D
      : null;
    const [outputs, h] = fused.gruSequence(
      projected,
      this.recurrentKernel as tf.Tensor2D,
      recurrentBias,
      initial[0] as tf.Tensor2D,
      mask as tf.Tensor2D | null,
      zeroOutputForMask,
    );
    return { outputs, states: [h] };
  }

  /** The options, with defaults filled in. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: recurrentActivationName(this.#options.recurrentActivation),
      resetAfter: this.resetAfter,
    };
  }
}
