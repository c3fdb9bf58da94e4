/**
 * The element-wise stages of a `Dataset` as transducers (see
 * `_dataset_pipe.ts`): map, filter, take, skip, groups (batch and
 * paddedBatch), unbatch and the buffered shuffle.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { applyScoped, type Transducer } from "./_dataset_pipe.ts";
import { disposeElements } from "./_dataset_structure.ts";

/** `map` in this thread. */
export function mapTransducer(fn: (e: unknown) => unknown): Transducer {
  return {
    push(e, out) {
      out.push(applyScoped(fn, e));
      return true;
    },
    flush() {},
    close() {},
  };
}

/** `filter`: keeps the elements for which `predicate` holds. */
export function filterTransducer(predicate: (e: unknown) => unknown): Transducer {
  return {
    push(e, out) {
      let keep: unknown;
      try {
        keep = tf.tidy(() => {
          const r = predicate(e);
          if (r instanceof tf.Tensor) return r.dataSync()[0] !== 0;
          return r as boolean;
        });
      } catch (err) {
        disposeElements([e]);
        throw err;
      }
      if (typeof keep !== "boolean") {
        disposeElements([e]);
        throw new TypeError(
          `Cannot filter a Dataset as the predicate must return true or false: received ${
            String(keep)
          }`,
        );
      }
      if (keep) out.push(e);
      else disposeElements([e]);
      return true;
    },
    flush() {},
    close() {},
  };
}

/** `take`: the first `count` elements. */
export function takeTransducer(count: number): Transducer {
  let seen = 0;
  return {
    push(e, out) {
      if (seen >= count) {
        disposeElements([e]);
        return false;
      }
      out.push(e);
      return ++seen < count;
    },
    flush() {},
    close() {},
  };
}

/** `skip`: all but the first `count` elements. */
export function skipTransducer(count: number): Transducer {
  let seen = 0;
  return {
    push(e, out) {
      if (seen++ < count) disposeElements([e]);
      else out.push(e);
      return true;
    },
    flush() {},
    close() {},
  };
}

/** Groups of `size` rows, combined by `combine` (stacking, or padding). */
export function groupTransducer(
  size: number,
  dropRemainder: boolean,
  combine: (rows: unknown[]) => unknown,
): Transducer {
  let rows: unknown[] = [];
  const emit = (out: unknown[]) => {
    const group = rows;
    rows = [];
    try {
      out.push(combine(group));
    } finally {
      disposeElements(group);
    }
  };
  return {
    push(e, out) {
      rows.push(e);
      if (rows.length === size) emit(out);
      return true;
    },
    flush(out) {
      if (rows.length > 0 && !dropRemainder) emit(out);
    },
    close() {
      disposeElements(rows);
      rows = [];
    },
  };
}

/** `unbatch`: every row of every element. */
export function splitTransducer(split: (e: unknown) => unknown[]): Transducer {
  return {
    push(e, out) {
      try {
        out.push(...split(e));
      } finally {
        disposeElements([e]);
      }
      return true;
    },
    flush() {},
    close() {},
  };
}

/**
 * `shuffle`: tf.data's buffered shuffle — fill a buffer, emit a random slot
 * and put the next element in its place; drain at random at the end.
 */
export function shuffleTransducer(bufferSize: number, next: () => number): Transducer {
  const buffer: unknown[] = [];
  const pick = () => Math.floor(next() * buffer.length);
  return {
    push(e, out) {
      if (buffer.length < bufferSize) {
        buffer.push(e);
        return true;
      }
      const j = pick();
      out.push(buffer[j]);
      buffer[j] = e;
      return true;
    },
    flush(out) {
      while (buffer.length > 0) {
        const j = pick();
        out.push(buffer[j]);
        buffer[j] = buffer[buffer.length - 1];
        buffer.pop();
      }
    },
    close() {
      disposeElements(buffer);
      buffer.length = 0;
    },
  };
}
