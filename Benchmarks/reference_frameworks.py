"""SEED_CNN / SEED_DNN in Keras (TensorFlow CPU) and PyTorch CPU, measured the way `fern bench` is.

Used by Benchmarks/compare.sh; run it inside the virtual environment that script makes.
Models, protocol and figure names follow Benchmarks/RESULTS.md:

  * random inputs, fixed seed; Adam(1e-3), categorical cross-entropy on the softmax output;
  * warm-up 3 steps, then 3 timed repeats, each at least 10 steps and at least 2 s
    (the same loop as Fern's BenchTimer); the figure is the median;
  * Keras: model.compile(jit_compile=False), i.e. its default CPU mode (tf.function graph,
    oneDNN kernels; Keras 3 resolves jit_compile="auto" to False without a GPU);
    train_on_batch / predict_on_batch; saliency through a tf.function GradientTape.
  * PyTorch: eager, NCHW; inference under torch.inference_mode(); saliency with
    torch.autograd.grad with respect to the input only.

Modes:
  bench    print one JSON line per figure, with the names `fern bench` uses, e.g.
           {"name": "seed_cnn_train_b64_img_s", "value": 151.2, "unit": "images/s",
            "framework": "keras", ...}
  rss      train SEED_CNN for --steps steps at --batch (default 128) and print the peak
           resident memory (VmHWM of /proc/self/status) as a JSON line; run it under
           /usr/bin/time -v for the kernel's own figure.

usage: python reference_frameworks.py --framework keras|torch [--threads 2] [--quick]
                                      [--mode bench|rss] [--steps 20] [--batch 128]
                                      [--filter SUBSTRING]
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--framework", required=True, choices=["keras", "torch"])
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--quick", action="store_true", help="1 repeat of >= 0.5 s (as `fern bench --quick`)")
ap.add_argument("--mode", default="bench", choices=["bench", "rss"])
ap.add_argument("--steps", type=int, default=20, help="rss mode: training steps")
ap.add_argument("--batch", type=int, default=128, help="rss mode: batch size")
ap.add_argument("--filter", default=None, help="only figures whose name contains this text")
args = ap.parse_args()

# Thread pools are sized when the libraries load: set the environment first.
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["MKL_NUM_THREADS"] = str(args.threads)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

SEED = 1234
IMG_SHAPE = (48, 48, 1)
NUM_CLASSES = 7
WARMUP = 3
REPEATS = 1 if args.quick else 3
MIN_STEPS = 10
MIN_SECONDS = 0.5 if args.quick else 2.0

# Nominal FLOPs per image (Benchmarks/RESULTS.md): forward; training counts 3x, saliency 2x.
FWD_FLOPS = {"seed_cnn": 481.59e6, "seed_dnn": 4.4636e6}
FLOP_MULT = {"train": 3.0, "infer": 1.0, "saliency": 2.0}


def emit(rec):
    print(json.dumps(rec), flush=True)


def cpu_busy_seconds():
    """Busy CPU seconds of the whole machine (all processes), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / os.sysconf("SC_CLK_TCK")


def self_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def seconds_per_step(step):
    """Fern's BenchTimer: warm-up, then repeats of >= MIN_STEPS steps and >= MIN_SECONDS;
    returns the median seconds per step, all repeats, and the CPU cores other processes
    used on average while the repeats ran."""
    for _ in range(WARMUP):
        step()
    per_step = []
    b0, c0, t_all = cpu_busy_seconds(), self_cpu_seconds(), time.perf_counter()
    for _ in range(REPEATS):
        steps, start = 0, time.perf_counter()
        elapsed = 0.0
        while steps < MIN_STEPS or elapsed < MIN_SECONDS:
            step()
            steps += 1
            elapsed = time.perf_counter() - start
        per_step.append(elapsed / steps)
    wall = time.perf_counter() - t_all
    foreign = max(0.0, (cpu_busy_seconds() - b0 - (self_cpu_seconds() - c0)) / wall)
    return statistics.median(per_step), per_step, foreign


