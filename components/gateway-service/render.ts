// Pure rendering of the gateway's files from its settings. Golden-file tested.
import { hardening, hardeningLines } from "../../src/hardening";
import { releasePrefix, VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { template } from "../../src/template";
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

export function installPrefix(version: string): string {
  return releasePrefix(PATHS.installRoot, version);
}


interface UnitValues {
  description: string;
  user: string;
  envFile: string;
  configFile: string;
  stateDir: string;
  execStart: string;
  memoryMax: string;
  cpuQuota: string;
  hardening: { key: string; value: string }[];
}
const unitTemplate = template<UnitValues>(__dirname, "openclaw-gateway.service.hbs");
const configTemplate = template<{ bind: string; port: number; allowedOrigins: string[]; otlpEndpoint?: string }>(__dirname, "openclaw.json.hbs");
const envTemplate = template<{ vars: { key: string; value: string }[] }>(__dirname, "gateway.env.hbs");

export function renderUnit(s: GatewaySettings): string {
  return unitTemplate({
    description: `OpenClaw Gateway ${s.version}`,
    user: PATHS.user,
    envFile: PATHS.envFile,
    configFile: PATHS.configFile,
    stateDir: PATHS.stateDir,
    execStart: `${installPrefix(s.version)}/bin/openclaw gateway --bind ${s.bind} --port ${s.port}`,
    memoryMax: s.memoryMax,
    cpuQuota: s.cpuQuota,
    // Node runs V8, whose JIT needs writable+executable pages.
    hardening: s.hardening ? hardeningLines(hardening({ jit: true })) : [],
  });
}

/** Values the topology supplies, beside the operator's options. */
export interface GatewayPeers {
  /** OTLP/HTTP collector the gateway exports traces, metrics and logs to. */
  otlpEndpoint?: string;
  /** Origins added to controlUi.allowedOrigins, e.g. the tunnel's public URL. */
  extraOrigins?: string[];
}

export function renderConfig(s: GatewaySettings, peers: GatewayPeers = {}): string {
  const allowedOrigins = [...new Set([...s.allowedOrigins, ...(peers.extraOrigins ?? [])])].sort();
  return configTemplate({ bind: s.bind, port: s.port, allowedOrigins, otlpEndpoint: peers.otlpEndpoint });
}

/** systemd EnvironmentFile: double-quoted values with \ and " escaped; sorted for stable diffs. */
export function renderEnv(vars: Record<string, string>): string {
  const quoted = Object.keys(vars)
    .sort()
    .map((key) => ({ key, value: `"${vars[key].replace(/[\\"]/g, (c) => `\\${c}`)}"` }));
  return envTemplate({ vars: quoted });
}

/** openclaw@version from the npm registry into its own prefix under /opt/openclaw. */
export function installSpec(version: string, registry: string): VersionedInstallSpec {
  return {
    tool: "openclaw",
    version,
    root: PATHS.installRoot,
    fetch: script(
      `PATH=/usr/local/bin:$PATH npm install --global --prefix "$partial" --registry ${sh(registry)} \\`,
      `  --no-audit --no-fund --no-update-notifier --loglevel=error ${sh(`openclaw@${version}`)}`,
    ),
    binary: "bin/openclaw",
  };
}
