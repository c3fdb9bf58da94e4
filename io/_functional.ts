/**
 * Functional models (`new Model({ inputs, outputs })`) as Keras JSON, and
 * back. Each layer is listed once with its calls (`inbound_nodes`), then
 * the model's `input_layers` and `output_layers`, as Keras 3's
 * `Functional.get_config` writes them (each call's arguments with
 * `__keras_tensor__` references `[layer, node, tensor]`) or as
 * TensorFlow.js Layers' `Container.getConfig` does (each call a list of
 * `[layer, node, tensor, kwargs]`). Loading creates the layers, then calls
 * each on symbolic tensors in an order where its inputs exist, and builds
 * the model between the listed inputs and outputs.
 *
 * A call's other options (`node.callArgs`: an RNN's `initialState`,
 * attention's `useCausalMask` or `attentionMask`) are written as Keras 3
 * writes them, in the call's `kwargs` with snake_case names and symbolic
 * tensors as `__keras_tensor__` references; `MultiHeadAttention`'s inputs
 * are separate arguments there (`args: [query, value, key]`), as Keras's
 * `call(query, value, key)` takes them. In TensorFlow.js's form, an RNN's
 * or a Bidirectional's initial states follow its input in the node's list
 * (`[x, h, c]`, TensorFlow.js's own way); other options go in the kwargs'
 * `kerno_call_args`, each symbolic tensor among them as
 * `{ kerno_input: i }`, the i-th entry of the node's list.
 *
 * A node index in a file counts only the calls that belong to that model
 * (a layer shared with another model may have other calls). A nested
 * model's index is one more than its call's position where the format says
 * so: TensorFlow.js and Keras 2 give every model a node of its own first
 * (every reference to a nested model is shifted), Keras 3 only shifts a
 * nested functional model in `input_layers` / `output_layers` (its
 * `functional_from_config` subtracts one there).
 *
 * @module
 */
import { LoadLimitError } from "../engine/_weight_budget.ts";
import type { Layer } from "../engine/layer.ts";
import { Model } from "../engine/model.ts";
import { InputLayer } from "../engine/input_layer.ts";
import { type Node, type SymbolicInputs, SymbolicTensor } from "../engine/symbolic.ts";
import type { SymbolicStructure } from "../engine/functional.ts";
import { type Dialect, type Json, toCamel, toSnake } from "./_keras_json.ts";
import { RNN } from "../layers/rnn.ts";
import { Bidirectional } from "../layers/bidirectional.ts";
import { MultiHeadAttention } from "../layers/multi_head_attention.ts";

/** A tensor's reference in a file: layer name, node index, tensor index. */
type Ref = [string, number, number];

/**
 * Whether a layer is a model with a functional graph of its own (Keras's
 * `Functional`; a `Sequential` model is not one).
 *
 * @param layer The layer.
 * @returns `true` for `new Model({ inputs, outputs })` (or a subclass built so).
 */
export function isFunctional(layer: Layer): layer is Model {
  return layer instanceof Model && layer.graph !== null;
}

/** How much a file's node index of `layer` exceeds its position among kerno's calls. */
function nodeShift(layer: Layer, dialect: Dialect, inOutputs: boolean): number {
  if (dialect === "tfjs") return layer instanceof Model ? 1 : 0;
  return inOutputs && isFunctional(layer) ? 1 : 0;
}

function describeLayer(layer: Layer): string {
  return `${layer.name} (${layer.constructor.name})`;
}

/**
 * The `config` of a functional model: `name`, `trainable`, `layers` (each
 * layer's entry with its `name` and `inbound_nodes`), `input_layers` and
 * `output_layers`. Keras 3 gives the inputs and outputs in the structure
 * the model was built with (one reference, a list, or a dict by name);
 * TensorFlow.js only takes lists, so kerno adds `kerno_inputs` /
 * `kerno_outputs` (which TensorFlow.js ignores) for an array of one or a
 * record.
 *
 * @param model The functional model.
 * @param dialect Which JSON to write.
 * @param entryOf Each layer's entry (class name and config), without name and nodes.
 * @returns The config.
 */
