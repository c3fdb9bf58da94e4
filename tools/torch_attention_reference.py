"""Reference values for kerno's attention layers, computed with PyTorch.

Run with Debian's python3-torch:

    /usr/bin/python3 tools/torch_attention_reference.py > tests/layers/_attention_reference.ts
    deno fmt tests/layers/_attention_reference.ts

It prints a TypeScript module (the fixture tests/layers/attention_test.ts
reads): for each case, the layer's options, the inputs and weights (given as
deterministic sequences, ``scale * sin(0.37 * i + seed)`` rounded to float32,
which the test regenerates), the masks, and the values computed here in
float64: the output, the attention probabilities, and the gradients of
``sum(output * probe)`` with respect to every input and every weight (in
Keras's layout).

MultiHeadAttention against ``torch.nn.MultiheadAttention`` (batch_first=True,
need_weights=True, average_attn_weights=False). Keras's weights map to
torch's as follows (N heads of size H, value heads of size Hv; torch's
embed_dim E = N * H must equal the query's features and the output's):

    query kernel  [Dq, N, H]  ->  q_proj_weight = kernel.reshape(Dq, N*H).T   [E, Dq]
    key kernel    [Dk, N, H]  ->  k_proj_weight = kernel.reshape(Dk, N*H).T   [E, Dk]   (kdim=Dk)
    value kernel  [Dv, N, Hv] ->  v_proj_weight = kernel.reshape(Dv, N*Hv).T  [E, Dv]   (vdim=Dv)
    (when Dq = Dk = Dv = E, torch keeps one in_proj_weight = cat of the three, [3E, E])
    q/k/v biases  [N, H]      ->  in_proj_bias  = cat(bq.flatten(), bk.flatten(), bv.flatten())
    output kernel [N, Hv, Do] ->  out_proj.weight = kernel.reshape(N*Hv, Do).T  [Do, E]
    output bias   [Do]        ->  out_proj.bias

torch splits the E features into heads as contiguous blocks (feature
n * H + h is head n's h-th), which is Keras's row-major reshape of [N, H].
Gradients map back by the inverse (transpose, then reshape). Keras's masks
map to torch's inverted: a value/key mask (True: attend) is torch's
key_padding_mask (True: ignore), the causal mask is
``attn_mask = triu(ones(T, S), 1)`` (True: ignore).

Configurations torch's module cannot express (valueDim != keyDim, an
outputShape, a query mask whose rows attend to nothing, attention over
other axes) and Keras's Attention/AdditiveAttention are computed by hand in
torch ops, following Keras 3's code line by line; the hand version of
MultiHeadAttention is checked here against torch's module first.
"""

import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def det(shape, seed, scale):
    """`scale * sin(0.37 * i + seed)`, rounded to float32, as float64."""
    n = math.prod(shape)
    values = [scale * math.sin(0.37 * i + seed) for i in range(n)]
    return torch.tensor(values, dtype=torch.float32).double().reshape(shape)


def spec(shape, seed, scale=1.5):
    return {"shape": list(shape), "seed": seed, "scale": scale}


def leaf(s):
    return det(s["shape"], s["seed"], s["scale"]).requires_grad_(True)


def lengths_mask(lengths, steps):
    return torch.tensor([[1 if j < n else 0 for j in range(steps)] for n in lengths], dtype=torch.bool)


# --- MultiHeadAttention by hand, as Keras 3 computes it -------------------------------------


def letters(n, offset=0):
    return "".join(chr(97 + offset + i) for i in range(n))


def proj_equation(free, bound, outputs):
    kept, contracted, added = letters(free), letters(bound, free), letters(outputs, free + bound)
    return f"{kept}{contracted},{contracted}{added}->{kept}{added}"


