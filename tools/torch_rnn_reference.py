"""PyTorch reference values for kerno's SimpleRNN, LSTM and GRU.

Writes tests/layers/_recurrent_reference.ts (run from the repository root):

    /usr/bin/python3 tools/torch_rnn_reference.py > tests/layers/_recurrent_reference.ts

Weights and inputs come from formulas (see `values`), rounded to float32
exactly as the TypeScript test rounds them (Math.fround), so both sides
start from the same float32 numbers; PyTorch then computes in float64.

Keras's layout mapped to PyTorch's (nn.RNN with tanh, nn.LSTM, nn.GRU,
one layer, batch_first):

- kernel [features, k*units] -> weight_ih_l0 [k*units, features]: the
  transpose; recurrent_kernel [units, k*units] -> weight_hh_l0: the
  transpose.
- SimpleRNN / LSTM: Keras has one bias [k*units], PyTorch two, added
  together: bias_ih_l0 = Keras's bias, bias_hh_l0 = zeros. (The gradient of
  Keras's bias is then bias_ih_l0's.)
- LSTM gate order: PyTorch's i, f, g, o is Keras's i, f, c, o: no
  permutation.
- GRU gate order: PyTorch's r, z, n against Keras's z, r, h: the blocks of
  units rows are permuted (r, z, n) = (Keras block 1, block 0, block 2).
  PyTorch's GRU is Keras's reset_after=True form: n = tanh(W_in x + b_in +
  r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h, with separate input and
  recurrent biases = Keras's bias [2, 3*units] (row 0 -> bias_ih_l0, row 1
  -> bias_hh_l0, each permuted like the weights).
- GRU reset_after=False has no PyTorch module: it is computed here with
  plain torch ops from Keras's formula (hh = tanh(x W_h + b_h + (r*h) U_h)).
- go_backwards: the input reversed in time; Keras returns the outputs in the
  order processed, which is PyTorch's output on the reversed input.

For each case, two losses (and the gradients of each with respect to the
input and to every weight, in Keras's layout):
- "sequence": sum(wSeq * outputs), outputs [batch, time, units]
  (return_sequences=True);
- "last": sum(wLast * last output) + sum_k sum(wState_k * final state k)
  (return_sequences=False, return_state=True; LSTM's states are h then c).
"""

import json
import math

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3, "gru_reset_before": 3}

CASES = [
    ("simple_rnn", 2, 5, 3, 4, False),
    ("simple_rnn", 2, 5, 3, 4, True),
    ("simple_rnn", 3, 4, 5, 2, False),
    ("lstm", 2, 5, 3, 4, False),
    ("lstm", 2, 5, 3, 4, True),
    ("lstm", 3, 4, 5, 2, False),
    ("gru", 2, 5, 3, 4, False),
    ("gru", 2, 5, 3, 4, True),
    ("gru", 3, 4, 5, 2, False),
    ("gru_reset_before", 2, 5, 3, 4, False),
    ("gru_reset_before", 3, 4, 5, 2, True),
]


def values(n, scale, phase, fn=math.sin, step=0.37):
    """scale * fn(i * step + phase) for i < n, rounded to float32, as float64."""
    data = [scale * fn(i * step + phase) for i in range(n)]
    return torch.tensor(data, dtype=torch.float32).to(torch.float64)


def keras_tensors(kind, batch, time, features, units):
    """The input and Keras-layout weights of a case (leaf tensors)."""
    k = GATES[kind]
    x = values(batch * time * features, 1.0, 0.5).reshape(batch, time, features)
    kernel = values(features * k * units, 0.5, 1.0).reshape(features, k * units)
    recurrent = values(units * k * units, 0.4, 2.0).reshape(units, k * units)
    bias_shape = (2, 3 * units) if kind == "gru" else (k * units,)
    bias = values(math.prod(bias_shape), 0.3, 3.0).reshape(bias_shape)
    return [t.clone().requires_grad_(True) for t in (x, kernel, recurrent, bias)]


def loss_weights(batch, time, units, n_states):
    w_seq = values(batch * time * units, 1.0, 0.0, math.cos, 0.29).reshape(batch, time, units)
    w_last = values(batch * units, 1.0, 1.0, math.cos, 0.29).reshape(batch, units)
    w_states = [
        values(batch * units, 1.0, 2.0 + s, math.cos, 0.29).reshape(batch, units)
        for s in range(n_states)
    ]
    return w_seq, w_last, w_states


def gru_rows(w, units):
    """Keras's z, r, h blocks (last axis) as PyTorch's r, z, n."""
    z, r, h = w[..., :units], w[..., units:2 * units], w[..., 2 * units:]
    return torch.cat([r, z, h], dim=-1)


def keras_blocks(w, units):
    """PyTorch's r, z, n blocks (last axis) as Keras's z, r, h."""
    r, z, n = w[..., :units], w[..., units:2 * units], w[..., 2 * units:]
    return torch.cat([z, r, n], dim=-1)


def torch_module(kind, features, units, kernel, recurrent, bias):
    """PyTorch's module (float64) holding the Keras weights, mapped."""
    with torch.no_grad():
        if kind == "simple_rnn":
            module = torch.nn.RNN(features, units, nonlinearity="tanh", batch_first=True)
        elif kind == "lstm":
            module = torch.nn.LSTM(features, units, batch_first=True)
        else:
            module = torch.nn.GRU(features, units, batch_first=True)
        module = module.double()
        if kind == "gru":
            module.weight_ih_l0.copy_(gru_rows(kernel, units).t())
            module.weight_hh_l0.copy_(gru_rows(recurrent, units).t())
            module.bias_ih_l0.copy_(gru_rows(bias[0], units))
            module.bias_hh_l0.copy_(gru_rows(bias[1], units))
        else:
            module.weight_ih_l0.copy_(kernel.t())
            module.weight_hh_l0.copy_(recurrent.t())
            module.bias_ih_l0.copy_(bias)
            module.bias_hh_l0.zero_()
    return module