export function functionalConfig(
  model: Model,
  dialect: Dialect,
  entryOf: (layer: Layer) => Json,
): Json {
  const graph = model.graph!;
  const own = new Set<Node>(graph.nodes);
  graph.inputs.forEach((t, i) => {
    if (!(t.node.layer instanceof InputLayer)) {
      throw new TypeError(
        `Cannot save ${model.name} as its input ${
          JSON.stringify(graph.inputNames[i])
        } is the output of layer ${
          describeLayer(t.node.layer)
        }, not an Input: a saved functional model starts at Input(...) tensors`,
      );
    }
    own.add(t.node);
  });
  const nodeIndex = (node: Node, inOutputs: boolean) => {
    const nodes = node.layer.inboundNodes;
    const before = nodes.slice(0, nodes.indexOf(node)).filter((n) => own.has(n)).length;
    return nodeShift(node.layer, dialect, inOutputs) + before;
  };
  const ref = (t: SymbolicTensor, inOutputs: boolean): Ref => [
    t.node.layer.name,
    nodeIndex(t.node, inOutputs),
    t.index,
  ];
  const layers = graph.layers.map((layer) => {
    const entry = entryOf(layer);
    entry.name = layer.name;
    entry.inbound_nodes = layer.inboundNodes
      .filter((n) => own.has(n) && n.inputs !== null)
      .map((n) => nodeToKeras(n, dialect, (t) => ref(t, false)));
    return entry;
  });
  const io = (tensors: SymbolicTensor[], kind: string, names: string[]) => {
    const refs = tensors.map((t) => ref(t, true));
    if (dialect === "tfjs" || kind === "array") return refs;
    if (kind === "single") return refs[0];
    return Object.fromEntries(names.map((n, i) => [n, refs[i]]));
  };
  const config: Json = { name: model.name, trainable: model.trainable, layers };
  config.input_layers = io(graph.inputs, graph.inputKind, graph.inputNames);
  config.output_layers = io(graph.outputs, graph.outputKind, graph.outputNames);
  if (dialect === "tfjs") {
    if (model.trainable) delete config.trainable; // TensorFlow.js's own config has none
    const structure = (kind: string, names: string[]) =>
      kind === "record"
        ? { kind, keys: [...names] }
        : kind === "array" && names.length === 1
        ? { kind }
        : null;
    const inputs = structure(graph.inputKind, graph.inputNames);
    const outputs = structure(graph.outputKind, graph.outputNames);
    if (inputs) config.kerno_inputs = inputs;
    if (outputs) config.kerno_outputs = outputs;
  }
  return config;
}

/** Whether a value is a plain object (a record of call options), not a tensor or an array. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype;
}

/** A call option's value with each symbolic tensor replaced (into arrays and records). */
function mapTensors(value: unknown, f: (t: SymbolicTensor) => unknown): unknown {
  if (value instanceof SymbolicTensor) return f(value);
  if (Array.isArray(value)) return value.map((v) => mapTensors(v, f));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapTensors(v, f)]));
  }
  return value;
}

/** Whether a layer's call takes its inputs as separate arguments in Keras (`MultiHeadAttention`). */
function takesSeparateArgs(layer: Layer): boolean {
  return layer instanceof MultiHeadAttention;
}

/** Whether a layer takes its initial states after its input in TensorFlow.js's node lists. */
function takesStatesAsInputs(layer: Layer): boolean {
  return layer instanceof RNN || layer instanceof Bidirectional;
}

