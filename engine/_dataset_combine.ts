/**
 * The `Dataset` stages that make or combine passes: sources from iterables,
 * `repeat`, `concatenate`, `zip` and `prefetch`, each written for
 * synchronous and asynchronous passes (see `_dataset_pipe.ts`).
 *
 * @module
 */
import { type Pipe, refuseSync } from "./_dataset_pipe.ts";
import { disposeElements } from "./_dataset_structure.ts";

/** A source from a function that makes an iterable (sync or async) anew for every pass. */
export function iterableSource(
  make: () => Iterable<unknown> | AsyncIterable<unknown>,
  asyncReason: string | null,
  what: string,
): Pipe {
  const iterableOf = (): Iterable<unknown> | AsyncIterable<unknown> => {
    const it = make();
    if (
      it === null || typeof it !== "object" ||
      !(Symbol.iterator in it || Symbol.asyncIterator in it)
    ) {
      throw new TypeError(
        `Cannot iterate a Dataset as ${what} must return an iterable or an async iterable (a generator): received ${
          it === null ? "null" : typeof it
        }`,
      );
    }
    return it;
  };
  return {
    asyncReason,
    cardinality: null,
    *open() {
      const it = iterableOf();
      if (!(Symbol.iterator in it)) {
        throw new TypeError(
          `Cannot iterate this Dataset with "for … of" as ${what} is asynchronous: use "for await (const element of dataset)"`,
        );
      }
      yield* it as Iterable<unknown>;
    },
    async *openAsync() {
      yield* iterableOf();
    },
  };
}

/** `repeat`: the upstream's passes, `count` times (an empty pass ends it). */
export function repeatPipe(up: Pipe, count: number): Pipe {
  const c = up.cardinality;
  return {
    asyncReason: up.asyncReason,
    cardinality: c === null ? (count === Infinity ? Infinity : null) : c === 0 ? 0 : c * count,
    *open() {
      for (let pass = 0; pass < count; pass++) {
        let any = false;
        for (const e of up.open()) {
          any = true;
          yield e;
        }
        if (!any) return;
      }
    },
    async *openAsync() {
      for (let pass = 0; pass < count; pass++) {
        let any = false;
        for await (const e of up.openAsync()) {
          any = true;
          yield e;
        }
        if (!any) return;
      }
    },
  };
}

/** `concatenate`: every element of `a`, then of `b`. */
export function concatPipe(a: Pipe, b: Pipe): Pipe {
  return {
    asyncReason: a.asyncReason ?? b.asyncReason,
    cardinality: a.cardinality === null || b.cardinality === null
      ? null
      : a.cardinality + b.cardinality,
    *open() {
      yield* a.open();
      yield* b.open();
    },
    async *openAsync() {
      yield* a.openAsync();
      yield* b.openAsync();
    },
  };
}

/** `zip`: tuples (or records) of the pipes' elements, until the shortest ends. */
export function zipPipe(pipes: Pipe[], keys: string[] | null): Pipe {
  const counts = pipes.map((p) => p.cardinality);
  const build = (items: unknown[]) =>
    keys === null ? items : Object.fromEntries(keys.map((k, i) => [k, items[i]]));
  return {
    asyncReason: pipes.find((p) => p.asyncReason !== null)?.asyncReason ?? null,
    cardinality: counts.includes(null) ? null : Math.min(...counts as number[]),
    *open() {
      const its = pipes.map((p) => p.open());
      try {
        while (true) {
          const results = its.map((it) => it.next());
          if (results.some((r) => r.done)) {
            disposeElements(results.filter((r) => !r.done).map((r) => r.value));
            return;
          }
          yield build(results.map((r) => r.value));
        }
      } finally {
        for (const it of its) it.return();
      }
    },
    async *openAsync() {
      const its = pipes.map((p) => p.openAsync());
      try {
        while (true) {
          const results = await Promise.all(its.map((it) => it.next()));
          if (results.some((r) => r.done)) {
            disposeElements(results.filter((r) => !r.done).map((r) => r.value));
            return;
          }
          yield build(results.map((r) => r.value));
        }
      } finally {
        await Promise.all(its.map((it) => it.return()));
      }
    },
  };
}

/**
 * `prefetch`: keeps up to `n` elements requested ahead of the consumer, so
 * reading (file I/O, parsing between awaits) overlaps the consumer's work.
 * Always asynchronous.
 */
export function prefetchPipe(up: Pipe, n: number): Pipe {
  return {
    asyncReason: "a prefetch stage",
    cardinality: up.cardinality,
    open: refuseSync("prefetch reads ahead asynchronously"),
    async *openAsync() {
      const it = up.openAsync();
      const queue: Promise<IteratorResult<unknown, void>>[] = [];
      let ended = false;
      const fill = () => {
        while (!ended && queue.length < n + 1) {
          const p = it.next();
          p.catch(() => {}); // awaited below, in order; this only silences "unhandled"
          queue.push(p);
          p.then((r) => {
            if (r.done) ended = true;
          }, () => {
            ended = true;
          });
        }
      };
      try {
        while (true) {
          fill();
          const r = await queue.shift()!;
          if (r.done) return;
          yield r.value;
        }
      } finally {
        for (const p of queue) {
          try {
            const r = await p;
            if (!r.done) disposeElements([r.value]);
          } catch { /* the error of an element never asked for */ }
        }
        await it.return();
      }
    },
  };
}
