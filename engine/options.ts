/**
 * Internal: the one check of an options object, so that no option is
 * silently ignored. Every public entry point that takes an options object
 * (layers, models, optimizers, schedules, callbacks, losses, metrics,
 * `compile`, `fit`, `evaluate`, `predict`, `Dataset`, the data generators,
 * saving and loading) passes it through `checkOptions` with the list of the
 * keys it knows, kept next to its options interface. An unknown key throws a
 * `TypeError` that names it and suggests the known one:
 * `Cannot fit as "batch_size" is not an option: did you mean "batchSize"?`.
 *
 * Classes (layers, optimizers, callbacks, losses, metrics, schedules) keep
 * their list in a static `optionKeys`, spread from their parent's, and are
 * checked through `checkClassOptions`, which checks only when the class
 * being constructed declares its own `optionKeys`. A user's subclass with
 * options of its own is therefore never rejected for them; it has its keys
 * checked too by declaring `static override optionKeys = [...Dense.optionKeys, "scale"]`.
 *
 * @module
 */
import { reject, show } from "./validate.ts";

/**
 * Checks that `options` is an object (or `undefined`, read as `{}`) whose
 * every key is in `known`.
 *
 * @param what What was being done, e.g. `"fit"` or `"build Dense"`.
 * @param options The options received.
 * @param known The keys the entry point knows.
 * @returns The options, `{}` for `undefined`.
 */
export function checkOptions<T extends object>(
  what: string,
  options: T | undefined,
  known: readonly string[],
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    const some = known.length === 0 ? "key" : known.slice(0, 5).join(", ");
    const more = known.length > 5 ? ", ..." : "";
    reject(what, "options", options, `an object of options ({ ${some}${more} })`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Cannot ${what} as ${JSON.stringify(key)} is not an option: ${suggestion(key, known)}`,
      );
    }
  }
  return options;
}

/** A class that may declare the keys of its options object. */
export interface WithOptionKeys {
  /** The class's name, for messages. */
  readonly name: string;
  /** The keys its options object accepts. */
  readonly optionKeys?: readonly string[];
}

/**
 * Checks a class's options against its static `optionKeys`, when the class
 * itself (not only an ancestor) declares them; a subclass that declares
 * none (a user's, with options of its own) has only the object itself
 * checked.
 *
 * @param what What was being done, e.g. `"build Dense"`.
 * @param cls The class being constructed (`this.constructor` or `new.target`).
 * @param options The options received.
 * @returns The options, `{}` for `undefined`.
 */
export function checkClassOptions<T extends object>(
  what: string,
  cls: WithOptionKeys,
  options: T | undefined,
): T {
  if (Object.hasOwn(cls, "optionKeys") && cls.optionKeys !== undefined) {
    return checkOptions(what, options, cls.optionKeys);
  }
  const given = options !== null && typeof options === "object" ? Object.keys(options) : [];
  return checkOptions(what, options, given);
}

/**
 * Refuses a positional argument that Keras accepts but kerno takes as an
 * option, saying how to write it.
 *
 * @param what What was being done, e.g. `"build Conv2D"`.
 * @param value The value received where the options object belongs.
 * @param hint How to write it, e.g. `'{ strides: 2 }'`.
 * @returns Never.
 */
export function rejectPositional(what: string, value: unknown, hint: string): never {
  throw new TypeError(
    `Cannot ${what} as the options must be an object: received ${show(value)}; write ${hint}`,
  );
}

/** "did you mean ...?" for a near key, else the list of known keys. */
function suggestion(key: string, known: readonly string[]): string {
  const plain = (k: string) => k.replace(/[_\-\s]/g, "").toLowerCase();
  const same = known.find((k) => plain(k) === plain(key));
  if (same !== undefined) return `did you mean ${JSON.stringify(same)}?`;
  // Keras 2's `input_dim=n` is Keras 3's (and kerno's) `inputShape: [n]`.
  if (plain(key) === "inputdim" && known.includes("inputShape")) {
    return `write "inputShape: [n]" for Keras's input_dim=n`;
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(plain(k), plain(key));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))) {
    return `did you mean ${JSON.stringify(best)}?`;
  }
  if (known.length === 0) return "it takes no options";
  return `the options are ${known.map((k) => JSON.stringify(k)).join(", ")}`;
}

/** Edit distance, an adjacent transposition counting as one edit (`"nmae"` → `"name"`: 1). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
