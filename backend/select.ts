/**
 * Choosing the backend: `setBackend` / `getBackend` by name, and
 * `initBackend`, which picks kerno's backend when it can run at full speed
 * and says in one line why not otherwise.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME, registerKernoBackend } from "./kerno_backend.ts";
import { loadBlas, readEnv } from "./_blas.ts";
import { registerAsyncReadBackend } from "../engine/_reads.ts";

/** TensorFlow.js's WebGPU backend's name. */
const WEBGPU = "webgpu";
// Its synchronous reads go through an OffscreenCanvas, which Deno lacks: the
// training loop reads it asynchronously.
registerAsyncReadBackend(WEBGPU);

/** The backend names kerno knows about; any registered name is accepted. */
export type BackendName = "kerno" | "cpu" | "webgpu" | "wasm";

/**
 * The names of every backend registered with TensorFlow.js.
 *
 * @returns The names, e.g. `["cpu", "kerno"]`.
 */
export function registeredBackends(): string[] {
  registerKernoBackend();
  return Object.keys(tf.engine().registryFactory);
}

/**
 * Makes a registered backend the active one.
 *
 * @param name `"kerno"`, `"cpu"`, `"webgpu"`, `"wasm"` or any other registered backend.
 * @returns A promise that resolves once the backend is ready.
 * @throws {TypeError} When no backend of that name is registered.
 * @throws {Error} When the backend is registered but fails to start.
 * @example
 * ```ts
 * import { getBackend, setBackend } from "./select.ts";
 * await setBackend("cpu");
 * console.log(getBackend()); // "cpu"
 * ```
 */
export async function setBackend(name: BackendName | string): Promise<void> {
  if (name === WEBGPU) await registerWebgpu();
  const names = registeredBackends();
  if (!names.includes(name)) {
    throw new TypeError(
      `Cannot set the backend as "${name}" is not registered: expected one of ${
        names.map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  const ready = await tf.setBackend(name);
  if (!ready && name === WEBGPU) {
    throw new Error(
      `Cannot set the backend as "webgpu" failed to initialize: navigator.gpu.requestAdapter() found no adapter (on Linux, install a Vulkan driver, e.g. apt-get install mesa-vulkan-drivers)`,
    );
  }
  if (!ready) throw new Error(`Cannot set the backend as "${name}" failed to initialize`);
  if (name === WEBGPU) {
    const { installQueuedUploads } = await import("./webgpu/queued_uploads.ts");
    installQueuedUploads(tf.backend() as unknown as Parameters<typeof installQueuedUploads>[0]);
  }
}

/**
 * Registers TensorFlow.js's WebGPU backend (loaded on first use) when Deno
 * has `navigator.gpu`, and kerno's fused update rules for it (`setBackend`
 * then makes its uploads queued writes: `webgpu/queued_uploads.ts`).
 */
async function registerWebgpu(): Promise<void> {
  if (!(WEBGPU in tf.engine().registryFactory)) {
    if (!("gpu" in navigator)) {
      throw new TypeError(
        `Cannot set the backend as "webgpu" needs WebGPU (navigator.gpu), which this runtime lacks: received Deno ${Deno.version.deno}`,
      );
    }
    await import("@tensorflow/tfjs-backend-webgpu");
  }
  const { registerWebgpuFusedUpdates } = await import("./webgpu/fused_updates.ts");
  registerWebgpuFusedUpdates();
}

/** What {@link webgpuAdapter} found. */
export interface AdapterDescription {
  /** The adapter's description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"` or the GPU's name. */
  description: string;
  /** Whether it is a fallback (software) adapter. */
  isFallbackAdapter: boolean;
  /** `GPUAdapterInfo.vendor`, as the driver gives it (empty when it gives none). */
  vendor: string;
  /** `GPUAdapterInfo.architecture` (often empty). */
  architecture: string;
  /** `GPUAdapterInfo.device` (often empty or a number). */
  device: string;
}

/**
 * The WebGPU adapter Deno offers (`navigator.gpu.requestAdapter()`), if any.
 *
 * @returns Its description, or `null` when there is no WebGPU or no adapter.
 * @example
 * ```ts
 * import { webgpuAdapter } from "./select.ts";
 * const adapter = await webgpuAdapter();
 * console.log(adapter?.description ?? "no WebGPU adapter");
 * ```
 */
export async function webgpuAdapter(): Promise<AdapterDescription | null> {
  if (!("gpu" in navigator)) return null;
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter === null) return null;
    const info = adapter.info;
    const description = info.description || [info.vendor, info.architecture, info.device]
      .filter((v) => v).join(" ") ||
      "unnamed adapter";
    return {
      description,
      isFallbackAdapter: info.isFallbackAdapter,
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
    };
  } catch {
    return null;
  }
}

