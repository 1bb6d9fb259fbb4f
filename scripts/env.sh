# Sourced by every script: where the cached toolchain lives and how Pulumi runs locally.
# The cache sits outside the repo so a fresh clone reuses slow builds.
OPENCLAW_CACHE=${OPENCLAW_CACHE:-/var/cache/openclaw-infra}
# Node for the tooling: the version the sandbox serves its hosts, from sandbox/versions.env.
NODE_VERSION=${NODE_VERSION:-$(sed -n 's/^NODE_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/../sandbox/versions.env")}
PULUMI_VERSION=3.259.0
export OPENCLAW_CACHE NODE_VERSION PULUMI_VERSION
export PATH="$OPENCLAW_CACHE/node-$NODE_VERSION/bin:$OPENCLAW_CACHE/toolchain/bin:$PATH:/usr/local/go/bin"
export PULUMI_HOME="$OPENCLAW_CACHE/pulumi-home"
# The openclaw releases preview validates gateway.settings with (components/gateway-service/preview-validate.ts).
export OPENCLAW_INFRA_CACHE="$OPENCLAW_CACHE/releases"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
# The program is type-checked by `npm run typecheck` (and npm test); each pulumi run then only
# transpiles it, which halves the time of an `up` with nothing to do (5.1 s -> 2.9 s here).
export PULUMI_NODEJS_TRANSPILE_ONLY=true
