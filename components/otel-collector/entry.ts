// The OpenTelemetry Collector's entry: the gateway's OTLP metrics, written to Prometheus on the same host.
import { downloadOutput, requiredSha256, sha256Problems } from "../../src/releases";
import { component, HostListener, httpAt, tcp } from "../../src/registry/types";
import { PROMETHEUS_USER, prometheusPasswordSchema } from "../prometheus/schema";
import { OtelCollector } from ".";
import { PATHS } from "./render";
import { OTELCOL_RELEASE, otelCollectorOptionsSchema } from "./schema";

/** Where OTLP/HTTP metrics go, at the collector's otlp-http listener. */
export const collectorMetricsUrl = (otlpHttp: HostListener) => httpAt(otlpHttp, "/v1/metrics");

export const otelCollector = component({
  key: "otelCollector",
  schema: otelCollectorOptionsSchema.prefault({}),
  on: ["observability"],
  // Prometheus's (components/prometheus), for its remote write.
  secrets: { prometheusPassword: prometheusPasswordSchema },
  preflight: ({ options }) => sha256Problems("otelCollector", OTELCOL_RELEASE, options),
  build: (ctx) =>
    new OtelCollector(
      `${ctx.host}-otel-collector`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        remoteWriteUrl: httpAt(ctx.peer("prometheus", "http"), "/api/v1/write"),
        remoteWriteLogin: { username: PROMETHEUS_USER, password: ctx.secrets.apply((s) => s.prometheusPassword) },
        sha256: requiredSha256("otelCollector", OTELCOL_RELEASE, ctx.options),
      },
      ctx.opts,
    ),
  outputs: (c, { options }) => ({ otlpMetricsUrl: c.otlpHttpUrl, ...downloadOutput("otelCollector", OTELCOL_RELEASE, options) }),
  listeners: ({ options }) => [
    tcp("otlp-http", "otelCollector.otlpHttpPort", options.otlpHttpPort, "private", [{ role: "gateway" }]),
    tcp("metrics", "otelCollector.metricsPort", options.metricsPort, "private", ["observability host"]),
    // The deploy's health wait runs on the host.
    tcp("health", "otelCollector.healthPort", options.healthPort, "loopback", ["this host"]),
  ],
  units: ({ own }) => [
    {
      unit: PATHS.unit,
      reach: `OTLP metrics ${collectorMetricsUrl(own("otlp-http"))} (to Prometheus); own metrics ${httpAt(own("metrics"), "/metrics")}`,
    },
  ],
  scrape: () => [{ job: "otel-collector", listener: "metrics" }],
});
