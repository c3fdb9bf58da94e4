/**
 * LSTMCell: one step of a long short-term memory, Keras's gates and layout.
 *
 * With `z = x·kernel + h·recurrentKernel + bias` split into four blocks in
 * Keras's order i, f, c, o (PyTorch's i, f, g, o):
 * `i = σ(z_i)`, `f = σ(z_f)`, `c' = f·c + i·tanh(z_c)`, `o = σ(z_o)`,
 * `h' = o·tanh(c')`; the states are `[h, c]` and the output is `h'`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Activation } from "../engine/activations.ts";
import { getInitializer, type Initializer, type InitializerLike } from "../engine/initializers.ts";
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

/** Options of {@link LSTMCell} (and of `LSTM`). */
export interface LSTMCellOptions extends BaseRNNCellOptions {
  /** Activation of the gates i, f, o. @default "sigmoid" */
  recurrentActivation?: string | Activation | null;
  /**
   * Whether the forget gate's bias starts at 1 (the others at
   * `biasInitializer`), as Jozefowicz et al. recommend. @default true
   */
  unitForgetBias?: boolean;
}

/**
 * The cell of `LSTM`: `kernel` `[inputDim, 4·units]`, `recurrent_kernel`
 * `[units, 4·units]`, `bias` `[4·units]`, gates in Keras's order i, f, c, o.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const rnn = new layers.RNN(new layers.LSTMCell(8));
 * const y = rnn.apply(tf.ones([2, 5, 3])); // [2, 8]
 * y.dispose();
 * ```
 */
export class LSTMCell extends BaseRNNCell {
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** Four blocks: i, f, c, o. */
  protected readonly gates = 4;
  readonly #recurrentActivation: Activation;
  readonly #options: LSTMCellOptions;

  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link LSTMCellOptions}. */
  static override optionKeys: readonly string[] = [
    ...BASE_RNN_CELL_OPTION_KEYS,
    "recurrentActivation",
    "unitForgetBias",
  ] satisfies (keyof LSTMCellOptions)[];

  /**
   * Creates the cell.
   *
   * @param units The size of the output and of both states: a positive integer.
   * @param options Activations, bias, initializers, regularizers, dropout.
   */
  constructor(units: number, options: LSTMCellOptions = {}) {
    super(units, options);
    this.#options = options ?? {};
    this.#recurrentActivation = recurrentActivationOf(this.#options.recurrentActivation);
    this.unitForgetBias = boolean(
      "build LSTMCell",
      "unitForgetBias",
      this.#options.unitForgetBias,
      true,
    );
  }

  /** Two states, `h` and `c`, of `units` each. */
  override get stateSize(): number[] {
    return [this.units, this.units];
  }

  /** With `unitForgetBias`, the forget block starts at ones. */
  protected override biasInitializer(): InitializerLike {
    const base = super.biasInitializer();
    return this.unitForgetBias ? unitForgetBias(getInitializer(base), this.units) : base;
  }

  /** The step: `[h', [h', c']]` from the projected input and `[h, c]`, all transposed. */
  protected makeStep(recurrentMask: tf.Tensor | null): CellStep {
    const kernel = this.recurrentKernel as tf.Tensor2D;
    const sigma = this.#recurrentActivation;
    // Transposed, [units, batch]: z = projected + kernelᵀ·h, its gates row blocks.
    return (projected, [h, c]) => {
      const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
      const z = tf.add(projected, tf.matMul(kernel, hIn, true, false));
      const [zi, zf, zc, zo] = tf.split(z, 4, 0);
      const cNext = tf.add(tf.mul(sigma(zf), c), tf.mul(sigma(zi), this.activation(zc)));
      const hNext = tf.mul(sigma(zo), this.activation(cNext));
      return [hNext, [hNext, cNext]];
    };
  }

  /** The whole recurrence through the seam's `lstmSequence`, when its defaults hold. */
  override runSequence(
    sequence: tf.Tensor,
    initial: tf.Tensor[],
    mask: tf.Tensor | null,
    training: boolean,
    zeroOutputForMask: boolean,
  ): { outputs: tf.Tensor; states: tf.Tensor[] } | null {
    const projected = this.fusedInput(
      sequence,
      training,
      LSTMCell.prototype.makeStep,
      "lstmSequence",
    );
    if (projected === null) return null;
    const [outputs, h, c] = fused.lstmSequence(
      projected,
      this.recurrentKernel as tf.Tensor2D,
      initial[0] as tf.Tensor2D,
      initial[1] as tf.Tensor2D,
      mask as tf.Tensor2D | null,
      zeroOutputForMask,
    );
    return { outputs, states: [h, c] };
  }

  /** The options, with defaults filled in. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: recurrentActivationName(this.#options.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
    };
  }
}

/** Keras's unit-forget-bias initializer: `[init(units), ones(units), init(2·units)]`. */
function unitForgetBias(base: Initializer, units: number): Initializer {
  return {
    className: base.className,
    apply: (_shape, dtype = "float32", seed) =>
      tf.tidy(() =>
        tf.concat([
          base.apply([units], dtype, seed),
          tf.ones([units], dtype),
          base.apply([2 * units], dtype, seed),
        ])
      ),
    getConfig: () => base.getConfig(),
  };
}
