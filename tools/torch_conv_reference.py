"""PyTorch reference values for kerno's convolutions: transposed (1-, 2-, 3-D,
with output padding and dilation), grouped (1-, 2-, 3-D) and 3-D, in both
data formats.

Writes tests/layers/_conv_reference.ts (run from the repository root):

    /usr/bin/python3 tools/torch_conv_reference.py > tests/layers/_conv_reference.ts

Inputs, kernels, biases and the loss weights come from formulas (see
`values`), rounded to float32 as the TypeScript test rounds them
(Math.fround), so both sides start from the same numbers; PyTorch then
computes in float64.

Keras's layouts mapped to PyTorch's:

- Conv kernel [*taps, in/groups, filters] -> weight [filters, in/groups, *taps];
  the groups split channels and filters into consecutive blocks in both.
- ConvTranspose kernel [*taps, filters, in] -> weight [in, filters, *taps].
- Keras's "same" padding of a convolution is TensorFlow's: total
  max((ceil(n/s) - 1)*s + span - n, 0), the smaller half before; "causal"
  pads span - 1 before. Padded explicitly here (F.pad), the convolution then
  unpadded.
- Keras's transposed convolution (the same numbers on every Keras backend)
  is PyTorch's conv_transpose with no padding, giving the full length
  (n - 1)*s + span, from which Keras keeps `length` positions starting at
  `before` (zeros past the full length):
    length: "valid" (n-1)*s + span + (p if given else max(span, s) - span);
            "same"  n*s, or (n-1)*s + span % 2 + p when p is given;
    before: 0 for "valid"; for "same" span - 1 - left, left =
            min(ceil(total / 2), span - 1), total = s + span - 2 (no p) or
            span + span % 2 - 2 + p.
  (PyTorch's own padding=1, output_padding=1 for a 3x3 stride-2 layer keeps
  the positions one further on: Keras's "same" is not PyTorch's there.)
- channels_first inputs are PyTorch's own layout; channels_last ones are
  permuted to it and the results permuted back.

For each case: the output, and the gradients of sum(w * output) with
respect to the input, the kernel (Keras's layout) and the bias.
"""

import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

