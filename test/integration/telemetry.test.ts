// The gateway's OTLP route, on the sandbox with the real engine, on the shared deployment
// (shared-deployment.ts: vps2 then vps1 onto blank hosts): each signal from vps1 to the URL the
// deployed gateway is configured with, found in its store (traces in Tempo, metrics in
// Prometheus through the collector, logs in Loki).
//
// Why a span, a metric and a log sent with curl, not the gateway's own: openclaw as published
// (2026.6.11, 2026.9.6) carries no OTLP exporter. Its package.json leaves dist/extensions/diagnostics-otel
// out of the package; the exporter is the external plugin @openclaw/diagnostics-otel, installed
// from ClawHub (not on the npm registry). Without it `diagnostics.otel` only validates, and the
// gateway sends nothing, with or without model traffic. The first test shows that on vps1.
import { randomBytes } from "crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, onHost, printFigures, viaSsh } from "./harness";
import { PROMETHEUS_USER } from "../../components/prometheus/schema";
import { sharedDeployment, sharedDeploymentFigure, sharedSecret } from "./shared-deployment";

const OPENCLAW = "/opt/openclaw/current/lib/node_modules/openclaw";
/**
 * Every OTLP signal. Metrics go through the OpenTelemetry Collector, which writes them to
 * Prometheus by remote write: Debian's Prometheus 2.53.3+ds1 has no OTLP receiver.
 */
const SIGNALS = ["traces", "metrics", "logs"] as const;
type Signal = (typeof SIGNALS)[number];

const figures: Record<string, string> = {};

/** What the deployed gateway's diagnostics-otel would post to, per signal. */
interface GatewayOtlp {
  serviceName: string;
  urls: Record<Signal, string>;
  /** Whether diagnostics.otel sends metrics. */
  metricsOn: boolean;
}

/**
 * The URL per signal, resolved as diagnostics-otel does: `diagnostics.otel.<signal>Endpoint`,
 * else OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT, else the shared endpoint (OTEL_EXPORTER_OTLP_ENDPOINT
 * overrides `diagnostics.otel.endpoint`); a URL ending in /v1/<signal> is used as it is, any other
 * gets /v1/<signal> appended.
 */
