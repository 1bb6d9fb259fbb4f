// The `tunnel` entry in the program, under Pulumi mocks: a hostname per gateway instance of the
// host (the first's `tunnel.hostname`, the others' `tunnel.hostnames.<name>` or derived), each
// routed to its instance's port; the hostnames that do not fit the instances refused by key.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { IngressRule } from "../../../components/cloudflare-tunnel/render";
import { parseStackConfig, Secrets } from "../../../src/config";
import { deployHost } from "../../../src/program";
import { hostUnits } from "../../../src/registry";
import { fakeFetch, validConfig } from "../../fixtures/config";
import { capturedResult, recorder, value } from "../../support/mocks";
import { TOKEN, TUNNEL_ID } from "./fixtures";

const tunnel = {
  hostname: "claw.example.com",
  accountId: "a".repeat(32),
  zoneId: "b".repeat(32),
  install: { from: "apt", keyFingerprint: "C".repeat(40) },
};
/** Two gateways on vps1: default at 18789, work at 18909. */
const twoGateways = { instances: { default: {}, work: { port: 18909 } } };

const config = (overrides: Record<string, unknown>) => parseStackConfig({ ...validConfig(), ...overrides });

function deploy(overrides: Record<string, unknown>) {
  vi.stubGlobal("fetch", fakeFetch());
  const { recorded, find, opts } = recorder();
  const secrets = pulumi.secret({
    gatewayToken: "tok-" + "s3cr3t".repeat(6),
    postgresPasswords: { openclaw: "db-" + "pa55".repeat(6) },
    resticPassword: "r3stic-" + "pa55w0rd".repeat(4),
  } as Secrets);
  const deployed = deployHost(config(overrides), secrets, opts);
  const tunnelResources = recorded.filter((r) => r.type.startsWith("cloudflare:")).map((r) => r.name);
  const ingress = async () => (await value<{ ingresses: IngressRule[] }>(find("vps1-tunnel-ingress").props.config)).ingresses;
  return { deployed, find, tunnelResources, ingress };
}