# name, layer, input shape (as the layer takes it), filters, kernel, options
CASES = [
    ("1-D transposed, same, stride 2", "Conv1DTranspose", [2, 5, 3], 4, [3],
     dict(strides=[2], padding="same")),
    ("1-D transposed, valid, stride 3, outputPadding 2", "Conv1DTranspose", [2, 6, 2], 3, [4],
     dict(strides=[3], padding="valid", outputPadding=[2])),
    ("1-D transposed, same, dilation 2", "Conv1DTranspose", [1, 5, 2], 2, [3],
     dict(padding="same", dilationRate=[2])),
    ("2-D transposed, same, stride 2 (the autoencoder's)", "Conv2DTranspose", [2, 4, 5, 3], 2, [3, 3],
     dict(strides=[2, 2], padding="same")),
    ("2-D transposed, same, strides [2, 3], outputPadding [1, 2]", "Conv2DTranspose", [2, 3, 4, 2], 3,
     [3, 2], dict(strides=[2, 3], padding="same", outputPadding=[1, 2])),
    ("2-D transposed, valid, dilation [2, 1]", "Conv2DTranspose", [1, 5, 4, 2], 2, [3, 3],
     dict(padding="valid", dilationRate=[2, 1])),
    ("2-D transposed, channels_first, valid, stride 2, outputPadding 1", "Conv2DTranspose",
     [2, 3, 5, 4], 2, [3, 3],
     dict(strides=[2, 2], padding="valid", outputPadding=[1, 1], dataFormat="channels_first")),
    ("2-D transposed, same, kernel 5 over a 3x3 input", "Conv2DTranspose", [1, 3, 3, 2], 2, [5, 5],
     dict(strides=[2, 2], padding="same")),
    ("2-D transposed, same, even kernel 4, stride 2", "Conv2DTranspose", [1, 3, 4, 2], 2, [4, 4],
     dict(strides=[2, 2], padding="same")),
    ("3-D transposed, same, stride 2", "Conv3DTranspose", [1, 3, 2, 3, 2], 2, [3, 3, 3],
     dict(strides=[2, 2, 2], padding="same")),
    ("3-D transposed, valid, strides [2, 1, 2], outputPadding [1, 0, 1]", "Conv3DTranspose",
     [2, 2, 3, 2, 2], 3, [2, 3, 2],
     dict(strides=[2, 1, 2], padding="valid", outputPadding=[1, 0, 1])),
    ("3-D transposed, same, dilation 2", "Conv3DTranspose", [1, 3, 3, 3, 1], 2, [2, 2, 2],
     dict(padding="same", dilationRate=[2, 2, 2])),
    ("1-D, groups 2, same, stride 2", "Conv1D", [2, 7, 4], 6, [3],
     dict(strides=[2], padding="same", groups=2)),
    ("1-D, groups 3, causal, dilation 2", "Conv1D", [1, 6, 3], 3, [2],
     dict(padding="causal", dilationRate=[2], groups=3)),
    ("2-D, groups 2, same, stride 2", "Conv2D", [2, 5, 6, 4], 4, [3, 3],
     dict(strides=[2, 2], padding="same", groups=2)),
    ("2-D, groups 4, valid, dilation 2", "Conv2D", [1, 7, 6, 4], 8, [3, 2],
     dict(padding="valid", dilationRate=[2, 2], groups=4)),
    ("2-D, channels_first, same, strides [2, 1]", "Conv2D", [2, 3, 5, 6], 2, [3, 3],
     dict(strides=[2, 1], padding="same", dataFormat="channels_first")),
    ("2-D, channels_first, groups 3, valid", "Conv2D", [1, 6, 4, 5], 3, [2, 2],
     dict(padding="valid", groups=3, dataFormat="channels_first")),
    ("3-D, same, stride 2", "Conv3D", [2, 4, 5, 3, 2], 3, [3, 3, 3],
     dict(strides=[2, 2, 2], padding="same")),
    ("3-D, groups 2, valid, strides [1, 2, 1]", "Conv3D", [1, 5, 4, 6, 4], 2, [2, 3, 2],
     dict(strides=[1, 2, 1], padding="valid", groups=2)),
    ("3-D, same, dilation 2", "Conv3D", [1, 5, 5, 5, 1], 2, [2, 2, 2],
     dict(padding="same", dilationRate=[2, 2, 2])),
    ("3-D, channels_first, same, stride 2", "Conv3D", [1, 2, 3, 4, 5], 2, [2, 2, 2],
     dict(strides=[2, 2, 2], padding="same", dataFormat="channels_first")),
]


def values(n, scale, step, phase):
    """float32-rounded scale * sin(step * i + phase), i = 0..n-1 (Math.fround in TypeScript)."""
    raw = [scale * math.sin(step * i + phase) for i in range(n)]
    return torch.tensor(raw, dtype=torch.float32).double()


def size(shape):
    return math.prod(shape)


def conv_padding(n, k, s, d, mode):
    span = (k - 1) * d + 1
    if mode == "valid":
        return 0, 0
    if mode == "causal":
        return span - 1, 0
    total = max((math.ceil(n / s) - 1) * s + span - n, 0)
    return total // 2, total - total // 2


