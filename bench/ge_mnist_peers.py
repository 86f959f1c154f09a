"""Peer of bench/ge-mnist: Adam steps of Ge et al.'s signed quadratic net on MNIST, as a researcher would write them.

f(x) = sum_i a_i (w_i . x)^2, a = +1 for the first r/2 units and -1 for the rest; objective 1/(4B) sum (f - y)^2 over a
mini-batch of B rows (no weight decay); Adam with lr 0.003, betas (0.9, 0.999), eps 1e-8. Images scaled to norm 1,
labels the digit 0..9, float64. Times STEPS steps after WARMUP untimed ones and prints JSON: seconds per step for
NumPy, and for PyTorch (CPU, float64, torch.optim.Adam) when it imports.

usage: ge_mnist_peers.py <mnist folder> <n> <r> <batch> <steps> [python-with-torch]
"""
import gzip, json, os, subprocess, sys, time
import numpy as np

WARMUP = 10


def load(folder, n):
    with gzip.open(os.path.join(folder, 'train-images-idx3-ubyte.gz')) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64)
    with gzip.open(os.path.join(folder, 'train-labels-idx1-ubyte.gz')) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, y


def numpy_steps(x, y, r, batch, steps):
    rng = np.random.default_rng(0)
    w = 0.01 * rng.standard_normal((r, x.shape[1]))
    a = np.where(np.arange(r) < r // 2, 1.0, -1.0)
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1, b2, lr, eps = 0.9, 0.999, 0.003, 1e-8
    perm = rng.permutation(len(y))
    t0 = None
    for t in range(WARMUP + steps):
        if t == WARMUP:
            t0 = time.perf_counter()
        rows = perm[(t * batch) % len(y):(t * batch) % len(y) + batch]
        xb, yb = x[rows], y[rows]
        z = xb @ w.T
        res = (z * z) @ a - yb
        g = ((res[:, None] * z) * a).T @ xb / len(rows)  # d/dw_i of 1/(4B) sum res^2
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1 ** (t + 1))) / (np.sqrt(v / (1 - b2 ** (t + 1))) + eps)
    return (time.perf_counter() - t0) / steps


def torch_steps(x, y, r, batch, steps):
    import torch
    torch.set_num_threads(os.cpu_count())
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    g = torch.Generator().manual_seed(0)
    w = (0.01 * torch.randn(r, x.shape[1], generator=g, dtype=torch.float64)).requires_grad_()
    a = torch.where(torch.arange(r) < r // 2, 1.0, -1.0).double()
    opt = torch.optim.Adam([w], lr=0.003)
    perm = torch.randperm(len(y), generator=g)
    t0 = None
    for t in range(WARMUP + steps):
        if t == WARMUP:
            t0 = time.perf_counter()
        rows = perm[(t * batch) % len(y):(t * batch) % len(y) + batch]
        z = xt[rows] @ w.T
        loss = (((z * z) @ a - yt[rows]) ** 2).mean() / 4
        opt.zero_grad()
        loss.backward()
        opt.step()
    return (time.perf_counter() - t0) / steps


if __name__ == '__main__':
    folder, n, r, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x, y = load(folder, n)
    if len(sys.argv) > 6 and sys.argv[6] == '--torch-only':
        print(json.dumps({'torch': torch_steps(x, y, r, batch, steps)}))
        sys.exit(0)
    out = {'numpy': numpy_steps(x, y, r, batch, steps), 'numpy_version': np.__version__}
    torch_python = sys.argv[6] if len(sys.argv) > 6 else None
    if torch_python:
        try:
            res = subprocess.run([torch_python, __file__, folder, str(n), str(r), str(batch), str(steps), '--torch-only'],
                                 capture_output=True, text=True, check=True)
            out['torch'] = json.loads(res.stdout)['torch']
        except Exception as e:  # PyTorch is optional: say why it is missing
            out['torch_error'] = str(e).splitlines()[0]
    print(json.dumps(out))