function deployedOtlp(): GatewayOtlp {
  const config = JSON.parse(onHost("vps1", "cat /etc/openclaw/openclaw.json").stdout);
  const otel = config.diagnostics?.otel;
  expect(otel, "openclaw.json on vps1 has no diagnostics.otel").toBeDefined();
  // Only the variable names and the non-secret OTEL_* values: gateway.env also holds secrets.
  const env: Record<string, string> = {};
  for (const line of onHost("vps1", "grep -E '^OTEL_' /etc/openclaw/gateway.env || true").stdout.split("\n")) {
    const m = line.match(/^(OTEL_[A-Z_]+)="(.*)"$/);
    if (m) env[m[1]] = m[2];
  }
  const shared = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? otel.endpoint;
  const resolve = (signal: Signal): string => {
    const url = (otel[`${signal}Endpoint`] ?? env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`] ?? shared).replace(/\/+$/, "");
    return /\/v1\/(traces|metrics|logs)$/.test(url) ? url : `${url}/v1/${signal}`;
  };
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? otel.serviceName,
    urls: { traces: resolve("traces"), metrics: resolve("metrics"), logs: resolve("logs") },
    metricsOn: otel.metrics !== false,
  };
}

/** POSTs OTLP/JSON from vps1 to `url`; the HTTP status and body. */
function postFromVps1(url: string, payload: object): { status: string; body: string } {
  const r = onHost(
    "vps1",
    `curl -sS --max-time 10 -o /dev/stderr -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- '${url}'`,
    JSON.stringify(payload),
  );
  return { status: r.stdout.trim(), body: r.stderr.trim() };
}

/** Polls `probe` every 2 s for up to `seconds`; the first truthy result and the time it took. */
async function waitFor<T>(seconds: number, probe: () => Promise<T | undefined>): Promise<{ found?: T; after: number }> {
  const start = Date.now();
  for (;;) {
    const found = await probe().catch(() => undefined);
    const after = (Date.now() - start) / 1000;
    if (found || after > seconds) return { found, after };
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** What the tests read of Prometheus's and Loki's query answers (Tempo's is only searched as text). */
interface QueryAnswer {
  data?: { result?: { metric: Record<string, string>; stream: Record<string, string>; value: [number, string] }[] };
}

/** Prometheus's basic auth headers. */
let prometheusLogin: { Authorization: string };

async function getJson(url: string, headers: Record<string, string> = {}): Promise<QueryAnswer | undefined> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) return undefined;
  return (await res.json()) as QueryAnswer;
}

beforeAll(async () => {
  const deployment = await sharedDeployment();
  figures["shared deployment"] = sharedDeploymentFigure(deployment);
  prometheusLogin = basicAuth(PROMETHEUS_USER, sharedSecret(deployment, "vps2", "prometheusPassword"));
});

afterAll(() => {
  printFigures("telemetry", figures);
});

describe("the gateway's telemetry route to Tempo, Prometheus and Loki", () => {
  it("the installed gateway has no OTLP exporter: diagnostics-otel is not in the package", () => {
    const r = onHost(
      "vps1",
      [
        `cd $(readlink -f ${OPENCLAW})`,
        "grep -n 'diagnostics-otel' package.json",
        "echo ---",
        "ls dist/extensions | grep -c . ; ls -d dist/extensions/diagnostics-otel 2>/dev/null || echo 'no dist/extensions/diagnostics-otel'",
        "echo ---",
        // An exporter would carry the OTLP signal paths and the @opentelemetry exporters. 2026.9
        // bundles Mistral's SDK, whose own telemetry path (/telemetry/v1/traces) is not OTLP.
        "grep -rhoE '[A-Za-z_/]*v1/(traces|metrics|logs)' dist | grep -v '^/telemetry/v1/' | sort -u | head -3",
        "find . -path '*@opentelemetry/exporter-*' -prune -print | head -3",
      ].join("; "),
    );
    console.log(`openclaw package on vps1:\n${r.stdout}`);
    expect(r.stdout).toContain('"!dist/extensions/diagnostics-otel/**"');
    expect(r.stdout).toContain("no dist/extensions/diagnostics-otel");
    expect(r.stdout.split("---")[2].trim(), "the installed package contains OTLP export code after all").toBe("");
    // Printed for the closing note: vps1's connections to the observability host (the log
    // agent's to Loki; none of the gateway's).
    const obs = new URL(deployedOtlp().urls.traces).hostname;
    figures["vps1 connections to the observability host"] = onHost("vps1", `ss -tnpH dst ${obs}`).stdout.trim() || "none";
  });

  it("a span, a metric and a log sent from vps1 to the gateway's configured endpoints land in their stores", async () => {
    const otlp = deployedOtlp();
    console.log(`gateway OTLP endpoints (from /etc/openclaw on vps1): ${JSON.stringify(otlp)}`);
    const id = randomBytes(6).toString("hex");
    const traceId = randomBytes(16).toString("hex");
    const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
    const resource = { attributes: [{ key: "service.name", value: { stringValue: otlp.serviceName } }] };
    const scope = { name: "openclaw-infra.telemetry-test" };
    const payloads: Record<Signal, object> = {
      traces: {
        resourceSpans: [
          {
            resource,
            scopeSpans: [
              {
                scope,
                spans: [
                  {
                    traceId,
                    spanId: randomBytes(8).toString("hex"),
                    name: `otlp-route-${id}`,
                    kind: 1,
                    startTimeUnixNano: nowNs,
                    endTimeUnixNano: nowNs,
                  },
                ],
              },
            ],
          },
        ],
      },
      metrics: {
        resourceMetrics: [
          {
            resource,
            scopeMetrics: [
              {
                scope,
                metrics: [
                  {
                    name: "openclaw_infra.otlp_route.probe",
                    gauge: {
                      dataPoints: [{ timeUnixNano: nowNs, asDouble: 42, attributes: [{ key: "probe_id", value: { stringValue: id } }] }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
      logs: {
        resourceLogs: [
          {
            resource,
            scopeLogs: [
              {
                scope,
                logRecords: [
                  { timeUnixNano: nowNs, severityNumber: 9, severityText: "INFO", body: { stringValue: `otlp route probe ${id}` } },
                ],
              },
            ],
          },
        ],
      },
    };
    for (const signal of SIGNALS) {
      const r = postFromVps1(otlp.urls[signal], payloads[signal]);
      expect(r.status, `POST ${signal} to ${otlp.urls[signal]} from vps1: HTTP ${r.status} ${r.body}`).toMatch(/^2\d\d$/);
    }

    // The stores' query APIs on the same host as the endpoints the gateway is configured with,
    // through SSH tunnels to the observability host (the firewall admits only SSH from here).
    const obs = new URL(otlp.urls.traces).hostname;
    const tempo = await viaSsh("vps2", obs, 3200);
    const loki = await viaSsh("vps2", obs, Number(new URL(otlp.urls.logs).port));

    const trace = await waitFor(60, async () => {
      const body = await getJson(`${tempo}/api/traces/${traceId}`);
      return body && JSON.stringify(body).includes(`otlp-route-${id}`) ? body : undefined;
    });
    figures["span found in Tempo after"] = `${trace.after.toFixed(1)} s`;
    expect(trace.found, `trace ${traceId} not in Tempo (${tempo}/api/traces/${traceId}) after ${trace.after.toFixed(0)} s`).toBeDefined();
    expect(JSON.stringify(trace.found)).toContain(otlp.serviceName);

    // Metrics: through the collector into Prometheus (remote write), service.name as `job`.
    expect(otlp.metricsOn, "openclaw.json turns OTLP metrics off").toBe(true);
    const prometheus = await viaSsh("vps2", new URL(otlp.urls.metrics).hostname, 9090);
    const metricQuery = `{probe_id="${id}"}`;
    const metric = await waitFor(60, async () => {
      const body = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(metricQuery)}`, prometheusLogin);
      return body?.data?.result?.length ? body.data.result : undefined;
    });
    figures["metric found in Prometheus after"] = `${metric.after.toFixed(1)} s`;
    expect(metric.found, `${metricQuery} not in Prometheus (${prometheus}) after ${metric.after.toFixed(0)} s`).toBeDefined();
    console.log(`the metric in Prometheus: ${JSON.stringify(metric.found)}`);
    expect(metric.found?.[0].metric).toMatchObject({ __name__: "openclaw_infra_otlp_route_probe", job: otlp.serviceName });
    expect(metric.found?.[0].value[1]).toBe("42");

    // Loki's OTLP ingestion: service.name becomes the `service_name` label.
    const logQuery = `{service_name="${otlp.serviceName}"} |= "${id}"`;
    const startNs = `${(BigInt(Date.now()) - 600_000n) * 1_000_000n}`;
    const log = await waitFor(60, async () => {
      const body = await getJson(`${loki}/loki/api/v1/query_range?query=${encodeURIComponent(logQuery)}&start=${startNs}&limit=10`);
      return body?.data?.result?.length ? body.data.result : undefined;
    });
    figures["log found in Loki after"] = `${log.after.toFixed(1)} s`;
    expect(log.found, `${logQuery} not in Loki (${loki}) after ${log.after.toFixed(0)} s`).toBeDefined();
  });
});
