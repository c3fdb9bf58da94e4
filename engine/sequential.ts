/**
 * `Sequential`: a plain stack of layers, each feeding the next.
 *
 * @module
 */
import {
  type CallOptions,
  describe,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
} from "./layer.ts";
import type { tf } from "./tf.ts";
import { Model } from "./model.ts";
import type { InputShapes, Shape } from "./layer.ts";
import { removeNode, SymbolicTensor } from "./symbolic.ts";
import { InputLayer, isInputTensor } from "./input_layer.ts";
import { Graph } from "./functional.ts";

/**
 * A model that applies its layers in order. When the first layer has an
 * `inputShape`, the model is built at once (so `summary()` works before
 * training); otherwise at its first call.
 *
 * @example
 * ```ts
 * import { layers, Sequential } from "../mod.ts";
 * const model = new Sequential([
 *   new layers.Dense(8, { activation: "relu", inputShape: [4] }),
 *   new layers.Dense(1, { activation: "sigmoid" }),
 * ]);
 * model.summary();
 * ```
 */
export class Sequential extends Model {
  #layers: Layer[] = [];
  /** The input, once the input shape is known (given, or from the first data). */
  #input: SymbolicTensor | null = null;
  /** Each layer's symbolic output, parallel to `#layers`, once built. */
  #outputs: SymbolicTensor[] = [];
  #graph: Graph | null = null;

  /** The keys of `LayerOptions`: a model's own options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a stack of `layers` (first to last) with the given name and
   * trainability. The first item may be an `Input(...)` or an `InputLayer`,
   * giving the input's shape.
   * @param layers The layers, first to last.
   * @param options Name and trainability.
   */
  constructor(layers: (Layer | SymbolicTensor)[] = [], options: LayerOptions = {}) {
    super(options);
    if (!Array.isArray(layers)) {
      throw new TypeError(
        `Cannot create Sequential as "layers" must be an array of layers: received ${
          describe(layers)
        }`,
      );
    }
    for (const layer of layers) this.add(layer);
  }

  /** The layers, first to last (an input layer is not listed, as in Keras). */
  override get layers(): Layer[] {
    return [...this.#layers];
  }

  /** The layers, first to last (what the weights are collected from). */
  override get trackedLayers(): Layer[] {
    return [...this.#layers];
  }

  /**
   * Appends a layer. An `Input(...)` or `InputLayer`, first, sets the
   * input's shape instead.
   *
   * @param layer The layer.
   */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor || layer instanceof InputLayer) {
      return this.#setInput(layer);
    }
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `Cannot add to ${this.name} as "layer" must be a Layer: received ${describe(layer)}`,
      );
    }
    if (this.#layers.includes(layer)) {
      throw new TypeError(`Cannot add ${layer.name} to ${this.name} twice`);
    }
    const namesake = this.#layers.find((l) => l.name === layer.name);
    if (namesake) {
      throw new TypeError(
        `Cannot add ${layer.name} (${layer.constructor.name}) to ${this.name} as it already has a layer of that name (${namesake.constructor.name}): layer names in a model must be unique`,
      );
    }
    if ((this.#layers.length > 0 || this.#input) && layer.batchInputShape) {
      throw new TypeError(
        `Cannot add ${layer.name} with an "inputShape" to ${this.name}: only the first layer takes one${
          this.#input ? " (this model already starts with an Input)" : ""
        }`,
      );
    }
    this.#layers.push(layer);
    if (this.#input) {
      this.#extend();
    } else if (this.#layers[0].batchInputShape) {
      this.#setInput(new InputLayer({ batchShape: this.#layers[0].batchInputShape! }));
    }
  }

  /** Starts the stack at an input (given, or made from the first layer's `inputShape`). */
  #setInput(input: SymbolicTensor | InputLayer, fromData = false): void {
    if (this.#input || (!fromData && this.#layers.length > 0 && !this.#layers[0].batchInputShape)) {
      throw new TypeError(
        `Cannot add an input to ${this.name} after its layers${
          this.#input ? " or a second time" : ""
        }: an Input or InputLayer goes first`,
      );
    }
    const tensor = input instanceof InputLayer ? input.output : input;
    if (!isInputTensor(tensor)) {
      throw new TypeError(
        `Cannot start ${this.name} at ${tensor} as it is not an Input: pass Input({ shape }) or a layers.InputLayer, or use a functional Model for inner tensors`,
      );
    }
    this.#input = tensor;
    this.#extend(fromData);
  }

  /**
   * Calls the layers not yet called on the symbolic input, in order. When
   * one fails: a layer being added is not added; a build from the first
   * data leaves the model as it was (unbuilt, every layer kept).
   */
  #extend(fromData = false): void {
    this.#graph = null;
    if (this.#layers.length === 0) {
      this.buildInputShape = this.#input!.shape;
      this.built = true;
      return;
    }
    const outputs = this.#outputs;
    const start = outputs.length;
    try {
      for (let i = outputs.length; i < this.#layers.length; i++) {
        outputs.push(this.#layers[i].apply(i === 0 ? this.#input! : outputs[i - 1]));
      }
    } catch (e) {
      if (fromData) {
        for (const out of outputs.splice(start)) removeNode(out.node);
        this.#input = null;
      } else {
        this.#layers.length = outputs.length; // the layer that failed is not added
      }
      throw e;
    }
    this.buildInputShape = this.#input!.shape;
    this.built = true;
    this.outputShape = outputs[outputs.length - 1].shape;
  }

  /**
   * Builds the stack from an input shape (the first data's when no input
   * was given).
   *
   * @param inputShape The input shape, batch axis `null`.
   */
  override build(inputShape: InputShapes): void {
    if (this.#input) return;
    if (!Array.isArray(inputShape) || Array.isArray(inputShape[0])) {
      throw new TypeError(
        `Cannot build ${this.name} as a Sequential model takes one input: received the shapes ${
          JSON.stringify(inputShape)
        }`,
      );
    }
    this.#setInput(new InputLayer({ batchShape: [null, ...(inputShape as Shape).slice(1)] }), true);
  }

  /**
   * Removes the last layer.
   *
   * @returns The removed layer.
   */
  pop(): Layer {
    const layer = this.#layers.pop();
    if (!layer) throw new RangeError(`Cannot pop from ${this.name} as it has no layers`);
    if (this.#outputs.length > this.#layers.length) {
      this.#outputs.pop();
      this.#graph = null;
      const last = this.#outputs[this.#outputs.length - 1];
      this.outputShape = last ? last.shape : this.#input?.shape ?? null;
    }
    return layer;
  }

  /** The graph from the input to the last layer, once the input shape is known. @internal */
  override symbolicGraph(): Graph | null {
    if (!this.#input) return null;
    const output = this.#outputs[this.#outputs.length - 1] ?? this.#input;
    // One input and one output, as Keras's Sequential (`model.input` is the Input itself).
    return this.#graph ??= new Graph(this.name, this.#input, output);
  }

  /** Applies the layers in order, passing any mask along. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (this.#layers.length === 0) {
      throw new TypeError(`Cannot call ${this.name} as it has no layers: add some first`);
    }
    let x = inputs;
    this.#layers.forEach((layer, i) => {
      x = layer.apply(x, i === 0 && options.mask ? options : { training: options.training });
    });
    return x;
  }

  /** The configuration: the base options plus each layer's class name and config. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layers: this.#layers.map((l) => ({ className: l.constructor.name, config: l.getConfig() })),
    };
  }
}
