// Every Grafana panel's query, run against the sandbox's real Prometheus, Loki and Tempo on
// vps2 after both stacks are deployed (the shared deployment, shared-deployment.ts): a panel
// whose query returns nothing is a broken dashboard. Grafana itself is switched off in the
// sandbox (its binary cannot be obtained here), so its files and unit are checked on the host
// instead.
import { randomBytes } from "crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandVariables, PanelQuery, panelQueries } from "../../components/grafana/dashboards";
import { PATHS } from "../../components/grafana/render";
import { readSandbox } from "../../sandbox/contract";
import { sandboxStackConfig, unprefixed } from "../../sandbox/stack";
import { parseStackConfig } from "../../src/config";
import { hostListeners } from "../../src/registry";
import { PROMETHEUS_USER } from "../../components/prometheus/schema";
import { basicAuth, onHost, printFigures, privateAddress, viaSsh } from "./harness";
import { sharedDeployment, sharedDeploymentFigure, sharedSecret } from "./shared-deployment";

let grafanaPassword: string;
let obs: string;
const figures: Record<string, string> = {};

/** Where a datasource's backend listens on vps2: its http listener, which Grafana's datasources are made from. */
async function backendUrl(component: "prometheus" | "loki" | "tempo"): Promise<string> {
  const config = parseStackConfig(unprefixed(sandboxStackConfig("vps2", readSandbox())));
  const http = hostListeners(config, "vps2").find((l) => l.component === component && l.name === "http");
  if (!http) throw new Error(`vps2 deploys no ${component}`);
  return viaSsh("vps2", obs, http.port);
}

/** The window each query covers: everything since the deploy. */
const WINDOW_SECONDS = 3600;

/** A query answer: Prometheus's and Loki's `data.result`, Tempo's `traces`. */
interface QueryAnswer {
  data?: { result?: unknown[] };
  traces?: unknown[];
}

/** Prometheus's basic auth headers (Loki and Tempo have no auth of their own: the firewall keeps them private). */
let prometheusLogin: { Authorization: string };

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: QueryAnswer | string }> {
  const r = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) };
  } catch {
    return { status: r.status, body: text };
  }
}

/** What the query returns, as a count of series/streams/traces, and the URL asked. */
async function run(q: PanelQuery): Promise<{ count: number; url: string; body: unknown }> {
  const end = Math.floor(Date.now() / 1000);
  const start = end - WINDOW_SECONDS;
  const expr = encodeURIComponent(expandVariables(q.expr));
  let url: string;
  if (q.datasource.type === "prometheus") {
    const base = `${await backendUrl("prometheus")}/api/v1`;
    url = q.instant ? `${base}/query?query=${expr}&time=${end}` : `${base}/query_range?query=${expr}&start=${start}&end=${end}&step=60`;
  } else if (q.datasource.type === "loki") {
    url = `${await backendUrl("loki")}/loki/api/v1/query_range?query=${expr}&start=${start}000000000&end=${end}000000000&step=60&limit=100`;
  } else {
    url = `${await backendUrl("tempo")}/api/search?q=${expr}&start=${start}&end=${end}&limit=20`;
  }
  const { status, body } = await getJson(url, q.datasource.type === "prometheus" ? prometheusLogin : {});
  if (status !== 200 || typeof body === "string") return { count: 0, url, body };
  const count = q.datasource.type === "tempo" ? (body.traces ?? []).length : (body.data?.result ?? []).length;
  return { count, url, body };
}

beforeAll(async () => {
  obs = privateAddress("vps2");
  const deployment = await sharedDeployment();
  figures["shared deployment"] = sharedDeploymentFigure(deployment);
  grafanaPassword = sharedSecret(deployment, "vps2", "grafanaAdminPassword");
  prometheusLogin = basicAuth(PROMETHEUS_USER, sharedSecret(deployment, "vps2", "prometheusPassword"));
  // The gateway sends no traces (its diagnostics-otel plugin is not in the published package;
  // see README, "The gateway's telemetry"): one span, from vps1 to the traces endpoint the
  // gateway is configured with, gives the traces panel what the plugin would.
  const tracesUrl = JSON.parse(onHost("vps1", "cat /etc/openclaw/openclaw.json").stdout).diagnostics.otel.tracesEndpoint;
  const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
  const span = {
    traceId: randomBytes(16).toString("hex"),
    spanId: randomBytes(8).toString("hex"),
    name: "dashboards-test",
    kind: 1,
    startTimeUnixNano: nowNs,
    endTimeUnixNano: nowNs,
  };
  const resource = { attributes: [{ key: "service.name", value: { stringValue: "openclaw-gateway" } }] };
  const post = onHost(
    "vps1",
    `curl -fsS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- '${tracesUrl}'`,
    JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "openclaw-infra.dashboards-test" }, spans: [span] }] }] }),
  );
  expect(post.stdout.trim(), `POST a span to ${tracesUrl}: ${post.stderr}`).toMatch(/^2\d\d$/);
});

afterAll(() => {
  printFigures("dashboards", figures);
});

describe("Grafana, switched off in the sandbox", () => {
  it("has its files and unit on vps2, the unit neither enabled nor started, the password readable by root and grafana only", () => {
    expect(onHost("vps2", `systemctl is-enabled ${PATHS.unit} || true`).stdout.trim()).toBe("disabled");
    expect(onHost("vps2", `systemctl is-active ${PATHS.unit} || true`).stdout.trim()).toBe("inactive");
    expect(onHost("vps2", `stat -c %U:%G:%a ${PATHS.adminPassword}`).stdout.trim()).toBe("root:grafana:640");
    const files = onHost("vps2", `ls ${PATHS.dashboards} ${PATHS.datasources} ${PATHS.ini}`).stdout;
    for (const f of ["hosts.json", "gateway.json", "postgres.json", "logs.json", "openclaw.yaml", "grafana.ini"])
      expect(files).toContain(f);
    expect(onHost("vps2", `cat ${PATHS.ini}`).stdout).not.toContain(grafanaPassword);
  });
});

describe("every dashboard panel's query returns data from the sandbox's backends", () => {
  // Scrapes and log shipping need a moment after the deploy: each query is retried for up to 4 minutes.
  for (const q of panelQueries()) {
    it(`${q.dashboard} / ${q.panel} (${q.refId}, ${q.datasource.type}): ${q.expr}`, async () => {
      const started = Date.now();
      let last = await run(q);
      while (last.count === 0 && Date.now() - started < 240_000) {
        await new Promise((r) => setTimeout(r, 10_000));
        last = await run(q);
      }
      figures[`${q.dashboard}/${q.panel}/${q.refId}`] = `${last.count} result(s) after ${((Date.now() - started) / 1000).toFixed(0)} s`;
      expect(
        last.count,
        `no data for panel "${q.panel}" of dashboard ${q.dashboard}: ${last.url}\n${JSON.stringify(last.body).slice(0, 500)}`,
      ).toBeGreaterThan(0);
    });
  }
});