def wants(name):
    return args.filter is None or args.filter in name


def result(model, kind, batch, step, env):
    name = f"{model}_{kind}_b{batch}_img_s"
    sec, reps, foreign = seconds_per_step(step)
    img_s = batch / sec
    emit({"name": name, "value": round(img_s, 2), "unit": "images/s",
          "framework": args.framework, "repeats_img_s": [round(batch / r, 2) for r in reps],
          "gflop_s": round(img_s * FWD_FLOPS[model] * FLOP_MULT[kind] / 1e9, 1),
          "other_cores": round(foreign, 2), "loadavg": open("/proc/loadavg").read().split()[0], **env})


def random_data(n):
    rng = np.random.default_rng(SEED)
    x = rng.random((n,) + IMG_SHAPE, dtype=np.float32)
    y = np.zeros((n, NUM_CLASSES), dtype=np.float32)
    y[np.arange(n), rng.integers(0, NUM_CLASSES, size=n)] = 1.0
    return x, y


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --------------------------------------------------------------------------- Keras
def keras_main():
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    # 2 inter-op threads as the reference figures (measured ~3% faster than 1 there).
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import keras
    from keras import layers

    def seed_cnn():
        def block(filters, rate):
            return [layers.Conv2D(filters, 5, padding="same", activation="relu"),
                    layers.MaxPooling2D(2), layers.BatchNormalization(), layers.Dropout(rate)]
        return keras.Sequential([
            keras.Input(shape=IMG_SHAPE), *block(64, 0.25), *block(128, 0.25), *block(256, 0.5),
            layers.Flatten(),
            layers.Dense(128), layers.BatchNormalization(), layers.Activation("relu"),
            layers.Dense(7), layers.BatchNormalization(), layers.Activation("softmax"),
        ])

    def seed_dnn():
        return keras.Sequential([
            keras.Input(shape=IMG_SHAPE), layers.Flatten(),
            layers.Dense(512), layers.BatchNormalization(), layers.Activation("relu"), layers.Dropout(0.25),
            layers.Dense(1024), layers.BatchNormalization(), layers.Activation("relu"), layers.Dropout(0.5),
            layers.Dense(512), layers.BatchNormalization(), layers.Activation("relu"), layers.Dropout(0.5),
            layers.Dense(7), layers.BatchNormalization(), layers.Activation("softmax"),
        ])

    def build(fn):
        keras.utils.set_random_seed(SEED)
        m = fn()
        m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  jit_compile=False)
        return m

    env = {"version": f"tensorflow {tf.__version__} / keras {keras.__version__}"}
    x_all, y_all = random_data(256)

    if args.mode == "rss":
        model = build(seed_cnn)
        x, y = random_data(args.batch)
        for _ in range(args.steps):
            model.train_on_batch(x, y)
        emit({"name": f"seed_cnn_train_b{args.batch}_peak_rss_kib", "value": peak_rss_kib(),
              "unit": "KiB", "framework": "keras", "steps": args.steps, **env})
        return

    for model_name, fn, train_batches in (("seed_cnn", seed_cnn, (64, 128)), ("seed_dnn", seed_dnn, (64,))):
        if not any(wants(f"{model_name}_{k}") for k in ("train", "infer", "saliency")):
            continue
        model = build(fn)
        for bs in train_batches:
            if wants(f"{model_name}_train_b{bs}_img_s"):
                x, y = x_all[:bs], y_all[:bs]
                result(model_name, "train", bs, lambda: model.train_on_batch(x, y), env)
        if wants(f"{model_name}_infer_b256_img_s"):
            xi = x_all[:256]
            result(model_name, "infer", 256, lambda: model.predict_on_batch(xi), env)
        if model_name == "seed_cnn" and wants("seed_cnn_saliency_b32_img_s"):
            xs = tf.constant(x_all[:32])

            @tf.function(jit_compile=False)
            def saliency(xin):
                with tf.GradientTape() as tape:
                    tape.watch(xin)
                    p = model(xin, training=False)
                    top = tf.argmax(p, axis=1)
                    score = tf.reduce_sum(tf.gather(p, top, axis=1, batch_dims=1))
                return tape.gradient(score, xin)

            assert tuple(saliency(xs).shape) == (32,) + IMG_SHAPE
            result("seed_cnn", "saliency", 32, lambda: saliency(xs).numpy(), env)


