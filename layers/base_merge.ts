/**
 * BaseMerge: the base of the merge layers (Keras's `Merge`): the checks of
 * a list of inputs, the shape rules of element-wise merges (broadcasting,
 * inputs of lower rank expanded at axis 1) and their mask rule.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  formatShape,
  type InputMasks,
  type InputShapes,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";

/** `(None, 3) and (None, 4)`: the shapes of a message. */
export function shapesText(shapes: Shape[]): string {
  const shown = shapes.map(formatShape);
  return shown.length === 2 ? `${shown[0]} and ${shown[1]}` : shown.join(", ");
}

/**
 * The base of the merge layers: called on an array of tensors
 * (`layer.apply([a, b])`), it checks their count and shapes, and an
 * element-wise merge broadcasts them as Keras does (sizes of 1 stretch; an
 * input of lower rank gets axes of size 1 after the batch axis). Masks:
 * the output is masked where any input with a mask is masked (the masks
 * are ANDed).
 */
export abstract class BaseMerge extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];

  /** The keys of `LayerOptions`. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /** The fewest inputs the layer takes. */
  protected minInputs: number = 2;
  /** The most inputs the layer takes. */
  protected maxInputs: number = Infinity;

  /**
   * Creates the layer.
   *
   * @param options The base layer's options (name, trainable).
   */
  constructor(options: LayerOptions = {}) {
    super(
      layerOptions(new.target.name, options, noPositional, `new ${new.target.name}({ name })`),
    );
    this.supportsMasking = true;
  }

  /** The merge of inputs of one rank (broadcastable against each other). */
  protected abstract merge(inputs: tf.Tensor[]): tf.Tensor;

  /** Checks the inputs' count and that their shapes broadcast together. */
  override build(inputShape: InputShapes): void {
    this.elementwiseShape(this.checkShapes(inputShape));
  }

  /** Merges the inputs, expanding lower-rank ones at axis 1 first. */
  override call(inputs: tf.Tensor[], _options: CallOptions<(tf.Tensor | null)[]>): tf.Tensor {
    const shapes = this.checkShapes(inputs.map((x) => x.shape));
    this.elementwiseShape(shapes, true);
    const rank = Math.max(...inputs.map((x) => x.rank));
    const expanded = inputs.map((x) => {
      if (x.rank === rank) return x;
      const ones = new Array<number>(rank - x.rank).fill(1);
      return tf.reshape(x, [x.shape[0], ...ones, ...x.shape.slice(1)]);
    });
    return this.merge(expanded);
  }

  /** The AND of the inputs' masks (those that have one); `null` when none has. */
  override computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    if (!Array.isArray(mask)) return null;
    const present = mask.filter((m): m is tf.Tensor => m !== null);
    if (present.length === 0) return null;
    return present.slice(1).reduce((a, m) => tf.logicalAnd(a, m), present[0]);
  }

  /** The broadcast shape of the inputs, computed without running the layer. */
  override computeOutputShape(inputShape: InputShapes): Shape {
    const out = this.elementwiseShape(this.checkShapes(inputShape));
    return [null, ...out.slice(1)];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig() };
  }

  /** The input shapes as a list, or an error saying what the layer takes. */
  protected checkShapes(inputShape: InputShapes | number[][]): Shape[] {
    const name = this.constructor.name;
    const what = `Cannot apply ${this.name} (${name})`;
    const count = this.minInputs === this.maxInputs
      ? `exactly ${this.minInputs}`
      : `at least ${this.minInputs}`;
    const how = `call it on an array: new layers.${name}().apply([a, b])`;
    if (!Array.isArray(inputShape)) {
      throw new TypeError(
        `${what} as it takes an array of ${count} tensors: received a record (keys ${
          Object.keys(inputShape).join(", ")
        }); ${how}`,
      );
    }
    if (inputShape.length === 0 || !Array.isArray(inputShape[0])) {
      throw new TypeError(
        `${what} as it takes an array of ${count} tensors: received one tensor of shape ${
          formatShape(inputShape as Shape)
        }; ${how}`,
      );
    }
    const shapes = inputShape as Shape[];
    if (shapes.length < this.minInputs || shapes.length > this.maxInputs) {
      throw new RangeError(
        `${what} as it takes ${count} inputs: received ${shapes.length} (${shapesText(shapes)})`,
      );
    }
    return shapes;
  }

  /**
   * The shape of the element-wise merge of `shapes`: aligned from the last
   * axis, sizes must be equal or 1 (unknown sizes give unknown). The batch
   * axis is checked only on real batches (`concrete`): sizes must be equal
   * or 1.
   */
  protected elementwiseShape(shapes: Shape[], concrete = false): Shape {
    let out = shapes[0].slice(1);
    for (let i = 1; i < shapes.length; i++) {
      const next = broadcast(out, shapes[i].slice(1));
      if (next === null) this.#incompatible(shapes[0], shapes[i], shapes);
      out = next;
    }
    if (concrete) {
      const sizes = new Set(shapes.map((s) => s[0]).filter((d) => d !== 1));
      if (sizes.size > 1) {
        const [a, b] = [...sizes];
        const first = shapes.find((s) => s[0] === a)!;
        const second = shapes.find((s) => s[0] === b)!;
        throw new RangeError(
          `Cannot apply ${this.name} (${this.constructor.name}) as its inputs' batch sizes differ: [${first}] and [${second}] (batch sizes must be equal, or 1 to broadcast)`,
        );
      }
    }
    return [null, ...out];
  }

  #incompatible(first: Shape, other: Shape, all: Shape[]): never {
    const rest = all.length > 2 ? ` (all inputs: ${shapesText(all)})` : "";
    throw new RangeError(
      `Cannot apply ${this.name} (${this.constructor.name}) as the input shapes ${
        shapesText([first, other])
      } cannot be merged element-wise: sizes must be equal or 1 on every axis, counted from the last${rest}`,
    );
  }
}

/**
 * The inputs broadcast to their common shape, for ops whose TensorFlow.js
 * gradient does not reduce over broadcast axes (`maximum`, `minimum`).
 *
 * @param inputs Tensors of one rank, broadcastable together.
 * @returns Tensors of the common shape.
 */
export function broadcastAll(inputs: tf.Tensor[]): tf.Tensor[] {
  const shape = inputs[0].shape.map((_, axis) => Math.max(...inputs.map((x) => x.shape[axis])));
  return inputs.map((x) => (tf.util.arraysEqual(x.shape, shape) ? x : tf.broadcastTo(x, shape)));
}

/** Numpy-style broadcast of two shapes (no batch axis); `null` when they do not fit. */
function broadcast(a: Shape, b: Shape): Shape | null {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const out = long.slice(0, long.length - short.length);
  for (let i = 0; i < short.length; i++) {
    const x = long[long.length - short.length + i];
    const y = short[i];
    if (x === null || y === null) out.push(x === 1 ? y : y === 1 ? x : null);
    else if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else return null;
  }
  return out;
}
