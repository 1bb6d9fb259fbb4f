// Tempo's entry: the trace store on the observability host, receiving the gateway's OTLP traces.
import { downloadOutput, requiredSha256, sha256Problems } from "../../src/releases";
import { component, HostListener, httpAt, tcp } from "../../src/registry/types";
import { Tempo } from ".";
import { PATHS } from "./render";
import { TEMPO_RELEASE, tempoOptionsSchema } from "./schema";

/** Where OTLP/HTTP traces go, at Tempo's otlp-http listener. */
export const tempoTracesUrl = (otlpHttp: HostListener) => httpAt(otlpHttp, "/v1/traces");

export const tempo = component({
  key: "tempo",
  schema: tempoOptionsSchema.prefault({}),
  on: ["observability"],
  preflight: ({ options }) => sha256Problems("tempo", TEMPO_RELEASE, options),
  build: (ctx) =>
    new Tempo(
      `${ctx.host}-tempo`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        sha256: requiredSha256("tempo", TEMPO_RELEASE, ctx.options),
      },
      ctx.opts,
    ),
  outputs: (t, { options }) => ({ tempoUrl: t.url, otlpHttpUrl: t.otlpHttpUrl, ...downloadOutput("tempo", TEMPO_RELEASE, options) }),
  listeners: ({ options }) => [
    // Queries from Grafana, metrics for Prometheus.
    tcp("http", "tempo.port", options.port, "private", ["observability host"]),
    tcp("grpc", "tempo.grpcPort", options.grpcPort, "loopback", ["this host"]),
    tcp("otlp-grpc", "tempo.otlpGrpcPort", options.otlpGrpcPort, "private", [{ role: "gateway" }]),
    tcp("otlp-http", "tempo.otlpHttpPort", options.otlpHttpPort, "private", [{ role: "gateway" }]),
  ],
  units: ({ own }) => {
    const grpc = own("otlp-grpc");
    return [
      {
        unit: PATHS.unit,
        reach: `${httpAt(own("http"))} (queries); OTLP gRPC ${grpc.ip}:${grpc.port}, HTTP ${httpAt(own("otlp-http"))}`,
      },
    ];
  },
  scrape: () => [{ job: "tempo", listener: "http" }],
});