def attention_equations(rank, axes):
    target = letters(rank)
    batch = [i for i in range(rank) if i not in axes and i != rank - 1]
    offset, source = rank, ""
    for i in range(rank):
        if i in batch or i == rank - 1:
            source += target[i]
        else:
            source += chr(97 + offset)
            offset += 1
    product = "".join([target[i] for i in batch] + [target[i] for i in axes] + [source[i] for i in axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}"


def keras_mha(q_in, v_in, k_in, w, num_heads, key_dim, axes=None, masks=(None, None, None), causal=False):
    """Keras 3's MultiHeadAttention.call, in torch ops. Returns (output, probabilities)."""
    rank = q_in.dim()
    axes = tuple(range(1, rank - 1)) if axes is None else tuple(axes)
    proj = proj_equation(rank - 1, 1, 2)
    q = torch.einsum(proj, q_in, w["query/kernel"]) + w["query/bias"]
    k = torch.einsum(proj, k_in, w["key/kernel"]) + w["key/bias"]
    v = torch.einsum(proj, v_in, w["value/kernel"]) + w["value/bias"]
    q = q * (1.0 / math.sqrt(key_dim))
    dot, combine = attention_equations(rank + 1, axes)
    scores = torch.einsum(dot, k, q)
    mask = None
    query_mask, value_mask, key_mask = masks
    parts = []
    if query_mask is not None:
        parts.append(query_mask[:, :, None])
    if value_mask is not None:
        parts.append(value_mask[:, None, :])
    if key_mask is not None:
        parts.append(key_mask[:, None, :])
    if causal:
        t, s = scores.shape[-2], scores.shape[-1]
        parts.append(torch.tril(torch.ones(t, s, dtype=torch.bool))[None])
    for p in parts:
        mask = p if mask is None else mask & p
    if mask is not None:
        while mask.dim() < scores.dim():
            mask = mask.unsqueeze(-len(axes) * 2 - 1)
        scores = scores + (1.0 - mask.double()) * -1e9
    n = len(axes)
    flat = scores.reshape(*scores.shape[: scores.dim() - n], -1)
    probs = torch.softmax(flat, dim=-1).reshape(scores.shape)
    if mask is not None:
        probs = probs * mask.double()
    context = torch.einsum(combine, probs, v)
    out_eq = proj_equation(rank - 1, 2, 1)
    out = torch.einsum(out_eq, context, w["attention_output/kernel"]) + w["attention_output/bias"]
    return out, probs


MHA_WEIGHTS = ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias",
               "attention_output/kernel", "attention_output/bias"]


def mha_weight_specs(dq, dk, dv, heads, key_dim, value_dim, out_dim):
    shapes = [[dq, heads, key_dim], [heads, key_dim], [dk, heads, key_dim], [heads, key_dim],
              [dv, heads, value_dim], [heads, value_dim], [heads, value_dim, out_dim], [out_dim]]
    return [{"name": n, **spec(s, 11 + i, 0.9 if n.endswith("kernel") else 0.3)}
            for i, (n, s) in enumerate(zip(MHA_WEIGHTS, shapes))]


def torch_mha(q, v, k, w, heads, key_padding=None, causal=False):
    """nn.MultiheadAttention with Keras's weights mapped in; returns (output, probs, module)."""
    e = q.shape[-1]
    dk, dv = k.shape[-1], v.shape[-1]
    module = torch.nn.MultiheadAttention(e, heads, batch_first=True, kdim=dk, vdim=dv)
    with torch.no_grad():
        wq = w["query/kernel"].reshape(e, e).T
        wk = w["key/kernel"].reshape(dk, e).T
        wv = w["value/kernel"].reshape(dv, e).T
        if module._qkv_same_embed_dim:
            module.in_proj_weight.copy_(torch.cat([wq, wk, wv]))
        else:
            module.q_proj_weight.copy_(wq)
            module.k_proj_weight.copy_(wk)
            module.v_proj_weight.copy_(wv)
        module.in_proj_bias.copy_(torch.cat([w[n].flatten() for n in ["query/bias", "key/bias", "value/bias"]]))
        module.out_proj.weight.copy_(w["attention_output/kernel"].reshape(e, -1).T)
        module.out_proj.bias.copy_(w["attention_output/bias"])
    t, s = q.shape[1], k.shape[1]
    attn_mask = torch.triu(torch.ones(t, s, dtype=torch.bool), 1) if causal else None
    padding = None if key_padding is None else ~key_padding
    out, probs = module(q, k, v, key_padding_mask=padding, need_weights=True, attn_mask=attn_mask,
                        average_attn_weights=False)
    return out, probs, module


