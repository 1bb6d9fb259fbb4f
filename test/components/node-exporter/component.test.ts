// NodeExporter's resource graph under Pulumi mocks: stable names, order, what each step runs and
// the output Prometheus scrapes.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { NodeExporter } from "../../../components/node-exporter";
import { PATHS, renderDropIn, renderFlags, STOCK_DEFAULTS } from "../../../components/node-exporter/render";
import { argsFileSpec, renderArgsDelete, renderDefaults as defaultsFile, renderHoldScript } from "../../../src/remote/packaged-service";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { NodeExporterArgsOptions, nodeExporterArgsSchema } from "../../../components/node-exporter/schema";
import { digest } from "../../../src/remote/file";
import { dropInScripts } from "../../../src/remote/systemd";
import { HOST_KEY_1 } from "../../fixtures/config";
import { recorder, value } from "../../support/mocks";

const renderDefaults = (s: Parameters<typeof renderFlags>[0]) => defaultsFile(PATHS, renderFlags(s));

const connection = { host: "192.0.2.11", port: 22, user: "root", hostKey: HOST_KEY_1 };

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps1",
    false,
  );
});

function deploy(options: Partial<NodeExporterArgsOptions> = {}) {
  const { recorded, find, opts } = recorder();
  const exporter = new NodeExporter("vps1-node-exporter", { connection, listenAddress: "10.0.0.1", ...options }, opts);
  return { exporter, recorded, find };
}

describe("NodeExporter", () => {
  it("registers its steps with stable names, each after the one before", () => {
    const { recorded } = deploy();
    expect(recorded.map((r) => `${r.type} ${r.name} <- ${r.dependsOn.join(",")}`)).toEqual([
      "openclaw:observability:NodeExporter vps1-node-exporter <- ",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-exporter-hold <- ",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-exporter-package <- vps1-node-exporter-hold",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-exporter-args <- vps1-node-exporter-package",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-node-exporter-drop-in <- vps1-node-exporter-args",
    ]);
  });

  it("outputs the scrape URL on the listen address, once the drop-in step (and its health wait) is done", async () => {
    const { exporter } = deploy({ port: 9200 });
    expect(await value(exporter.metricsUrl)).toBe("http://10.0.0.1:9200/metrics");
    expect(exporter.unitName).toBe("prometheus-node-exporter.service");
  });

  it("holds the unit, then installs Debian's package without recommends (no textfile timers)", async () => {
    const { find } = deploy();
    expect(await value(find("vps1-node-exporter-hold").props.create)).toBe(renderHoldScript(PATHS));
    expect(find("vps1-node-exporter-hold").props.delete).toBeUndefined();
    const install = await value<string>(find("vps1-node-exporter-package").props.create);
    expect(install).toContain("for spec in 'prometheus-node-exporter'; do");
    expect(install).toContain("install -y -q --no-install-recommends $needed");
  });

  it("writes ARGS to the package's defaults file, and restores Debian's on delete", async () => {
    const s = nodeExporterArgsSchema.parse({ listenAddress: "10.0.0.1", disableCollectors: ["zfs"] });
    const { find } = deploy({ disableCollectors: ["zfs"] });
    const args = find("vps1-node-exporter-args").props;
    expect(await value(args.label)).toBe(
      "write /etc/default/prometheus-node-exporter (checked by /usr/bin/prometheus-node-exporter --help)",
    );
    expect(await value(args.create)).toBe(checkedFileScript(argsFileSpec(PATHS, renderFlags(s))));
    expect(await value(args.delete)).toBe(renderArgsDelete(PATHS, STOCK_DEFAULTS));
    expect(await value(args.stdin)).toBe(renderDefaults(s));
    expect(await value<string>(args.stdin)).toContain('ARGS="--web.listen-address=10.0.0.1:9100 --no-collector.zfs"\n');
  });

  it("restarts through the drop-in when it or the ARGS change, then waits for /metrics", async () => {
    const s = nodeExporterArgsSchema.parse({ listenAddress: "10.0.0.1", allowFrom: ["10.0.0.2"] });
    const { find } = deploy({ allowFrom: ["10.0.0.2"] });
    const dropIn = find("vps1-node-exporter-drop-in").props;
    expect(await value(dropIn.label)).toBe("drop-in /etc/systemd/system/prometheus-node-exporter.service.d/10-openclaw.conf");
    expect(await value(dropIn.stdin)).toBe(renderDropIn(s));
    expect(await value(dropIn.triggers)).toEqual([await value(digest(renderDefaults(s)))]);
    const create = await value<string>(dropIn.create);
    expect(create).toBe(
      dropInScripts({
        unit: "prometheus-node-exporter.service",
        name: "10-openclaw",
        reads: ["/etc/default/prometheus-node-exporter"],
        healthCheck: {
          url: "http://10.0.0.1:9100/metrics",
          expect: "^node_exporter_build_info\\{",
          unit: "prometheus-node-exporter.service",
        },
      }).create,
    );
    expect(create).toContain("curl -fsS --max-time 2 'http://10.0.0.1:9100/metrics'");
    expect(create).toContain("grep -Eq '^node_exporter_build_info\\{'");
  });

  it("a different port or collector list changes the restart trigger; the same options do not", async () => {
    const trigger = async (o: Partial<NodeExporterArgsOptions>) => value(deploy(o).find("vps1-node-exporter-drop-in").props.triggers);
    expect(await trigger({})).toEqual(await trigger({}));
    expect(await trigger({ port: 9101 })).not.toEqual(await trigger({}));
    expect(await trigger({ disableCollectors: ["zfs"] })).not.toEqual(await trigger({}));
  });
});
