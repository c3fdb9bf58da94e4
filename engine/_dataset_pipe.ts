/**
 * The stages of a `Dataset` pipeline. A `Pipe` opens passes over its
 * elements, synchronously when every stage upstream is synchronous and
 * asynchronously always. Element-wise stages (map, filter, batch, unbatch,
 * shuffle, take, skip) are written once as a `Transducer` and driven by a
 * synchronous or an asynchronous loop; the stages that combine passes
 * (repeat, concatenate, zip, cache, prefetch) are written for both.
 *
 * Ownership: a stage owns the elements it has pulled and not yet passed
 * on; it disposes the tensors of those it drops (filter, take, skip, a
 * batch's rows, a closed shuffle buffer). Whoever receives an element owns
 * it.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { disposeElements, disposeUnused, tensorsIn } from "./_dataset_structure.ts";

/** A pass over elements, synchronous or not. */
export type Pass = Generator<unknown, void, undefined>;
/** An asynchronous pass. */
export type AsyncPass = AsyncGenerator<unknown, void, undefined>;

/** One stage of a pipeline, with everything upstream of it. */
export interface Pipe {
  /** Why a synchronous pass is impossible (`"a CSV file"`), or `null` when it may be possible. */
  readonly asyncReason: string | null;
  /** Elements per pass: `Infinity` for endless, `null` when unknown. */
  readonly cardinality: number | null;
  /** Opens a synchronous pass; throws when a stage turns out to be asynchronous. */
  open(): Pass;
  /** Opens an asynchronous pass. */
  openAsync(): AsyncPass;
  /**
   * Opens an asynchronous pass by chunks of elements (one await per chunk):
   * what a stage that reads many small elements at once (a CSV file)
   * offers, and element-wise stages pass on. Absent: one element a chunk.
   */
  openChunks?(): AsyncChunks;
}

/** An asynchronous pass by chunks; whoever receives a chunk owns its elements. */
export type AsyncChunks = AsyncGenerator<unknown[], void, undefined>;

/** A pipe's asynchronous pass by chunks. */
export function chunksOf(pipe: Pipe): AsyncChunks {
  return pipe.openChunks ? pipe.openChunks() : singleChunks(pipe.openAsync());
}

async function* singleChunks(pass: AsyncPass): AsyncChunks {
  for await (const e of pass) yield [e];
}

/** The elements of a pass by chunks, one at a time; left early, it disposes what it did not hand over. */
export async function* elementsOf(chunks: AsyncChunks): AsyncPass {
  let chunk: unknown[] = [];
  let next = 0;
  try {
    for await (chunk of chunks) {
      next = 0;
      while (next < chunk.length) yield chunk[next++];
    }
  } finally {
    disposeElements(chunk.slice(next));
  }
}

/**
 * The `open` of a stage that cannot run synchronously.
 *
 * @param reason Why, e.g. `"it reads a CSV file"`.
 * @returns A function that throws the error saying to use `for await`.
 */
export function refuseSync(reason: string): () => Pass {
  return () => {
    throw new TypeError(
      `Cannot iterate this Dataset with "for … of" as ${reason}: use "for await (const element of dataset)"`,
    );
  };
}

/** An element-wise stage: fed one element at a time, it writes what it emits to `out`. */
export interface Transducer {
  /** Takes an element; returns `false` once it wants no more input. */
  push(e: unknown, out: unknown[]): boolean;
  /** The input is exhausted: emits what it still holds. */
  flush(out: unknown[]): void;
  /** The pass ends (or is abandoned): disposes what it still holds. */
  close(): void;
}

/** A stage that transforms a pipe's elements with a transducer made anew for every pass. */
export function transduce(
  up: Pipe,
  make: () => Transducer,
  cardinality: number | null,
): Pipe {
  return {
    asyncReason: up.asyncReason,
    cardinality,
    *open() {
      yield* drive(up.open(), make());
    },
    openAsync() {
      return elementsOf(driveChunks(chunksOf(up), make()));
    },
    openChunks() {
      return driveChunks(chunksOf(up), make());
    },
  };
}

function* drive(input: Pass, t: Transducer): Pass {
  const out: unknown[] = [];
  let next = 0; // the first element of out not handed over yet
  try {
    let more = true;
    for (const e of input) {
      more = t.push(e, out);
      while (next < out.length) yield requireSettled(out[next++]);
      out.length = next = 0;
      if (!more) break;
    }
    if (more) {
      t.flush(out);
      while (next < out.length) yield requireSettled(out[next++]);
      out.length = next = 0;
    }
  } finally {
    disposeElements(out.slice(next)); // not handed over: the consumer left early, or a stage threw
    t.close();
  }
}

/**
 * Drives a transducer over chunks: each input chunk's elements are pushed
 * in order (an async map's promise is awaited before the next element, so
 * such maps run one at a time), and what they emit goes on as one chunk.
 */
async function* driveChunks(input: AsyncChunks, t: Transducer): AsyncChunks {
  let out: unknown[] = [];
  try {
    let more = true;
    for await (const chunk of input) {
      let i = 0;
      try {
        while (i < chunk.length && more) {
          more = t.push(chunk[i++], out);
          const last = out.length - 1;
          if (last >= 0 && out[last] instanceof Promise) out[last] = await out[last];
        }
      } finally {
        disposeElements(chunk.slice(i)); // not pushed: the stage stopped early, or threw
      }
      if (out.length > 0) {
        const emit = out;
        out = [];
        yield emit;
      }
      if (!more) break;
    }
    if (more) {
      t.flush(out);
      if (out.length > 0) {
        const emit = out;
        out = [];
        yield emit;
      }
    }
  } finally {
    disposeElements(out);
    t.close();
  }
}

/** Refuses, in a synchronous pass, an element that is a promise (an async map function). */
export function requireSettled(e: unknown): unknown {
  if (e instanceof Promise) {
    e.catch(() => {});
    throw new TypeError(
      `Cannot iterate this Dataset with "for … of" as its map function returned a promise: use "for await (const element of dataset)"`,
    );
  }
  return e;
}

/**
 * Runs `fn` on an element inside a tensor scope: tensors it makes and does
 * not return are freed, and the input's tensors it does not pass through are
 * disposed. An async `fn`'s promise is returned as it is.
 */
export function applyScoped(fn: (e: unknown) => unknown, e: unknown): unknown {
  const engine = tf.engine();
  engine.startScope();
  let result: unknown;
  try {
    result = fn(e);
  } catch (err) {
    engine.endScope();
    throw err;
  }
  if (result instanceof Promise) {
    engine.endScope();
    return result.then((r) => {
      disposeUnused(e, r);
      return r;
    });
  }
  engine.endScope(tensorsIn(result));
  disposeUnused(e, result);
  return result;
}