def torch_weight_grads(module, heads, key_dim, value_dim, dq, dk, dv):
    """torch's parameter gradients in Keras's layout."""
    e = heads * key_dim
    if module._qkv_same_embed_dim:
        gq, gk, gv = module.in_proj_weight.grad.split(e)
    else:
        gq, gk, gv = module.q_proj_weight.grad, module.k_proj_weight.grad, module.v_proj_weight.grad
    gb = module.in_proj_bias.grad.split(e)
    return {
        "query/kernel": gq.T.reshape(dq, heads, key_dim),
        "query/bias": gb[0].reshape(heads, key_dim),
        "key/kernel": gk.T.reshape(dk, heads, key_dim),
        "key/bias": gb[1].reshape(heads, key_dim),
        "value/kernel": gv.T.reshape(dv, heads, value_dim),
        "value/bias": gb[2].reshape(heads, value_dim),
        "attention_output/kernel": module.out_proj.weight.grad.T.reshape(heads, value_dim, -1),
        "attention_output/bias": module.out_proj.bias.grad,
    }


def mha_torch_case(name, q_spec, v_spec, k_spec, heads, key_dim, valid=None, causal=False):
    """A case computed by nn.MultiheadAttention, checked against the hand version."""
    q, v = leaf(q_spec), leaf(v_spec)
    k = v if k_spec is None else leaf(k_spec)
    dq, dk, dv = q.shape[-1], k.shape[-1], v.shape[-1]
    wspecs = mha_weight_specs(dq, dk, dv, heads, key_dim, key_dim, dq)
    w = {s["name"]: det(s["shape"], s["seed"], s["scale"]) for s in wspecs}
    value_mask = None if valid is None else lengths_mask(valid, v.shape[1])
    out, probs, module = torch_mha(q, v, k, w, heads, value_mask, causal)
    probe = det(out.shape, 99, 1.0)
    (out * probe).sum().backward()
    grads = {"query": q.grad, "value": v.grad}
    if k_spec is not None:
        grads["key"] = k.grad
    grads.update(torch_weight_grads(module, heads, key_dim, key_dim, dq, dk, dv))
    # The hand version (Keras's formula) must agree with torch's module.
    hand_out, hand_probs = keras_mha(q, v, k, w, heads, key_dim, masks=(None, value_mask, None), causal=causal)
    assert (hand_out - out).abs().max() < 1e-12, name
    assert (hand_probs - probs).abs().max() < 1e-12, name
    masks = {} if valid is None else {"value": value_mask.int().tolist()}
    inputs = {"query": q_spec, "value": v_spec, **({} if k_spec is None else {"key": k_spec})}
    config = {"numHeads": heads, "keyDim": key_dim}
    return name, {"layer": "MultiHeadAttention", "config": config, "inputs": inputs, "weights": wspecs,
                  "masks": masks, "causal": causal, "output": out, "scores": probs, "grads": grads,
                  "source": "torch.nn.MultiheadAttention"}


def mha_hand_case(name, q_spec, v_spec, heads, key_dim, value_dim, out_dims, axes=None,
                  query_valid=None, value_valid=None, causal=False):
    """A case computed by the hand version (Keras's formula in torch ops)."""
    q, v = leaf(q_spec), leaf(v_spec)
    dq, dv = q.shape[-1], v.shape[-1]
    wspecs = mha_weight_specs(dq, dv, dv, heads, key_dim, value_dim, out_dims)
    ws = {s["name"]: leaf(s) for s in wspecs}
    qm = None if query_valid is None else lengths_mask(query_valid, q.shape[1])
    vm = None if value_valid is None else lengths_mask(value_valid, v.shape[1])
    out, probs = keras_mha(q, v, v, ws, heads, key_dim, axes=axes, masks=(qm, vm, None), causal=causal)
    probe = det(out.shape, 99, 1.0)
    (out * probe).sum().backward()
    grads = {"query": q.grad, "value": v.grad, **{n: t.grad for n, t in ws.items()}}
    masks = {}
    if qm is not None:
        masks["query"] = qm.int().tolist()
    if vm is not None:
        masks["value"] = vm.int().tolist()
    config = {"numHeads": heads, "keyDim": key_dim, "valueDim": value_dim, "outputShape": [out_dims]}
    if axes is not None:
        config["attentionAxes"] = list(axes)
    return name, {"layer": "MultiHeadAttention", "config": config, "inputs": {"query": q_spec, "value": v_spec},
                  "weights": wspecs, "masks": masks, "causal": causal, "output": out, "scores": probs,
                  "grads": grads, "source": "Keras's formula in torch ops"}