/** One call of a layer: Keras 3's `{ args, kwargs }`, or TensorFlow.js's list of references. */
function nodeToKeras(node: Node, dialect: Dialect, ref: (t: SymbolicTensor) => Ref): unknown {
  const inputs = node.inputs as SymbolicInputs;
  const kwargs: Json = node.training === undefined ? {} : { training: node.training };
  const callArgs = Object.entries(node.callArgs ?? {}).filter(([, v]) => v !== undefined);
  if (dialect === "keras3") {
    const kt = (t: SymbolicTensor): Json => ({
      class_name: "__keras_tensor__",
      config: { shape: [...t.shape], dtype: t.dtype, keras_history: ref(t) },
    });
    for (const [key, value] of callArgs) kwargs[toSnake(key)] = mapTensors(value, kt);
    if (Array.isArray(inputs) && takesSeparateArgs(node.layer)) {
      return { args: inputs.map(kt), kwargs }; // Keras's call(query, value, key)
    }
    const arg = inputs instanceof SymbolicTensor
      ? kt(inputs)
      : Array.isArray(inputs)
      ? inputs.map(kt)
      : Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, kt(t)]));
    return { args: [arg], kwargs };
  }
  let list: SymbolicTensor[];
  if (inputs instanceof SymbolicTensor) {
    list = [inputs];
  } else if (Array.isArray(inputs)) {
    list = [...inputs];
    if (inputs.length === 1) kwargs.kerno_input_list = true;
  } else {
    list = Object.values(inputs);
    kwargs.kerno_input_keys = Object.keys(inputs);
  }
  const [only] = callArgs;
  const states = callArgs.length === 1 && only[0] === "initialState" &&
      inputs instanceof SymbolicTensor && takesStatesAsInputs(node.layer)
    ? (only[1] instanceof SymbolicTensor ? [only[1]] : only[1])
    : null;
  if (Array.isArray(states) && states.every((t) => t instanceof SymbolicTensor)) {
    // TensorFlow.js's own form: the initial states after the input, [x, h, c].
    return [...list, ...states].map((t) => [...ref(t), kwargs]);
  }
  if (callArgs.length > 0) {
    const encoded: Json = {};
    for (const [key, value] of callArgs) {
      encoded[key] = mapTensors(value, (t) => {
        list.push(t);
        return { kerno_input: list.length - 1 };
      });
    }
    kwargs.kerno_call_args = encoded;
  }
  return list.map((t) => [...ref(t), kwargs]);
}

function asObject(value: unknown, what: string, file: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `Cannot load ${file} as ${what} must be an object: received ${
        JSON.stringify(value)?.slice(0, 80)
      }`,
    );
  }
  return value as Json;
}

/** A call waiting for its inputs: the layer and the node's data as stored. */
interface Pending {
  layer: Layer;
  name: string;
  nodes: unknown[];
}

/**
 * What a stored call resolves to: the inputs, `training` and the other call
 * options, or `null` while an input is missing.
 */
type Call = {
  inputs: SymbolicInputs;
  training?: boolean;
  callArgs?: Record<string, unknown>;
} | null;

/** Whether a value is null or a structure of nulls only (a mask Keras found none of). */
function allNull(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.every(allNull);
  if (isRecord(value)) return Object.values(value).every(allNull);
  return false;
}

/**
 * Rebuilds a functional model from its entry (`class_name` `"Functional"`
 * or `"Model"`, and a config with `layers`, `input_layers` and
 * `output_layers`), in Keras 3's form or TensorFlow.js's (Keras 2's).
 *
 * @param entry The model's entry.
 * @param file The file, for messages.
 * @param layerOf Creates a layer (or nested model) from its entry.
 * @returns The model, built.
 */
export function functionalFromKeras(
  entry: Json,
  file: string,
  layerOf: (entry: Json) => Layer,
): Model {
  const created = new Map<string, Layer>();
  try {
    return rebuild(entry, file, layerOf, created);
  } catch (error) {
    for (const layer of created.values()) layer.dispose(); // the weights of what was built
    throw error;
  }
}

