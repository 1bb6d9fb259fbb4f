// Pure rendering of the gateway's files from its settings. Golden-file tested.
import { hardening } from "../../src/hardening";
import { HttpHealthCheck } from "../../src/remote/health";
import { currentPrefix, VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { restartIfEnabledScript } from "../../src/remote/systemd";
import { renderUnitFile, serviceUnit, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { OtlpSignalEndpoints } from "../../src/topology";
import { GatewaySettings } from "./schema";

export const PATHS = {
  configDir: "/etc/openclaw",
  envFile: "/etc/openclaw/gateway.env",
  configFile: "/etc/openclaw/openclaw.json",
  stateDir: "/var/lib/openclaw",
  installRoot: "/opt/openclaw",
  unit: "openclaw-gateway.service",
  user: "openclaw",
} as const;

/** What the unit runs: the release `current` points to, so an upgrade changes no unit file. */
export const CURRENT = currentPrefix(PATHS.installRoot);

/** /health on the host itself: what every (re)start of the gateway waits for. */
export function healthCheck(s: GatewaySettings): HttpHealthCheck {
  return { url: `http://127.0.0.1:${s.port}/health`, expect: '"ok": ?true', unit: PATHS.unit };
}

const envTemplate = template<{ vars: { key: string; value: string }[] }>(__dirname, "gateway.env.hbs");
const seedTemplate = template<{ seed: string; stateDir: string; user: string; unit: string }>(__dirname, "seed.sh.hbs");

export function unitSpec(s: GatewaySettings): UnitSpec {
  return serviceUnit({
    description: "OpenClaw Gateway",
    documentation: "https://docs.openclaw.ai",
    service: [
      ["User", PATHS.user],
      ["Group", PATHS.user],
      ["EnvironmentFile", PATHS.envFile],
      ["Environment", `HOME=${PATHS.stateDir}`],
      ["Environment", `OPENCLAW_STATE_DIR=${PATHS.stateDir}`],
      ["Environment", `OPENCLAW_CONFIG_PATH=${PATHS.configFile}`],
      ["Environment", "NODE_ENV=production"],
      ["WorkingDirectory", PATHS.stateDir],
      ["StateDirectory", "openclaw"],
      ["StateDirectoryMode", "0700"],
      { comment: "A crash can leave a stale lock behind that would stop the next start." },
      ["ExecStartPre", `/usr/bin/find ${PATHS.stateDir} -maxdepth 1 -name gateway.*.lock -delete`],
      { comment: "Through `current`: an upgrade switches the link and restarts the unit (the install step)." },
      ["ExecStart", `${CURRENT}/bin/openclaw gateway --bind ${s.bind} --port ${s.port}`],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["TimeoutStopSec", "30"],
      ["MemoryMax", s.memoryMax],
      ["CPUQuota", s.cpuQuota],
      ["TasksMax", "512"],
      ["LimitNOFILE", "65536"],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
      ["SyslogIdentifier", "openclaw-gateway"],
    ],
    // Node runs V8, whose JIT needs writable+executable pages.
    hardening: s.hardening ? hardening({ jit: true }) : [],
  });
}

export function renderUnit(s: GatewaySettings): string {
  return renderUnitFile(unitSpec(s));
}

/** Values the topology supplies, beside the operator's options. */
export interface GatewayPeers {
  /** OTLP/HTTP endpoint the gateway exports to when no signal has its own. */
  otlpEndpoint?: string;
  /** Per-signal URLs (Tempo, the collector for Prometheus, Loki); diagnostics-otel uses a URL ending in
   * /v1/<signal> as it is and prefers it over `otlpEndpoint`. */
  otlpSignals?: OtlpSignalEndpoints;
  /** Origins added to controlUi.allowedOrigins, e.g. the tunnel's public URL. */
  extraOrigins?: string[];
}

/** openclaw.json as an object, its keys in the order the file lists them. */
export function gatewayConfig(s: GatewaySettings, peers: GatewayPeers = {}) {
  const allowedOrigins = [...new Set([...s.allowedOrigins, ...(peers.extraOrigins ?? [])])].sort();
  const gateway = { mode: "local", bind: s.bind, port: s.port, auth: { mode: "token" }, controlUi: { allowedOrigins } };
  if (!peers.otlpEndpoint) return { gateway };
  const otel = {
    enabled: true,
    endpoint: peers.otlpEndpoint,
    ...(peers.otlpSignals && {
      tracesEndpoint: peers.otlpSignals.traces,
      metricsEndpoint: peers.otlpSignals.metrics,
      logsEndpoint: peers.otlpSignals.logs,
    }),
    protocol: "http/protobuf",
    serviceName: "openclaw-gateway",
    traces: true,
    // Without a per-signal URL they would go to the shared endpoint, Tempo's, which refuses them.
    metrics: Boolean(peers.otlpSignals),
    logs: true,
  };
  return { gateway, diagnostics: { enabled: true, otel } };
}

export function renderConfig(s: GatewaySettings, peers: GatewayPeers = {}): string {
  return JSON.stringify(gatewayConfig(s, peers), null, 2) + "\n";
}

/** systemd EnvironmentFile: double-quoted values with \ and " escaped; sorted for stable diffs. */
export function renderEnv(vars: Record<string, string>): string {
  const quoted = Object.keys(vars)
    .sort()
    .map((key) => ({ key, value: `"${vars[key].replace(/[\\"]/g, (c) => `\\${c}`)}"` }));
  return envTemplate({ vars: quoted });
}

/** Where the state lives and who owns it; other than PATHS only in tests. */
export interface StateDir {
  stateDir: string;
  user: string;
  unit: string;
}

/**
 * The seed step: `seed` (a backup tool's restore, run by bash -e) fills the state directory when
 * it is blank and the gateway does not run; the result is the gateway user's, mode 0700.
 */
export function renderSeedScript(seed: string, at: StateDir = { stateDir: PATHS.stateDir, user: PATHS.user, unit: PATHS.unit }): string {
  return seedTemplate({ seed: seed.trimEnd(), ...at });
}

/**
 * Facts of the seed step, by the seed's own tests: blank when the state directory holds nothing
 * and no gateway runs on it (a gateway that runs on an empty one is as the step left it).
 */
export function renderSeedFacts(at: StateDir = { stateDir: PATHS.stateDir, user: PATHS.user, unit: PATHS.unit }): string {
  const state = sh(at.stateDir);
  return script(
    `if { [ -d ${state} ] && [ -n "$(find ${state} -mindepth 1 -maxdepth 1 ! -name 'gateway.*.lock' -print -quit)" ]; } || systemctl is-active --quiet ${sh(at.unit)}; then`,
    `  echo state=present`,
    `else`,
    `  echo state=blank`,
    `fi`,
  );
}

/**
 * openclaw@version from the npm registry into its own prefix under /opt/openclaw. Once it is
 * current, the running gateway is restarted onto it and must answer /health, else the release
 * that ran before is put back and started again, and the step fails.
 */
export function installSpec(s: GatewaySettings, registry: string): VersionedInstallSpec {
  const version = s.version;
  return {
    tool: "openclaw",
    version,
    root: PATHS.installRoot,
    fetch: script(
      `PATH=/usr/local/bin:$PATH npm install --global --prefix "$partial" --registry ${sh(registry)} \\`,
      `  --no-audit --no-fund --no-update-notifier --loglevel=error ${sh(`openclaw@${version}`)}`,
    ),
    binary: "bin/openclaw",
    activate: { script: restartIfEnabledScript(PATHS.unit, healthCheck(s)), answers: "/health" },
  };
}
