// Loki under Pulumi mocks: the resource graph, its order, restart triggers and the health wait.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Loki } from "../../../components/loki";
import { Recorded, recorder, value } from "../../support/mocks";

const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const byName = (recorded: Recorded[], name: string) => recorded.find((r) => r.name === name)!;

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.inputs.captureResult ? { result: "3.6.4" } : {}) } }),
      call: () => ({}),
    },
    "openclaw-infra",
    "vps2",
    false,
  );
});

function deploy() {
  const { recorded, opts } = recorder();
  const loki = new Loki("vps2-loki", { connection: CONNECTION, listenAddress: "10.0.0.2", sha256: "d".repeat(64) }, opts);
  return { loki, recorded };
}

describe("Loki graph", () => {
  it("tools, release, user, checked configuration, then the unit waiting for /ready", async () => {
    const { loki, recorded } = deploy();
    expect(recorded.filter((r) => r.type !== "openclaw:observability:Loki").map((r) => r.name)).toEqual([
      "vps2-loki-tools",
      "vps2-loki-install",
      "vps2-loki-user",
      "vps2-loki-config",
      "vps2-loki-unit",
    ]);
    const unit = byName(recorded, "vps2-loki-unit");
    expect(unit.dependsOn).toEqual(expect.arrayContaining(["vps2-loki-install", "vps2-loki-user", "vps2-loki-config"]));
    expect(await value(unit.props.create)).toContain("http://10.0.0.2:3100/ready");
    expect(await value(byName(recorded, "vps2-loki-config").props.create)).toContain("-verify-config");
    expect(loki.url).toBe("http://10.0.0.2:3100");
    expect(await value(loki.version)).toBe("3.6.4");
  });
  it("restarts on a change of the configuration or of the installed release", async () => {
    const { recorded } = deploy();
    const triggers = await value<string[]>(byName(recorded, "vps2-loki-unit").props.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers[1]).toBe("3.6.4");
  });
});