/** The lines a ValidationError (or any error) thrown by `f` says. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === "pulumi:pulumi:StackReference")
          return {
            id: args.inputs.name,
            state: {
              name: args.inputs.name,
              outputs: { database: { port: 5432, database: "openclaw", user: "openclaw", ssl: "require" }, databasePassword: "x" },
              secretOutputNames: ["databasePassword"],
            },
          };
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.inputs.captureResult) state.result = capturedResult(args.name);
        const id = args.type === "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared" ? TUNNEL_ID : `${args.name}-id`;
        return { id, state };
      },
      call: (args) => (args.token.includes("getZeroTrustTunnelCloudflaredToken") ? { token: TOKEN } : {}),
    },
    "openclaw-infra",
    "vps1",
    false,
    "organization",
  );
});

describe("the tunnel of a host with one gateway", () => {
  it("is unchanged: one hostname, one DNS record, publicUrls of instance default", async () => {
    const { deployed, tunnelResources, ingress } = deploy({ tunnel });
    expect(tunnelResources).toEqual(["vps1-tunnel-tunnel", "vps1-tunnel-ingress", "vps1-tunnel-dns"]);
    expect(await ingress()).toEqual([{ hostname: "claw.example.com", service: "http://127.0.0.1:18789" }, { service: "http_status:404" }]);
    expect(deployed.publicUrl).toBe("https://claw.example.com");
    expect(deployed.publicUrls).toEqual({ default: "https://claw.example.com" });
    expect(hostUnits(config({ tunnel })).find((u) => u.component === "tunnel")?.reach).toBe(
      "https://claw.example.com -> http://127.0.0.1:18789",
    );
  });

  it("keeps `origin` as given, and refuses a hostname for the one instance by its key", () => {
    expect(hostUnits(config({ tunnel: { ...tunnel, origin: "http://127.0.0.1:8080" } })).find((u) => u.component === "tunnel")?.reach).toBe(
      "https://claw.example.com -> http://127.0.0.1:8080",
    );
    expect(refusal(() => deploy({ tunnel: { ...tunnel, hostnames: { default: "other.example.com" } } }))).toBe(
      "openclaw-infra:tunnel.hostnames.default: is the first gateway instance's hostname: set it as tunnel.hostname",
    );
  });
});

describe("the tunnel of a host with several gateway instances", () => {
  it("routes a derived <instance>-<hostname> to each further instance's port, with a DNS record each", async () => {
    const { deployed, tunnelResources, ingress, find } = deploy({ tunnel, gateway: twoGateways });
    expect(tunnelResources).toEqual(["vps1-tunnel-tunnel", "vps1-tunnel-ingress", "vps1-tunnel-dns", "vps1-tunnel-dns-work"]);
    expect(await ingress()).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { hostname: "work-claw.example.com", service: "http://127.0.0.1:18909" },
      { service: "http_status:404" },
    ]);
    expect(await value(find("vps1-tunnel-dns").props.name)).toBe("claw.example.com");
    expect(await value(find("vps1-tunnel-dns-work").props.name)).toBe("work-claw.example.com");
    expect(await value(find("vps1-tunnel-dns-work").props.content)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
    expect(deployed.publicUrl).toBe("https://claw.example.com");
    expect(deployed.publicUrls).toEqual({ default: "https://claw.example.com", work: "https://work-claw.example.com" });
  });

  it("takes the hostnames set per instance, and gives `origin` to the first instance only", async () => {
    const hostnames = { work: "work.example.com" };
    const overrides = { tunnel: { ...tunnel, hostnames, origin: "http://127.0.0.1:8080" }, gateway: twoGateways };
    const { deployed, ingress } = deploy(overrides);
    expect(await ingress()).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:8080" },
      { hostname: "work.example.com", service: "http://127.0.0.1:18909" },
      { service: "http_status:404" },
    ]);
    expect(deployed.publicUrls).toEqual({ default: "https://claw.example.com", work: "https://work.example.com" });
    expect(hostUnits(config(overrides)).find((u) => u.component === "tunnel")?.reach).toBe(
      "https://claw.example.com -> http://127.0.0.1:8080, https://work.example.com -> http://127.0.0.1:18909",
    );
  });

  it("gives tunnel.hostname to the first instance by name when there is no default", async () => {
    const gateway = { instances: { work: { port: 18909 }, home: {} } };
    const { deployed, tunnelResources, ingress } = deploy({ tunnel, gateway });
    expect(tunnelResources).toEqual(["vps1-tunnel-tunnel", "vps1-tunnel-ingress", "vps1-tunnel-dns", "vps1-tunnel-dns-work"]);
    expect(await ingress()).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { hostname: "work-claw.example.com", service: "http://127.0.0.1:18909" },
      { service: "http_status:404" },
    ]);
    expect(deployed.publicUrls).toEqual({ home: "https://claw.example.com", work: "https://work-claw.example.com" });
  });

  it("refuses a hostnames key that names no instance, naming the key", () => {
    const overrides = { tunnel: { ...tunnel, hostnames: { wrok: "work.example.com" } }, gateway: twoGateways };
    const expected = "openclaw-infra:tunnel.hostnames.wrok: names no gateway instance of this host (instances: default, work)";
    expect(refusal(() => deploy(overrides))).toBe(expected);
    expect(refusal(() => hostUnits(config(overrides)))).toBe(expected);
  });

  it("refuses two instances with one hostname: set ones when the config is read, a derived one when the tunnel is built", () => {
    expect(refusal(() => config({ tunnel: { ...tunnel, hostnames: { work: "claw.example.com" } }, gateway: twoGateways }))).toBe(
      "openclaw-infra:tunnel.hostnames.work: is also tunnel.hostname: each instance needs its own hostname",
    );
    const gateway = { instances: { default: {}, alpha: { port: 18909 }, work: { port: 19029 } } };
    expect(refusal(() => deploy({ tunnel: { ...tunnel, hostnames: { alpha: "work-claw.example.com" } }, gateway }))).toBe(
      "openclaw-infra:tunnel.hostnames.work: is required: work-claw.example.com, derived for work, is also tunnel.hostnames.alpha",
    );
  });
});
