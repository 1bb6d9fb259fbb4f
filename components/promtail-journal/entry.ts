// The log agent's entry (promtail or Alloy): every host's journal, shipped to Loki.
import { component, httpAt, tcp } from "../../src/registry/types";
import { lokiPushUrl } from "../loki/entry";
import { PromtailJournal } from ".";
import { paths } from "./render";
import { promtailOptionsSchema } from "./schema";

export const logs = component({
  key: "logs",
  schema: promtailOptionsSchema.prefault({}),
  on: "every host",
  // Only with a Loki to ship to.
  when: ({ listener }) => listener("loki", "http") !== undefined,
  build: (ctx) =>
    new PromtailJournal(
      `${ctx.host}-logs`,
      {
        connection: ctx.connection,
        ...ctx.options,
        lokiUrl: lokiPushUrl(ctx.peer("loki", "http")),
        listenAddress: ctx.privateAddress,
        hostLabel: ctx.host,
        releaseUrl: ctx.config.sources.logAgentReleases,
        releaseAsset: ctx.config.sources.logAgentAsset,
      },
      ctx.opts,
    ),
  outputs: (agent) => ({ logAgent: agent.agent }),
  // Its push errors and drops are known only to the agent, and Prometheus runs on another
  // host: its HTTP server (metrics, /ready; nothing writable) listens on the private address.
  listeners: ({ options }) => [tcp("http", "logs.port", options.port, "private", ["observability host"])],
  units: ({ options, own, peer }) => [
    { unit: paths(options.agent).unit, reach: `${httpAt(own("http"))} -> ${lokiPushUrl(peer("loki", "http"))}` },
  ],
  scrape: ({ options }) => [{ job: options.agent, listener: "http" }],
});
