/**
 * The load-time weight budget: while a model is rebuilt from a saved config,
 * every weight a layer asks `addWeight` for is compared, before its
 * initializer allocates anything, with the weights the file declares. A
 * config that lies (`units: 20000000` beside a manifest of `[32, 4]`
 * kernels) then fails at once, naming the layer, the weight and both sides,
 * instead of allocating gigabytes and failing later at the shape check.
 *
 * The rule: a weight of more than {@link SMALL_WEIGHT} elements must have a
 * shape the file declares, and the elements of all the weights created must
 * stay within the file's total (plus {@link BUDGET_SLACK} for small weights
 * a file may not list). The scope is synchronous, so nothing outside the
 * rebuild is ever checked.
 *
 * @module
 */

/** Weights of at most this many elements need not have a declared shape (1 MiB of float32). */
export const SMALL_WEIGHT = 2 ** 18;

/** Elements beyond the declared total that the weights created may take (4 MiB of float32). */
export const BUDGET_SLACK = 2 ** 20;

/**
 * A load refused by a bound of this module: its message names the file
 * already, so the loaders pass it on unchanged.
 */
export class LoadLimitError extends RangeError {}

/** What a file declares: its weights' shapes. */
export interface DeclaredWeight {
  /** The stored name (for messages). */
  readonly name: string;
  /** The stored shape. */
  readonly shape: readonly number[];
}

interface Budget {
  file: string;
  shapes: Set<string>;
  declared: readonly DeclaredWeight[];
  total: number;
  used: number;
}

let active: Budget | null = null;

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs `build` (which rebuilds a model from a file's config) under a budget:
 * each weight created is checked against `declared` before it is allocated.
 *
 * @param declared The weights the file's manifest (or HDF5 layout) declares.
 * @param file The file, named in errors.
 * @param build The synchronous rebuild.
 * @returns What `build` returns.
 */
export function withWeightBudget<T>(
  declared: readonly DeclaredWeight[],
  file: string,
  build: () => T,
): T {
  const previous = active;
  active = {
    file,
    declared,
    shapes: new Set(declared.map((d) => d.shape.join(","))),
    total: declared.reduce((n, d) => n + elements(d.shape), 0),
    used: 0,
  };
  try {
    return build();
  } finally {
    active = previous;
  }
}

/**
 * The most elements one sample of a layer's output may have while a model
 * is rebuilt from a file (64 MiB of float32), the same bound as the input
 * shapes a file may declare: a layer's options (`RepeatVector`'s `n`,
 * `UpSampling2D`'s `size`) cannot make the shape inference allocate more.
 */
export const MAX_SAMPLE_ELEMENTS = 2 ** 24;

/**
 * The file whose model is being rebuilt, while a {@link withWeightBudget}
 * scope is active; `null` otherwise.
 *
 * @returns The file named in the scope, or `null`.
 */
export function loadingFile(): string | null {
  return active?.file ?? null;
}

/**
 * Checks a size option of a layer rebuilt from a file, for the layers whose
 * cost follows an option before any shape is inferred (a lookup table with
 * `numOovIndices` entries): while a {@link withWeightBudget} scope is
 * active, a value above `cap` is refused, naming the layer and the option
 * (the loader adds the file). Outside a load it does nothing.
 *
 * @param layer The layer's class name.
 * @param option The option's name.
 * @param value The value given.
 * @param cap The largest value a file may ask for.
 */
export function checkLoadSize(
  layer: string,
  option: string,
  value: number | null | undefined,
  cap: number = MAX_SAMPLE_ELEMENTS,
): void {
  if (active === null || typeof value !== "number" || value <= cap) return;
  throw new RangeError(
    `Cannot build ${layer} from a file as "${option}" must be at most ${cap} there (kerno bounds what a file may ask for): received ${value}`,
  );
}

/** A few declared weights, for a message. */
function listed(declared: readonly DeclaredWeight[]): string {
  const shown = declared.slice(0, 6).map((d) => `${d.name} [${d.shape.join(", ")}]`);
  return declared.length > 6
    ? `${shown.join(", ")}, … (${declared.length} in all)`
    : shown.join(", ");
}

/**
 * Called by `Layer.addWeight` before a weight is allocated: outside a
 * {@link withWeightBudget} scope it does nothing; inside, it refuses a
 * weight the file does not declare or that exceeds the file's total.
 *
 * @param owner The layer's name.
 * @param name The weight's name within the layer.
 * @param shape The shape asked for.
 */
export function chargeWeight(owner: string, name: string, shape: readonly number[]): void {
  const budget = active;
  if (budget === null) return;
  const n = elements(shape);
  const what =
    `Cannot load ${budget.file} as its config makes layer "${owner}" create weight "${name}" of shape [${
      shape.join(", ")
    }] (${n} elements)`;
  if (n > SMALL_WEIGHT && !budget.shapes.has(shape.join(","))) {
    throw new LoadLimitError(
      `${what}, a shape its weights do not have (${
        budget.declared.length === 0 ? "it declares none" : `they are ${listed(budget.declared)}`
      }): the config and the weights do not belong together`,
    );
  }
  budget.used += n;
  if (budget.used > budget.total + BUDGET_SLACK) {
    throw new LoadLimitError(
      `${what}, which brings the model to ${budget.used} weight elements while its weights hold ${budget.total}: the config and the weights do not belong together`,
    );
  }
}
