#!/usr/bin/env bash
# Installs the Debian packages Fern builds against (the one list of them).
set -euo pipefail
packages=(libopenblas-dev libdnnl-dev zlib1g-dev libcairo2-dev libreadline-dev libchafa-dev libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config fonts-dejavu-core)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