function rebuild(
  entry: Json,
  file: string,
  layerOf: (entry: Json) => Layer,
  created: Map<string, Layer>,
): Model {
  const config = asObject(entry.config, "the functional model's config", file);
  const modelName = typeof config.name === "string" ? config.name : "the model";
  const where = `model ${JSON.stringify(modelName)}`;
  if (!Array.isArray(config.layers)) {
    throw new TypeError(`Cannot load ${file} as ${where} has no "layers" array`);
  }
  const pending: Pending[] = [];
  let keras3 = "module" in entry;
  for (const raw of config.layers) {
    const item = asObject(raw, `a layer entry of ${where}`, file);
    const inner = item.config as Json | undefined;
    const name = typeof item.name === "string" ? item.name : inner?.name;
    if (typeof name !== "string") {
      throw new TypeError(`Cannot load ${file} as a layer entry of ${where} has no "name"`);
    }
    if (created.has(name)) {
      throw new TypeError(`Cannot load ${file} as ${where} lists two layers named "${name}"`);
    }
    const nodes = item.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) {
      throw new TypeError(
        `Cannot load ${file} as "inbound_nodes" of layer "${name}" in ${where} must be an array`,
      );
    }
    if (nodes.some((n) => n !== null && typeof n === "object" && !Array.isArray(n))) keras3 = true;
    const layer = layerOf(item);
    created.set(name, layer);
    if (nodes.length > 0) pending.push({ layer, name, nodes: [...nodes] });
  }

  const tensorAt = (ref: unknown, dialect: Dialect, inOutputs: boolean): SymbolicTensor | null => {
    if (
      !Array.isArray(ref) || ref.length < 3 || typeof ref[0] !== "string" ||
      !Number.isInteger(ref[1]) || !Number.isInteger(ref[2])
    ) {
      throw new TypeError(
        `Cannot load ${file} as a tensor reference in ${where} must be [layer name, node index, tensor index]: received ${
          JSON.stringify(ref)?.slice(0, 80)
        }`,
      );
    }
    const [name, index, tensorIndex] = ref as [string, number, number];
    const layer = created.get(name);
    if (!layer) {
      throw new TypeError(
        `Cannot load ${file} as ${where} refers to layer "${name}", which it does not list`,
      );
    }
    const i = index - nodeShift(layer, dialect, inOutputs);
    const nodes = layer.inboundNodes;
    if (i < 0 || (inOutputs && i >= nodes.length)) {
      throw new RangeError(
        `Cannot load ${file} as ${where} refers to node ${index} of layer "${name}", which it does not have`,
      );
    }
    if (i >= nodes.length) return null; // not called yet: the call waits
    const t = nodes[i].outputs[tensorIndex];
    if (!t) {
      throw new RangeError(
        `Cannot load ${file} as ${where} refers to output ${tensorIndex} of layer "${name}", which has ${
          nodes[i].outputs.length
        }`,
      );
    }
    return t;
  };

  /** A stored call's inputs, or null while one of them does not exist yet. */
  const resolve = (data: unknown, name: string, layer: Layer): Call => {
    if (Array.isArray(data)) return resolveLegacy(data, name, layer);
    const node = asObject(data, `a node of layer "${name}"`, file);
    const args = node.args;
    const separate = takesSeparateArgs(layer);
    const kwargs = asObject(node.kwargs ?? {}, `the kwargs of layer "${name}"`, file);
    const named = separate
      ? ["query", "value", "key"].filter((k) => kwargs[k] !== undefined && kwargs[k] !== null)
      : [];
    if (
      !Array.isArray(args) ||
      (separate ? args.length + named.length < 2 || args.length > 3 : args.length !== 1)
    ) {
      throw new TypeError(
        `Cannot load ${file} as layer "${name}" in ${where} is called with ${
          Array.isArray(args) ? args.length : "no"
        } positional arguments: ${
          separate
            ? "a MultiHeadAttention call takes its query, value and (optionally) key"
            : "kerno calls a layer on its inputs alone"
        }`,
      );
    }
    const optionKeys = (layer.constructor as { callOptionKeys?: readonly string[] })
      .callOptionKeys ?? [];
    let training: boolean | undefined;
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(kwargs)) {
      if (named.includes(key)) continue;
      if (key === "training" && (typeof value === "boolean" || value === null)) {
        training = value ?? undefined;
      } else if (optionKeys.includes(toCamel(key))) {
        options[toCamel(key)] = value;
      } else if ((key === "mask" || key.endsWith("_mask")) && allNull(value)) {
        continue; // the masks Keras looked for on the inputs: none
      } else if (value !== null) {
        const known = ["training", ...optionKeys.map(toSnake)].map((k) => `"${k}"`).join(", ");
        throw new TypeError(
          `Cannot load ${file} as layer "${name}" in ${where} is called with keyword argument "${key}" (${
            JSON.stringify(value)?.slice(0, 60)
          }), which kerno does not support: only ${known}`,
        );
      }
    }
    let missing = false;
    const tensor = (v: unknown): SymbolicTensor => {
      const kt = asObject(v, `an input of layer "${name}"`, file);
      if (kt.class_name !== "__keras_tensor__") {
        throw new TypeError(
          `Cannot load ${file} as an input of layer "${name}" in ${where} is not a tensor reference (__keras_tensor__): received ${
            JSON.stringify(v)?.slice(0, 80)
          }`,
        );
      }
      const history = (kt.config as Json | undefined)?.keras_history;
      const t = tensorAt(history, "keras3", false);
      if (t === null) missing = true;
      return t!;
    };
    /** A call option's value: tensor references become tensors. */
    const option = (v: unknown): unknown => {
      if (isRecord(v) && v.class_name === "__keras_tensor__") return tensor(v);
      if (Array.isArray(v)) return v.map(option);
      if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, option(x)]));
      return v;
    };
    const callArgs = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, option(v)]));
    let inputs: SymbolicInputs;
    if (separate) {
      // Keras's call(query, value, key): kerno's [query, value, key].
      const given: unknown[] = [...args];
      for (const k of named) given[["query", "value", "key"].indexOf(k)] = kwargs[k];
      if (given.length < 2 || given.some((v) => v === undefined)) {
        throw new TypeError(
          `Cannot load ${file} as layer "${name}" in ${where} is called without its query or value`,
        );
      }
      inputs = given.map(tensor);
    } else if (Array.isArray(args[0])) {
      inputs = args[0].map(tensor);
    } else {
      const obj = asObject(args[0], `the inputs of layer "${name}"`, file);
      inputs = obj.class_name === "__keras_tensor__"
        ? tensor(obj)
        : Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, tensor(v)]));
    }
    if (missing) return null;
    return Object.keys(callArgs).length > 0 ? { inputs, training, callArgs } : { inputs, training };
  };

  /** TensorFlow.js's (Keras 2's) call: a list of `[layer, node, tensor, kwargs]`. */
  const resolveLegacy = (data: unknown[], name: string, layer: Layer): Call => {
    if (data.length === 0) {
      throw new TypeError(`Cannot load ${file} as layer "${name}" in ${where} has an empty node`);
    }
    const tensors: SymbolicTensor[] = [];
    let kwargs: Json = {};
    let missing = false;
    for (const item of data) {
      const t = tensorAt(item, "tfjs", false);
      if (t === null) missing = true;
      tensors.push(t!);
      const k = (item as unknown[])[3];
      if (k !== undefined && k !== null) {
        kwargs = asObject(k, `the kwargs of layer "${name}"`, file);
      }
    }
    if (missing) return null;
    const training = typeof kwargs.training === "boolean" ? kwargs.training : undefined;
    let callArgs: Record<string, unknown> | undefined;
    if (kwargs.kerno_call_args !== undefined && kwargs.kerno_call_args !== null) {
      // kerno's call options; { kerno_input: i } is the node's i-th tensor, after the inputs.
      const used = new Set<number>();
      const decode = (v: unknown): unknown => {
        if (isRecord(v) && Object.keys(v).length === 1 && "kerno_input" in v) {
          const i = v.kerno_input;
          if (!Number.isInteger(i) || (i as number) < 1 || (i as number) >= tensors.length) {
            throw new RangeError(
              `Cannot load ${file} as a call option of layer "${name}" in ${where} refers to entry ${
                JSON.stringify(i)
              } of a node of ${tensors.length}`,
            );
          }
          used.add(i as number);
          return tensors[i as number];
        }
        if (Array.isArray(v)) return v.map(decode);
        if (isRecord(v)) {
          return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
        }
        return v;
      };
      const encoded = asObject(kwargs.kerno_call_args, `the call options of layer "${name}"`, file);
      callArgs = decode(encoded) as Record<string, unknown>;
      if (used.size > 0) tensors.splice(Math.min(...used));
    } else if (tensors.length > 1 && takesStatesAsInputs(layer)) {
      // TensorFlow.js's form of an RNN's initial states: [x, h, c].
      return { inputs: tensors[0], training, callArgs: { initialState: tensors.slice(1) } };
    }
    const keys = kwargs.kerno_input_keys;
    if (Array.isArray(keys)) {
      if (keys.length !== tensors.length || keys.some((k) => typeof k !== "string")) {
        throw new TypeError(
          `Cannot load ${file} as "kerno_input_keys" of layer "${name}" in ${where} must name each of its ${tensors.length} inputs`,
        );
      }
      return {
        inputs: Object.fromEntries(keys.map((k, i) => [k as string, tensors[i]])),
        training,
        ...(callArgs ? { callArgs } : {}),
      };
    }
    const single = tensors.length === 1 && kwargs.kerno_input_list !== true;
    return { inputs: single ? tensors[0] : tensors, training, ...(callArgs ? { callArgs } : {}) };
  };

  // Call the layers in the order listed, each call once its inputs exist (Keras's loop).
  let queue = pending;
  while (queue.length > 0) {
    let progress = false;
    for (const item of queue) {
      while (item.nodes.length > 0) {
        const call = resolve(item.nodes[0], item.name, item.layer);
        if (call === null) break;
        try {
          const options: Record<string, unknown> = { ...call.callArgs };
          if (call.training !== undefined) options.training = call.training;
          item.layer.apply(call.inputs, options);
        } catch (error) {
          if (error instanceof LoadLimitError) throw error;
          throw new TypeError(
            `Cannot load ${file} as calling layer "${item.name}" in ${where} failed: ${
              (error as Error).message
            }`,
            { cause: error },
          );
        }
        item.nodes.shift();
        progress = true;
      }
    }
    queue = queue.filter((item) => item.nodes.length > 0);
    if (!progress && queue.length > 0) {
      throw new TypeError(
        `Cannot load ${file} as the graph of ${where} has loops or calls whose inputs never exist: layers ${
          queue.map((q) => JSON.stringify(q.name)).join(", ")
        }`,
      );
    }
  }

  const dialect: Dialect = keras3 ? "keras3" : "tfjs";
  const structure = (value: unknown, what: string, hint: unknown): SymbolicStructure => {
    const leaf = (v: unknown) => Array.isArray(v) && v.length === 3 && typeof v[0] === "string";
    const at = (v: unknown) => tensorAt(v, dialect, true)!;
    if (leaf(value)) return at(value);
    if (Array.isArray(value)) {
      const tensors = value.map(at);
      const h = hint !== null && typeof hint === "object" ? hint as Json : {};
      if (h.kind === "record" && Array.isArray(h.keys) && h.keys.length === tensors.length) {
        return Object.fromEntries(h.keys.map((k, i) => [String(k), tensors[i]]));
      }
      return tensors.length === 1 && dialect === "tfjs" && h.kind !== "array"
        ? tensors[0]
        : tensors;
    }
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, at(v)]));
    }
    throw new TypeError(
      `Cannot load ${file} as "${what}" of ${where} must list tensor references: received ${
        JSON.stringify(value)?.slice(0, 80)
      }`,
    );
  };
  const inputs = structure(config.input_layers, "input_layers", config.kerno_inputs);
  const outputs = structure(config.output_layers, "output_layers", config.kerno_outputs);
  let model: Model;
  try {
    model = new Model({
      inputs,
      outputs,
      ...(typeof config.name === "string" ? { name: config.name } : {}),
    });
  } catch (error) {
    if (error instanceof LoadLimitError) throw error;
    throw new TypeError(`Cannot load ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (config.trainable === false) model.trainable = false;
  return model;
}
