/**
 * Internal: the two-operand einsum of `EinsumDense` and the attention
 * layers, as reshapes, transposes and one (batched) `tf.matMul`.
 * TensorFlow.js's own `tf.einsum` computes these equations forward on the
 * `cpu` and kerno backends but has no gradient registered ("gradient
 * function not found for Einsum"), so layers could not train through it;
 * every op used here has one, and the product lands in the backend's
 * matrix-product kernel (BLAS on kerno's backend).
 *
 * Letters are classified as numpy does: in both operands and the output
 * (batch), in both operands only (contracted), in one operand and the
 * output (free), in one operand only (summed out first). `...` stands for
 * the axes an operand has beyond its letters, aligned from the right.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/** An equation with its `...` expanded into letters, one array of letters per term. */
interface Terms {
  a: string[];
  b: string[];
  out: string[];
}

/**
 * `tf.einsum(equation, a, b)` for two operands, with gradients.
 *
 * @param equation `"abc,cde->abde"`, `"...b,bc->...c"`, `"aecd,abcd->acbe"`, ….
 * @param a The first operand.
 * @param b The second operand.
 * @returns The result, shaped as the output term says.
 */
export function einsum(equation: string, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const terms = expandTerms(equation, a.rank, b.rank);
  const size = letterSizes(equation, terms, a.shape, b.shape);
  let [x, y] = [sumOut(a, terms.a, terms.b, terms.out), sumOut(b, terms.b, terms.a, terms.out)];
  let [lx, ly] = [kept(terms.a, terms.b, terms.out), kept(terms.b, terms.a, terms.out)];
  const out = terms.out;
  const batch = out.filter((c) => lx.includes(c) && ly.includes(c));
  const contracted = lx.filter((c) => ly.includes(c) && !out.includes(c));
  let freeX = out.filter((c) => lx.includes(c) && !ly.includes(c));
  let freeY = out.filter((c) => ly.includes(c) && !lx.includes(c));
  // The operand whose free letters come first in the output goes on the left.
  if (freeX.length > 0 && freeY.length > 0 && out.indexOf(freeY[0]) < out.indexOf(freeX[0])) {
    [x, y, lx, ly, freeX, freeY] = [y, x, ly, lx, freeY, freeX];
  }
  const left = arrange(x, lx, batch, [freeX, contracted], size);
  const right = arrange(y, ly, batch, [contracted, freeY], size);
  const product = tf.matMul(left.matrix, right.matrix, left.transposed, right.transposed);
  const letters = [...batch, ...freeX, ...freeY];
  const shaped = tf.reshape(product, letters.map((c) => size.get(c)!));
  const perm = out.map((c) => letters.indexOf(c));
  return isIdentity(perm) ? shaped : tf.transpose(shaped, perm);
}

/** The letters of `own` that survive summing out: those in the other operand or the output. */
function kept(own: string[], other: string[], out: string[]): string[] {
  return own.filter((c) => other.includes(c) || out.includes(c));
}

/** Sums out the axes whose letters appear in neither the other operand nor the output. */
function sumOut(t: tf.Tensor, own: string[], other: string[], out: string[]): tf.Tensor {
  const axes = own.flatMap((c, i) => (other.includes(c) || out.includes(c) ? [] : [i]));
  return axes.length === 0 ? t : tf.sum(t, axes);
}

/**
 * Lays one operand out as a (batched) matrix: batch letters first, then
 * the two groups of `groups` (rows, columns). When the operand already
 * holds the groups the other way round, `tf.matMul`'s transpose flag does
 * the swap instead of a copy; otherwise the layout that keeps the
 * operand's last axis last is chosen, as it is the cheaper copy.
 */
