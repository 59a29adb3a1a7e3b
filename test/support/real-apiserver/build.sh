#!/usr/bin/env bash
# Builds kube-apiserver v1.20.2 from Debian bookworm's `kubernetes` source package and caches
# the binary outside the repository, keyed by version and build recipe. Idempotent: a cached
# binary that reports the right version and recipe (and an installed etcd) means nothing to do.
#
# One source fix: v1.20.2 vendors github.com/modern-go/reflect2 v1.0.1, which crashes
# (SIGSEGV in runtime.mapiterinit, "fatal error: fault") when built with Go >= 1.18, as
# bookworm's Go 1.19 is. It takes the whole apiserver down on the first custom-resource
# create (json-iterator map encoding in the CRD handler). reflect2 v1.0.2 fixed it; Debian
# ships it as golang-github-modern-go-reflect2-dev, which replaces the vendored copy here.
#
# Environment (all optional):
#   RUNBOOK_CACHE_DIR   where the binary is cached      (default: ~/.cache/runbook)
#   RUNBOOK_SRC_DIR     scratch dir for the source tree  (default: $RUNBOOK_CACHE_DIR/src)
#   RUNBOOK_KEEP_SRC=1  keep the source tree (~1.8 GB with build outputs) after a successful
#                       build; by default it is deleted once the binary is cached
#
# Never writes inside the repository. Safe as root in CI (noninteractive apt, -y).
set -euo pipefail

readonly K8S_VERSION="v1.20.2"
readonly CACHE_DIR="${RUNBOOK_CACHE_DIR:-${HOME:?HOME is not set}/.cache/runbook}"
readonly SRC_DIR="${RUNBOOK_SRC_DIR:-$CACHE_DIR/src}"
readonly BIN="$CACHE_DIR/kube-apiserver-$K8S_VERSION"
# Bump when the way the binary is built changes: a cached binary of another recipe is rebuilt.
readonly RECIPE="debian-source+reflect2-1.0.2"
readonly RECIPE_FILE="$BIN.recipe"
readonly REFLECT2_SYSTEM=/usr/share/gocode/src/github.com/modern-go/reflect2
readonly APT_PACKAGES=(golang-go golang-github-modern-go-reflect2-dev etcd-server rsync jq openssl make dpkg-dev time ca-certificates)
readonly DEB_SRC_FILE_BASE="/etc/apt/sources.list.d/runbook-deb-src"
export DEBIAN_FRONTEND=noninteractive

log() { printf '[real-apiserver/build] %s\n' "$*" >&2; }
die() { printf '[real-apiserver/build] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
T_START=$(now)
elapsed() { echo "$(( $(now) - $1 ))s"; }

# --version prints e.g. "Kubernetes v1.20.2"; anything else (or a crash) means rebuild.
cached_binary_ok() {
  [ -x "$BIN" ] || return 1
  local out
  out=$("$BIN" --version 2>/dev/null) || return 1
  [ "$out" = "Kubernetes $K8S_VERSION" ] && [ "$(cat "$RECIPE_FILE" 2>/dev/null)" = "$RECIPE" ]
}

etcd_ok() { command -v etcd >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; }

if cached_binary_ok && etcd_ok; then
  log "cached: $BIN ($("$BIN" --version)), etcd: $(command -v etcd); nothing to do"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian bookworm (or a derivative) to build kube-apiserver"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -E); else die "must run as root (or with sudo) to install packages"; fi
else
  SUDO=()
fi

# --- 1. deb-src entries ---------------------------------------------------------------------
# Copy every enabled bookworm `deb` entry of Debian's archive into a separate file as `deb-src`,
# same URIs/suites/components/key. A separate file keeps the system's own files untouched and
# makes the change easy to see and undo. Non-Debian repositories (which publish no Sources
# indices and would make `apt-get update` fail) are left alone.
setup_deb_src() {
  local deb822_out="" oneline_out="" f
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    case "$f" in "$DEB_SRC_FILE_BASE".sources) continue ;; esac
    # Paragraph mode: one deb822 stanza per record.
    deb822_out+=$(awk 'BEGIN { RS = ""; ORS = "\n\n" }
      /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ && /(^|\n)URIs:[^\n]*debian/ && /(^|\n)Suites:[^\n]*bookworm/ &&
      !/(^|\n)Enabled:[ \t]*no/ {
        n = split($0, lines, "\n"); out = ""
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^#/) continue
          if (lines[i] ~ /^Types:/) lines[i] = "Types: deb-src"
          out = out lines[i] "\n"
        }
        printf "%s\n", out
      }' "$f")
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    case "$f" in "$DEB_SRC_FILE_BASE".list) continue ;; esac
    oneline_out+=$(awk '/^[ \t]*deb[ \t]/ && /debian/ && /bookworm/ { sub(/^[ \t]*deb/, "deb-src"); print }' "$f")
  done
  shopt -u nullglob
  [ -n "$deb822_out$oneline_out" ] || die "found no enabled Debian bookworm 'deb' entry in /etc/apt/sources.list{,.d/} to mirror as deb-src"
  if [ -n "$deb822_out" ]; then
    printf '# Written by runbook test/support/real-apiserver/build.sh: sources for `apt-get source kubernetes`.\n%s\n' "$deb822_out" \
      | "${SUDO[@]}" tee "$DEB_SRC_FILE_BASE.sources" >/dev/null
    log "wrote $DEB_SRC_FILE_BASE.sources"
  fi
  if [ -n "$oneline_out" ]; then
    printf '# Written by runbook test/support/real-apiserver/build.sh\n%s\n' "$oneline_out" \
      | "${SUDO[@]}" tee "$DEB_SRC_FILE_BASE.list" >/dev/null
    log "wrote $DEB_SRC_FILE_BASE.list"
  fi
}

