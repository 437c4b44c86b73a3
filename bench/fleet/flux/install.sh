#!/usr/bin/env bash
# Builds the Flux peer of the fleet bench: fluxcd source-controller and kustomize-controller, from Go modules
# (the Go module proxy is the only source), into Plinth's cache (PLINTH_CACHE_DIR, else
# $XDG_CACHE_HOME/plinth, else ~/.cache/plinth) under peers/flux-<version>/, once; later runs reuse it.
# Prints that directory on stdout. Layout:
#   bin/source-controller  bin/kustomize-controller   the controllers (CGO off, -s -w, as Flux's images build them)
#   crds/*.yaml                                        their CRDs, from each module's config/crd/bases
#   build.json                                         versions, go version, build seconds and binary sizes
# Each controller's go.mod replaces its own api module with ./api, a nested module that the module zip leaves
# out; the build drops that replace so the api module comes from the proxy at the version go.mod requires.
set -euo pipefail
FLUX_VERSION=v1.9.0            # source-controller and kustomize-controller of the same Flux minor (go 1.26.0); the
                               # proxy here serves not every patch release or dependency (v1.9.6 needs an unserved pkg/artifact)
SOURCE_CONTROLLER_VERSION=$FLUX_VERSION
KUSTOMIZE_CONTROLLER_VERSION=$FLUX_VERSION

cache="${PLINTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plinth}"
dir="$cache/peers/flux-$FLUX_VERSION"
if [ -x "$dir/bin/source-controller" ] && [ -x "$dir/bin/kustomize-controller" ] && [ -s "$dir/build.json" ]; then
  echo "$dir"
  exit 0
fi

# -mod=mod and GOWORK=off: a user's GOFLAGS (-mod=vendor) or go.work must not change what is built.
export GOFLAGS='-mod=mod -buildvcs=false' GOWORK=off CGO_ENABLED=0
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
work=$(mktemp -d "${TMPDIR:-/tmp}/plinth-flux-build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/out/bin" "$work/out/crds"

entries=()
for pair in "source-controller $SOURCE_CONTROLLER_VERSION" "kustomize-controller $KUSTOMIZE_CONTROLLER_VERSION"; do
  set -- $pair
  name=$1 version=$2 module="github.com/fluxcd/$1"
  echo "flux peer: downloading $module@$version" >&2
  src=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "flux peer: go mod download gave no directory for $module@$version" >&2; exit 1; }
  cp -r "$src" "$work/$name"
  chmod -R u+w "$work/$name"
  cp "$src"/config/crd/bases/*.yaml "$work/out/crds/"
  chmod u+w "$work"/out/crds/*.yaml
  echo "flux peer: building $name $version with $(go env GOVERSION)" >&2
  start=$(date +%s.%N)
  (cd "$work/$name" && go mod edit -dropreplace="$module/api" &&
    nice -n 10 go build -trimpath -ldflags '-s -w' -o "$work/out/bin/$name" .) >&2
  end=$(date +%s.%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  bytes=$(stat -c %s "$work/out/bin/$name")
  echo "flux peer: $name built in ${seconds}s, $bytes bytes" >&2
  entries+=("{\"name\":\"$name\",\"module\":\"$module\",\"version\":\"$version\",\"buildSeconds\":$seconds,\"bytes\":$bytes}")
done

joined=$(IFS=,; echo "${entries[*]}")
printf '{"flux":"%s","go":"%s","builtAt":"%s","controllers":[%s]}\n' \
  "$FLUX_VERSION" "$(go env GOVERSION)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$joined" > "$work/out/build.json"
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$work/out" "$dir"
echo "$dir"
