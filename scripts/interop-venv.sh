#!/usr/bin/env bash
# A throw-away Python virtual environment with the other side's own tools, for the interop
# tests (Tests/Interop): nbformat and nbconvert (the .ipynb export), onnx and onnxruntime (the
# ONNX export). Made once under ${TMPDIR:-/tmp}/fern-interop-venv (or $FERN_INTEROP_VENV) and
# reused; prints the path of its python. Needs PyPI.
set -euo pipefail
venv=${FERN_INTEROP_VENV:-${TMPDIR:-/tmp}/fern-interop-venv}
packages=(nbformat nbconvert onnx onnxruntime)
if ! "$venv/bin/python" -c "import nbformat, nbconvert, onnx, onnxruntime" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${packages[@]}" >&2
fi
echo "$venv/bin/python"
