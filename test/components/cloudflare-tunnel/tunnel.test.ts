// CloudflareTunnel's resource graph under Pulumi mocks: the Cloudflare resources (ingress, DNS),
// the token read from the provider and kept secret, and the host side built from primitives.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CloudflaredConnector,
  CloudflaredConnectorArgs,
  CloudflareTunnel,
  CloudflareTunnelArgs,
} from "../../../components/cloudflare-tunnel";
import { IngressRule } from "../../../components/cloudflare-tunnel/render";
import { ACCOUNT_ID, BINARY_SHA, connection, TOKEN, TUNNEL_ID, validOptions, ZONE_ID } from "./fixtures";
import { isSecret, recorder, value } from "../../support/mocks";
import { unitScripts } from "../../../src/remote/systemd";

const TOKEN_FUNCTION = "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken";

let invokes: { token: string; inputs: Record<string, unknown> }[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.inputs.captureResult) state.result = "2025.11.1";
        const id = args.type === "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared" ? TUNNEL_ID : `${args.name}-id`;
        return { id, state };
      },
      call: (args) => {
        invokes.push({ token: args.token, inputs: args.inputs });
        if (args.token === TOKEN_FUNCTION) return { accountId: args.inputs.accountId, tunnelId: args.inputs.tunnelId, token: TOKEN };
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "openclaw-infra",
    "vps1",
    false,
  );
});

