#!/usr/bin/env bash
# Runs before `npm test` (npm's `pretest`): everything the test suite needs from the machine
# besides node_modules. kubectl (the CLI tests drive the lab with it) and a real
# kube-apiserver + etcd (built once from Debian's `kubernetes` source package, ~6 minutes on
# 2 cores, then cached in ~/.cache/runbook). Idempotent and quick when all is there. Needs
# Debian (bookworm) and root or sudo for apt-get; any failure stops the tests with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo -E)

if ! command -v kubectl >/dev/null 2>&1; then
  echo "prepare-test-machine: installing kubectl (Debian package kubernetes-client)" >&2
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq kubernetes-client >/dev/null
fi

bash .ci/prepare-real-apiserver.sh
