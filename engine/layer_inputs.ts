/**
 * Internal: the structures a layer can be called on. `layer.apply` takes one
 * tensor, an array of tensors (merge layers: `add.apply([a, b])`) or a
 * record of them (`{ title, body }`), and hands `build` the shapes,
 * `call` the tensors and `computeMask` the masks in that same structure,
 * as Keras does (`build(input_shape)` gets a list of shapes for a list).
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Shape } from "./layer.ts";
import { describe } from "./format.ts";

/** What a layer is called on: one tensor, an array of tensors, or a record of them. */
export type LayerInputs = tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;

/** Input shapes in the structure of the inputs (batch axis `null`). */
export type InputShapes = Shape | Shape[] | Record<string, Shape>;

/** Several inputs' shapes: an array or a record of them. */
export type ShapeStructure = Shape[] | Record<string, Shape>;

/** Input masks in the structure of the inputs; `null` where an input has none. */
export type InputMasks =
  | tf.Tensor
  | null
  | (tf.Tensor | null)[]
  | Record<string, tf.Tensor | null>;

/** An array or a record of values, as the several inputs of a layer are held. */
export type Structure<T> = T[] | Record<string, T>;

/**
 * Applies `f` to every item of an array or record, keeping the structure.
 *
 * @param items An array or a record.
 * @param f The function, given each item and its key (`"0"`, `"1"`, … for arrays).
 * @returns The results, in the same structure.
 */
export function mapStructure<T, U>(
  items: Structure<T>,
  f: (item: T, key: string) => U,
): Structure<U> {
  if (Array.isArray(items)) return items.map((item, i) => f(item, String(i)));
  const out: Record<string, U> = {};
  for (const [key, item] of Object.entries(items)) out[key] = f(item, key);
  return out;
}

/**
 * The items of an array or a record, in order.
 *
 * @param items An array or a record.
 * @returns Its values.
 */
export function structureValues<T>(items: Structure<T>): T[] {
  return Array.isArray(items) ? items : Object.values(items);
}

/**
 * Checks that `inputs` is a non-empty array or plain record of tensors.
 *
 * @param what The layer, for the message (`add (Add)`).
 * @param inputs What `apply` received.
 * @returns The inputs, typed.
 */
export function checkInputStructure(what: string, inputs: unknown): Structure<tf.Tensor> {
  const want = "a tf.Tensor, an array of tf.Tensors, or a record of them";
  const isRecord = inputs !== null && typeof inputs === "object" &&
    Object.getPrototypeOf(inputs) === Object.prototype;
  if (!Array.isArray(inputs) && !isRecord) {
    throw new TypeError(
      `Cannot apply ${what} as "inputs" must be ${want}: received ${describe(inputs)}`,
    );
  }
  const items = Object.entries(inputs as object);
  if (items.length === 0) {
    throw new RangeError(`Cannot apply ${what} as "inputs" is empty: pass ${want}`);
  }
  for (const [key, item] of items) {
    if (!(item instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot apply ${what} as input ${JSON.stringify(key)} must be a tf.Tensor: received ${
          describe(item)
        }`,
      );
    }
  }
  return inputs as Structure<tf.Tensor>;
}

/**
 * Whether `shapes` is several inputs' shapes (an array of shapes or a
 * record) rather than one shape.
 *
 * @param shapes One shape or a structure of them.
 * @returns `true` for an array of arrays or a record.
 */
export function isShapeStructure(shapes: unknown): shapes is ShapeStructure {
  if (Array.isArray(shapes)) return shapes.length > 0 && Array.isArray(shapes[0]);
  return shapes !== null && typeof shapes === "object";
}

/**
 * Zeros of the given shape(s), unknown (`null`) axes taken as `size`.
 *
 * @param shapes One shape, or an array or record of them.
 * @param size The size of unknown axes. @default 1
 * @returns A tensor, or tensors in the same structure.
 */
export function zerosFor(shapes: InputShapes, size = 1): LayerInputs {
  const zeros = (s: Shape) => tf.zeros(s.map((d) => d ?? size));
  return isShapeStructure(shapes) ? mapStructure(shapes, zeros) as LayerInputs : zeros(shapes);
}
