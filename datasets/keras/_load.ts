/**
 * Internal: reads a data set's file from `{ path }` or from the cache
 * (downloading it first), and builds int32 tensors from bytes.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { cachedFile, type RemoteFile, type ResolvedDownload } from "./_files.ts";

/** The folder on Keras's server that holds most of the standard data sets. */
export const KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

/**
 * The bytes of one of a data set's files: `options.path` when given (for a
 * data set of several files, the folder that holds them under their
 * original names), else the cached copy, downloaded when missing.
 *
 * @param what The data set, for messages.
 * @param file The file.
 * @param options The checked download options.
 * @param pathIsFolder Whether `options.path` names a folder.
 * @returns The file's bytes and the path they were read from.
 */
export async function fileBytes(
  what: string,
  file: RemoteFile,
  options: ResolvedDownload,
  pathIsFolder = false,
): Promise<{ bytes: Uint8Array; path: string }> {
  const base = file.name.slice(file.name.lastIndexOf("/") + 1);
  const path = options.path === undefined
    ? await cachedFile(what, file, options)
    : pathIsFolder
    ? `${options.path}/${base}`
    : options.path;
  try {
    return { bytes: await Deno.readFile(path), path };
  } catch (error) {
    throw new TypeError(
      `Cannot load ${what} as ${path} cannot be read: ${(error as Error).message}${
        options.path === undefined ? "" : ` (it should be ${file.url}, as downloaded)`
      }`,
      { cause: error },
    );
  }
}

/**
 * An int32 tensor from unsigned bytes (TensorFlow.js has no uint8 dtype).
 *
 * @param values The bytes.
 * @param shape The tensor's shape.
 * @returns The tensor.
 */
export function int32Tensor(values: ArrayLike<number>, shape: number[]): tf.Tensor {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return tf.tensor(out, shape, "int32");
}