function deploy(overrides: Record<string, unknown> = {}) {
  invokes = [];
  const { recorded, opts } = recorder();
  const tunnel = new CloudflareTunnel("vps1-tunnel", { connection, ...validOptions(), ...overrides } as CloudflareTunnelArgs, opts);
  const find = (name: string) => {
    const r = recorded.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name} (have ${recorded.map((x) => x.name).join(", ")})`);
    return r;
  };
  return { tunnel, recorded, find };
}

describe("CloudflareTunnel", () => {
  it("registers the Cloudflare side and the host side with stable names", async () => {
    const { recorded, tunnel } = deploy();
    await value(tunnel.connector.version);
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "openclaw:cloudflare:CloudflareTunnel vps1-tunnel",
      "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared vps1-tunnel-tunnel",
      "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig vps1-tunnel-ingress",
      "cloudflare:index/dnsRecord:DnsRecord vps1-tunnel-dns",
      "openclaw:cloudflare:CloudflaredConnector vps1-tunnel-cloudflared",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-base",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-repo",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-packages",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-check",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-token-dir",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-token",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-tunnel-cloudflared-unit",
    ]);
  });

  it("creates a remotely managed tunnel and exposes its id, hostname and public URL", async () => {
    const { tunnel, find } = deploy();
    const props = find("vps1-tunnel-tunnel").props;
    expect(await value(props.configSrc)).toBe("cloudflare");
    expect(await value(props.accountId)).toBe(ACCOUNT_ID);
    expect(await value(props.name)).toBe("claw.example.com");
    expect(props.tunnelSecret).toBeUndefined();
    expect(await value(tunnel.tunnelId)).toBe(TUNNEL_ID);
    expect(tunnel.publicHostname).toBe("claw.example.com");
    expect(tunnel.publicUrl).toBe("https://claw.example.com");
  });

  it("routes the hostname to the gateway on loopback first, and everything else to a 404 last", async () => {
    const { find } = deploy();
    const props = find("vps1-tunnel-ingress").props;
    expect(await value(props.tunnelId)).toBe(TUNNEL_ID);
    expect(await value(props.accountId)).toBe(ACCOUNT_ID);
    expect(await value(props.source)).toBe("cloudflare");
    const config = await value<{ ingresses: IngressRule[] }>(props.config);
    expect(config.ingresses).toEqual([{ hostname: "claw.example.com", service: "http://127.0.0.1:18789" }, { service: "http_status:404" }]);
    expect(config.ingresses.at(-1)).toEqual({ service: "http_status:404" });
  });

  it("routes to another origin when asked", async () => {
    const { find } = deploy({ origin: "http://127.0.0.1:18800" });
    const config = await value<{ ingresses: IngressRule[] }>(find("vps1-tunnel-ingress").props.config);
    expect(config.ingresses[0]).toEqual({ hostname: "claw.example.com", service: "http://127.0.0.1:18800" });
  });

  it("points a proxied CNAME for the hostname at <tunnel-id>.cfargotunnel.com", async () => {
    const { find } = deploy();
    const props = find("vps1-tunnel-dns").props;
    expect(await value(props.zoneId)).toBe(ZONE_ID);
    expect(await value(props.name)).toBe("claw.example.com");
    expect(await value(props.type)).toBe("CNAME");
    expect(await value(props.content)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
    expect(await value(props.proxied)).toBe(true);
    expect(await value(props.ttl)).toBe(1);
  });

  it("reads the token from the provider for this tunnel and writes it secret, 0600, on stdin", async () => {
    const { find } = deploy();
    const file = find("vps1-tunnel-cloudflared-token");
    expect(await isSecret(file.props.stdin)).toBe(true);
    expect(await value(file.props.stdin)).toBe(TOKEN);
    expect(invokes).toEqual([{ token: TOKEN_FUNCTION, inputs: { accountId: ACCOUNT_ID, tunnelId: TUNNEL_ID } }]);
    expect(await value(file.props.label)).toBe("write /etc/cloudflared/token");
    const create = await value<string>(file.props.create);
    expect(create).toContain("dest='/etc/cloudflared/token'");
    expect(create).toContain("chown 'root:root'");
    expect(create).toContain("chmod '0600'");
  });

  it("restarts the unit when the token or the installed version changes, keeping the triggers secret", async () => {
    const { find } = deploy();
    const unit = find("vps1-tunnel-cloudflared-unit");
    expect(await isSecret(unit.props.triggers)).toBe(true);
    const triggers = await value<string[]>(unit.props.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(triggers[1]).toBe("2025.11.1");
    expect(await isSecret(unit.props.stdin)).toBe(false);
  });

  it("puts the token in no script, label, unit or Cloudflare input", async () => {
    const { recorded } = deploy();
    let checked = 0;
    for (const r of recorded) {
      for (const [key, prop] of Object.entries(r.props)) {
        if (r.name === "vps1-tunnel-cloudflared-token" && key === "stdin") continue; // the one place it goes
        const text = JSON.stringify((await value(prop)) ?? null);
        expect(text, `${r.name}.${key}`).not.toContain(TOKEN);
        if (["create", "update", "delete", "label"].includes(key)) expect(await isSecret(prop), `${r.name}.${key}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("orders the host side: packages, repository, cloudflared, then token and unit", () => {
    const { recorded } = deploy();
    const deps = Object.fromEntries(recorded.map((r) => [r.name, r.dependsOn]));
    expect(deps["vps1-tunnel-cloudflared"]).toEqual(["vps1-tunnel-ingress"]);
    expect(deps["vps1-tunnel-cloudflared-repo"]).toEqual(["vps1-tunnel-cloudflared-base"]);
    expect(deps["vps1-tunnel-cloudflared-packages"]).toEqual(["vps1-tunnel-cloudflared-repo"]);
    expect(deps["vps1-tunnel-cloudflared-check"]).toEqual(["vps1-tunnel-cloudflared-packages"]);
    expect(deps["vps1-tunnel-cloudflared-unit"]).toEqual(["vps1-tunnel-cloudflared-check", "vps1-tunnel-cloudflared-token"]);
  });

  it("installs from Cloudflare's repository, signed by the pinned key", async () => {
    const { find } = deploy();
    const repo = find("vps1-tunnel-cloudflared-repo").props;
    const script = await value<string>(repo.create);
    expect(script).toContain("curl -fsSL 'https://pkg.cloudflare.com/cloudflare-main.gpg'");
    expect(script).toContain(`--export '0123456789ABCDEF0123456789ABCDEF01234567'`);
    expect(await value(repo.stdin)).toBe(
      "Types: deb\nURIs: https://pkg.cloudflare.com/cloudflared\nSuites: any\nComponents: main\nSigned-By: /etc/apt/keyrings/cloudflared.asc\n",
    );
    expect(await value(find("vps1-tunnel-cloudflared-base").props.create)).toContain("for spec in 'ca-certificates' 'curl' 'gnupg'; do");
    expect(await value(find("vps1-tunnel-cloudflared-packages").props.create)).toContain("for spec in 'cloudflared'; do");
    const check = await value<string>(find("vps1-tunnel-cloudflared-check").props.create);
    expect(check).toContain("version=$('/usr/bin/cloudflared' --version");
  });

  it("pins the apt package when a version is given", async () => {
    const { find } = deploy({ install: { from: "apt", keyFingerprint: validOptions().install.keyFingerprint, version: "2025.11.1" } });
    expect(await value(find("vps1-tunnel-cloudflared-packages").props.create)).toContain("for spec in 'cloudflared=2025.11.1'; do");
    expect(await value(find("vps1-tunnel-cloudflared-check").props.create)).toContain("expected the pinned 2025.11.1");
  });

  it("runs the unit it rendered and waits for /ready on the metrics port", async () => {
    const { find } = deploy();
    const unit = find("vps1-tunnel-cloudflared-unit");
    expect(await value(unit.props.label)).toBe("unit cloudflared.service");
    const content = await value<string>(unit.props.stdin);
    expect(content).toContain(
      "ExecStart=/usr/bin/cloudflared tunnel --no-autoupdate --metrics 127.0.0.1:20241 run --token-file ${CREDENTIALS_DIRECTORY}/token\n",
    );
    const create = await value<string>(unit.props.create);
    expect(create).toContain("curl -fsS --max-time 2 'http://127.0.0.1:20241/ready'");
    expect(create).toContain(`grep -Eq '"readyConnections": ?[1-9]'`);
    expect(create).toContain("for i in $(seq 1 60); do");
  });
});