# --- Attention and AdditiveAttention by hand, as Keras 3 computes them ----------------------


def keras_attention(q, v, k, mode, scale, concat_weight, query_mask, value_mask, causal):
    if mode == "dot":
        scores = q @ k.transpose(-2, -1)
        if scale is not None:
            scores = scores * scale
    elif mode == "concat":
        s = q[:, :, None, :] + k[:, None, :, :]
        if scale is not None:
            s = scale * s
        scores = concat_weight * torch.tanh(s).sum(-1)
    else:  # additive
        t = torch.tanh(q[:, :, None, :] + k[:, None, :, :])
        scores = (t * scale if scale is not None else t).sum(-1)
    keep = None if value_mask is None else value_mask[:, None, :]
    if causal:
        lower = torch.tril(torch.ones(scores.shape[-2], scores.shape[-1], dtype=torch.bool))[None]
        keep = lower if keep is None else keep & lower
    if keep is not None:
        scores = scores - 1e9 * (~keep).double()
    weights = torch.softmax(scores, dim=-1)
    out = weights @ v
    if query_mask is not None:
        out = out * query_mask[:, :, None].double()
    return out, weights


def attention_case(name, layer, mode, q_spec, v_spec, k_spec, weight_specs, query_valid=None,
                   value_valid=None, causal=False, config=None):
    q, v = leaf(q_spec), leaf(v_spec)
    k = v if k_spec is None else leaf(k_spec)
    ws = {s["name"]: leaf(s) for s in weight_specs}
    qm = None if query_valid is None else lengths_mask(query_valid, q.shape[1])
    vm = None if value_valid is None else lengths_mask(value_valid, v.shape[1])
    out, weights = keras_attention(q, v, k, mode, ws.get("scale"), ws.get("concat_score_weight"), qm, vm, causal)
    probe = det(out.shape, 99, 1.0)
    (out * probe).sum().backward()
    grads = {"query": q.grad, "value": v.grad, **({} if k_spec is None else {"key": k.grad})}
    grads.update({n: t.grad for n, t in ws.items()})
    masks = {}
    if qm is not None:
        masks["query"] = qm.int().tolist()
    if vm is not None:
        masks["value"] = vm.int().tolist()
    inputs = {"query": q_spec, "value": v_spec, **({} if k_spec is None else {"key": k_spec})}
    return name, {"layer": layer, "config": config or {}, "inputs": inputs, "weights": weight_specs,
                  "masks": masks, "causal": causal, "output": out, "scores": weights, "grads": grads,
                  "source": "Keras's formula in torch ops"}


def cases():
    yield mha_torch_case("mha_torch", spec([2, 3, 6], 1), spec([2, 4, 4], 3), spec([2, 4, 5], 2), 2, 3)
    yield mha_torch_case("mha_torch_causal", spec([2, 3, 6], 1), spec([2, 4, 4], 3), spec([2, 4, 5], 2), 2, 3,
                         causal=True)
    yield mha_torch_case("mha_torch_padding", spec([2, 3, 6], 1), spec([2, 4, 4], 3), spec([2, 4, 5], 2), 2, 3,
                         valid=[3, 2])
    yield mha_torch_case("mha_torch_causal_padding", spec([2, 3, 6], 1), spec([2, 4, 4], 3),
                         spec([2, 4, 5], 2), 2, 3, valid=[3, 2], causal=True)
    yield mha_torch_case("mha_torch_self", spec([2, 4, 6], 4), spec([2, 4, 6], 4), None, 3, 2, valid=[4, 2])
    yield mha_hand_case("mha_value_dim_masks", spec([2, 3, 4], 5), spec([2, 4, 5], 6), 2, 3, 5, 7,
                        query_valid=[2, 3], value_valid=[3, 1])
    yield mha_hand_case("mha_axes_2", spec([2, 2, 3, 4], 7), spec([2, 2, 3, 4], 8), 2, 2, 2, 4, axes=[2])
    yield mha_hand_case("mha_axes_all", spec([2, 2, 3, 4], 7), spec([2, 2, 3, 4], 8), 2, 2, 2, 4, axes=[1, 2])
    yield attention_case("attention_dot", "Attention", "dot", spec([2, 3, 4], 21), spec([2, 5, 3], 22),
                         spec([2, 5, 4], 23), [{"name": "scale", **spec([], 31, 0.9)}], query_valid=[2, 3],
                         value_valid=[4, 2], config={"useScale": True})
    yield attention_case("attention_dot_causal", "Attention", "dot", spec([2, 4, 4], 24), spec([2, 4, 4], 25),
                         None, [], value_valid=[4, 3], causal=True)
    yield attention_case("attention_concat", "Attention", "concat", spec([2, 3, 4], 26), spec([2, 5, 4], 27),
                         None, [{"name": "scale", **spec([], 32, 0.7)},
                                {"name": "concat_score_weight", **spec([], 33, 1.4)}],
                         value_valid=[5, 3], config={"useScale": True, "scoreMode": "concat"})
    yield attention_case("additive", "AdditiveAttention", "additive", spec([2, 3, 4], 28), spec([2, 5, 3], 29),
                         spec([2, 5, 4], 30), [{"name": "scale", **spec([4], 34, 0.5)}], query_valid=[3, 1],
                         value_valid=[2, 5])
    yield attention_case("additive_noscale_causal", "AdditiveAttention", "additive", spec([2, 3, 4], 35),
                         spec([2, 5, 4], 36), None, [], causal=True, config={"useScale": False})


