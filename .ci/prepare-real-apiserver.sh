#!/usr/bin/env bash
# CI step before the tests: make sure the real kube-apiserver v1.20.2 (built from Debian's
# `kubernetes` source package) and etcd are on this machine. A cached binary makes this a
# no-op; otherwise it builds once (~4 minutes on 2 cores). Any failure fails CI: the
# real-apiserver tests refuse to skip when CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
if ! bash test/support/real-apiserver/build.sh; then
  echo "prepare-real-apiserver: FAILED to prepare kube-apiserver (see messages above)" >&2
  exit 1
fi
echo "prepare-real-apiserver: ready in $(( $(date +%s) - start ))s" >&2
