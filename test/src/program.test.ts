// The program's resource graph under Pulumi mocks: which resources, in which order, which
// inputs are secret, and that no secret lands in a script.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseStackConfig, Secrets } from "../../src/config";
import { deployHost } from "../../src/program";
import { fakeFetch, validConfig } from "../fixtures/config";
import { recorder, value } from "../support/mocks";

const TOKEN = "tok-" + "s3cr3t".repeat(6);
const API_KEY = "sk-test-" + "k3y".repeat(8);



function deploy() {
  vi.stubGlobal("fetch", fakeFetch());
  const { recorded, opts } = recorder();
  const config = parseStackConfig(validConfig());
  const secrets = pulumi.secret<Secrets>({ gatewayToken: TOKEN, gatewayEnv: { ANTHROPIC_API_KEY: API_KEY } });
  const deployed = deployHost(config, secrets, opts);
  return { deployed, recorded };
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.inputs.captureResult) state.result = args.name.endsWith("node-install") ? "v22.23.3" : "2026.6.11";
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "openclaw-infra",
    "vps1",
    false,
  );
});

describe("vps1 program", () => {
  it("registers the component graph with stable names", async () => {
    const { recorded, deployed } = deploy();
    await value(deployed.gatewayVersion!);
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "openclaw:runtime:NodeRuntime vps1-node",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-base",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-install",
      "openclaw:gateway:GatewayService vps1-gateway",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-user",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-install",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-config-dir",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-env",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-config",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-gateway-unit",
    ]);
  });

  it("orders the steps: base packages, node, user, install/files, then the unit", () => {
    const { recorded } = deploy();
    const deps = Object.fromEntries(recorded.map((r) => [r.name, r.dependsOn]));
    expect(deps["vps1-node-install"]).toEqual(["vps1-node-base"]);
    expect(deps["vps1-gateway-install"]).toEqual(["vps1-node-install", "vps1-gateway-user"]);
    expect(deps["vps1-gateway-config-dir"]).toEqual(["vps1-gateway-user"]);
    expect(deps["vps1-gateway-env"]).toEqual(["vps1-gateway-config-dir"]);
    expect(deps["vps1-gateway-config"]).toEqual(["vps1-gateway-config-dir"]);
    expect(deps["vps1-gateway-unit"]).toEqual(["vps1-gateway-install", "vps1-gateway-env", "vps1-gateway-config"]);
  });

  it("connects with the pinned host key of the topology", async () => {
    const { recorded } = deploy();
    const conn = await value(recorded.find((r) => r.name === "vps1-gateway-unit")!.props.connection);
    expect(conn).toEqual({ host: "192.0.2.11", port: 22, user: "root", privateKeyPath: "~/.ssh/id_ed25519", hostKey: validConfig().topology.hosts.vps1.hostKey });
  });

  it("keeps gateway.env secret and at mode 0600, and the unit's triggers secret", async () => {
    const { recorded } = deploy();
    const env = recorded.find((r) => r.name === "vps1-gateway-env")!;
    expect(await pulumi.isSecret(pulumi.output(env.props.stdin))).toBe(true);
    expect(await value(env.props.create)).toContain("chmod '0600'");
    const content = await value<string>(env.props.stdin);
    expect(content).toContain(`OPENCLAW_GATEWAY_TOKEN="${TOKEN}"`);
    expect(content).toContain(`ANTHROPIC_API_KEY="${API_KEY}"`);
    const unit = recorded.find((r) => r.name === "vps1-gateway-unit")!;
    expect(await pulumi.isSecret(pulumi.output(unit.props.triggers))).toBe(true);
    const config = recorded.find((r) => r.name === "vps1-gateway-config")!;
    expect(await pulumi.isSecret(pulumi.output(config.props.stdin))).toBe(false);
  });

  it("puts no secret into any script, label or non-secret payload", async () => {
    const { recorded } = deploy();
    for (const r of recorded.filter((r) => r.type.includes("RemoteCommand"))) {
      for (const key of ["create", "update", "delete", "label"]) {
        const text = String((await value(r.props[key])) ?? "");
        expect(text, `${r.name}.${key}`).not.toContain(TOKEN);
        expect(text, `${r.name}.${key}`).not.toContain(API_KEY);
      }
      if (!(await pulumi.isSecret(pulumi.output(r.props.stdin)))) {
        expect(String((await value(r.props.stdin)) ?? "")).not.toContain(TOKEN);
      }
    }
  });

  it("pins the planned Node release and its checksum in the install script", async () => {
    const { recorded, deployed } = deploy();
    const script = await value<string>(recorded.find((r) => r.name === "vps1-node-install")!.props.create);
    expect(script).toContain("'http://dist.test/v22.23.3/node-v22.23.3-linux-x64.tar.xz'");
    expect(script).toContain(`'${"a".repeat(64)}'"  $work/node.tar.xz" | sha256sum --check`);
    expect(await value(deployed.nodeVersion!)).toBe("22.23.3");
  });
});
