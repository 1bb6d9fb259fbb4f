// Prometheus's resource graph under Pulumi mocks: stable names, order, what each step writes
// and checks, the restart triggers and the outputs.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Prometheus } from "../../../components/prometheus";
import { PATHS, renderConfig, renderFlags, renderRules } from "../../../components/prometheus/render";
import { renderDefaults } from "../../../src/remote/packaged-service";
import { PrometheusArgsOptions, prometheusArgsSchema } from "../../../components/prometheus/schema";
import { digest } from "../../../src/remote/file";
import { webConfig } from "../../../src/web-auth";
import { HOST_KEY_2 } from "../../fixtures/config";
import { recorder, value } from "../../support/mocks";
import { expectLoginFiles } from "../../support/web-auth";

const connection = { host: "192.0.2.12", port: 22, user: "root", hostKey: HOST_KEY_2 };
const PASSWORD = "prometheus-password-0123456789";
const jobs = [{ job: "node", groups: [{ targets: ["10.0.0.1:9100"], labels: { host: "vps1" } }] }];

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps2",
    false,
  );
});

function deploy(options: Partial<PrometheusArgsOptions> = {}) {
  const { recorded, find, opts } = recorder();
  const prometheus = new Prometheus(
    "vps2-prometheus",
    { connection, listenAddress: "10.0.0.2", jobs, password: PASSWORD, ...options },
    opts,
  );
  return { prometheus, recorded, find };
}

describe("Prometheus", () => {
  it("registers its steps with stable names, each after the one before", () => {
    const { recorded } = deploy();
    expect(recorded.map((r) => `${r.name} <- ${r.dependsOn.join(",")}`)).toEqual([
      "vps2-prometheus <- ",
      "vps2-prometheus-hold <- ",
      "vps2-prometheus-package <- vps2-prometheus-hold",
      "vps2-prometheus-password <- vps2-prometheus-package",
      "vps2-prometheus-web-config <- vps2-prometheus-password",
      "vps2-prometheus-rules <- vps2-prometheus-web-config",
      "vps2-prometheus-config <- vps2-prometheus-rules",
      "vps2-prometheus-args <- vps2-prometheus-config",
      "vps2-prometheus-drop-in <- vps2-prometheus-args",
    ]);
  });

  it("checks each file with promtool or the binary, and restarts when any of them changes", async () => {
    const s = prometheusArgsSchema.parse({ listenAddress: "10.0.0.2", jobs });
    const { find } = deploy();
    expect(await value(find("vps2-prometheus-rules").props.label)).toBe(
      "write /etc/prometheus/rules/openclaw-infra.yml (checked by promtool check rules)",
    );
    expect(await value(find("vps2-prometheus-config").props.label)).toBe(
      "write /etc/prometheus/prometheus.yml (checked by promtool check config)",
    );
    expect(await value(find("vps2-prometheus-config").props.stdin)).toBe(renderConfig(s));
    expect(await value(find("vps2-prometheus-args").props.stdin)).toBe(renderDefaults(PATHS, renderFlags(s)));
    const triggers = await value(find("vps2-prometheus-drop-in").props.triggers);
    expect(triggers).toEqual(
      await Promise.all(
        [
          digest(renderDefaults(PATHS, renderFlags(s))),
          digest(PASSWORD),
          digest(webConfig("operator", PASSWORD)),
          digest(renderRules(s)),
          digest(renderConfig(s)),
        ].map((d) => value(d)),
      ),
    );
    expect(await value<string>(find("vps2-prometheus-drop-in").props.create)).toContain(
      "| curl -fsS --max-time 2 -K - 'http://10.0.0.2:9090/-/ready'",
    );
  });

  it("writes its password and the web config plain (root:prometheus 0640), secret, on stdin only", async () => {
    const { recorded, find } = deploy();
    await expectLoginFiles(recorded, find, "vps2-prometheus", "operator", PASSWORD);
  });

  it("a shorter `for:` changes the rules and restarts it", async () => {
    const trigger = async (o: Partial<PrometheusArgsOptions>) => value(deploy(o).find("vps2-prometheus-drop-in").props.triggers);
    expect(await trigger({ alerts: { for: { gatewayUnhealthy: "10s" } } })).not.toEqual(await trigger({}));
  });

  it("outputs its URL", async () => {
    const { prometheus } = deploy();
    expect(await value(prometheus.url)).toBe("http://10.0.0.2:9090");
  });
});
