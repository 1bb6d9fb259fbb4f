// NodeRuntime's entry: Node.js on the gateway hosts, for the gateway (which needs it).
import { component } from "../../src/registry/types";
import { NodeRuntime } from ".";
import { nodeOptionsSchema } from "./schema";

export const node = component({
  key: "node",
  schema: nodeOptionsSchema.prefault({}),
  on: ["gateway"],
  build: (ctx) =>
    new NodeRuntime(
      `${ctx.host}-node`,
      { connection: ctx.connection, ...ctx.options, distUrl: ctx.config.sources.nodeDist, nodeSourceUrl: ctx.config.sources.nodeSource },
      ctx.opts,
    ),
  outputs: (runtime) => ({ nodeVersion: runtime.version }),
  units: () => [],
});
