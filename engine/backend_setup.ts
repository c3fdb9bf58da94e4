/**
 * Chooses the tensor backend once, when kerno is first imported: the
 * `KERNO_BACKEND` environment variable when set, else kerno's BLAS backend
 * when `--allow-ffi` is granted and a CBLAS library loads, else TensorFlow.js's
 * `cpu` backend with one line saying why. `setBackend` changes it later.
 *
 * Imported for its effect by the modules every model needs (layers,
 * optimizers, losses, metrics), so that each entry point gets the same choice.
 *
 * @module
 */
import { initBackend } from "../backend/select.ts";

await initBackend();
