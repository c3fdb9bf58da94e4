#!/usr/bin/env python3
"""kerno's PyTorch anchor: the benchmark's training workloads, timed in PyTorch.

`deno task bench` (bench/run.ts) starts this script through bench/anchors.ts;
it can also be run by hand:

    python3 bench/torch_anchor.py [--threads N] [--passes P] [--only mlp,cnn,embedding]

(`--samples N` shrinks every workload's data to N samples, for a quick check;
`--device cuda` trains on the GPU, for bench/gpu_check.sh: the data, the model
and the shuffling live there, and each pass ends when the GPU has finished.)

Every workload trains on synthetic float32 data with Adam (learning rate 1e-3),
shuffling its samples again for every pass, as kerno's `fit(..., {shuffle: true})`
does. The timing rule is kerno's (bench/workloads.ts, `timeFit`): one pass over
the data to warm up, then P timed passes (a pass is one epoch); the fastest
pass gives the figure. One JSON line is printed per workload, e.g.

    {"workload": "mlp", "framework": "pytorch-2.1.0", "threads": 1,
     "samples_per_s": 43000.0, "step_ms": 1.49, "steps": 128, "passes": 3,
     "warmup_steps": 128, "pass_s": [0.19, 0.19, 0.2]}

The workloads (`--only` picks some; all six by default):

    mlp          784 -> Dense 256 relu -> Dense 10; softmax cross-entropy;
                 8192 samples, batch 64
    cnn          28x28x1 -> Conv 32 3x3 relu -> max pool 2 -> Conv 64 3x3 relu
                 -> max pool 2 -> flatten -> Dense 128 relu -> Dense 10;
                 softmax cross-entropy; 2048 samples, batch 64
    embedding    42 token ids -> Embedding 20000x50 -> flatten -> Dense 128 relu
                 -> Dense 1 sigmoid; binary cross-entropy; 8192 samples, batch 32
    autoencoder  28x28x1 in [0, 1) -> Conv 32 3x3 stride 2 relu (14x14)
                 -> Conv 64 3x3 stride 2 relu (7x7) -> transposed Conv 32 3x3
                 stride 2 relu (14x14) -> transposed Conv 1 3x3 stride 2 sigmoid
                 (28x28); mean squared error against the input; 2048 samples,
                 batch 64
    lstm         80 token ids -> Embedding 20000x64 -> LSTM 64 (output of the
                 last step) -> Dense 1 sigmoid; binary cross-entropy;
                 2048 samples, batch 64
    transformer  80 token ids -> Embedding 20000x64 plus a learned position
                 embedding (80x64) -> self-attention (2 heads of size 32),
                 residual, LayerNorm (eps 1e-6) -> Dense 128 relu -> Dense 64,
                 residual, LayerNorm (eps 1e-6) -> average over the sequence
                 -> Dense 2 softmax; sparse cross-entropy; 2048 samples, batch 32

Needs PyTorch: `apt-get install python3-torch` on Debian or Ubuntu (then run
/usr/bin/python3), or `pip install torch` elsewhere.
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("torch_anchor.py: PyTorch is not installed for " + sys.executable +
             " (Debian/Ubuntu: apt-get install python3-torch; elsewhere: pip install torch)")

ALL = ["mlp", "cnn", "embedding", "autoencoder", "lstm", "transformer"]
VOCAB = 20000


class LastStepLstm(nn.Module):
    """Embedding, an LSTM whose last output feeds a sigmoid unit."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 64)
        self.rnn = nn.LSTM(input_size=64, hidden_size=64, batch_first=True)
        self.head = nn.Linear(64, 1)

    def forward(self, ids):
        outputs, _ = self.rnn(self.embed(ids))
        return torch.sigmoid(self.head(outputs[:, -1, :]))


class EncoderClassifier(nn.Module):
    """Token and position embeddings, one post-norm encoder block, mean pooling."""

    def __init__(self, length=80, width=64, heads=2, hidden=128, classes=2):
        super().__init__()
        self.token = nn.Embedding(VOCAB, width)
        self.position = nn.Embedding(length, width)
        self.attend = nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm_a = nn.LayerNorm(width, eps=1e-6)
        self.feed = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, width))
        self.norm_b = nn.LayerNorm(width, eps=1e-6)
        self.head = nn.Linear(width, classes)

    def forward(self, ids):
        where = torch.arange(ids.shape[1], device=ids.device)
        h = self.token(ids) + self.position(where)
        attended, _ = self.attend(h, h, h, need_weights=False)
        h = self.norm_a(h + attended)
        h = self.norm_b(h + self.feed(h))
        # Logits: CrossEntropyLoss applies the softmax of the "Dense 2 softmax" head.
        return self.head(h.mean(dim=1))


