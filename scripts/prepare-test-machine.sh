#!/usr/bin/env bash
# Runs before `npm test` (npm's `pretest`): everything the test suite needs from the machine
# besides node_modules. kubectl (the CLI tests drive the lab with it), buildah + podman + runc
# and promtool (test/ship), and a real kube-apiserver + etcd (built once from Debian's
# `kubernetes` source package, ~6 minutes on 2 cores, then cached in ~/.cache/runbook). Idempotent and quick when all is there. Needs
# Debian (bookworm) and root or sudo for apt-get; any failure stops the tests with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo -E)

# command -> the Debian package that provides it. buildah/podman/runc: the container image test
# (crun, podman's default runtime, does not work on these machines); promtool (package
# prometheus): the metrics test's parser; fish and zsh: the completion test.
missing=()
for pair in kubectl:kubernetes-client buildah:buildah podman:podman runc:runc promtool:prometheus fish:fish zsh:zsh; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# The image carries the machine's CA bundle.
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "prepare-test-machine: installing ${missing[*]} (Debian packages)" >&2
  "${SUDO[@]}" apt-get update -qq
  # prometheus-node-exporter-: not prometheus' recommended exporter service, only promtool is wanted.
  "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" prometheus-node-exporter- >/dev/null
fi

bash .ci/prepare-real-apiserver.sh
