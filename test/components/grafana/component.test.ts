// Grafana under Pulumi mocks: the graph with and without run, the password only on stdin and
// secret, the unit started only when Grafana runs.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Grafana, GrafanaArgs } from "../../../components/grafana";
import { isSecret, recorder, value } from "../../support/mocks";

const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const PASSWORD = "correct horse battery staple";
const PROMETHEUS_PASSWORD = "prometheus-password-0123456789";
const BACKENDS = {
  prometheusUrl: "http://10.0.0.2:9090",
  prometheusUser: "operator",
  lokiUrl: "http://10.0.0.2:3100",
  tempoUrl: "http://10.0.0.2:3200",
};

function deploy(extra: Partial<GrafanaArgs> = {}) {
  const { recorded, find, opts } = recorder();
  new Grafana(
    "vps2-grafana",
    {
      connection: CONNECTION,
      listenAddress: "10.0.0.2",
      backends: BACKENDS,
      adminPassword: PASSWORD,
      prometheusPassword: PROMETHEUS_PASSWORD,
      ...extra,
    },
    opts,
  );
  return { recorded, find };
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.inputs.captureResult) state.result = "grafana=12.2.1";
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "openclaw-infra",
    "vps2",
    false,
  );
});

describe("Grafana graph", () => {
  it("switched off: no install, the files and the unit, not started", async () => {
    const { recorded, find } = deploy({ run: false });
    const names = recorded.map((r) => r.name);
    expect(names.some((n) => /-(base|repo|packages)$/.test(n))).toBe(false);
    expect(names).toContain("vps2-grafana-admin-password");
    expect(names).toContain("vps2-grafana-datasources");
    expect(names).toContain("vps2-grafana-dashboard-gateway");
    const unit = find("vps2-grafana-unit");
    expect(await value<string>(unit.props.create)).toContain("neither enabled nor started");
  });

  it("running: Grafana's repository pinned by the given fingerprint, then the package, then the unit with a health wait", async () => {
    const { recorded, find } = deploy({ install: { keyFingerprint: "A".repeat(40), version: "12.2.1" } });
    const names = recorded.map((r) => r.name);
    expect(names.slice(1, 5)).toEqual(["vps2-grafana-base", "vps2-grafana-repo", "vps2-grafana-packages", "vps2-grafana-user"]);
    expect(await value<string>(find("vps2-grafana-repo").props.create)).toContain("A".repeat(40));
    expect(find("vps2-grafana-packages").props.label).toContain("grafana");
    expect(await value<string>(find("vps2-grafana-packages").props.create)).toContain("'grafana=12.2.1'");
    const unit = find("vps2-grafana-unit");
    expect(unit.dependsOn).toContain("vps2-grafana-packages");
    expect(await value<string>(unit.props.create)).toContain("http://10.0.0.2:3000/api/health");
  });

  it("puts the admin password and Prometheus's only on stdin, secret, in root:grafana 0640 files", async () => {
    const { recorded, find } = deploy({ run: false });
    for (const [step, password] of [
      ["admin-password", PASSWORD],
      ["prometheus-password", PROMETHEUS_PASSWORD],
    ]) {
      const file = find(`vps2-grafana-${step}`);
      expect(await isSecret(file.props.stdin)).toBe(true);
      expect(await value<string>(file.props.stdin)).toBe(password);
      const create = await value<string>(file.props.create);
      expect(create).toContain("'root:grafana'");
      expect(create).toContain("'0640'");
    }
    expect(await value<string>(find("vps2-grafana-prometheus-password").props.create)).toContain(
      "dest='/etc/grafana/openclaw/prometheus-password'",
    );
    for (const r of recorded) {
      for (const key of ["create", "delete", "check", "label"]) {
        const text = r.props[key] === undefined ? "" : String(await value(r.props[key]));
        expect(text, `${r.name}.${key}`).not.toContain(PASSWORD);
        expect(text, `${r.name}.${key}`).not.toContain(PROMETHEUS_PASSWORD);
      }
    }
  });
});
