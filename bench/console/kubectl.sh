#!/usr/bin/env bash
# Builds kubectl, the console bench's peer view (`kubectl get`, `kubectl get -w`), from Go modules at the local
# NEW cluster's Kubernetes version, into Plinth's cache (PLINTH_CACHE_DIR, else $XDG_CACHE_HOME/plinth, else
# ~/.cache/plinth) under peers/kubectl-<version>/, once; later runs reuse it. Prints the binary's path.
# It reuses the go.mod that src/localenv wrote for that version's control-plane build (the staging modules
# pinned to their published versions), so run it after a local NEW cluster has been built once.
set -euo pipefail
KUBE_VERSION=v1.34.4     # src/localenv/build/versions.ts NEW
GO_TOOLCHAIN=go1.24.13   # the toolchain the same pin builds with

cache="${PLINTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plinth}"
out="$cache/peers/kubectl-$KUBE_VERSION/kubectl"
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
mod="$cache/work/kubernetes-$KUBE_VERSION"
[ -f "$mod/go.mod" ] || { echo "console bench: $mod/go.mod is missing: start a local NEW cluster once (npm run up) so it is written" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/plinth-kubectl-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$mod/go.mod" "$mod/go.sum" "$work/"
echo "console bench: building kubectl $KUBE_VERSION from Go modules into $(dirname "$out")" >&2
mkdir -p "$(dirname "$out")"
(cd "$work" && GOTOOLCHAIN=$GO_TOOLCHAIN GOFLAGS='-mod=mod -buildvcs=false' GOWORK=off CGO_ENABLED=0 \
  go build -tags providerless -trimpath -ldflags '-s -w' -o "$out" k8s.io/kubernetes/cmd/kubectl) >&2
echo "$out"