describe("several hostnames (routes): one per gateway instance", () => {
  const routes = [
    { instance: "default", hostname: "claw.example.com", origin: "http://127.0.0.1:18789" },
    { instance: "work", hostname: "work-claw.example.com", origin: "http://127.0.0.1:18909" },
  ];
  const deployRoutes = (extra: Record<string, unknown> = {}) => deploy({ hostname: undefined, routes, ...extra });

  it("adds a DNS record per further route; the tunnel, its ingress and the first record keep their names", async () => {
    const { recorded, tunnel } = deployRoutes();
    await value(tunnel.connector.version);
    const cloudflare = recorded.filter((r) => r.type.startsWith("cloudflare:")).map((r) => `${r.type} ${r.name}`);
    expect(cloudflare).toEqual([
      "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared vps1-tunnel-tunnel",
      "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig vps1-tunnel-ingress",
      "cloudflare:index/dnsRecord:DnsRecord vps1-tunnel-dns",
      "cloudflare:index/dnsRecord:DnsRecord vps1-tunnel-dns-work",
    ]);
    expect(recorded.filter((r) => r.name.startsWith("vps1-tunnel-cloudflared")).map((r) => r.name)).toEqual(
      deploy()
        .recorded.filter((r) => r.name.startsWith("vps1-tunnel-cloudflared"))
        .map((r) => r.name),
    );
  });

  it("routes each hostname to its own origin, then everything else to a 404", async () => {
    const { find } = deployRoutes();
    const config = await value<{ ingresses: IngressRule[] }>(find("vps1-tunnel-ingress").props.config);
    expect(config.ingresses).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { hostname: "work-claw.example.com", service: "http://127.0.0.1:18909" },
      { service: "http_status:404" },
    ]);
  });

  it("points a proxied CNAME for each hostname at the one tunnel", async () => {
    const { find } = deployRoutes();
    for (const [name, hostname] of [
      ["vps1-tunnel-dns", "claw.example.com"],
      ["vps1-tunnel-dns-work", "work-claw.example.com"],
    ]) {
      const props = find(name).props;
      expect(await value(props.name)).toBe(hostname);
      expect(await value(props.zoneId)).toBe(ZONE_ID);
      expect(await value(props.type)).toBe("CNAME");
      expect(await value(props.content)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
      expect(await value(props.proxied)).toBe(true);
      expect(await value(props.ttl)).toBe(1);
      expect(await value(props.comment)).toBe("Cloudflare Tunnel claw.example.com (openclaw-infra)");
    }
  });

  it("is named after the first hostname, which is its publicUrl; publicUrls has each instance's", async () => {
    const { tunnel, find } = deployRoutes();
    expect(await value(find("vps1-tunnel-tunnel").props.name)).toBe("claw.example.com");
    expect(tunnel.publicHostname).toBe("claw.example.com");
    expect(tunnel.publicUrl).toBe("https://claw.example.com");
    expect(tunnel.publicUrls).toEqual({ default: "https://claw.example.com", work: "https://work-claw.example.com" });
    expect(tunnel.routes).toEqual(routes);
  });

  it("gives a tunnel with one hostname publicUrls of instance default", () => {
    expect(deploy().tunnel.publicUrls).toEqual({ default: "https://claw.example.com" });
  });
});

