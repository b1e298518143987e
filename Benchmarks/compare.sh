#!/usr/bin/env bash
# Fern beside Keras (TensorFlow CPU) and PyTorch CPU: the same models, batch sizes and thread
# count, measured back to back in one run, printed as one table.
#
# The models and the protocol are those of Benchmarks/RESULTS.md: SEED_CNN training at batch
# 64 and 128, inference at batch 256, saliency at batch 32; SEED_DNN training at batch 64 and
# inference at batch 256; warm-up 3 steps, then 3 timed repeats (each >= 10 steps and >= 2 s),
# median images/second. Then the peak resident memory of a SEED_CNN training run at batch 128.
#
# The reference frameworks go into a throw-away virtual environment (default
# ${TMPDIR:-/tmp}/fern-compare-venv, reused when present): tensorflow-cpu from PyPI, torch from
# the PyTorch CPU index (falling back to a local +cpu wheel, then to PyPI). A framework that
# cannot be installed or fails to run is shown as n/a. Not part of CI; takes about 10 minutes
# (plus the first install, a few minutes).
#
# With --isa avx2, every framework runs as on a CPU without AVX-512 (most users' machines),
# through the cap each one honours: Fern FERN_ISA=avx2 (Winograd's AVX2 kernels, oneDNN capped,
# OpenBLAS's Haswell kernels); Keras ONEDNN_MAX_CPU_ISA=AVX2 (its oneDNN kernels); PyTorch
# ATEN_CPU_CAPABILITY=avx2 (its own kernels) and ONEDNN_MAX_CPU_ISA=AVX2 (its oneDNN
# convolutions). Below the table, each says what ran: `fern bench`'s kernel_path line, and
# oneDNN's ISA and convolution implementations from an ONEDNN_VERBOSE=1 run of Keras and PyTorch.
#
# usage: Benchmarks/compare.sh [--threads N] [--quick] [--only fern|keras|torch[,...]]
#                              [--isa avx2|avx512] [--venv DIR] [--no-memory] [--pause PID]...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
  cat <<EOF
