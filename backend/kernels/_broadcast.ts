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

/** A broadcast as nested groups of axes, each operand striding through each group or not. */
export interface GroupedBroadcast {
  /** The output's shape. */
  outShape: number[];
  /** Each group's size, outermost first. */
  sizes: number[];
  /** A's stride per group (0 where A is constant). */
  aStrides: number[];
  /** B's stride per group. */
  bStrides: number[];
}

/**
 * Any broadcast as groups of adjacent axes (merged while both operands
 * stay contiguous across them): `[32, 1, 64]` against `[32, 80, 64]` is
 * three groups, the middle one constant for A. The innermost two groups
 * make a {@link BroadcastPlan} run once per index of the outer groups.
 *
 * @param aShape A's shape.
 * @param bShape B's shape.
 * @returns The groups, or `null` when the shapes do not broadcast.
 */
export function groupBroadcast(aShape: number[], bShape: number[]): GroupedBroadcast | null {
  const outShape = broadcastShape(aShape, bShape);
  if (outShape === null) return null;
  const rank = outShape.length;
  const a = [...new Array(rank - aShape.length).fill(1), ...aShape];
  const b = [...new Array(rank - bShape.length).fill(1), ...bShape];
  const stridesOf = (shape: number[]) => {
    const st = new Array<number>(rank).fill(0);
    for (let d = rank - 1, s = 1; d >= 0; d--) {
      st[d] = shape[d] === 1 && outShape[d] !== 1 ? 0 : s;
      s *= shape[d];
    }
    return st;
  };
  const as = stridesOf(a);
  const bs = stridesOf(b);
  const sizes: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const last = sizes.length - 1;
    const merges = last >= 0 &&
      aStrides[last] === as[d] * outShape[d] && bStrides[last] === bs[d] * outShape[d];
    if (merges) {
      sizes[last] *= outShape[d];
      aStrides[last] = as[d];
      bStrides[last] = bs[d];
    } else {
      sizes.push(outShape[d]);
      aStrides.push(as[d]);
      bStrides.push(bs[d]);
    }
  }
  return { outShape, sizes, aStrides, bStrides };
}
