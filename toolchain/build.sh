#!/usr/bin/env bash
# Builds the Pulumi toolchain from Go modules into $OPENCLAW_CACHE/toolchain/bin, reusing
# what is already built for the same pinned go.sum. No binary download is possible here:
#   pulumi                         CLI, github.com/pulumi/pulumi/pkg/v3 (the newest version whose
#                                  module the proxy serves: 3.259.0; @pulumi/pulumi is pinned to it)
#   pulumi-language-nodejs         nodejs language host. Its own module is untagged and the
#                                  proxy refuses its pseudo-versions; v3.68.0 is the last
#                                  release that ships it inside sdk/v3, and it runs the 3.259
#                                  SDK (checked by every integration test).
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher script from the SDK.
#   promtail                       github.com/grafana/loki/v3 clients/cmd/promtail (3.6.4: the
#                                  newest release the proxy serves that still ships it; 3.7
#                                  dropped it), with the journal reader (cgo, tag
#                                  promtail_journal_enabled). sandbox/sandbox serves it to the
#                                  hosts as a release.
#   loki                           github.com/grafana/loki/v3 cmd/loki, built in promtail's module
#                                  (same go.mod/go.sum: one module version, one build cache).
#   tempo                          Tempo v2.9.0: github.com/grafana/tempo cmd/tempo, module
#                                  toolchain/tempo (the proxy serves v2.9.0 only as a
#                                  pseudo-version). sandbox/sandbox serves both as releases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/env.sh"
bin="$OPENCLAW_CACHE/toolchain/bin"
mkdir -p "$bin"
export GOFLAGS=-mod=mod

# build NAME MODULE_DIR PACKAGE [LDFLAGS [TAGS [VAR=VALUE...]]]: go build PACKAGE in MODULE_DIR
# with those ldflags, build tags and environment; rebuild only when go.mod/go.sum changed.
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-} tags=${5:-}
  shift $(($# < 5 ? $# : 5))
  local stamp="$bin/.$name.stamp" want
  want=$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-16)
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "toolchain: $name cached"
    return
  fi
  local start=$SECONDS
  echo "toolchain: building $name (cold builds take minutes)..."
  (cd "$dir" && env "$@" go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$bin/$name.new" "$pkg")
  mv -f "$bin/$name.new" "$bin/$name"
  echo "$want" > "$stamp"
  echo "toolchain: built $name in $((SECONDS - start))s"
}

# The libsystemd headers promtail's journal reader compiles against (libsystemd itself is
# dlopen'ed on the host at run time): the Debian package unpacked into the cache, not installed.
systemd_dev="$OPENCLAW_CACHE/toolchain/libsystemd-dev"
fetch_systemd_headers() {
  [ ! -f "$systemd_dev/usr/include/systemd/sd-journal.h" ] || return 0
  echo "toolchain: fetching libsystemd-dev headers into $systemd_dev"
  local tmp
  tmp=$(mktemp -d "$systemd_dev.XXXXXX")
  (cd "$tmp" && { apt-get download -qq libsystemd-dev 2>/dev/null ||
    { apt-get update -qq && apt-get download -qq libsystemd-dev; }; })
  dpkg -x "$tmp"/libsystemd-dev_*.deb "$tmp/root"
  rm -rf "$systemd_dev"
  mv "$tmp/root" "$systemd_dev"
  rm -rf "$tmp"
}

build pulumi "$here/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
build pulumi-language-nodejs "$here/langhost" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
fetch_systemd_headers
promtail_version=$(cd "$here/promtail" && go list -m -f '{{.Version}}' github.com/grafana/loki/v3)
build promtail "$here/promtail" github.com/grafana/loki/v3/clients/cmd/promtail \
  "-s -w -X github.com/grafana/loki/v3/pkg/util/build.Version=$promtail_version" \
  "netgo promtail_journal_enabled" CGO_ENABLED=1 CGO_CFLAGS="-I$systemd_dev/usr/include"
build loki "$here/promtail" github.com/grafana/loki/v3/cmd/loki \
  "-s -w -X github.com/grafana/loki/v3/pkg/util/build.Version=$promtail_version" netgo CGO_ENABLED=0
tempo_version=2.9.0
build tempo "$here/tempo" github.com/grafana/tempo/cmd/tempo \
  "-s -w -X main.Version=$tempo_version -X main.Branch=HEAD -X main.Revision=607c7fb69662" netgo CGO_ENABLED=0

# The dynamic-provider launcher (same as sdk/nodejs/dist/pulumi-resource-pulumi-nodejs).
cat > "$bin/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ -n "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"
fi
SH
chmod 0755 "$bin/pulumi-resource-pulumi-nodejs"
echo "toolchain: $("$bin/pulumi" version), promtail and loki $promtail_version, tempo $tempo_version ready in $bin"
