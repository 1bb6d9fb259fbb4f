// Loki's entry: the log store every host's agent pushes to, on the observability host.
import { downloadOutput, requiredSha256, sha256Problems } from "../../src/releases";
import { component, HostListener, httpAt, tcp } from "../../src/registry/types";
import { Loki } from ".";
import { PATHS } from "./render";
import { LOKI_RELEASE, lokiOptionsSchema } from "./schema";

/** Where log agents push, at Loki's http listener. */
export const lokiPushUrl = (http: HostListener) => httpAt(http, "/loki/api/v1/push");
/** Where OTLP logs go, at the same listener. */
export const lokiOtlpLogsUrl = (http: HostListener) => httpAt(http, "/otlp/v1/logs");

export const loki = component({
  key: "loki",
  schema: lokiOptionsSchema.prefault({}),
  on: ["observability"],
  preflight: ({ options }) => sha256Problems("loki", LOKI_RELEASE, options),
  build: (ctx) =>
    new Loki(
      `${ctx.host}-loki`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        sha256: requiredSha256("loki", LOKI_RELEASE, ctx.options),
      },
      ctx.opts,
    ),
  outputs: (l, { options }) => ({ lokiUrl: l.url, ...downloadOutput("loki", LOKI_RELEASE, options) }),
  listeners: ({ options }) => [
    // Pushes from every host's agent and the gateway's OTLP logs; queries from Grafana.
    tcp("http", "loki.port", options.port, "private", ["every host"]),
    // The single binary's components talk to each other here.
    tcp("grpc", "loki.grpcPort", options.grpcPort, "loopback", ["this host"]),
  ],
  units: ({ own }) => [{ unit: PATHS.unit, reach: `${httpAt(own("http"))} (push, LogQL, OTLP logs at /otlp/v1/logs)` }],
  scrape: () => [{ job: "loki", listener: "http" }],
});
