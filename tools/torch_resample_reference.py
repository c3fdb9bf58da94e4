"""PyTorch reference values for kerno's up-sampling and 3-D pooling layers
(and the 2-D pooling layers with channels first).

Writes tests/layers/_resample_reference.ts (run from the repository root):

    /usr/bin/python3 tools/torch_resample_reference.py > tests/layers/_resample_reference.ts

Inputs and probe weights come from a formula (`values`), rounded to float32
exactly as the TypeScript test rounds them (Math.fround), so both sides
start from the same float32 numbers; PyTorch then computes in float64.
Each case gives the layer's output and the gradient of sum(probe * output)
with respect to the input, both in the Keras layout of the case.

Keras layouts mapped to PyTorch's (channels first, N C spatial...):

- channels_last [N, *spatial, C] is permuted to [N, C, *spatial] and back.
- UpSampling1D/2D/3D "nearest": F.interpolate(mode="nearest",
  scale_factor=size), which for whole factors repeats each position.
- UpSampling2D "bilinear": F.interpolate(mode="bilinear",
  align_corners=False): half-pixel centres, TensorFlow 2's tf.image.resize
  convention that Keras 3 uses.
- MaxPooling "same": Keras (TensorFlow) pads ceil-mode windows with
  max(0, (out - 1) * stride + pool - in) positions, the smaller half
  before; PyTorch's own padding is symmetric, so the input is padded here
  with -inf (F.pad) and pooled "valid".
- AveragePooling "same": padded positions are not counted. Symmetric
  padding uses avg_pool3d(count_include_pad=False) directly; asymmetric
  padding pads with zeros and divides the window sums by the window counts
  of a padded tensor of ones (both with divisor_override=1).
"""

import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

# (name, layer, options, Keras input shape)
CASES = [
    ("up1d nearest x3", "UpSampling1D", {"size": 3}, [2, 5, 3]),
    ("up2d nearest [2, 3]", "UpSampling2D", {"size": [2, 3]}, [2, 3, 5, 2]),
    ("up2d nearest channels_first", "UpSampling2D",
     {"size": [3, 2], "dataFormat": "channels_first"}, [2, 2, 3, 5]),
    ("up2d bilinear [2, 3]", "UpSampling2D",
     {"size": [2, 3], "interpolation": "bilinear"}, [2, 3, 5, 2]),
    ("up2d bilinear [3, 3] odd", "UpSampling2D",
     {"size": 3, "interpolation": "bilinear"}, [1, 5, 3, 3]),
    ("up2d bilinear channels_first", "UpSampling2D",
     {"size": [2, 2], "interpolation": "bilinear", "dataFormat": "channels_first"}, [2, 3, 4, 5]),
    ("up3d nearest [2, 1, 3]", "UpSampling3D", {"size": [2, 1, 3]}, [2, 2, 3, 4, 2]),
    ("up3d nearest channels_first", "UpSampling3D",
     {"size": 2, "dataFormat": "channels_first"}, [1, 2, 3, 2, 3]),
    ("max3d valid pool [2, 3, 2] strides [2, 2, 3]", "MaxPooling3D",
     {"poolSize": [2, 3, 2], "strides": [2, 2, 3]}, [2, 5, 6, 7, 3]),
    ("max3d valid overlapping", "MaxPooling3D",
     {"poolSize": 3, "strides": 1}, [1, 4, 5, 4, 2]),
    ("max3d same pool 2 stride 2 odd", "MaxPooling3D",
     {"poolSize": 2, "padding": "same"}, [2, 5, 3, 7, 2]),
    ("max3d same pool [3, 2, 4] strides [2, 1, 3]", "MaxPooling3D",
     {"poolSize": [3, 2, 4], "strides": [2, 1, 3], "padding": "same"}, [1, 6, 5, 7, 3]),
    ("max3d same channels_first", "MaxPooling3D",
     {"poolSize": 2, "strides": [1, 2, 2], "padding": "same", "dataFormat": "channels_first"},
     [2, 3, 3, 5, 4]),
    ("avg3d valid pool [2, 3, 2] strides [2, 2, 3]", "AveragePooling3D",
     {"poolSize": [2, 3, 2], "strides": [2, 2, 3]}, [2, 5, 6, 7, 3]),
    ("avg3d same symmetric pool 3 stride 1", "AveragePooling3D",
     {"poolSize": 3, "strides": 1, "padding": "same"}, [1, 4, 5, 3, 2]),
    ("avg3d same asymmetric pool 2 stride 2 odd", "AveragePooling3D",
     {"poolSize": 2, "padding": "same"}, [2, 5, 3, 7, 2]),
    ("avg3d same asymmetric channels_first", "AveragePooling3D",
     {"poolSize": [3, 2, 4], "strides": [2, 1, 3], "padding": "same",
      "dataFormat": "channels_first"}, [1, 3, 6, 5, 7]),
    ("max2d same channels_first", "MaxPooling2D",
     {"poolSize": [3, 2], "strides": [2, 1], "padding": "same", "dataFormat": "channels_first"},
     [2, 3, 5, 6]),
    ("avg2d same channels_first", "AveragePooling2D",
     {"poolSize": 2, "padding": "same", "dataFormat": "channels_first"}, [2, 3, 5, 7]),
]