def keras_grads(kind, module, units):
    """The module's weight gradients in Keras's layout: kernel, recurrent kernel, bias."""
    g_ih, g_hh = module.weight_ih_l0.grad, module.weight_hh_l0.grad
    b_ih, b_hh = module.bias_ih_l0.grad, module.bias_hh_l0.grad
    if kind == "gru":
        bias = torch.stack([keras_blocks(b_ih, units), keras_blocks(b_hh, units)])
        return keras_blocks(g_ih.t(), units), keras_blocks(g_hh.t(), units), bias
    # Keras's one bias enters where bias_ih does: its gradient is bias_ih's.
    return g_ih.t(), g_hh.t(), b_ih


def gru_by_hand(x, kernel, recurrent, bias, units, reset_after):
    """Keras's GRU formula in plain torch ops, step by step."""
    batch, time, _ = x.shape
    h = torch.zeros(batch, units)
    outs = []
    for t in range(time):
        if reset_after:
            xw = x[:, t] @ kernel + bias[0]
            hu = h @ recurrent + bias[1]
            z = torch.sigmoid(xw[:, :units] + hu[:, :units])
            r = torch.sigmoid(xw[:, units:2 * units] + hu[:, units:2 * units])
            hh = torch.tanh(xw[:, 2 * units:] + r * hu[:, 2 * units:])
        else:
            xw = x[:, t] @ kernel + bias
            hu = h @ recurrent[:, :2 * units]
            z = torch.sigmoid(xw[:, :units] + hu[:, :units])
            r = torch.sigmoid(xw[:, units:2 * units] + hu[:, units:])
            hh = torch.tanh(xw[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1 - z) * hh
        outs.append(h)
    return torch.stack(outs, 1), [h]


def run(kind, x, kernel, recurrent, bias, units, go_backwards):
    """Outputs, final states and a function giving the weight gradients after backward."""
    seq_in = x.flip(1) if go_backwards else x
    if kind == "gru_reset_before":
        out, states = gru_by_hand(seq_in, kernel, recurrent, bias, units, reset_after=False)
        return out, states, lambda: (kernel.grad, recurrent.grad, bias.grad)
    module = torch_module(kind, x.shape[-1], units, kernel, recurrent, bias)
    out, state = module(seq_in)
    states = [state[0][0], state[1][0]] if kind == "lstm" else [state[0]]
    return out, states, lambda: keras_grads(kind, module, units)


def self_check():
    """The by-hand GRU (reset_after=True) agrees with nn.GRU: the mapping is right."""
    x, kernel, recurrent, bias = keras_tensors("gru", 2, 5, 3, 4)
    a, _, _ = run("gru", x, kernel, recurrent, bias, 4, False)
    b, _ = gru_by_hand(x, kernel, recurrent, bias, 4, reset_after=True)
    assert torch.allclose(a, b, atol=1e-12), "GRU weight mapping disagrees with the formula"


def flat(t):
    return [float(f"{v:.10g}") for v in t.detach().reshape(-1).tolist()]


def case(kind, batch, time, features, units, go_backwards):
    n_states = 2 if kind == "lstm" else 1
    w_seq, w_last, w_states = loss_weights(batch, time, units, n_states)
    result = {
        "kind": kind,
        "batch": batch,
        "time": time,
        "features": features,
        "units": units,
        "goBackwards": go_backwards,
    }
    for mode in ("sequence", "last"):
        leaves = keras_tensors(kind, batch, time, features, units)
        out, states, weight_grads = run(kind, *leaves, units, go_backwards)
        if mode == "sequence":
            loss = (w_seq * out).sum()
            result["outputs"] = flat(out)
        else:
            loss = (w_last * out[:, -1]).sum() + sum((w * s).sum() for w, s in zip(w_states, states))
            result["states"] = [flat(s) for s in states]
        loss.backward()
        kernel, recurrent, bias = weight_grads()
        result[f"{mode}Grads"] = {
            "input": flat(leaves[0].grad),
            "kernel": flat(kernel),
            "recurrentKernel": flat(recurrent),
            "bias": flat(bias),
        }
    return result


def main():
    self_check()
    cases = [case(*c) for c in CASES]
    print("// Generated by tools/torch_rnn_reference.py (PyTorch %s, float64): do not edit." % torch.__version__)
    print("// Regenerate: /usr/bin/python3 tools/torch_rnn_reference.py > tests/layers/_recurrent_reference.ts")
    print("// deno-fmt-ignore-file")
    print("/** One reference case: sizes, outputs, final states and gradients (Keras layout). */")
    print("export interface ReferenceCase {")
    print('  kind: "simple_rnn" | "lstm" | "gru" | "gru_reset_before";')
    print("  batch: number;")
    print("  time: number;")
    print("  features: number;")
    print("  units: number;")
    print("  goBackwards: boolean;")
    print("  outputs: number[];")
    print("  states: number[][];")
    print("  sequenceGrads: Record<\"input\" | \"kernel\" | \"recurrentKernel\" | \"bias\", number[]>;")
    print("  lastGrads: Record<\"input\" | \"kernel\" | \"recurrentKernel\" | \"bias\", number[]>;")
    print("}")
    print()
    print("/** PyTorch's numbers for each case. */")
    print("export const REFERENCE: ReferenceCase[] = [")
    for c in cases:
        print("  " + json.dumps(c, separators=(",", ":")) + ",")
    print("];")


if __name__ == "__main__":
    main()
