"""PyTorch reference values for kerno's depthwise and separable convolutions.

Writes tests/layers/_depthwise_reference.ts (run from the repository root):

    /usr/bin/python3 tools/torch_depthwise_reference.py > tests/layers/_depthwise_reference.ts

Inputs and weights come from formulas (see `values`), rounded to float32
exactly as the TypeScript test rounds them (Math.fround), so both sides
start from the same float32 numbers; PyTorch then computes in float64.

Keras's layout mapped to PyTorch's (F.conv1d / F.conv2d with
groups = input channels):

- depthwise kernel [*kernel, channels, mult] -> weight [channels*mult, 1,
  *kernel]: output channel c*mult + m of a grouped convolution reads input
  channel c only and uses Keras's kernel [..., c, m], as Keras orders its
  outputs.
- pointwise kernel [*ones, channels*mult, filters] -> weight [filters,
  channels*mult, *ones] (a 1x1 convolution).
- inputs: channels_last tensors are permuted to PyTorch's channels-first
  layout and the outputs permuted back; channels_first ones go as they are.
- "same" padding is TensorFlow's (Keras's): total = max((out - 1)*stride +
  (k - 1)*dilation + 1 - size, 0) with out = ceil(size / stride), of which
  floor(total / 2) before and the rest after (F.pad), then a "valid"
  convolution. PyTorch's own padding="same" is symmetric and stride 1 only.

The leaves are the Keras-layout tensors, so autograd gives every gradient
in Keras's layout. Loss: sum(wOut * output), wOut from a formula too.
"""

import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

# kind, rank, batch, spatial, channels, mult, filters, kernel, strides, dilation, padding, format
CASES = [
    ("depthwise", 2, 2, [7, 6], 3, 2, 0, [3, 3], [1, 1], [1, 1], "valid", "channels_last"),
    ("depthwise", 2, 2, [7, 6], 3, 1, 0, [3, 2], [2, 2], [1, 1], "same", "channels_last"),
    ("depthwise", 2, 1, [8, 7], 2, 3, 0, [2, 3], [1, 1], [2, 2], "same", "channels_last"),
    ("depthwise", 2, 2, [5, 7], 4, 2, 0, [3, 3], [2, 1], [1, 1], "same", "channels_first"),
    ("depthwise", 2, 1, [6, 5], 2, 1, 0, [4, 4], [1, 1], [1, 1], "same", "channels_last"),
    ("depthwise", 2, 1, [9, 8], 3, 1, 0, [3, 3], [1, 1], [2, 3], "valid", "channels_first"),
    ("depthwise", 1, 2, [9], 3, 2, 0, [3], [2], [1], "same", "channels_last"),
    ("depthwise", 1, 2, [10], 2, 1, 0, [4], [1], [2], "same", "channels_first"),
    ("separable", 2, 2, [7, 6], 3, 2, 4, [3, 3], [2, 2], [1, 1], "same", "channels_last"),
    ("separable", 2, 1, [8, 8], 2, 1, 3, [3, 3], [1, 1], [2, 2], "valid", "channels_first"),
    ("separable", 2, 2, [6, 7], 3, 1, 5, [2, 3], [1, 1], [1, 1], "same", "channels_last"),
    ("separable", 1, 2, [9], 3, 2, 4, [3], [2], [1], "same", "channels_last"),
    ("separable", 1, 1, [11], 2, 3, 2, [5], [1], [2], "valid", "channels_first"),
]


def values(n, scale, phase, fn=math.sin, step=0.37):
    """scale * fn(i * step + phase) for i < n, rounded to float32, as float64."""
    data = [scale * fn(i * step + phase) for i in range(n)]
    return torch.tensor(data, dtype=torch.float32).to(torch.float64)


def same_pads(size, k, s, d):
    """TensorFlow's "same" padding of one axis: (before, after)."""
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def to_first(t, rank):
    """Keras channels_last [b, *spatial, c] -> PyTorch [b, c, *spatial]."""
    return t.permute(0, rank + 1, *range(1, rank + 1))


def to_last(t, rank):
    """PyTorch [b, c, *spatial] -> channels_last [b, *spatial, c]."""
    return t.permute(0, *range(2, rank + 2), 1)


