/**
 * TensorFlow.js core, with gradients and the CPU backend registered.
 * The tensor engine: TensorFlow.js core with its CPU backend and every
 * gradient registered, set up for Deno.
 *
 * tfjs-core's npm package ships its gradient definitions only as ES modules
 * with extension-less imports, which Deno (like Node) cannot load; the
 * `@tensorflow/tfjs` bundle registers the same gradients into the same
 * tfjs-core instance, so it is imported here for that side effect alone.
 *
 * TensorFlow.js prints a "running in Node.js" banner on the CPU backend's
 * first write when `IS_NODE` is set; Deno is not Node and the advice does not
 * apply, so the flag is cleared before any tensor exists.
 *
 * @module
 */
import { env } from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs";

env().set("IS_NODE", false);

/** TensorFlow.js core, with every gradient and the CPU backend registered. */
export * as tf from "@tensorflow/tfjs-core";