# --- Output: a TypeScript module ------------------------------------------------------------


def numbers(t, indent):
    flat = ["%.10g" % x for x in t.detach().flatten().tolist()]
    lines, line = [], ""
    for x in flat:
        if len(line) + len(x) + 1 > 92 - indent:
            lines.append(line)
            line = ""
        line = f"{line} {x}" if line else x
    lines.append(line)
    pad = " " * indent
    return "nums(`\n" + "\n".join(pad + "  " + l for l in lines) + "\n" + pad + "`)"


def ts_json(value):
    return json.dumps(value)


def emit():
    print("// Generated by tools/torch_attention_reference.py with torch " + torch.__version__ + ": do not edit.")
    print("// Regenerate: /usr/bin/python3 tools/torch_attention_reference.py > tests/layers/_attention_reference.ts")
    print("//   && deno fmt tests/layers/_attention_reference.ts")
    print("""
/** A deterministic tensor: `scale * sin(0.37 * i + seed)`, rounded to float32. */
export interface Deterministic {
  shape: number[];
  seed: number;
  scale: number;
}

/** One reference case. */
export interface ReferenceCase {
  /** The layer's class name. */
  layer: "MultiHeadAttention" | "Attention" | "AdditiveAttention";
  /** Its positional arguments and options. */
  config: Record<string, unknown>;
  /** The query, value and (optional) key. */
  inputs: Record<string, Deterministic>;
  /** The weights in the layer's `weights` order, with their names. */
  weights: (Deterministic & { name: string })[];
  /** Masks (1: keep) of the query and value, when used. */
  masks: { query?: number[][]; value?: number[][] };
  /** Whether the causal mask is applied. */
  causal: boolean;
  /** What computed the values. */
  source: string;
  /** The output, its shape and values. */
  output: { shape: number[]; values: number[] };
  /** The attention probabilities. */
  scores: { shape: number[]; values: number[] };
  /** Gradients of `sum(output * probe)`, probe `sin(0.37 * i + 99)`, by input or weight name. */
  grads: Record<string, number[]>;
}

/** Whitespace-separated numbers. */
function nums(text: string): number[] {
  return text.trim().split(/\\s+/).map(Number);
}

/** The cases, by name. */
export const REFERENCE: Record<string, ReferenceCase> = {""")
    for name, case in cases():
        print(f"  {name}: {{")
        for key in ["layer", "config", "inputs", "weights", "masks", "causal", "source"]:
            print(f"    {key}: {ts_json(case[key])},")
        for key in ["output", "scores"]:
            t = case[key]
            print(f"    {key}: {{")
            print(f"      shape: {list(t.shape)},")
            print(f"      values: {numbers(t, 6)},")
            print("    },")
        print("    grads: {")
        for g, t in case["grads"].items():
            print(f"      {ts_json(g)}: {numbers(t, 6)},")
        print("    },")
        print("  },")
    print("};")


if __name__ == "__main__":
    emit()
