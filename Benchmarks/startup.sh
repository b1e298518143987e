#!/usr/bin/env bash
# Fern's start-up: `fern --version`, `fern check` on the assignment notebook (hyperfine, Debian
# package `hyperfine`), and the time to the REPL prompt on a pseudo-terminal.
# usage: Benchmarks/startup.sh   (builds the release binary when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
fern=${FERN_BIN:-.build/release/fern}
[ -x "$fern" ] || swift build -c release --product fern
hyperfine -N -w 3 -r 30 "$fern --version" "$fern check notebooks/hw3.fernb"
python3 Benchmarks/prompt_time.py "$fern"
