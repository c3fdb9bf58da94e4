/**
 * Internal: what `SimpleRNN`, `LSTM` and `GRU` share — their options are
 * their cell's and `RNN`'s together, split here, and their config is the
 * two flattened (Keras's, without a `cell` entry).
 *
 * @module
 */
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { checkClassOptions, type WithOptionKeys } from "../engine/options.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { RNN_OPTION_KEYS, type RNNOptions } from "./rnn.ts";

/**
 * Checks a recurrent layer's options (all keys known), then splits them
 * into its cell's (with the cell's name and the layer's trainability) and
 * `RNN`'s.
 *
 * @param cls The class being constructed (`new.target`).
 * @param options The options received.
 * @param cellName The cell's name (`"lstm_cell"`, as Keras).
 * @returns The cell's options and the layer's.
 */
export function splitOptions<T extends object>(
  cls: WithOptionKeys,
  options: unknown,
  cellName: string,
): { cell: T; layer: RNNOptions } {
  const what = `build ${cls.name}`;
  const o = checkClassOptions(
    what,
    cls,
    layerOptions<Record<string, unknown>>(
      cls.name,
      options,
      noPositional,
      `new ${cls.name}(units, { returnSequences: true })`,
    ),
  );
  const cell: Record<string, unknown> = { name: cellName };
  const layer: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (RNN_OPTION_KEYS.includes(k)) layer[k] = v;
    else cell[k] = v;
  }
  if (o.trainable !== undefined) cell.trainable = o.trainable;
  return { cell: cell as T, layer: layer as RNNOptions };
}

/**
 * A recurrent layer's config: `RNN`'s without `cell`, plus the cell's
 * options (without its name and trainability).
 *
 * @param base `RNN.getConfig()`'s output.
 * @param cellConfig The cell's `getConfig()`.
 * @returns The flat config.
 */
export function flatConfig(
  base: Record<string, unknown>,
  cellConfig: Record<string, unknown>,
): Record<string, unknown> {
  const { cell: _cell, ...rest } = base;
  const own = Object.entries(cellConfig).filter(([k]) => !LAYER_OPTION_KEYS.includes(k as never));
  return { ...rest, ...Object.fromEntries(own) };
}