T=$(now)
setup_deb_src
"${SUDO[@]}" apt-get update -qq || die "apt-get update failed (are Debian mirrors reachable?)"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null \
  || die "apt-get install ${APT_PACKAGES[*]} failed"
command -v go >/dev/null 2>&1 || die "golang-go installed but 'go' is not on PATH"
etcd_ok || die "etcd-server installed but 'etcd' is not on PATH"
log "apt setup: $(elapsed "$T") (go: $(go version), etcd: $(etcd --version 2>/dev/null | head -n1))"

if cached_binary_ok; then
  log "cached binary already fine: $BIN; total $(elapsed "$T_START")"
  exit 0
fi

# --- 2. source ------------------------------------------------------------------------------
T=$(now)
mkdir -p "$SRC_DIR"
tree=$(find "$SRC_DIR" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
if [ -z "$tree" ] || [ ! -f "$tree/debian/rules" ] || [ ! -f "$tree/Makefile" ]; then
  rm -rf "$SRC_DIR"/kubernetes-* "$SRC_DIR"/kubernetes_*
  ver=$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ { print $2; exit }')
  [ -n "$ver" ] || die "apt-cache showsrc kubernetes found nothing: the deb-src entry did not take effect"
  # bookworm's version string is "1.20.5+really1.20.2-...": the source is v1.20.2.
  case "$ver" in 1.20.2*|*really1.20.2*) ;; *) die "Debian's kubernetes source is $ver, this harness is pinned to $K8S_VERSION" ;; esac
  (cd "$SRC_DIR" && apt-get source -qq "kubernetes=$ver") || die "apt-get source kubernetes=$ver failed"
  tree=$(find "$SRC_DIR" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
  [ -n "$tree" ] || die "apt-get source did not unpack a kubernetes-* tree into $SRC_DIR"
  log "source fetched into $tree: $(elapsed "$T") ($(du -sh "$tree" | cut -f1))"
else
  log "reusing source tree $tree"
fi

# --- 3. fix the vendored reflect2 (see the header) ----------------------------------------------
vendored="$tree/vendor/github.com/modern-go/reflect2"
[ -f "$REFLECT2_SYSTEM/go_above_118.go" ] || die "$REFLECT2_SYSTEM has no go_above_118.go: need reflect2 >= 1.0.2 (golang-github-modern-go-reflect2-dev)"
[ -d "$vendored" ] || die "no $vendored in the source tree"
if [ ! -f "$vendored/go_above_118.go" ]; then
  find "$vendored" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  cp "$REFLECT2_SYSTEM"/*.go "$REFLECT2_SYSTEM"/*.s "$vendored"/
  log "replaced vendored reflect2 v1.0.1 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev) (Go 1.18+ map iteration fix)"
fi

# --- 4. build -------------------------------------------------------------------------------
# As Debian's debian/rules does: GOPATH/src/k8s.io/kubernetes -> the tree, CGO_ENABLED=0, then
# `make WHAT=...`. No version variables are needed: the orig tarball is a `git archive` whose
# hack/lib/version.sh has the tag (v1.20.2) and commit filled in. hack/lib/init.sh sets
# GO111MODULE=off itself (GOPATH mode with the vendored dependencies) and puts GOCACHE in the tree.
gopath="$tree/.go"
mkdir -p "$gopath/src/k8s.io"
ln -sfn "$tree" "$gopath/src/k8s.io/kubernetes"
export GOPATH="$gopath"
export CGO_ENABLED=0
T=$(now)
log "building cmd/kube-apiserver ($(nproc) cores) — takes minutes"
time_report="$CACHE_DIR/build-time-$K8S_VERSION.txt"
(cd "$gopath/src/k8s.io/kubernetes" && /usr/bin/time -v -o "$time_report" make WHAT=cmd/kube-apiserver) \
  || die "make WHAT=cmd/kube-apiserver failed in $tree (see output above; $time_report)"
built="$tree/_output/bin/kube-apiserver"
[ -x "$built" ] || built=$(find "$tree/_output" -type f -name kube-apiserver -perm -u+x | head -n1)
[ -n "$built" ] && [ -x "$built" ] || die "build finished but no kube-apiserver binary under $tree/_output"
log "build: $(elapsed "$T"); $(grep -E 'Maximum resident set size|Elapsed \(wall' "$time_report" | sed 's/^[ \t]*//' | paste -sd ';')"

# --- 5. cache -------------------------------------------------------------------------------
install -m 0755 "$built" "$BIN.tmp"
mv -f "$BIN.tmp" "$BIN"
printf '%s' "$RECIPE" > "$RECIPE_FILE"
cached_binary_ok || die "cached $BIN does not report 'Kubernetes $K8S_VERSION' with recipe $RECIPE (got: $("$BIN" --version 2>&1 | head -n1), recipe: $(cat "$RECIPE_FILE" 2>/dev/null))"
log "cached $BIN ($(du -h "$BIN" | cut -f1), $("$BIN" --version))"
if [ "${RUNBOOK_KEEP_SRC:-0}" != "1" ]; then rm -rf "$tree" "$SRC_DIR"/kubernetes_*; log "removed source tree $tree (RUNBOOK_KEEP_SRC=1 keeps it)"; fi
log "total: $(elapsed "$T_START")"