def build(name, gen, samples=None):
    """Returns (inputs, targets, model, loss, batch size) for one workload."""

    def size(n):
        return samples or n

    if name == "mlp":
        n = size(8192)
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        return (torch.randn(n, 784, generator=gen), torch.randint(0, 10, (n,), generator=gen),
                model, nn.CrossEntropyLoss(), 64)
    if name == "cnn":
        n = size(2048)
        model = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),  # 64 channels of 5x5
            nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
        # PyTorch's layout is channels-first: 1x28x28 per sample.
        return (torch.randn(n, 1, 28, 28, generator=gen), torch.randint(0, 10, (n,), generator=gen),
                model, nn.CrossEntropyLoss(), 64)
    if name == "embedding":
        n = size(8192)
        model = nn.Sequential(
            nn.Embedding(VOCAB, 50), nn.Flatten(),
            nn.Linear(42 * 50, 128), nn.ReLU(), nn.Linear(128, 1), nn.Sigmoid())
        return (torch.randint(0, VOCAB, (n, 42), generator=gen),
                torch.randint(0, 2, (n, 1), generator=gen).float(), model, nn.BCELoss(), 32)
    if name == "autoencoder":
        n = size(2048)
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())
        images = torch.rand(n, 1, 28, 28, generator=gen)
        return images, images, model, nn.MSELoss(), 64
    if name == "lstm":
        n = size(2048)
        return (torch.randint(0, VOCAB, (n, 80), generator=gen),
                torch.randint(0, 2, (n, 1), generator=gen).float(), LastStepLstm(), nn.BCELoss(), 64)
    if name == "transformer":
        n = size(2048)
        return (torch.randint(0, VOCAB, (n, 80), generator=gen),
                torch.randint(0, 2, (n,), generator=gen), EncoderClassifier(),
                nn.CrossEntropyLoss(), 32)
    raise ValueError(name)


def one_pass(x, y, model, loss_fn, optimizer, batch):
    """One epoch of shuffled mini-batches; returns the number of steps."""
    order = torch.randperm(x.shape[0], device=x.device)
    steps = 0
    for start in range(0, x.shape[0], batch):
        pick = order[start:start + batch]
        optimizer.zero_grad()
        loss_fn(model(x[pick]), y[pick]).backward()
        optimizer.step()
        steps += 1
    return steps


def main():
    parser = argparse.ArgumentParser(description="kerno's PyTorch benchmark anchor")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    parser.add_argument("--passes", type=int, default=3,
                        help="timed passes (epochs) after the warm-up pass; the fastest counts")
    parser.add_argument("--only", default=",".join(ALL),
                        help="comma-separated workloads, of: " + ", ".join(ALL))
    parser.add_argument("--samples", type=int, default=None,
                        help="samples per pass instead of the workload's own, for a quick check")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                        help="where to train (default cpu)")
    args = parser.parse_args()
    names = [s for s in args.only.split(",") if s]
    unknown = [s for s in names if s not in ALL]
    if unknown or args.passes < 1 or (args.samples is not None and args.samples < 1):
        parser.error(f"--only takes {', '.join(ALL)}; --passes and --samples at least 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error(f"--device cuda: PyTorch {torch.__version__} finds no CUDA device")
    device = torch.device(args.device)
    # Waits for the GPU's queued work, so a pass's time covers its computation.
    finish = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    where = torch.cuda.get_device_name(device) if args.device == "cuda" else "cpu"
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name in names:
        x, y, model, loss_fn, batch = build(name, torch.Generator().manual_seed(0), args.samples)
        x, y, model = x.to(device), y.to(device), model.to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        warmup_steps = one_pass(x, y, model, loss_fn, optimizer, batch)
        finish()
        seconds = []
        for _ in range(args.passes):
            began = time.perf_counter()
            one_pass(x, y, model, loss_fn, optimizer, batch)
            finish()
            seconds.append(time.perf_counter() - began)
        best = min(seconds)
        steps = math.ceil(x.shape[0] / batch)
        print(json.dumps({
            "workload": name,
            "framework": f"pytorch-{torch.__version__}",
            "threads": args.threads,
            "device": where,
            "samples_per_s": round(x.shape[0] / best, 1),
            "step_ms": round(1000 * best / steps, 3),
            "steps": steps,
            "passes": args.passes,
            "warmup_steps": warmup_steps,
            "pass_s": [round(s, 4) for s in seconds],
        }), flush=True)


if __name__ == "__main__":
    main()