def transpose_geometry(n, k, s, d, mode, p):
    """(length, before) of Keras's transposed convolution along one axis."""
    span = (k - 1) * d + 1
    if mode == "valid":
        length = (n - 1) * s + span + (p if p is not None else max(span, s) - span)
        return length, 0
    length = n * s if p is None else (n - 1) * s + span % 2 + p
    total = s + span - 2 if p is None else span + span % 2 - 2 + p
    left = min(-(-total // 2), span - 1)
    return length, span - 1 - left


def to_first(t):
    """[b, *spatial, c] -> [b, c, *spatial]."""
    r = t.dim()
    return t.permute(0, r - 1, *range(1, r - 1))


def to_last(t):
    r = t.dim()
    return t.permute(0, *range(2, r), 1)


def case(name, layer, in_shape, filters, kernel, opts):
    rank = len(kernel)
    strides = opts.get("strides", [1] * rank)
    dil = opts.get("dilationRate", [1] * rank)
    padding = opts.get("padding", "valid")
    groups = opts.get("groups", 1)
    first = opts.get("dataFormat", "channels_last") == "channels_first"
    transposed = layer.endswith("Transpose")
    channels = in_shape[1] if first else in_shape[-1]
    if transposed:
        k_shape = kernel + [filters, channels]
    else:
        k_shape = kernel + [channels // groups, filters]
    x = values(size(in_shape), 1.0, 0.37, 0.1).reshape(in_shape).requires_grad_()
    k = values(size(k_shape), 0.5, 0.23, 0.2).reshape(k_shape).requires_grad_()
    b = values(filters, 0.1, 0.7, 0.3).requires_grad_()
    xt = x if first else to_first(x)
    taps = list(range(rank))
    if transposed:
        w = k.permute(rank + 1, rank, *taps)  # [in, filters, *taps]
        fn = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][rank - 1]
        full = fn(xt, w, None, stride=strides, dilation=dil)
        spatial = xt.shape[2:]
        y = full
        for axis in range(rank):
            length, before = transpose_geometry(spatial[axis], kernel[axis], strides[axis],
                                                dil[axis], padding,
                                                opts.get("outputPadding", [None] * rank)[axis])
            have = y.shape[2 + axis]
            kept = max(0, min(length, have - before))
            y = y.narrow(2 + axis, before, kept)
            if kept < length:
                pad = [0, 0] * rank
                pad[2 * (rank - 1 - axis) + 1] = length - kept
                y = F.pad(y, pad)
        y = y + b.reshape(1, filters, *([1] * rank))
    else:
        w = k.permute(rank + 1, rank, *taps)  # [filters, in/groups, *taps]
        pads = [conv_padding(xt.shape[2 + a], kernel[a], strides[a], dil[a], padding)
                for a in range(rank)]
        flat = []
        for before, after in reversed(pads):
            flat += [before, after]
        fn = [F.conv1d, F.conv2d, F.conv3d][rank - 1]
        y = fn(F.pad(xt, flat), w, b, stride=strides, dilation=dil, groups=groups)
    out = y if first else to_last(y)
    lw = values(out.numel(), 1.0, 0.11, 0.5).reshape(out.shape)
    (out * lw).sum().backward()
    return {
        "name": name,
        "layer": layer,
        "inputShape": in_shape,
        "filters": filters,
        "kernelSize": kernel,
        "options": opts,
        "outputShape": list(out.shape),
        "output": flat_list(out),
        "grads": {"input": flat_list(x.grad), "kernel": flat_list(k.grad), "bias": flat_list(b.grad)},
    }


def flat_list(t):
    return [float("%.10g" % v) for v in t.detach().reshape(-1).tolist()]


def main():
    print("// Generated by tools/torch_conv_reference.py (PyTorch %s, float64): do not edit." %
          torch.__version__)
    print("// Regenerate: /usr/bin/python3 tools/torch_conv_reference.py > tests/layers/_conv_reference.ts")
    print("// deno-fmt-ignore-file")
    print("/** One reference case: the layer, its geometry, PyTorch's output and gradients (Keras layout). */")
    print("export interface ConvReferenceCase {")
    print("  name: string;")
    print('  layer: "Conv1D" | "Conv2D" | "Conv3D" | "Conv1DTranspose" | "Conv2DTranspose" | "Conv3DTranspose";')
    print("  inputShape: number[];")
    print("  filters: number;")
    print("  kernelSize: number[];")
    print("  options: Record<string, unknown>;")
    print("  outputShape: number[];")
    print("  output: number[];")
    print('  grads: Record<"input" | "kernel" | "bias", number[]>;')
    print("}")
    print()
    print("/** PyTorch's numbers for each case. */")
    print("export const CONV_REFERENCE: ConvReferenceCase[] = [")
    for c in CASES:
        print("  " + json.dumps(case(*c), separators=(",", ":")) + ",")
    print("];")


if __name__ == "__main__":
    main()