describe("the sandbox mode: host side for real, no edge", () => {
  it("installs a downloaded binary and does not wait for /ready", async () => {
    const { find, recorded } = deploy({
      install: { from: "binary", url: "http://10.231.0.1/cloudflared/cloudflared-linux-amd64", sha256: BINARY_SHA },
      waitForReady: false,
    });
    expect(recorded.map((r) => r.name).filter((n) => n.includes("cloudflared-"))).toEqual([
      "vps1-tunnel-cloudflared-base",
      "vps1-tunnel-cloudflared-install",
      "vps1-tunnel-cloudflared-token-dir",
      "vps1-tunnel-cloudflared-token",
      "vps1-tunnel-cloudflared-unit",
    ]);
    const install = find("vps1-tunnel-cloudflared-install").props;
    expect(await value(install.create)).toContain(
      "curl -fsSL --retry 3 -o \"$work/cloudflared\" 'http://10.231.0.1/cloudflared/cloudflared-linux-amd64'",
    );
    expect(await value(install.delete)).toContain(`echo '${BINARY_SHA}'"  $bin" | sha256sum --check --status`);
    const unit = find("vps1-tunnel-cloudflared-unit").props;
    expect(await value<string>(unit.stdin)).toContain("ExecStart=/usr/local/bin/cloudflared tunnel");
    const create = await value<string>(unit.create);
    expect(create).toContain("systemctl restart 'cloudflared.service'");
    expect(create).not.toContain("/ready");
    expect(find("vps1-tunnel-cloudflared-token").props.stdin).toBeDefined();
  });

  it("deploys a connector alone with a token from elsewhere, still secret", async () => {
    const { recorded, find, opts } = recorder();
    const connector = new CloudflaredConnector(
      "vps1-cloudflared",
      {
        connection,
        token: TOKEN, // not marked secret by the caller: the connector marks it
        install: { from: "binary", url: "http://10.231.0.1/cloudflared/cloudflared-linux-amd64", sha256: BINARY_SHA },
        waitForReady: false,
      },
      opts,
    );
    expect(await value(connector.version)).toBe("2025.11.1");
    expect(connector.readyUrl).toBe("http://127.0.0.1:20241/ready");
    expect(recorded.map((r) => r.name)).toEqual([
      "vps1-cloudflared",
      "vps1-cloudflared-base",
      "vps1-cloudflared-install",
      "vps1-cloudflared-token-dir",
      "vps1-cloudflared-token",
      "vps1-cloudflared-unit",
    ]);
    const file = find("vps1-cloudflared-token");
    expect(await isSecret(file.props.stdin)).toBe(true);
    expect(await value(file.props.stdin)).toBe(TOKEN);
  });
});

