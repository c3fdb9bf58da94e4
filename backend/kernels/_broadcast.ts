/**
 * Broadcast plans for element-wise binary kernels: when the output can be
 * seen as `[outer, inner]` with each operand either spanning or constant
 * along each of the two parts, element `(i, j)` of an operand sits at
 * `i · outerStride + j · innerStride`. That covers same-shape, scalar, row
 * (bias) and column (per-row) broadcasts, and outer products.
 *
 * @module
 */

/** How two operands map onto a `[outer, inner]` view of the output. */
export interface BroadcastPlan {
  /** The output's shape. */
  outShape: number[];
  /** Size of the leading part. */
  outer: number;
  /** Size of the trailing part. */
  inner: number;
  /** A's stride along the leading part (0 when A is constant along it). */
  aOuter: number;
  /** A's stride along the trailing part (1 or 0). */
  aInner: number;
  /** B's stride along the leading part. */
  bOuter: number;
  /** B's stride along the trailing part. */
  bInner: number;
}

type Span = "full" | "none" | "mixed";

function span(shape: number[], out: number[], from: number, to: number): Span {
  let full = true;
  let none = true;
  for (let d = from; d < to; d++) {
    if (out[d] === 1) continue;
    if (shape[d] === out[d]) none = false;
    else full = false;
  }
  return full ? "full" : none ? "none" : "mixed";
}

function broadcastShape(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

function product(shape: number[], from: number, to: number): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= shape[d];
  return n;
}

/**
 * Finds a two-part view of the broadcast, if one exists.
 *
 * @param aShape A's shape.
 * @param bShape B's shape.
 * @returns The plan, or `null` for broadcasts that need a general index walk.
 */
export function planBroadcast(aShape: number[], bShape: number[]): BroadcastPlan | null {
  const outShape = broadcastShape(aShape, bShape);
  if (outShape === null) return null;
  const rank = outShape.length;
  const a = [...new Array(rank - aShape.length).fill(1), ...aShape];
  const b = [...new Array(rank - bShape.length).fill(1), ...bShape];
  for (let split = 0; split <= rank; split++) {
    const spans = [
      span(a, outShape, 0, split),
      span(a, outShape, split, rank),
      span(b, outShape, 0, split),
      span(b, outShape, split, rank),
    ];
    if (spans.includes("mixed")) continue;
    const [aHead, aTail, bHead, bTail] = spans;
    const inner = product(outShape, split, rank);
    return {
      outShape,
      outer: product(outShape, 0, split),
      inner,
      aOuter: aHead === "full" ? (aTail === "full" ? inner : 1) : 0,
      aInner: aTail === "full" ? 1 : 0,
      bOuter: bHead === "full" ? (bTail === "full" ? inner : 1) : 0,
      bInner: bTail === "full" ? 1 : 0,
    };
  }
  return null;
}
