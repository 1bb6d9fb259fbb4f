// The collector under Pulumi mocks: Prometheus's remote write login in a root 0600
// EnvironmentFile, secret and on stdin only, written before the unit, which restarts when it changes.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { OtelCollector } from "../../../components/otel-collector";
import { renderEnvironment } from "../../../components/otel-collector/render";
import { isSecret, recorder, value } from "../../support/mocks";

const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const PASSWORD = "prometheus-password-0123456789";

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps2",
    false,
  );
});

function deploy(password = PASSWORD) {
  const { recorded, find, opts } = recorder();
  new OtelCollector(
    "vps2-otel-collector",
    {
      connection: CONNECTION,
      listenAddress: "10.0.0.2",
      sha256: "f".repeat(64),
      remoteWriteUrl: "http://10.0.0.2:9090/api/v1/write",
      remoteWriteLogin: { username: "operator", password },
    },
    opts,
  );
  return { recorded, find };
}

describe("OpenTelemetry Collector", () => {
  it("writes the remote write login root-only, secret, on stdin, before the unit", async () => {
    const { recorded, find } = deploy();
    const file = find("vps2-otel-collector-environment");
    expect(await isSecret(file.props.stdin)).toBe(true);
    expect(await value(file.props.stdin)).toBe(renderEnvironment({ username: "operator", password: PASSWORD }));
    const create = await value<string>(file.props.create);
    expect(create).toContain("dest='/etc/otelcol-contrib/remote-write.env'");
    expect(create).toContain("'root:root'");
    expect(create).toContain("'0600'");
    expect(find("vps2-otel-collector-unit").dependsOn).toContain("vps2-otel-collector-environment");
    const encoded = Buffer.from(`operator:${PASSWORD}`).toString("base64");
    for (const r of recorded) {
      for (const key of ["create", "delete", "check", "label"]) {
        const text = r.props[key] === undefined ? "" : String(await value(r.props[key]));
        expect(text, `${r.name}.${key}`).not.toContain(encoded);
      }
    }
  });

  it("restarts when the password changes", async () => {
    const triggers = async (password: string) => value(deploy(password).find("vps2-otel-collector-unit").props.triggers);
    expect(await triggers(`${PASSWORD}x`)).not.toEqual(await triggers(PASSWORD));
  });
});