# --------------------------------------------------------------------------- PyTorch
def torch_main():
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(SEED)
    eps = 1e-3  # Keras BatchNormalization's default epsilon

    def seed_cnn():
        def block(cin, cout, p):
            return [nn.Conv2d(cin, cout, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.BatchNorm2d(cout, eps=eps), nn.Dropout(p)]
        return nn.Sequential(
            *block(1, 64, 0.25), *block(64, 128, 0.25), *block(128, 256, 0.5), nn.Flatten(),
            nn.Linear(6 * 6 * 256, 128), nn.BatchNorm1d(128, eps=eps), nn.ReLU(),
            nn.Linear(128, 7), nn.BatchNorm1d(7, eps=eps), nn.Softmax(dim=1))

    def seed_dnn():
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(2304, 512), nn.BatchNorm1d(512, eps=eps), nn.ReLU(), nn.Dropout(0.25),
            nn.Linear(512, 1024), nn.BatchNorm1d(1024, eps=eps), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(1024, 512), nn.BatchNorm1d(512, eps=eps), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(512, 7), nn.BatchNorm1d(7, eps=eps), nn.Softmax(dim=1))

    def cce(probs, y):  # categorical cross-entropy on softmax outputs, Keras's 1e-7 clipping
        return -(y * torch.log(probs.clamp(1e-7, 1.0 - 1e-7))).sum(dim=1).mean()

    def nchw(x):  # (N,48,48,1) NHWC is (N,1,48,48) NCHW in memory since C == 1
        return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()

    env = {"version": f"torch {torch.__version__}", "threads": torch.get_num_threads()}

    def trainer(model, x, y):
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = cce(model(x), y)
            loss.backward()
            opt.step()
        return step

    if args.mode == "rss":
        torch.manual_seed(SEED)
        model = seed_cnn().train()
        x, y = random_data(args.batch)
        step = trainer(model, nchw(x), torch.from_numpy(y))
        for _ in range(args.steps):
            step()
        emit({"name": f"seed_cnn_train_b{args.batch}_peak_rss_kib", "value": peak_rss_kib(),
              "unit": "KiB", "framework": "torch", "steps": args.steps, **env})
        return

    x_all, y_all = random_data(256)
    for model_name, fn, train_batches in (("seed_cnn", seed_cnn, (64, 128)), ("seed_dnn", seed_dnn, (64,))):
        if not any(wants(f"{model_name}_{k}") for k in ("train", "infer", "saliency")):
            continue
        torch.manual_seed(SEED)
        model = fn()
        for bs in train_batches:
            if wants(f"{model_name}_train_b{bs}_img_s"):
                model.train()
                result(model_name, "train", bs,
                       trainer(model, nchw(x_all[:bs]), torch.from_numpy(y_all[:bs])), env)
        model.eval()
        if wants(f"{model_name}_infer_b256_img_s"):
            xi = nchw(x_all[:256])

            def infer():
                with torch.inference_mode():
                    model(xi)
            result(model_name, "infer", 256, infer, env)
        if model_name == "seed_cnn" and wants("seed_cnn_saliency_b32_img_s"):
            xs = nchw(x_all[:32])

            def saliency():
                xi = xs.detach().requires_grad_(True)
                p = model(xi)
                score = p.gather(1, p.argmax(dim=1, keepdim=True)).sum()
                (g,) = torch.autograd.grad(score, xi)
                return g
            assert saliency().shape == xs.shape
            result("seed_cnn", "saliency", 32, saliency, env)


if __name__ == "__main__":
    keras_main() if args.framework == "keras" else torch_main()