function arrange(
  t: tf.Tensor,
  letters: string[],
  batch: string[],
  groups: [string[], string[]],
  size: Map<string, number>,
): { matrix: tf.Tensor; transposed: boolean } {
  const [rows, cols] = groups;
  const plain = [...batch, ...rows, ...cols];
  const swapped = [...batch, ...cols, ...rows];
  const last = letters[letters.length - 1];
  const transposed = !same(letters, plain) &&
    (same(letters, swapped) || (swapped.at(-1) === last && plain.at(-1) !== last));
  const order = transposed ? swapped : plain;
  const perm = order.map((c) => letters.indexOf(c));
  const moved = isIdentity(perm) ? t : tf.transpose(t, perm);
  const count = (cs: string[]) => cs.reduce((n, c) => n * size.get(c)!, 1);
  const inner = transposed ? [count(cols), count(rows)] : [count(rows), count(cols)];
  const shape = batch.length === 0 ? inner : [count(batch), ...inner];
  return { matrix: tf.reshape(moved, shape), transposed };
}

/**
 * Splits `"X,Y->Z"` into letter arrays, expanding each `...` into as many
 * fresh (upper-case) letters as the operand has axes beyond its letters,
 * aligned from the right as numpy does.
 *
 * @param equation The equation.
 * @param rankA The first operand's rank.
 * @param rankB The second operand's rank.
 * @returns The three terms as letter arrays.
 */
export function expandTerms(equation: string, rankA: number, rankB: number): Terms {
  const match = /^([a-zA-Z.]*),([a-zA-Z.]*)->([a-zA-Z.]*)$/.exec(equation.replace(/\s+/g, ""));
  if (match === null) fail(equation, 'it is not of the form "X,Y->Z" for two operands');
  const [, ta, tb, tout] = match;
  const fresh = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("").filter((c) => !equation.includes(c));
  const elided = (term: string, rank: number) => {
    const letters = term.replace("...", "").length;
    if (!term.includes("...")) return 0;
    if (term.indexOf("...") !== term.lastIndexOf("...") || rank < letters) {
      fail(equation, `term "${term}" does not fit an operand of rank ${rank}`);
    }
    return rank - letters;
  };
  const ea = elided(ta, rankA);
  const eb = elided(tb, rankB);
  const width = Math.max(ea, eb);
  const expand = (term: string, n: number) =>
    term.replace("...", fresh.slice(width - n, width).join("")).split("");
  const terms = { a: expand(ta, ea), b: expand(tb, eb), out: expand(tout, width) };
  if (terms.a.length !== rankA || terms.b.length !== rankB) {
    fail(
      equation,
      `its terms have ${terms.a.length} and ${terms.b.length} axes: received operands of rank ${rankA} and ${rankB}`,
    );
  }
  for (const [name, term] of Object.entries(terms)) {
    if (new Set(term).size !== term.length || term.includes(".")) {
      fail(equation, `term ${name} repeats a letter or has a stray "."`);
    }
  }
  const missing = terms.out.find((c) => !terms.a.includes(c) && !terms.b.includes(c));
  if (missing !== undefined) fail(equation, `output letter "${missing}" is in neither operand`);
  return terms;
}

/** The size of every letter, checking that the operands agree. */
function letterSizes(
  equation: string,
  terms: Terms,
  shapeA: number[],
  shapeB: number[],
): Map<string, number> {
  const size = new Map<string, number>();
  terms.a.forEach((c, i) => size.set(c, shapeA[i]));
  terms.b.forEach((c, i) => {
    const known = size.get(c);
    if (known !== undefined && known !== shapeB[i]) {
      fail(
        equation,
        `letter "${c}" has size ${known} in the first operand [${shapeA}] and ${
          shapeB[i]
        } in the second [${shapeB}]`,
      );
    }
    size.set(c, shapeB[i]);
  });
  return size;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function isIdentity(perm: number[]): boolean {
  return perm.every((p, i) => p === i);
}

function fail(equation: string, why: string): never {
  throw new RangeError(`Cannot compute einsum "${equation}" as ${why}`);
}
