/**
 * StackedRNNCells: several cells run as one, each feeding the next.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { Layer, LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { deserializeLayer, serializeLayer } from "./_nested_layer.ts";
import { type CellCallOptions, RNNCell, stateSizes } from "./rnn_cell.ts";
import { SimpleRNNCell } from "./simple_rnn_cell.ts";
import { LSTMCell } from "./lstm_cell.ts";
import { GRUCell } from "./gru_cell.ts";

/**
 * A stack of cells behaving as one cell: at each step the first cell's
 * output is the second's input, and so on; the states are every cell's, in
 * order (a flat list: an LSTM cell's `h, c`, then the next cell's), and the
 * output is the last cell's. `new RNN([cellA, cellB])` makes one.
 *
 * `RNN` runs a stack cell by cell over the whole sequence (the same
 * numbers as step by step, with one input product per cell).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const cells = new layers.StackedRNNCells([new layers.LSTMCell(8), new layers.GRUCell(4)]);
 * const y = new layers.RNN(cells).apply(tf.ones([2, 5, 3])); // [2, 4]
 * y.dispose();
 * ```
 */
export class StackedRNNCells extends RNNCell {
  /** The cells, first to last. */
  readonly cells: RNNCell[];

  /** `fromConfig` passes `cells` positionally. */
  static override positionalArgs: string[] = ["cells"];

  /** The keys of its options: the common layer options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates the stack.
   *
   * @param cells The cells, first to last: a non-empty list (or their
   *   `{ className, config }` forms, for `fromConfig`).
   * @param options Name and trainability.
   */
  constructor(cells: RNNCell[], options: LayerOptions = {}) {
    super(
      layerOptions(
        "StackedRNNCells",
        options,
        noPositional,
        "new StackedRNNCells(cells, { name })",
      ),
    );
    if (!Array.isArray(cells) || cells.length === 0) {
      throw new TypeError(
        `Cannot build StackedRNNCells as "cells" must be a non-empty list of cells: received ${
          Array.isArray(cells) ? "[]" : typeof cells
        }`,
      );
    }
    this.cells = cells.map((c, i) => checkCell("build StackedRNNCells", `cells[${i}]`, c));
  }

  /** Every cell's state sizes, in order (flat). */
  get stateSize(): number[] {
    return this.cells.flatMap(stateSizes);
  }

  /** The last cell's output size. */
  override get outputSize(): number {
    return outputSizeOf(this.cells[this.cells.length - 1]);
  }

  /** Builds each cell for the previous one's output. */
  override build(inputShape: Shape): void {
    let shape = inputShape;
    for (const cell of this.cells) {
      buildChild(cell, shape);
      shape = [shape[0], outputSizeOf(cell)];
    }
  }

  /**
   * One step through every cell.
   *
   * @param input The step's input, `[batch, features]`.
   * @param states Every cell's states, in order (`tf.Tensor[]`).
   * @param options `training`.
   * @returns `[output, newStates]`: the last cell's output and every cell's
   *   new states (typed loosely, see `RNNCell.call`).
   */
  // deno-lint-ignore no-explicit-any
  override call(input: tf.Tensor, states: any, options: CellCallOptions = {}): any {
    let x = input;
    let offset = 0;
    const next: tf.Tensor[] = [];
    for (const cell of this.cells) {
      const n = stateSizes(cell).length;
      const call = cell.call.bind(cell) as unknown as RNNCell["call"];
      const [out, s] = call(x, states.slice(offset, offset + n), options);
      next.push(...(Array.isArray(s) ? s : [s]));
      x = out;
      offset += n;
    }
    return [x, next];
  }

  /** The cells' configs. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map(serializeLayer) };
  }

  /**
   * Rebuilds the stack from `getConfig()`'s output; each cell is a layer or
   * the `{ className, config }` of a kerno cell.
   *
   * @param config The configuration.
   * @returns A new, unbuilt stack.
   */
  static override fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    const { cells, ...rest } = config;
    const list = Array.isArray(cells)
      ? cells.map((c, i) => cellFromConfig("rebuild StackedRNNCells", `cells[${i}]`, c))
      : cells;
    return new StackedRNNCells(list as RNNCell[], rest as LayerOptions) as unknown as T;
  }
}

/**
 * A cell from a config value: a cell passes through; `{ className, config }`
 * of a kerno cell is rebuilt.
 *
 * @param what What was being done.
 * @param arg The config key.
 * @param value The value.
 * @returns The cell.
 */
export function cellFromConfig(what: string, arg: string, value: unknown): Layer {
  return deserializeLayer(what, arg, value, {
    SimpleRNNCell,
    LSTMCell,
    GRUCell,
    StackedRNNCells,
  });
}

/**
 * Checks that a value follows the cell contract: a layer with a
 * `stateSize` (positive integers) and a `call`.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param cell The value.
 * @returns The cell.
 */
export function checkCell(what: string, arg: string, cell: unknown): RNNCell {
  const c = cell as { stateSize?: unknown; call?: unknown } | null;
  const sizes = c !== null && typeof c === "object" && c.stateSize !== undefined
    ? (Array.isArray(c.stateSize) ? c.stateSize.flat(Infinity) : [c.stateSize])
    : [];
  if (
    !(cell instanceof Layer) || sizes.length === 0 ||
    sizes.some((n) => !Number.isInteger(n) || (n as number) <= 0)
  ) {
    throw new TypeError(
      `Cannot ${what} as "${arg}" must be a cell: a layer with a "stateSize" (a positive integer or a list of them) and call(input, states, { training }) returning [output, newStates] (subclass layers.RNNCell): received ${
        cell instanceof Layer
          ? `${cell.constructor.name} with stateSize ${String(c!.stateSize)}`
          : typeof cell
      }`,
    );
  }
  return cell as RNNCell;
}

/**
 * A cell's output size: its `outputSize`, else its first state's size.
 *
 * @param cell The cell.
 * @returns The size.
 */
export function outputSizeOf(cell: RNNCell): number {
  const own = cell.outputSize;
  return typeof own === "number" ? own : stateSizes(cell)[0];
}

/**
 * Builds a sublayer for a shape, as `apply` would on its first call.
 *
 * @param layer The sublayer.
 * @param shape Its input shape.
 */
export function buildChild(layer: Layer, shape: Shape): void {
  if (layer.built) return;
  layer.build(shape);
  layer.buildInputShape = shape;
  layer.built = true;
}

/**
 * A fresh, unbuilt copy of a layer, made by its own class from its config
 * (or from `config`); a stack's cells are copied the same way, one by one.
 *
 * @param layer The layer.
 * @param config The config to rebuild from. @default layer.getConfig()
 * @returns The copy.
 */
export function copyLayer(layer: Layer, config?: Record<string, unknown>): Layer {
  const c = config ?? layer.getConfig();
  if (layer instanceof StackedRNNCells) {
    const { cells: _cells, ...rest } = c;
    const cells = layer.cells.map((cell) => copyLayer(cell) as RNNCell);
    return new StackedRNNCells(cells, rest) as RNNCell;
  }
  const cls = layer.constructor as unknown as { fromConfig(c: Record<string, unknown>): Layer };
  return cls.fromConfig(c);
}
