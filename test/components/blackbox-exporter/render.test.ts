// BlackboxExporter's rendered files: golden files, the command line, who may reach it.
import { describe, expect, it } from "vitest";
import {
  blackboxConfig,
  dropInSpec,
  healthCheck,
  PATHS,
  renderConfig,
  renderDropIn,
  renderFlags,
} from "../../../components/blackbox-exporter/render";
import { blackboxArgsSchema } from "../../../components/blackbox-exporter/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { configFileSpec } from "../../../components/blackbox-exporter/render";
import { renderDefaults } from "../../../src/remote/packaged-service";

const s = blackboxArgsSchema.parse({ listenAddress: "10.0.0.1", allowFrom: ["10.0.0.2"] });

describe("blackbox-exporter rendering (golden files)", () => {
  it("renders its config, ARGS, the checked-file script and the drop-in", async () => {
    await expect(renderConfig(s)).toMatchFileSnapshot("golden/blackbox-openclaw.yml");
    await expect(renderDefaults(PATHS, renderFlags(s))).toMatchFileSnapshot("golden/prometheus-blackbox-exporter.default");
    await expect(checkedFileScript(configFileSpec())).toMatchFileSnapshot("golden/config.sh");
    await expect(renderDropIn(s)).toMatchFileSnapshot("golden/prometheus-blackbox-exporter.service.d-10-openclaw.conf");
  });
});

describe("blackbox-exporter settings", () => {
  it("listens on the private address, answers only Prometheus and probes over IPv4 within the timeout", () => {
    expect(renderFlags(s)).toEqual(["--config.file=/etc/prometheus/blackbox-openclaw.yml", "--web.listen-address=10.0.0.1:9115"]);
    expect(dropInSpec(s).sections.Service).toContainEqual(["IPAddressAllow", "localhost 10.0.0.1 10.0.0.2"]);
    expect(dropInSpec(blackboxArgsSchema.parse({ listenAddress: "10.0.0.1" })).sections.Service).not.toContainEqual([
      "IPAddressDeny",
      "any",
    ]);
    expect(blackboxConfig(s).modules.http_2xx).toEqual({
      prober: "http",
      timeout: "5s",
      http: { preferred_ip_protocol: "ip4", ip_protocol_fallback: false },
    });
    expect(healthCheck(s).url).toBe("http://10.0.0.1:9115/metrics");
    expect(blackboxArgsSchema.safeParse({ listenAddress: "0.0.0.0" }).success).toBe(false);
  });
});
