#!/usr/bin/env bash
# The test suite, as CI runs it: every test once on this CPU's own kernels, then the
# numerical suites (tensor ops, layers, optimizers, training, analysis, the PyTorch fixture)
# once per other kernel path that some user's CPU takes, forced through switches:
#
#   an AVX2 CPU          Winograd's AVX2 kernels, oneDNN at AVX2, OpenBLAS Haswell
#   AVX2, direct         oneDNN's direct convolutions capped with ONEDNN_MAX_CPU_ISA=AVX2
#   a CPU without AVX    oneDNN at SSE4.1 (no Winograd), OpenBLAS Penryn
#   Fern's own loops     FERN_KERNELS=builtin (im2col + OpenBLAS, pooling and batch-norm loops)
#
# Each run prints the path it took ("kernel path: ..."); KernelPathTests fails a run whose
# switches did not take effect. A path wider than this CPU (AVX-512 on an AVX2 machine) cannot
# run here and is said so. Then fern watch in headless Chromium, and the interop tests in a
# throw-away Python venv (scripts/interop-venv.sh): Tests/Interop, the .ipynb export under
# nbformat, nbconvert and Chromium, and the ONNX export under onnx.checker and onnxruntime.
# Extra arguments go to every `swift test` (e.g. --parallel).
set -euo pipefail
cd "$(dirname "$0")/.."

numerical='FernTensorTests|FernNNTests|FernAnalysisTests'
# name|CPU flags the path needs|settings
paths=(
  "AVX2 CPU (Winograd AVX2, oneDNN AVX2, OpenBLAS Haswell)|avx2 fma|FERN_ISA=avx2 OPENBLAS_CORETYPE=Haswell"
  "AVX2, direct convolution (oneDNN AVX2, OpenBLAS Haswell)|avx2 fma|FERN_WINOGRAD=0 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell"
  "CPU without AVX (oneDNN SSE4.1, OpenBLAS Penryn)|sse4_1|FERN_ISA=sse41 OPENBLAS_CORETYPE=Penryn"
  "Fern's own loops (FERN_KERNELS=builtin)||FERN_KERNELS=builtin"
)

say() { printf '\n==> %s\n' "$*"; }

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
if [[ " $flags " == *" avx512f "* ]]; then
  say "all tests on this CPU's own kernels (AVX-512)"
else
  say "all tests on this CPU's own kernels; this CPU has no AVX-512, so the AVX-512 path cannot run here"
fi
swift test -c release "$@"

failed=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for entry in "${paths[@]}"; do
  name=${entry%%|*}
  rest=${entry#*|}
  needs=${rest%%|*}
  settings=${rest#*|}
  missing=""
  for flag in $needs; do [[ " $flags " == *" $flag "* ]] || missing+=" $flag"; done
  if [ -n "$missing" ]; then
    say "numerical suites on $name: cannot run here (this CPU lacks$missing)"
    continue
  fi
  say "numerical suites on $name: $settings"
  status=0
  env $settings swift test -c release --skip-build --filter "$numerical" "$@" >"$log" 2>&1 || status=$?
  grep -E '^kernel path: |Test run with|Executed [0-9]+ tests' "$log" || true
  if [ "$status" != 0 ]; then
    grep -E '✘|error:' "$log" | head -60 || true
    failed+=("$name")
  fi
done

# fern watch in a real browser (headless Chromium over the DevTools protocol).
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  say "fern watch in headless Chromium (Tests/Browser/watch_page_test.py)"
  python3 Tests/Browser/watch_page_test.py "$(swift build -c release --show-bin-path)/fern" || failed+=("fern watch in a browser")
elif [ "${CI:-}" = true ]; then
  say "fern watch in a browser: chromium is missing, and CI must run this test"
  failed+=("fern watch in a browser (no chromium)")
else
  say "fern watch in a browser: SKIPPED, chromium is not installed (Debian: apt-get install chromium)"
fi

# Interop, checked by the other side's own tools in a throw-away Python venv.
if python=$(bash scripts/interop-venv.sh); then
  for test in Tests/Interop/*_test.py; do
    say "interop: $test"
    "$python" "$test" "$(swift build -c release --show-bin-path)/fern" || failed+=("$test")
  done
elif [ "${CI:-}" = true ]; then
  say "interop: the Python venv could not be made (scripts/interop-venv.sh), and CI must run these tests"
  failed+=("interop (no venv)")
else
  say "interop: SKIPPED, the Python venv could not be made (scripts/interop-venv.sh needs python3-venv and PyPI)"
fi

if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED on: ${failed[*]}"
  exit 1
fi
say "all kernel paths passed"
