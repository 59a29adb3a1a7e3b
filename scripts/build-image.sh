#!/usr/bin/env bash
# `npm run build:image`: the OCI image `runbook schedule` CronJobs run, built FROM scratch with
# buildah (no base image is pulled): the single executable (`npm run build:exe`), the shared
# libraries it links (ldd), CA certificates, /etc/passwd with the non-root user 65532 the
# CronJob runs as, and /tmp. Tagged REPOSITORY:VERSION from package.json (config.image,
# version), or $RUNBOOK_IMAGE. Push it with `podman push IMAGE` (README, "Install").
# Storage driver vfs: works on any file system, in containers too (podman shares the store).
set -euo pipefail
cd "$(dirname "$0")/.."
exe=dist/runbook-linux-x64
uid=65532
[ -x "$exe" ] || { echo "build:image: $exe is missing: run npm run build:exe first" >&2; exit 2; }
version=$(node -p 'require("./package.json").version')
image=${RUNBOOK_IMAGE:-$(node -p 'require("./package.json").config.image'):$version}
buildah=(buildah --storage-driver vfs)

ctr=$("${buildah[@]}" from --quiet scratch)
trap '"${buildah[@]}" rm "$ctr" >/dev/null' EXIT
root=$("${buildah[@]}" mount "$ctr")

install -D -m 0755 "$exe" "$root/usr/local/bin/runbook"
ln -s runbook "$root/usr/local/bin/kubectl-runbook"
# Every library at the path the dynamic loader asks for (the loader itself included).
for lib in $(ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
  install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
done
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nrunbook:x:%s:%s:runbook:/home/runbook:/sbin/nologin\n' "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nrunbook:x:%s:\n' "$uid" >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
install -d -m 1777 "$root/tmp"
install -d -m 0755 -o "$uid" -g "$uid" "$root/home/runbook" "$root/var/lib/runbook"

# NODE_USE_SYSTEM_CA: trust the image's CA bundle as well as Node's own (a private CA added
# to the bundle by a derived image is then honoured).
"${buildah[@]}" config \
  --user "$uid:$uid" --workingdir /home/runbook \
  --env HOME=/home/runbook --env RUNBOOK_STATE_DIR=/var/lib/runbook --env NODE_USE_SYSTEM_CA=1 \
  --entrypoint '["/usr/local/bin/runbook"]' --cmd '["--help"]' \
  --label "org.opencontainers.image.title=runbook" --label "org.opencontainers.image.version=$version" \
  "$ctr"
"${buildah[@]}" umount "$ctr" >/dev/null
"${buildah[@]}" commit --quiet --format oci "$ctr" "$image" >/dev/null
echo "built $image ($("${buildah[@]}" inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null | cut -c1-12))"