usage: $0 [options]
  --threads N        threads (cores) for every framework (default: the core count, $(nproc))
  --quick            1 repeat of >= 0.5 s per figure: a smoke test, not figures to quote
  --only LIST        run only these of fern,keras,torch (comma separated; default all)
  --isa avx2|avx512  cap every framework at this instruction set (default: the CPU's own)
  --venv DIR         virtual environment for the frameworks
                     (default \${TMPDIR:-/tmp}/fern-compare-venv, or \$FERN_COMPARE_VENV)
  --no-memory        skip the peak-memory runs
  --pause PID        stop process PID (SIGSTOP) while the timed figures are taken and resume it
                     (SIGCONT) afterwards, also on failure or Ctrl-C; may be repeated. For a
                     long background job of your own that would otherwise share the cores.
  --memory-steps N   training steps of the peak-memory runs (default 13: what
                     \`fern bench --quick --filter seed_cnn_train_b128\` runs)
Environment: FERN_BIN (the fern binary; default .build/release/fern, built when missing),
             INSTALL_TIMEOUT (seconds per pip install, default 900).
EOF
}

THREADS=$(nproc)
QUICK=0
ONLY="fern,keras,torch"
VENV=${FERN_COMPARE_VENV:-${TMPDIR:-/tmp}/fern-compare-venv}
MEMORY=1
MEMORY_STEPS=13
PAUSE_PIDS=()
ISA=""
INSTALL_TIMEOUT=${INSTALL_TIMEOUT:-900}

while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=${2:?--threads needs a number}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --only) ONLY=${2:?--only needs fern, keras or torch}; shift 2 ;;
    --venv) VENV=${2:?--venv needs a directory}; shift 2 ;;
    --no-memory) MEMORY=0; shift ;;
    --isa) ISA=${2:?--isa needs avx2 or avx512}; shift 2 ;;
    --memory-steps) MEMORY_STEPS=${2:?--memory-steps needs a number}; shift 2 ;;
    --pause) PAUSE_PIDS+=("${2:?--pause needs a process id}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'compare.sh: warning: %s\n' "$*" >&2; }
die() { printf 'compare.sh: error: %s\n' "$*" >&2; exit 1; }

case "$THREADS" in ''|*[!0-9]*|0) die "--threads must be a positive whole number, not '$THREADS'" ;; esac
case "$MEMORY_STEPS" in ''|*[!0-9]*|0) die "--memory-steps must be a positive whole number" ;; esac
# The environment each framework runs in: the instruction-set caps of --isa.
FERN_ENV=() KERAS_ENV=() TORCH_ENV=()
case "$ISA" in
  "") ;;
  avx2) FERN_ENV=(FERN_ISA=avx2) KERAS_ENV=(ONEDNN_MAX_CPU_ISA=AVX2)
        TORCH_ENV=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2) ;;
  avx512) FERN_ENV=(FERN_ISA=avx512) ;;
  *) die "--isa takes avx2 or avx512, not '$ISA'" ;;
esac
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
for f in ${ONLY//,/ }; do
  case "$f" in fern|keras|torch) ;; *) die "--only takes fern, keras and/or torch, not '$f'" ;; esac
done
for pid in "${PAUSE_PIDS[@]+"${PAUSE_PIDS[@]}"}"; do
  case "$pid" in ''|*[!0-9]*) die "--pause takes a process id, not '$pid'" ;; esac
  kill -0 "$pid" 2>/dev/null || die "--pause $pid: no such process (or not ours to signal)"
done

command -v python3 >/dev/null || die "python3 is required (it also prints the table)"

# Every framework gets the same cores: with fewer threads than cores, pin all of them to the
# first N cores (Fern sizes its worker pool from the cores it may use).
CORES=$(nproc)
PIN=()
if [ "$THREADS" -lt "$CORES" ]; then
  command -v taskset >/dev/null || die "--threads $THREADS < $CORES cores needs taskset (util-linux)"
  PIN=(taskset -c "0-$((THREADS - 1))")
elif [ "$THREADS" -gt "$CORES" ]; then
  warn "--threads $THREADS is more than the $CORES cores here; Fern uses $CORES"
fi
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS TF_CPP_MIN_LOG_LEVEL=2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fern-compare.XXXXXX")
say "logs and raw JSON lines: $WORK"
QUICKFLAG=()
if [ "$QUICK" = 1 ]; then QUICKFLAG=(--quick); fi

# ----------------------------------------------------------------- pausing a background job
PAUSED=()
resume_paused() {
  local pid
  for pid in "${PAUSED[@]+"${PAUSED[@]}"}"; do
    kill -CONT "$pid" 2>/dev/null && say "resumed process $pid" || warn "could not resume process $pid"
  done
  PAUSED=()
}
pause_requested() {
  local pid
  for pid in "${PAUSE_PIDS[@]+"${PAUSE_PIDS[@]}"}"; do
    if kill -STOP "$pid" 2>/dev/null; then PAUSED+=("$pid"); say "paused process $pid for the timed figures"
    else warn "could not pause process $pid"; fi
  done
}
trap resume_paused EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- reference frameworks
PY="$VENV/bin/python"
HAVE_KERAS=0
HAVE_TORCH=0

make_venv() {
  [ -x "$PY" ] && return 0
  say "creating the virtual environment $VENV"
  if ! python3 -m venv "$VENV" >"$WORK/venv.log" 2>&1; then
    rm -rf "$VENV"
    if command -v virtualenv >/dev/null; then
      virtualenv -q -p python3 "$VENV" >>"$WORK/venv.log" 2>&1 || return 1
    else
      warn "python3 -m venv failed and virtualenv is missing (Debian: apt-get install python3-venv); see $WORK/venv.log"
      return 1
    fi
  fi
  "$PY" -m pip install -q --upgrade pip >>"$WORK/pip.log" 2>&1 || warn "could not upgrade pip in $VENV (going on)"
}

pip_install() {  # pip_install ARGS...: one pip run with a time limit, output to pip.log
  echo "+ pip install $*" >>"$WORK/pip.log"
  timeout "$INSTALL_TIMEOUT" "$PY" -m pip install --progress-bar off "$@" >>"$WORK/pip.log" 2>&1
}

install_keras() {
  "$PY" -c 'import tensorflow, keras' >/dev/null 2>&1 && return 0
  say "installing tensorflow-cpu into $VENV (pip output: $WORK/pip.log)"
  pip_install tensorflow-cpu numpy || { warn "installing tensorflow-cpu failed; see $WORK/pip.log"; return 1; }
  "$PY" -c 'import tensorflow, keras' >/dev/null 2>&1
}

install_torch() {
  "$PY" -c 'import torch' >/dev/null 2>&1 && return 0
  say "installing torch (CPU build) into $VENV (pip output: $WORK/pip.log)"
  if pip_install --timeout 20 --retries 1 torch numpy --index-url https://download.pytorch.org/whl/cpu; then
    "$PY" -c 'import torch' >/dev/null 2>&1 && return 0
  fi
  # No PyTorch index: a CPU wheel from pip's find-links (e.g. a local wheel cache), else PyPI's.
  local tag dirs d whl=""
  tag=$("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
  dirs="${PIP_FIND_LINKS:-} $("$PY" -m pip config get global.find-links 2>/dev/null || true)"
  for d in $dirs; do
    d=${d#file://}
    [ -d "$d" ] || continue
    whl=$(ls "$d"/torch-*+cpu-"$tag"-"$tag"-*linux*_x86_64.whl 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$whl" ] && break
  done
  if [ -n "$whl" ]; then
    say "download.pytorch.org is not reachable; installing the local CPU wheel $(basename "$whl")"
    pip_install "$whl" && "$PY" -c 'import torch' >/dev/null 2>&1 && return 0
  fi
  warn "no PyTorch CPU wheel reachable; installing torch from PyPI (a CUDA build: larger, same CPU kernels)"
  pip_install torch numpy || { warn "installing torch failed; see $WORK/pip.log"; return 1; }
  "$PY" -c 'import torch' >/dev/null 2>&1
}

if want keras || want torch; then
  if make_venv; then
    if want keras; then
      if install_keras; then HAVE_KERAS=1; else warn "Keras will show n/a"; fi
    fi
    if want torch; then
      if install_torch; then HAVE_TORCH=1; else warn "PyTorch will show n/a"; fi
    fi
  else
    warn "no virtual environment; Keras and PyTorch will show n/a"
  fi
fi

# ----------------------------------------------------------------- Fern
FERN=${FERN_BIN:-$root/.build/release/fern}
HAVE_FERN=0
if want fern; then
  if [ ! -x "$FERN" ]; then
    command -v swift >/dev/null || die "no Fern binary at $FERN and no swift to build it"
    say "building Fern (swift build -c release --product fern)"
    (cd "$root" && swift build -c release --product fern) >&2 || die "building Fern failed"
  fi
  HAVE_FERN=1
fi

# ----------------------------------------------------------------- timed figures
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }

# timed NAME CMD...: runs CMD with stdout to $WORK/NAME.jsonl, stderr to $WORK/NAME.err and
# records in $WORK/NAME.load the CPU cores other processes used on average while it ran.
timed() {
  local name=$1; shift
  local b0 b1 t0 t1 rc=0
  b0=$(busy_jiffies); t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S' -o "$WORK/$name.cpu" "$@" >"$WORK/$name.jsonl" 2>"$WORK/$name.err" || rc=$?
  else
    "$@" >"$WORK/$name.jsonl" 2>"$WORK/$name.err" || rc=$?
  fi
  b1=$(busy_jiffies); t1=$(date +%s.%N)
  python3 - "$b0" "$b1" "$t0" "$t1" "$WORK/$name.cpu" "$(getconf CLK_TCK)" >"$WORK/$name.load" <<'EOF' || true
import os, sys
b0, b1, t0, t1 = (float(v) for v in sys.argv[1:5])
own = sum(float(v) for v in open(sys.argv[5]).read().split()[:2]) if os.path.exists(sys.argv[5]) else 0.0
print(round(max(0.0, ((b1 - b0) / float(sys.argv[6]) - own) / (t1 - t0)), 2))
EOF
  if [ "$rc" != 0 ]; then
    warn "$name exited with status $rc; its figures show n/a. Last lines of $WORK/$name.err:"
    tail -n 5 "$WORK/$name.err" >&2 || true
  fi
  return 0
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '))"
say "machine: $(nproc) cores, $cpu; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$cpu" >"$WORK/cpu"
echo "load_before $(cut -d' ' -f1-3 /proc/loadavg)" >"$WORK/machine"

pause_requested
if [ "$HAVE_FERN" = 1 ]; then
  say "Fern: fern bench --filter seed_ (then sgemm_2048), $THREADS threads"
  timed fern env "${FERN_ENV[@]+"${FERN_ENV[@]}"}" "${PIN[@]+"${PIN[@]}"}" "$FERN" bench --filter seed_ \
    "${QUICKFLAG[@]+"${QUICKFLAG[@]}"}"
  timed fern_sgemm env "${FERN_ENV[@]+"${FERN_ENV[@]}"}" "${PIN[@]+"${PIN[@]}"}" "$FERN" bench --filter sgemm_2048 \
    "${QUICKFLAG[@]+"${QUICKFLAG[@]}"}"
fi
if [ "$HAVE_KERAS" = 1 ]; then
  say "Keras: $($PY -c 'import importlib.metadata as m; print("tensorflow-cpu", m.version("tensorflow-cpu"), "/ keras", m.version("keras"))' 2>/dev/null), $THREADS threads"
  timed keras env "${KERAS_ENV[@]+"${KERAS_ENV[@]}"}" "${PIN[@]+"${PIN[@]}"}" "$PY" "$here/reference_frameworks.py" \
    --framework keras --threads "$THREADS" "${QUICKFLAG[@]+"${QUICKFLAG[@]}"}"
fi
if [ "$HAVE_TORCH" = 1 ]; then
  say "PyTorch: torch $($PY -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null), $THREADS threads"
  timed torch env "${TORCH_ENV[@]+"${TORCH_ENV[@]}"}" "${PIN[@]+"${PIN[@]}"}" "$PY" "$here/reference_frameworks.py" \
    --framework torch --threads "$THREADS" "${QUICKFLAG[@]+"${QUICKFLAG[@]}"}"
fi
echo "load_after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine"
resume_paused

# ----------------------------------------------------------------- what ran
# oneDNN prints its ISA and each primitive's implementation with ONEDNN_VERBOSE=1: one short
# SEED_CNN inference run per framework, in the same environment as its timed run.
verbose_run() {  # verbose_run FRAMEWORK ENV...: a short oneDNN-verbose run into $WORK/FRAMEWORK_verbose.log
  local fw=$1; shift
  env "$@" ONEDNN_VERBOSE=1 "$PY" "$here/reference_frameworks.py" --framework "$fw" --threads "$THREADS" \
    --quick --filter seed_cnn_infer >"$WORK/${fw}_verbose.log" 2>&1 || true
}
if [ "$HAVE_KERAS" = 1 ]; then verbose_run keras "${KERAS_ENV[@]+"${KERAS_ENV[@]}"}"; fi
if [ "$HAVE_TORCH" = 1 ]; then
  verbose_run torch "${TORCH_ENV[@]+"${TORCH_ENV[@]}"}"
  env "${TORCH_ENV[@]+"${TORCH_ENV[@]}"}" "$PY" -c 'import torch; print(torch.backends.cpu.get_cpu_capability())' \
    >"$WORK/torch.capability" 2>/dev/null || true
fi

# ----------------------------------------------------------------- peak resident memory
# measure_rss NAME CMD...: peak RSS in KiB into $WORK/NAME.rss: /usr/bin/time -v's "Maximum
# resident set size", else the last VmHWM read from /proc/PID/status while the process ran.
measure_rss() {
  local name=$1; shift
  local rc=0 pid hwm=""
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    hwm=$(awk -F: '/Maximum resident set size/{gsub(/ /, "", $2); print $2}' "$WORK/$name.err")
  else
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo "$hwm")
      sleep 0.2
    done
    wait "$pid" || rc=$?
  fi
  if [ "$rc" = 0 ] && [ -n "$hwm" ]; then echo "$hwm" >"$WORK/$name.rss"
  else warn "peak-memory run $name failed (status $rc); see $WORK/$name.err"; fi
}

if [ "$MEMORY" = 1 ]; then
  [ -x /usr/bin/time ] || warn "/usr/bin/time is missing (Debian package 'time'); sampling VmHWM from /proc instead"
  say "peak resident memory, SEED_CNN training at batch 128 ($MEMORY_STEPS steps)"
  if [ "$HAVE_FERN" = 1 ]; then
    measure_rss fern_mem "${PIN[@]+"${PIN[@]}"}" "$FERN" bench --quick --filter seed_cnn_train_b128
  fi
  for fw in keras torch; do
    have=HAVE_${fw^^}
    if [ "${!have}" = 1 ]; then
      measure_rss "${fw}_mem" "${PIN[@]+"${PIN[@]}"}" "$PY" "$here/reference_frameworks.py" \
        --framework "$fw" --threads "$THREADS" --mode rss --batch 128 --steps "$MEMORY_STEPS"
    fi
  done
fi

# ----------------------------------------------------------------- the table
python3 - "$WORK" "$THREADS" "$QUICK" <<'EOF'
import json, os, sys
work, threads, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "1"

def load(name):
    out = {}
    p = os.path.join(work, name + ".jsonl")
    if os.path.exists(p):
        for line in open(p):
            line = line.strip()
            if line.startswith("{"):
                try:
                    r = json.loads(line)
                    out[r["name"]] = r
                except (ValueError, KeyError):
                    pass
    return out

def read(name, ext):
    p = os.path.join(work, f"{name}.{ext}")
    return open(p).read().strip() if os.path.exists(p) else None

fern, keras, torch = load("fern"), load("keras"), load("torch")
fern.update(load("fern_sgemm"))
rows = [("SEED_CNN train b64", "seed_cnn_train_b64_img_s"),
        ("SEED_CNN train b128", "seed_cnn_train_b128_img_s"),
        ("SEED_CNN infer b256", "seed_cnn_infer_b256_img_s"),
        ("SEED_CNN saliency b32", "seed_cnn_saliency_b32_img_s"),
        ("SEED_DNN train b64", "seed_dnn_train_b64_img_s"),
        ("SEED_DNN infer b256", "seed_dnn_infer_b256_img_s")]

def num(v, unit=""):
    if v is None:
        return "n/a"
    return f"{v:,.0f}{unit}" if v >= 1000 else f"{v:.1f}{unit}"

table = [("figure", "Fern", "Keras", "PyTorch", "Fern / faster of the two")]
for label, key in rows:
    f, k, t = (d.get(key, {}).get("value") for d in (fern, keras, torch))
    best = max([v for v in (k, t) if v is not None], default=None)
    ratio = f"{f / best:.2f}x" if f is not None and best else "n/a"
    table.append((label + " (img/s)", num(f), num(k), num(t), ratio))

mem = {fw: read(fw + "_mem", "rss") for fw in ("fern", "keras", "torch")}
if any(mem.values()):
    mib = {fw: (int(v) / 1024 if v else None) for fw, v in mem.items()}
    ratio = f"{mib['fern'] / mib['torch']:.2f}x of PyTorch's" if mib["fern"] and mib["torch"] else "n/a"
    table.append(("peak RSS, SEED_CNN train b128 (MiB)", num(mib["fern"]), num(mib["keras"]),
                  num(mib["torch"]), ratio))

widths = [max(len(r[i]) for r in table) for i in range(5)]
def line(r):
    return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"
print()
print(line(table[0]))
print("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
for r in table[1:]:
    print(line(r))

print()
versions = [r.get("version") for d in (keras, torch) for r in list(d.values())[:1]]
print("CPU: " + (open(os.path.join(work, "cpu")).read().strip() if os.path.exists(os.path.join(work, "cpu")) else "?"))
print(f"Threads: {threads}; " + ("QUICK run (1 repeat of >= 0.5 s): not figures to quote. "
      if quick else "median of 3 repeats (each >= 10 steps and >= 2 s) after 3 warm-up steps. ")
      + "; ".join(v for v in versions if v))
sg = fern.get("sgemm_2048_gflops", {}).get("value")
for b in (64, 128):
    v = fern.get(f"seed_cnn_train_b{b}_img_s", {}).get("value")
    if v:
        share = f" = {100 * v * 1.4448 / sg:.0f}% of Fern's sgemm 2048 ({sg:.0f} GFLOP/s)" if sg else ""
        print(f"Fern SEED_CNN training b{b}: {v * 1.4448:.0f} counted GFLOP/s (1.4448 GFLOP/image){share}")
loads = {n: read(n, "load") for n in ("fern", "keras", "torch")}
print("CPU cores used by other processes during each timed run (0 = quiet machine): "
      + ", ".join(f"{n} {v}" for n, v in loads.items() if v is not None))
if any(v is not None and float(v) > 0.15 for v in loads.values()):
    print("WARNING: other processes used the CPU during the timed runs; these figures are not "
          "comparable (use --pause PID for a background job of your own, or wait for a quiet machine).")
if os.path.exists(os.path.join(work, "machine")):
    print("Load average " + "; ".join(l.replace("load_", "").replace(" ", ": ", 1)
                                      for l in open(os.path.join(work, "machine")).read().splitlines()))
path = {}
p = os.path.join(work, "fern.jsonl")
if os.path.exists(p):
    for l in open(p):
        if '"kernel_path"' in l:
            path = json.loads(l)
if path:
    print("Fern ran: " + ", ".join(f"{k} {v}" for k, v in path.items() if k not in ("name", "cpu")))
def onednn(fw):
    p = os.path.join(work, fw + "_verbose.log")
    if not os.path.exists(p):
        return None
    isa, convs = None, {}
    for l in open(p, errors="replace"):
        f = l.strip().split(",")
        if len(f) > 3 and f[0] in ("onednn_verbose", "dnnl_verbose"):
            if "isa:" in l and isa is None:
                isa = l.split("isa:", 1)[1].strip()
            if "convolution" in f:
                i = f.index("convolution")
                convs[f[i + 1]] = convs.get(f[i + 1], 0) + 1
    conv = ", ".join(f"{k} x{v}" for k, v in sorted(convs.items(), key=lambda kv: -kv[1])) or "none logged"
    return f"oneDNN ISA {isa or 'not logged'}; convolutions: {conv}"
for fw, label in (("keras", "Keras"), ("torch", "PyTorch")):
    what = onednn(fw)
    cap = read("torch", "capability") if fw == "torch" else None
    if what or cap:
        print(f"{label} ran: " + "; ".join(x for x in ((f"ATen CPU capability {cap}" if cap else None), what) if x))
print(f"Raw JSON lines and logs: {work}")
EOF
