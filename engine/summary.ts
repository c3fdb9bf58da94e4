/**
 * `summary`: Keras's table of a model's layers, output shapes and parameter counts.
 *
 * A functional model (`new Model({ inputs, outputs })`) is shown as Keras 3
 * shows it: every layer of its graph, its inputs first, and, unless the
 * graph is a plain chain, a "Connected to" column listing the tensors each
 * layer was called on as `layer_name[node_index][tensor_index]`, one per
 * line (an input layer: `-`). Node indices count only the calls that belong
 * to this model's graph. `Sequential` and subclassed models keep the three
 * columns.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { formatShape, type Layer } from "./layer.ts";
import type { Graph } from "./functional.ts";
import { type Node, symbolicCallArgs, SymbolicTensor } from "./symbolic.ts";
import { type Structure, structureValues } from "./layer_inputs.ts";

interface SummaryModel extends Layer {
  readonly layers: Layer[];
  /** A functional model's graph (`null` for `Sequential` and subclassed models). */
  readonly graph?: Graph | null;
}

/** One table row: each cell is one or more lines. */
type Row = string[][];

/**
 * Prints the table through `print`, one line at a time.
 *
 * @param model The model.
 * @param print Where lines go.
 */
export function summary(model: SummaryModel, print: (line: string) => void): void {
  const graph = model.graph ?? null;
  const header = ["Layer (type)", "Output Shape", "Param #"];
  let rows: Row[];
  if (graph === null) {
    rows = model.layers.map((layer) => [
      [layerName(layer)],
      [layer.outputShape ? formatShape(layer.outputShape) : "?"],
      [params(layer)],
    ]);
  } else {
    const table = graphRows(graph);
    rows = table.rows;
    if (table.connected) header.push("Connected to");
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.flatMap((r) => r[i].map((l) => l.length))) + 2
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("").trimEnd();
  const total = widths.reduce((a, b) => a + b, 0);
  const count = (ws: tf.Variable[]) => ws.reduce((n, w) => n + w.size, 0);
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  print(`Model: "${model.name}"`);
  print("━".repeat(total));
  print(line(header));
  print("━".repeat(total));
  rows.forEach((r, i) => {
    const height = Math.max(...r.map((cell) => cell.length));
    for (let k = 0; k < height; k++) print(line(r.map((cell) => cell[k] ?? "")));
    print(i === rows.length - 1 ? "━".repeat(total) : "─".repeat(total));
  });
  if (rows.length === 0) print("━".repeat(total));
  print(` Total params: ${(trainable + nonTrainable).toLocaleString("en-US")}`);
  print(` Trainable params: ${trainable.toLocaleString("en-US")}`);
  print(` Non-trainable params: ${nonTrainable.toLocaleString("en-US")}`);
  print(` Backend: ${tf.getBackend()}`);
}

/** `name (Class)`. */
function layerName(layer: Layer): string {
  return `${layer.name} (${layer.constructor.name})`;
}

/** The layer's parameter count, or `0 (unbuilt)`. */
function params(layer: Layer): string {
  return layer.built || layer.weights.length > 0
    ? String(layer.weights.reduce((n, w) => n + w.size, 0))
    : "0 (unbuilt)";
}

/**
 * The tensors a node read, flattened: its inputs, then the symbolic tensors
 * among its call options (an RNN's `initialState`), as Keras's
 * `node.input_tensors`; none for an `Input`'s node.
 */
function nodeInputs(node: Node): SymbolicTensor[] {
  if (node.inputs === null) return [];
  const inputs = node.inputs instanceof SymbolicTensor
    ? [node.inputs]
    : structureValues(node.inputs as Structure<SymbolicTensor>);
  return [...inputs, ...symbolicCallArgs(node.callArgs)];
}

/**
 * A node's output shape: `(None, 4)`, or for several outputs Keras 3's
 * `[(None, 2), (None, 3)]` (an array) or `{a: (None, 2), b: (None, 3)}` (a record).
 */
function nodeShape(node: Node): string {
  const shapes = node.outputs.map((t) => formatShape(t.shape));
  const keys = node.outputKeys;
  if (Array.isArray(keys)) return `{${keys.map((k, i) => `${k}: ${shapes[i]}`).join(", ")}}`;
  if (keys === "array" || shapes.length > 1) return `[${shapes.join(", ")}]`;
  return shapes[0];
}

/** Items one per line, each but the last followed by a comma (Keras 3's wrapped cell). */
function commaLines(items: string[]): string[] {
  return items.map((s, i) => (i < items.length - 1 ? `${s},` : s));
}

/**
 * A functional model's rows, and whether the table needs the "Connected
 * to" column (Keras 3 leaves it out for a plain chain).
 */
function graphRows(graph: Graph): { rows: Row[]; connected: boolean } {
  const inputNodes = new Set(graph.inputs.map((t) => t.node));
  const relevant = new Set<Node>([...inputNodes, ...graph.nodes]);
  const nodesOf = (layer: Layer) => layer.inboundNodes.filter((n) => relevant.has(n));
  const indexOf = (node: Node) => {
    const i = nodesOf(node.layer).indexOf(node);
    return i < 0 ? node.index : i;
  };
  const rows = graph.layers.map((layer): Row => {
    const nodes = nodesOf(layer);
    const shapes = nodes.map(nodeShape);
    const distinct = [...new Set(shapes)];
    const connections = nodes.flatMap((n) =>
      inputNodes.has(n)
        ? []
        : nodeInputs(n).map((t) => `${t.node.layer.name}[${indexOf(t.node)}][${t.index}]`)
    );
    return [
      [layerName(layer)],
      distinct.length === 0
        ? [layer.outputShape ? formatShape(layer.outputShape) : "?"]
        : distinct.length === 1
        ? distinct
        : commaLines(shapes),
      [params(layer)],
      connections.length === 0 ? ["-"] : commaLines(connections),
    ];
  });
  const connected = !isChain(graph, relevant);
  return { rows: connected ? rows : rows.map((r) => r.slice(0, 3)), connected };
}

/**
 * Keras 3's "sequential-like" test: no node reads more than one tensor, no
 * layer is called twice in the graph, and each depth (distance from the
 * outputs) holds one node.
 */
function isChain(graph: Graph, relevant: Set<Node>): boolean {
  for (const node of graph.nodes) if (nodeInputs(node).length > 1) return false;
  const perLayer = new Map<Layer, number>();
  for (const node of relevant) {
    const n = (perLayer.get(node.layer) ?? 0) + 1;
    if (n > 1) return false;
    perLayer.set(node.layer, n);
  }
  const depth = new Map<Node, number>();
  for (const node of [...graph.nodes].reverse()) {
    const d = depth.get(node) ?? 0;
    for (const t of nodeInputs(node)) {
      depth.set(t.node, Math.max(depth.get(t.node) ?? 0, d + 1));
    }
  }
  const taken = new Set<number>();
  for (const node of relevant) {
    const d = depth.get(node) ?? 0;
    if (taken.has(d)) return false;
    taken.add(d);
  }
  return true;
}
