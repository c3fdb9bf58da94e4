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
  const names = registeredBackends();
  if (!names.includes(name)) {
    throw new TypeError(
      `Cannot set the backend as "${name}" is not registered: expected one of ${
        names.map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  const ready = await tf.setBackend(name);
  if (!ready) throw new Error(`Cannot set the backend as "${name}" failed to initialize`);
}

/**
 * The active backend's name.
 *
 * @returns e.g. `"kerno"` or `"cpu"`.
 */
export function getBackend(): string {
  return tf.getBackend();
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
 * `--allow-env`); else `"kerno"` when `--allow-ffi` is granted and a CBLAS
 * opens; else `"cpu"`, printing one line (once per process) saying why.
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
    return { backend: requested };
  }
  const blas = loadBlas();
  if (typeof blas !== "string") {
    await setBackend(KERNO_BACKEND_NAME);
    return { backend: KERNO_BACKEND_NAME };
  }
  await setBackend("cpu");
  const reason = `kerno: ${blas}; using the "cpu" backend`;
  if (!explained) {
    explained = true;
    console.warn(reason);
  }
  return { backend: "cpu", reason };
}
