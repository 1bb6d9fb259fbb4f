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
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/env.sh"
bin="$OPENCLAW_CACHE/toolchain/bin"
mkdir -p "$bin"
export GOFLAGS=-mod=mod

# build NAME MODULE_DIR PACKAGE [LDFLAGS]: rebuild only when the module's go.sum changed.
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  local stamp="$bin/.$name.stamp" want
  want=$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-16)
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "toolchain: $name cached"
    return
  fi
  local start=$SECONDS
  echo "toolchain: building $name (cold builds take minutes)..."
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$bin/$name.new" "$pkg")
  mv -f "$bin/$name.new" "$bin/$name"
  echo "$want" > "$stamp"
  echo "toolchain: built $name in $((SECONDS - start))s"
}

build pulumi "$here/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
build pulumi-language-nodejs "$here/langhost" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

# The dynamic-provider launcher (same as sdk/nodejs/dist/pulumi-resource-pulumi-nodejs).
cat > "$bin/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ -n "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"
fi
SH
chmod 0755 "$bin/pulumi-resource-pulumi-nodejs"
echo "toolchain: $("$bin/pulumi" version) ready in $bin"