def forward(c, x, dk, pk, bias):
    kind, rank, _, spatial, ch, mult, filters, kernel, strides, dil, padding, fmt = c
    xt = to_first(x, rank) if fmt == "channels_last" else x
    if padding == "same":
        pads = []
        for axis in reversed(range(rank)):  # F.pad lists the last axis first
            pads += list(same_pads(spatial[axis], kernel[axis], strides[axis], dil[axis]))
        xt = F.pad(xt, pads)
    conv = F.conv1d if rank == 1 else F.conv2d
    # [*kernel, ch, mult] -> [ch, mult, *kernel] -> [ch*mult, 1, *kernel]
    w = dk.permute(rank, rank + 1, *range(rank)).reshape(ch * mult, 1, *kernel)
    y = conv(xt, w, stride=strides, dilation=dil, groups=ch)
    if kind == "separable":
        # [*ones, ch*mult, filters] -> [filters, ch*mult, *ones]
        pw = pk.permute(rank + 1, rank, *range(rank))
        y = conv(y, pw)
    y = y + bias.reshape(1, -1, *([1] * rank))
    return to_last(y, rank) if fmt == "channels_last" else y


def self_check():
    """The grouped convolution agrees with a loop over channels and taps (case 0)."""
    c = CASES[0]
    _, rank, batch, spatial, ch, mult, _, kernel, _, _, _, _ = c
    x = values(batch * spatial[0] * spatial[1] * ch, 1.0, 0.5).reshape(batch, *spatial, ch)
    dk = values(math.prod(kernel) * ch * mult, 0.5, 1.0).reshape(*kernel, ch, mult)
    y = forward(c, x, dk, None, torch.zeros(ch * mult))
    oh, ow = spatial[0] - kernel[0] + 1, spatial[1] - kernel[1] + 1
    want = torch.zeros(batch, oh, ow, ch * mult)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            patch = x[:, i:i + oh, j:j + ow, :]  # [b, oh, ow, ch]
            want += (patch.unsqueeze(-1) * dk[i, j]).reshape(batch, oh, ow, ch * mult)
    assert torch.allclose(y, want, atol=1e-12), "depthwise weight mapping disagrees with the loop"


def flat(t):
    return [float(f"{v:.10g}") for v in t.detach().reshape(-1).tolist()]


def case(c):
    kind, rank, batch, spatial, ch, mult, filters, kernel, strides, dil, padding, fmt = c
    in_shape = [batch, *spatial, ch] if fmt == "channels_last" else [batch, ch, *spatial]
    x = values(math.prod(in_shape), 1.0, 0.5).reshape(in_shape)
    dk = values(math.prod(kernel) * ch * mult, 0.5, 1.0).reshape(*kernel, ch, mult)
    out_ch = filters if kind == "separable" else ch * mult
    pk = values(ch * mult * filters, 0.4, 2.0).reshape(*([1] * rank), ch * mult, filters)
    bias = values(out_ch, 0.3, 3.0)
    leaves = [t.clone().requires_grad_(True) for t in (x, dk, pk, bias)]
    y = forward(c, *leaves)
    w_out = values(y.numel(), 1.0, 4.0, math.cos, 0.29).reshape(y.shape)
    (y * w_out).sum().backward()
    grads = {"input": flat(leaves[0].grad), "depthwiseKernel": flat(leaves[1].grad)}
    if kind == "separable":
        grads["pointwiseKernel"] = flat(leaves[2].grad)
    grads["bias"] = flat(leaves[3].grad)
    return {
        "kind": kind,
        "rank": rank,
        "inputShape": in_shape,
        "depthMultiplier": mult,
        "filters": filters,
        "kernelSize": kernel,
        "strides": strides,
        "dilationRate": dil,
        "padding": padding,
        "dataFormat": fmt,
        "outputShape": list(y.shape),
        "output": flat(y),
        "grads": grads,
    }


def main():
    self_check()
    print(f"// Generated by tools/torch_depthwise_reference.py (PyTorch {torch.__version__}, float64): do not edit.")
    print("// Regenerate: /usr/bin/python3 tools/torch_depthwise_reference.py > tests/layers/_depthwise_reference.ts")
    print("// deno-fmt-ignore-file")
    print("/** One reference case: geometry, output and gradients (Keras layout). */")
    print("export interface DepthwiseReference {")
    print('  kind: "depthwise" | "separable";')
    print("  rank: 1 | 2;")
    print("  inputShape: number[];")
    print("  depthMultiplier: number;")
    print("  filters: number;")
    print("  kernelSize: number[];")
    print("  strides: number[];")
    print("  dilationRate: number[];")
    print('  padding: "valid" | "same";')
    print('  dataFormat: "channels_last" | "channels_first";')
    print("  outputShape: number[];")
    print("  output: number[];")
    print("  grads: Record<string, number[]>;")
    print("}")
    print("")
    print("/** PyTorch's numbers for each case. */")
    print("export const REFERENCE: DepthwiseReference[] = [")
    for c in CASES:
        print("  " + json.dumps(case(c), separators=(",", ":")) + ",")
    print("];")


if __name__ == "__main__":
    main()
