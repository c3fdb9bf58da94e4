/**
 * Workspaces for the compiled WebAssembly kernels (`tools/wasm/*.as`,
 * built into `backend/_*_wasm.ts`): one memory per operation, sized for it
 * and laid out by name, so the kernels, the BLAS products (which read and
 * write the same bytes through Deno's foreign function interface) and the
 * gradient that runs later all share it. A module that exports `init`
 * has it run once, on instantiation. A released workspace's memory goes
 * back to a small pool and is reused (grown when too small), because the
 * first touch of fresh pages costs more than the kernels themselves; a
 * reused memory is not zeroed. One never released (a gradient that was
 * recorded but never asked for) is left to the garbage collector.
 *
 * @module
 */

import { tf } from "../engine/tf.ts";
import { allocate } from "./_buffer_pool.ts";
import { f32 } from "./kernels/_util.ts";
import { WASM_BASE64 as SHARED_KERNELS } from "./_kernels_shared_wasm.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

const modules = new Map<string, WebAssembly.Module>();

function compiled(base64: string): WebAssembly.Module {
  let module = modules.get(base64);
  if (module === undefined) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    module = new WebAssembly.Module(bytes);
    modules.set(base64, module);
  }
  return module;
}

/** A memory with named float32 regions, and the module's functions on it. */
export interface Workspace<K extends string> {
  /** The whole memory as floats. */
  f32: Float32Array;
  /** The whole memory as bytes. */
  u8: Uint8Array;
  /** Each region's first float (byte address ÷ 4). */
  at: Record<K, number>;
  /** A region as a view (no copy). */
  view(name: K): Float32Array;
  /** The module's exports. */
  fns: Record<string, (...args: number[]) => void>;
  /** The memory (shared when the module is {@link SHARED_KERNELS}: a second thread may run the kernels on it). */
  memory: WebAssembly.Memory;
  /** The module. */
  module: WebAssembly.Module;
  /** Gives the memory back to the pool: no view of it may be used after. */
  release(): void;
  /** Whether {@link Workspace.release} has run. */
  readonly released: boolean;
}

interface Instance {
  memory: WebAssembly.Memory;
  fns: Record<string, (...args: number[]) => void>;
}

/** The shared kernels' largest memory, in 64 KB pages (4 GiB, as their module declares). */
const SHARED_MAX_PAGES = 65536;
let sharedModule: WebAssembly.Module | undefined;

/** Released instances, per module; a few, as a sequence model holds one per recurrent layer. */
const pools = new Map<WebAssembly.Module, Instance[]>();
const POOL_SIZE = 8;

function take(module: WebAssembly.Module, pages: number): Instance {
  const pool = pools.get(module) ?? [];
  pools.set(module, pool);
  // The largest free one, grown if need be; else a new one.
  pool.sort((a, b) => a.memory.buffer.byteLength - b.memory.buffer.byteLength);
  const found = pool.pop();
  if (found !== undefined) {
    const have = found.memory.buffer.byteLength / 65536;
    if (have < pages) found.memory.grow(pages - have);
    return found;
  }
  const memory = sharedModule === module
    ? new WebAssembly.Memory({ initial: pages, maximum: SHARED_MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = instance.exports as unknown as Record<string, (...args: number[]) => void>;
  fns.init?.(); // a module's constants, where it keeps them in globals
  return { memory, fns };
}

/**
 * A memory holding the regions (each 16-byte aligned, after a 16-byte guard
 * so that no region has address 0, which the kernels read as "none"), with
 * the module instantiated on it. Its contents are undefined (a reused
 * memory keeps what it held).
 *
 * @param base64 The module's bytes, base64.
 * @param sizes Floats per region.
 * @returns The workspace.
 */
export function workspace<K extends string>(
  base64: string,
  sizes: Record<K, number>,
): Workspace<K> {
  const at = {} as Record<K, number>;
  let next = 4;
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = next;
    next += Math.ceil(sizes[name] / 4) * 4;
  }
  const module = compiled(base64);
  if (base64 === SHARED_KERNELS) sharedModule = module;
  const instance = take(module, Math.max(1, Math.ceil((next * 4) / 65536)));
  const f32 = new Float32Array(instance.memory.buffer);
  let released = false;
  return {
    get released() {
      return released;
    },
    f32,
    u8: new Uint8Array(instance.memory.buffer),
    at,
    view: (name) => f32.subarray(at[name], at[name] + sizes[name]),
    fns: instance.fns,
    memory: instance.memory,
    module,
    release: () => {
      if (released) return;
      released = true;
      const pool = pools.get(module)!;
      if (pool.length < POOL_SIZE) pool.push(instance);
    },
  };
}

/**
 * A float32 tensor's values as kerno's backend stores them, without
 * marking them as leaving the backend (as `dataSync` does, which keeps
 * them from being recycled): for a kernel that copies them into its
 * workspace at once and keeps no reference.
 *
 * @param t A float32 tensor.
 * @returns Its values (not a copy: read them, never write or keep them).
 */
export function peek(t: tf.Tensor): Float32Array {
  return f32(tf.backend() as MathBackendCPU, t) ?? t.dataSync() as Float32Array;
}

/**
 * Copies a region into a buffer of kerno's pool (recycled when the tensor
 * made from it is freed).
 *
 * @param view The region.
 * @returns A pooled copy.
 */
export function pooledCopy(view: Float32Array): Float32Array {
  const out = allocate(view.length);
  out.set(view);
  return out;
}
