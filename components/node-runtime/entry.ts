// NodeRuntime's entry: Node.js on the gateway hosts, for the gateway (which needs it).
import { component } from "../../src/registry/types";
import { NodeRuntime } from ".";
import { MissingNodeRelease, nodeRelease } from "./release";
import { nodeOptionsSchema } from "./schema";

export const node = component({
  key: "node",
  schema: nodeOptionsSchema.prefault({}),
  on: ["gateway"],
  // The release, resolved from the dist before any resource: a dist this machine cannot read,
  // or one without the release asked for, stops the preview in one line.
  preflight: async ({ options, config }) => {
    if (options.from !== "tarball") return [];
    const failed = await nodeRelease(config.sources.nodeDist, options.major, options.version).then(
      () => undefined,
      (e: Error) => e,
    );
    if (!failed) return [];
    const key = !(failed instanceof MissingNodeRelease) ? "sources.nodeDist" : options.version ? "node.version" : "node.major";
    return [{ key, message: `cannot resolve Node.js ${options.version ?? `${options.major}.x`}: ${failed.message}` }];
  },
  build: (ctx) =>
    new NodeRuntime(
      `${ctx.host}-node`,
      { connection: ctx.connection, ...ctx.options, distUrl: ctx.config.sources.nodeDist, nodeSourceUrl: ctx.config.sources.nodeSource },
      ctx.opts,
    ),
  outputs: (runtime) => ({ nodeVersion: runtime.version }),
  units: () => [],
});