def values(n, scale, phase, step=0.37):
    """scale * sin(i * step + phase) for i < n, rounded to float32, as float64."""
    data = [scale * math.sin(i * step + phase) for i in range(n)]
    return torch.tensor(data, dtype=torch.float32).to(torch.float64)


def tuple_of(value, n):
    return list(value) if isinstance(value, list) else [value] * n


def same_pads(length, pool, stride):
    """Keras/TensorFlow "same": (before, after) for one axis."""
    out = -(-length // stride)
    total = max((out - 1) * stride + pool - length, 0)
    return total // 2, total - total // 2


def torch_pad(x, pads):
    """F.pad wants (last axis before, after, second to last ...)."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat


def pool(x, layer, o, rank):
    """Pooling of a channels-first tensor [N, C, *spatial]."""
    size = tuple_of(o.get("poolSize", 2), rank)
    strides = tuple_of(o.get("strides", size), rank)
    same = o.get("padding", "valid") == "same"
    pads = [same_pads(x.shape[2 + i], size[i], strides[i]) if same else (0, 0)
            for i in range(rank)]
    fn = {2: (F.max_pool2d, F.avg_pool2d), 3: (F.max_pool3d, F.avg_pool3d)}[rank]
    if layer.startswith("Max"):
        padded = F.pad(x, torch_pad(x, pads), value=-math.inf)
        return fn[0](padded, size, strides)
    symmetric = all(b == a for b, a in pads)
    if symmetric and rank == 3:
        return fn[1](x, size, strides, padding=[b for b, _ in pads], count_include_pad=False)
    sums = fn[1](F.pad(x, torch_pad(x, pads)), size, strides, divisor_override=1)
    ones = torch.ones((1, 1) + tuple(x.shape[2:]))
    counts = fn[1](F.pad(ones, torch_pad(ones, pads)), size, strides, divisor_override=1)
    return sums / counts


def run(layer, o, x):
    """The layer on a channels-first tensor."""
    rank = x.dim() - 2
    if layer.startswith("UpSampling"):
        size = tuple_of(o.get("size", 2), rank)
        mode = o.get("interpolation", "nearest")
        if mode == "nearest":
            return F.interpolate(x, scale_factor=size, mode="nearest")
        return F.interpolate(x, scale_factor=size, mode=mode, align_corners=False)
    return pool(x, layer, o, rank)


def case(name, layer, options, shape):
    first = options.get("dataFormat") == "channels_first"
    n = math.prod(shape)
    x = values(n, 1.0, 0.5).reshape(shape).requires_grad_(True)
    rank = len(shape) - 2
    to_first = [0, rank + 1] + list(range(1, rank + 1))
    to_last = [0] + list(range(2, rank + 2)) + [1]
    xf = x if first else x.permute(to_first)
    yf = run(layer, options, xf)
    y = yf if first else yf.permute(to_last).contiguous()
    w = values(y.numel(), 0.8, 1.3, step=0.53).reshape(y.shape)
    (gx,) = torch.autograd.grad((w * y).sum(), x)
    return {
        "name": name,
        "layer": layer,
        "options": options,
        "inputShape": shape,
        "outputShape": list(y.shape),
        "output": [float(f"{v:.10g}") for v in y.detach().flatten().tolist()],
        "grad": [float(f"{v:.10g}") for v in gx.flatten().tolist()],
    }


def main():
    print(f"// Generated by tools/torch_resample_reference.py (PyTorch {torch.__version__}, float64): do not edit.")
    print("// Regenerate: /usr/bin/python3 tools/torch_resample_reference.py > tests/layers/_resample_reference.ts")
    print("// deno-fmt-ignore-file")
    print("/** One reference case: a layer, its options, and PyTorch's output and input gradient (Keras layout). */")
    print("export interface ResampleCase {")
    print("  name: string;")
    print("  layer: string;")
    print("  options: Record<string, unknown>;")
    print("  inputShape: number[];")
    print("  outputShape: number[];")
    print("  output: number[];")
    print("  grad: number[];")
    print("}")
    print()
    print("/** PyTorch's numbers for each case. */")
    print("export const RESAMPLE_REFERENCE: ResampleCase[] = [")
    for c in CASES:
        print("  " + json.dumps(case(*c), separators=(",", ":")) + ",")
    print("];")


main()
