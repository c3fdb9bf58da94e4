/**
 * Recycling of large output buffers. A fresh multi-megabyte Float32Array
 * costs its zeroing and a page fault per 4 KB on first write — about a fifth
 * of a 1024×1024 matrix product's time. kerno's kernels take their outputs
 * from this pool, and the backend returns them when the tensor's data is
 * freed.
 *
 * Only buffers this pool handed out are ever recycled, and only while they
 * are known to be private to one tensor: a buffer that leaves the backend
 * (read with `dataSync`, handed to the optimizers) or that another tensor
 * starts to alias (a kernel storing it, or a view of it, under a second
 * tensor) is marked escaped and left to the garbage collector.
 *
 * @module
 */

/** Smallest buffer worth pooling (64 KB); smaller ones are cheap to allocate. */
const MIN_FLOATS = 1 << 14;
/** Upper bound on pooled memory, in floats (128 MB). */
const MAX_POOLED_FLOATS = 1 << 25;
/**
 * At most this many idle buffers of one size. A training step can hold many
 * of one size at once (the transformer workload: more than 16 of [2560, 64]
 * saved for its backward pass); at 8 its steps missed the pool 16 times
 * each, 10 MB of fresh zeroed pages a step.
 */
const MAX_PER_SIZE = 32;

const idle = new Map<number, Float32Array[]>();
let idleFloats = 0;
/** Handed out, not yet stored under a tensor. */
const fresh = new WeakSet<Float32Array>();
/** Stored under exactly one tensor, by buffer. */
const owned = new WeakMap<ArrayBufferLike, Float32Array>();

/**
 * A buffer of `n` floats with unspecified contents: the caller must write
 * every element.
 *
 * @param n The length.
 * @returns A recycled or new buffer.
 */
export function allocate(n: number): Float32Array {
  if (n < MIN_FLOATS) return new Float32Array(n);
  const list = idle.get(n);
  const reused = list?.pop();
  if (reused !== undefined) {
    idleFloats -= n;
    fresh.add(reused);
    return reused;
  }
  const created = new Float32Array(n);
  fresh.add(created);
  return created;
}

/**
 * A buffer of `n` zeros.
 *
 * @param n The length.
 * @returns A recycled (cleared) or new buffer.
 */
export function allocateZeroed(n: number): Float32Array {
  const list = idle.get(n);
  if (n < MIN_FLOATS || list === undefined || list.length === 0) return allocate(n);
  return allocate(n).fill(0);
}

/**
 * Tells the pool that `values` is being stored as a tensor's data.
 *
 * @param values The stored values.
 */
export function noteStored(values: unknown): void {
  if (!(values instanceof Float32Array)) return;
  if (fresh.has(values)) {
    fresh.delete(values);
    owned.set(values.buffer, values);
  } else if (owned.has(values.buffer)) {
    owned.delete(values.buffer); // aliased by a second tensor
  }
}

/**
 * Tells the pool that `values` may be referenced outside the backend.
 *
 * @param values The values handed out.
 */
export function noteEscaped(values: unknown): void {
  if (values instanceof Float32Array) owned.delete(values.buffer);
}

/**
 * Returns a tensor's freed values to the pool when they are the pool's own
 * and private.
 *
 * @param values The freed tensor's values.
 */
export function release(values: unknown): void {
  if (!(values instanceof Float32Array) || owned.get(values.buffer) !== values) return;
  owned.delete(values.buffer);
  const n = values.length;
  const list = idle.get(n) ?? [];
  if (list.length >= MAX_PER_SIZE || idleFloats + n > MAX_POOLED_FLOATS) return;
  list.push(values);
  idle.set(n, list);
  idleFloats += n;
}

/**
 * Drops every idle buffer (for tests and memory pressure).
 */
export function drainPool(): void {
  idle.clear();
  idleFloats = 0;
}

/**
 * The number of floats held by idle buffers.
 *
 * @returns The pooled floats.
 */
export function pooledFloats(): number {
  return idleFloats;
}
