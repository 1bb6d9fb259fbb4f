// Each component's options in the sandbox stacks: what the sandbox cannot reach that production
// does (GitHub, Grafana's and Cloudflare's repositories, PGDG), replaced by its own mirrors or
// switched off. Keyed by registry entry; written over what the stack file already sets.
import semver from "semver";
import { z } from "zod";
import type { JsonObject } from "../components/gateway-service/settings";
import type { ComponentShape } from "../src/registry";
import type { PRIVATE_NETWORKS } from "../src/topology";
import { Sandbox } from "./contract";

type PrivateNetwork = (typeof PRIVATE_NETWORKS)[number];

/**
 * The sandbox's private network: WireGuard over the bridge, as an operator whose provider has no
 * trusted private network runs it (wireguard-go: the hosts' kernel has no WireGuard module).
 * `provider` makes the bridge the private network too (the upgrade test deploys so).
 */
export const SANDBOX_PRIVATE_NETWORK: PrivateNetwork = "wireguard";

/**
 * A sandbox host's private address: over WireGuard, its bridge address with 1 for the third
 * byte (10.231.0.11 -> 10.231.1.11), inside the sandbox's 10.231.0.0/16, which this machine
 * does not route; else the bridge address itself.
 */
export function sandboxPrivateAddress(bridgeAddress: string, network: PrivateNetwork = SANDBOX_PRIVATE_NETWORK): string {
  return network === "provider" ? bridgeAddress : bridgeAddress.replace(/^(\d+\.\d+)\.\d+\.(\d+)$/, "$1.1.$2");
}

/** SecretRef to a variable of gateway.env (the secret gatewayEnv). */
const secretRef = (id: string) => ({ source: "env", provider: "default", id });

/** The sandbox's second gateway instance: its own port, workspace, limits and a pinned npm plugin (small: zod is its only dependency). */
export const SANDBOX_WORK_INSTANCE = {
  port: 18909,
  memoryMax: "1G",
  settings: { agents: { defaults: { workspace: "/var/lib/openclaw-work/workspace" } } },
  plugins: { "npm:@openclaw/irc": "2026.9.5" },
};

/**
 * The sandbox's assistant for openclaw `version`: an agent, a model provider whose key is a
 * secret, and a channel whose token is a secret (switched off: nothing reaches Telegram). The
 * agents moved from `agents.list` to the keyed `agents.entries` in 2026.9.
 */
export function sandboxGatewaySettings(version: string): JsonObject {
  const defaults = { workspace: "/var/lib/openclaw/workspace", model: { primary: "sandbox-llm/fake-model" } };
  const agents: JsonObject = semver.gte(version, "2026.9.0")
    ? { defaults, entries: { main: { name: "Main" } } }
    : { defaults, list: [{ id: "main", default: true }] };
  return {
    agents,
    models: {
      providers: {
        // An OpenAI-compatible endpoint nothing listens on: the key is what is tested, not a reply.
        "sandbox-llm": {
          baseUrl: "http://127.0.0.1:9/v1",
          api: "openai-completions",
          apiKey: secretRef("SANDBOX_LLM_API_KEY"),
          models: [{ id: "fake-model", name: "Fake model" }],
        },
      },
    },
    channels: { telegram: { enabled: false, botToken: secretRef("TELEGRAM_BOT_TOKEN"), dmPolicy: "pairing" } },
  };
}

type SandboxOptions = { [K in keyof ComponentShape]?: (sandbox: Sandbox) => NonNullable<z.input<ComponentShape[K]>> };

export const SANDBOX_OPTIONS: SandboxOptions = {
  // Grafana's apt repository is out of the sandbox's reach: the release from its mirror.
  logs: ({ contract }) => ({ from: "archive", version: contract.promtail.version, sha256: contract.promtail.sha256 }),
  // GitHub is out of the sandbox's reach: the releases toolchain/build.sh built, from its mirror.
  loki: ({ contract }) => ({ ...contract.loki }),
  tempo: ({ contract }) => ({ ...contract.tempo }),
  otelCollector: ({ contract }) => ({ ...contract["otelcol-contrib"] }),
  // Debian 13 has PostgreSQL 17 and pgvector; PGDG is out of the sandbox's reach.
  postgres: () => ({ source: "distribution" }),
  // The one release the sandbox's dist mirror serves.
  node: ({ versions }) => ({ major: Number(versions.nodeHost.split(".")[0]), version: versions.nodeHost }),
  // Cloudflare's API and edge are out of the sandbox's reach: the host side, switched off.
  cloudflared: () => ({ run: false }),
  // Listen on the bridge too, so /health answers from the machine running the sandbox. The
  // assistant as code: an agent, a model provider and a channel whose credentials are secrets
  // (random values the stack's secrets get; nothing here reaches a real provider or Telegram).
  // Two instances, as seed 002 splits its agent groups: `work` on its own port (OpenClaw's spacing of 120),
  // workspace and channel token (the secret gatewayInstances.work.env), with a plugin pinned from npm.
  gateway: ({ versions }) => ({
    bind: "lan",
    version: versions.openclaw,
    settings: sandboxGatewaySettings(versions.openclaw),
    instances: { default: {}, work: SANDBOX_WORK_INSTANCE },
  }),
  // Grafana's apt repository is out of the sandbox's reach: files and unit, switched off.
  grafana: () => ({ run: false }),
  // Hardened as production should be: security updates, the firewall (only SSH from this machine, which is in no
  // role of the topology; the tests reach the rest through SSH tunnels) and sshd's drop-in.
  firewall: () => ({}),
  sshd: () => ({}),
  // Security updates from the sandbox's Debian mirror; no automatic reboot (the default).
  updates: () => ({}),
  // The private network (SANDBOX_PRIVATE_NETWORK): Debian's wireguard-go, with the configuration the kernel's module takes.
  wireguard: () => ({ implementation: "userspace" }),
};
