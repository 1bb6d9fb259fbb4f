// Tempo under Pulumi mocks: the resource graph, its order, restart triggers and the health wait.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Tempo } from "../../../components/tempo";
import { Recorded, recorder, value } from "../../support/mocks";

const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const byName = (recorded: Recorded[], name: string) => recorded.find((r) => r.name === name)!;

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.inputs.captureResult ? { result: "2.9.0" } : {}) } }),
      call: () => ({}),
    },
    "openclaw-infra",
    "vps2",
    false,
  );
});

function deploy() {
  const { recorded, opts } = recorder();
  const tempo = new Tempo("vps2-tempo", { connection: CONNECTION, listenAddress: "10.0.0.2", sha256: "e".repeat(64) }, opts);
  return { tempo, recorded };
}

describe("Tempo graph", () => {
  it("tools, release, user, checked configuration, then the unit waiting for /ready", async () => {
    const { tempo, recorded } = deploy();
    expect(recorded.filter((r) => r.type !== "openclaw:observability:Tempo").map((r) => r.name)).toEqual([
      "vps2-tempo-tools",
      "vps2-tempo-install",
      "vps2-tempo-user",
      "vps2-tempo-config",
      "vps2-tempo-unit",
    ]);
    const unit = byName(recorded, "vps2-tempo-unit");
    expect(unit.dependsOn).toEqual(expect.arrayContaining(["vps2-tempo-install", "vps2-tempo-user", "vps2-tempo-config"]));
    expect(await value(unit.props.create)).toContain("http://10.0.0.2:3200/ready");
    expect(await value(byName(recorded, "vps2-tempo-config").props.create)).toContain("-config.verify");
    expect(tempo.url).toBe("http://10.0.0.2:3200");
    expect(await value(tempo.version)).toBe("2.9.0");
  });
  it("restarts on a change of the configuration or of the installed release", async () => {
    const { recorded } = deploy();
    const triggers = await value<string[]>(byName(recorded, "vps2-tempo-unit").props.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers[1]).toBe("2.9.0");
  });
});

describe("Tempo outputs", () => {
  it("give the OTLP/HTTP receiver", () => {
    expect(deploy().tempo.otlpHttpUrl).toBe("http://10.0.0.2:4318");
  });
});