/**
 * The active backend's name.
 *
 * @returns e.g. `"kerno"` or `"cpu"`.
 */
export function getBackend(): string {
  return tf.getBackend();
}

/**
 * Whether this machine may have a GPU for WebGPU to offer as a hardware
 * adapter. On Linux that needs a device node: a DRM render node
 * (`/dev/dri/renderD*`), an NVIDIA device (`/dev/nvidia0`, …) or WSL's
 * `/dev/dxg`; without one, WebGPU can offer only a software adapter, which
 * the automatic choice does not take, and asking for it loads a Vulkan
 * driver into the process for nothing (with Mesa's llvmpipe, a `deno test`
 * run whose many files each asked aborted at exit one time in two with
 * "double free or corruption", a crash of Deno's WebGPU, not of kerno).
 * Elsewhere, or without permission to read `/dev`, `true`: ask WebGPU.
 *
 * @returns `false` only when a hardware adapter cannot exist.
 */
function mayHaveHardwareGpu(): boolean {
  if (Deno.build.os !== "linux") return true;
  if (Deno.permissions.querySync({ name: "read", path: "/dev" }).state !== "granted") return true;
  try {
    for (const entry of Deno.readDirSync("/dev")) {
      if (entry.name === "dxg" || /^nvidia\d+$/.test(entry.name)) return true;
    }
  } catch {
    return true;
  }
  try {
    for (const entry of Deno.readDirSync("/dev/dri")) {
      if (entry.name.startsWith("renderD")) return true;
    }
  } catch {
    // No /dev/dri: no render node.
  }
  return false;
}

/** What {@link initBackend} chose. */
export interface BackendChoice {
  /** The backend now active. */
  backend: string;
  /** Why kerno's backend was not chosen, when it was not. */
  reason?: string;
}

let explained = false;

/**
 * Picks the backend: `KERNO_BACKEND` when set (and readable with
 * `--allow-env`); else `"webgpu"` when Deno offers a hardware (not fallback)
 * WebGPU adapter (not asked for on Linux when no GPU device node exists); else `"kerno"` when `--allow-ffi` is granted and a CBLAS
 * opens; else `"cpu"`. Choosing `"webgpu"` or `"cpu"` prints one line (once
 * per process) saying why.
 *
 * @returns The chosen backend and, when it is not kerno's, the reason.
 * @example
 * ```ts
 * import { initBackend } from "./select.ts";
 * const { backend } = await initBackend();
 * console.log(backend); // "kerno" with --allow-ffi and OpenBLAS, else "cpu"
 * ```
 */
export async function initBackend(): Promise<BackendChoice> {
  const requested = readEnv("KERNO_BACKEND");
  if (requested !== undefined) {
    await setBackend(requested);
    if (requested === WEBGPU) {
      const adapter = await webgpuAdapter();
      explain(
        `kerno: using the "webgpu" backend (KERNO_BACKEND) on ${
          adapter?.description ?? "an unnamed adapter"
        }${adapter?.isFallbackAdapter ? ", a software (fallback) adapter: slow" : ""}`,
      );
    }
    return { backend: requested };
  }
  const adapter = mayHaveHardwareGpu() ? await webgpuAdapter() : null;
  if (adapter !== null && !adapter.isFallbackAdapter) {
    await setBackend(WEBGPU);
    const reason =
      `kerno: using the "webgpu" backend on ${adapter.description}, a hardware WebGPU adapter (KERNO_BACKEND=kerno trains on the CPU)`;
    explain(reason);
    return { backend: WEBGPU, reason };
  }
  const blas = loadBlas();
  if (typeof blas !== "string") {
    await setBackend(KERNO_BACKEND_NAME);
    return { backend: KERNO_BACKEND_NAME };
  }
  await setBackend("cpu");
  const reason = `kerno: ${blas}; using the "cpu" backend`;
  explain(reason);
  return { backend: "cpu", reason };
}

/** Prints the line saying which backend was chosen and why, once per process. */
function explain(line: string): void {
  if (explained) return;
  explained = true;
  console.warn(line);
}