describe("switched off (run: false): nothing installed, the unit written but not started", () => {
  function connector(options: Record<string, unknown> = {}) {
    const { recorded, find, opts } = recorder();
    const args = { connection, token: TOKEN, run: false, ...options } as CloudflaredConnectorArgs;
    const c = new CloudflaredConnector("vps1-cloudflared", args, opts);
    return { c, recorded, find };
  }

  it("registers only the token file and the unit", async () => {
    const { c, recorded, find } = connector();
    expect(recorded.map((r) => `${r.name} <- ${r.dependsOn.join(",")}`)).toEqual([
      "vps1-cloudflared <- ",
      "vps1-cloudflared-token-dir <- ",
      "vps1-cloudflared-token <- vps1-cloudflared-token-dir",
      "vps1-cloudflared-unit <- vps1-cloudflared-token",
    ]);
    expect(c.running).toBe(false);
    expect(await value(c.version)).toBe("");
    const token = find("vps1-cloudflared-token").props;
    expect(await isSecret(token.stdin)).toBe(true);
    expect(await value(token.stdin)).toBe(TOKEN);
    const create = await value<string>(token.create);
    expect(create).toContain("dest='/etc/cloudflared/token'");
    expect(create).toContain("chmod '0600'");
  });

  it("writes the hardened unit and daemon-reloads, but neither enables nor starts it, and waits for nothing", async () => {
    const { find } = connector();
    const unit = find("vps1-cloudflared-unit").props;
    const create = await value<string>(unit.create);
    expect(create).toBe(unitScripts({ name: "cloudflared.service", start: false }).create);
    expect(create).not.toMatch(/systemctl (enable|restart|start) /);
    expect(create).not.toContain("/ready");
    expect(await value(unit.delete)).toBe(unitScripts({ name: "cloudflared.service" }).delete);
    expect(unit.triggers).toBeUndefined();
    const content = await value<string>(unit.stdin);
    expect(content).toContain(
      "ExecStart=/usr/bin/cloudflared tunnel --no-autoupdate --metrics 127.0.0.1:20241 run --token-file ${CREDENTIALS_DIRECTORY}/token\n",
    );
    expect(content).toContain("\nLoadCredential=token:/etc/cloudflared/token\n");
    expect(content).toContain("\nProtectSystem=strict\n");
  });

  it("names the binary of a given install method without installing it", async () => {
    const { recorded, find } = connector({
      install: { from: "binary", url: "http://10.231.0.1/cloudflared/cloudflared-linux-amd64", sha256: BINARY_SHA },
    });
    expect(recorded.map((r) => r.name)).toEqual([
      "vps1-cloudflared",
      "vps1-cloudflared-token-dir",
      "vps1-cloudflared-token",
      "vps1-cloudflared-unit",
    ]);
    expect(await value<string>(find("vps1-cloudflared-unit").props.stdin)).toContain("ExecStart=/usr/local/bin/cloudflared tunnel");
  });

  it("works for the whole tunnel too: Cloudflare resources, then the switched-off host side", async () => {
    const { recorded, find, tunnel } = deploy({ run: false, install: undefined });
    expect(recorded.map((r) => r.name)).toEqual([
      "vps1-tunnel",
      "vps1-tunnel-tunnel",
      "vps1-tunnel-ingress",
      "vps1-tunnel-dns",
      "vps1-tunnel-cloudflared",
      "vps1-tunnel-cloudflared-token-dir",
      "vps1-tunnel-cloudflared-token",
      "vps1-tunnel-cloudflared-unit",
    ]);
    expect(tunnel.connector.running).toBe(false);
    expect(await value<string>(find("vps1-tunnel-cloudflared-unit").props.create)).toContain("neither enabled nor started (start: false)");
  });
});
