/**
 * Internal: Keras's analysis of an `EinsumDense` equation
 * (`_analyze_einsum_string`): from the equation, the bias axes, the input
 * shape and the partial output shape, the kernel's shape, the bias's
 * shape, the full output shape, and which kernel axes face the input and
 * which the output (the fans of the kernel's initializer, as Keras 3.15).
 *
 * @module
 */
import type { Shape } from "../engine/layer.ts";

/** What {@link analyzeEinsum} finds. */
export interface EinsumShapes {
  /** The kernel's shape (a `null` entry means the size cannot be known). */
  kernelShape: (number | null)[];
  /** The bias's shape, or `null` without bias axes. */
  biasShape: (number | null)[] | null;
  /** The full output shape, batch axis first. */
  outputShape: Shape;
  /** Kernel axes shared with the input (only): their sizes multiply into fan-in. */
  inputAxes: number[];
  /** Kernel axes shared with the output: their sizes multiply into fan-out. */
  outputAxes: number[];
}

/** The three forms Keras accepts, with `...` written as `0`. */
const FORMS: { pattern: RegExp; leftElided: boolean }[] = [
  { pattern: /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/, leftElided: false },
  { pattern: /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/, leftElided: true },
  { pattern: /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/, leftElided: false },
];

/**
 * Splits an equation into its input, kernel and output specs, or throws.
 *
 * @param equation The equation, e.g. `"abc,cde->abde"` or `"...b,bc->...c"`.
 * @returns The three specs (without the ellipsis) and whether `...` leads.
 */
export function splitEquation(
  equation: string,
): { input: string; kernel: string; output: string; leftElided: boolean } {
  const plain = typeof equation === "string" ? equation.replace(/\.\.\./g, "0") : "";
  for (const { pattern, leftElided } of FORMS) {
    const m = pattern.exec(plain);
    if (m) return { input: m[1], kernel: m[2], output: m[3], leftElided };
  }
  throw new RangeError(
    `"equation" must be of the form "ab,bc->ac", "...b,bc->...c" or "ab...,bc->ac...": received ${
      JSON.stringify(equation)
    }`,
  );
}

/**
 * Keras's `_analyze_split_string`: the kernel, bias and output shapes.
 * Throws a RangeError (without the layer's name; the caller adds it) when
 * the equation, the bias axes and the shapes do not fit together.
 *
 * @param equation The equation.
 * @param biasAxes The output letters that get a bias, or `null`.
 * @param inputShape The input shape, batch axis first.
 * @param partialOutput The output shape without batch and elided axes.
 * @returns The shapes.
 */
export function analyzeEinsum(
  equation: string,
  biasAxes: string | null,
  inputShape: Shape,
  partialOutput: (number | null)[],
): EinsumShapes {
  const { input, kernel, output: outSpec, leftElided } = splitEquation(equation);
  const elided = inputShape.length - input.length;
  if (elided < 0 || (elided > 0 && !equation.includes("...")) || (leftElided && elided < 1)) {
    throw new RangeError(
      `the equation's input "${input}" has ${input.length} axes: received an input of rank ${inputShape.length}`,
    );
  }
  const output: Shape = [inputShape[0], ...partialOutput];
  if (elided > 0 && leftElided) output.splice(1, 0, ...inputShape.slice(1, elided));
  if (elided > 0 && !leftElided) output.push(...inputShape.slice(inputShape.length - elided));
  const inputAxis = new Map([...input].map((c, i) => [c, leftElided ? i + elided : i]));
  const outputAxis = new Map([...outSpec].map((c, i) => [c, leftElided ? i + elided : i]));
  if (output.length !== outSpec.length + elided) {
    throw new RangeError(
      `"outputShape" ${JSON.stringify(partialOutput)} must have ${
        leftElided ? outSpec.length : outSpec.length - 1
      } sizes, one per axis of the output "${outSpec}"${leftElided ? "" : " after the batch axis"}`,
    );
  }
  for (const c of input) {
    const o = outputAxis.get(c);
    const i = inputShape[inputAxis.get(c)!];
    if (o !== undefined && output[o] !== null && i !== null && output[o] !== i) {
      throw new RangeError(
        `the input and output shapes differ at shared axis "${c}": the input has ${i}, "outputShape" ${
          output[o]
        }`,
      );
    }
    if (o !== undefined && output[o] === null) output[o] = i;
  }
  for (const c of outSpec) {
    if (!input.includes(c) && !kernel.includes(c)) {
      throw new RangeError(
        `output axis "${c}" is in neither the input "${input}" nor the kernel "${kernel}"`,
      );
    }
  }
  const kernelShape: (number | null)[] = [];
  const inputAxes: number[] = [];
  const outputAxes: number[] = [];
  [...kernel].forEach((c, i) => {
    if (outputAxis.has(c)) {
      kernelShape.push(output[outputAxis.get(c)!]);
      outputAxes.push(i);
    } else if (inputAxis.has(c)) {
      kernelShape.push(inputShape[inputAxis.get(c)!]);
      inputAxes.push(i);
    } else {
      throw new RangeError(
        `kernel axis "${c}" is in neither the input "${input}" nor the output "${outSpec}"`,
      );
    }
  });
  const biasShape = biasAxes === null
    ? null
    : biasShapeOf(biasAxes, outSpec, output, leftElided ? elided : 0, leftElided ? 0 : elided);
  return { kernelShape, biasShape, outputShape: output, inputAxes, outputAxes };
}

/** The bias spans the output from its first bias axis on; other axes there get size 1. */
function biasShapeOf(
  biasAxes: string,
  outSpec: string,
  output: Shape,
  leading: number,
  trailing: number,
): (number | null)[] {
  for (const c of biasAxes) {
    if (!outSpec.includes(c)) {
      throw new RangeError(`bias axis "${c}" is not in the output "${outSpec}"`);
    }
  }
  const first = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)));
  const shape = [...outSpec.slice(first)].map((c) =>
    biasAxes.includes(c) ? output[outSpec.indexOf(c) + leading] : 1
  );
  return [...shape, ...new Array<number>(trailing).fill(1)];
}
