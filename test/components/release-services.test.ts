// Loki and Tempo under Pulumi mocks: both are a release service (src/remote/release.ts), so one
// test walks each one's resource graph, its order, restart triggers, checker and health wait.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Loki } from "../../components/loki";
import { Tempo } from "../../components/tempo";
import { Recorded, recorder, value } from "../support/mocks";

const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const byName = (recorded: Recorded[], name: string): Recorded => {
  const found = recorded.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name} (have ${recorded.map((r) => r.name).join(", ")})`);
  return found;
};
const tempo = (name: string, opts?: pulumi.ComponentResourceOptions) =>
  new Tempo(name, { connection: CONNECTION, listenAddress: "10.0.0.2", sha256: "e".repeat(64) }, opts);

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state: { ...args.inputs, ...(args.inputs.captureResult ? { result: "9.9.9" } : {}) },
      }),
      call: () => ({}),
    },
    "openclaw-infra",
    "vps2",
    false,
  );
});

const SERVICES = [
  {
    tool: "loki",
    make: (opts: pulumi.ComponentResourceOptions) =>
      new Loki("vps2-loki", { connection: CONNECTION, listenAddress: "10.0.0.2", sha256: "d".repeat(64) }, opts),
    checker: "-verify-config",
    url: "http://10.0.0.2:3100",
  },
  {
    tool: "tempo",
    make: (opts: pulumi.ComponentResourceOptions) => tempo("vps2-tempo", opts),
    checker: "-config.verify=true",
    url: "http://10.0.0.2:3200",
  },
];

describe.each(SERVICES)("$tool graph", ({ tool, make, checker, url }) => {
  it("tools, release, user, checked configuration, then the unit waiting for /ready", async () => {
    const { recorded, opts } = recorder();
    const service = make(opts);
    expect(recorded.filter((r) => !r.type.startsWith("openclaw:")).map((r) => r.name)).toEqual(
      ["tools", "install", "user", "config", "unit"].map((s) => `vps2-${tool}-${s}`),
    );
    const unit = byName(recorded, `vps2-${tool}-unit`);
    expect(unit.dependsOn).toEqual(expect.arrayContaining([`vps2-${tool}-install`, `vps2-${tool}-user`, `vps2-${tool}-config`]));
    expect(await value(unit.props.create)).toContain(`${url}/ready`);
    expect(await value(byName(recorded, `vps2-${tool}-config`).props.create)).toContain(checker);
    expect(service.url).toBe(url);
    expect(await value(service.version)).toBe("9.9.9");
  });
  it("restarts on a change of the configuration or of the installed release", async () => {
    const { recorded, opts } = recorder();
    make(opts);
    const triggers = await value<string[]>(byName(recorded, `vps2-${tool}-unit`).props.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers[1]).toBe("9.9.9");
  });
});

describe("Tempo outputs", () => {
  it("give the OTLP/HTTP receiver", () => {
    expect(tempo("vps2-tempo-out").otlpHttpUrl).toBe("http://10.0.0.2:4318");
  });
});
