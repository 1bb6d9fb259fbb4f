// The host system's entry: first on every host, the foundation everything else waits for.
import { component } from "../../src/registry/types";
import { HostSystem } from ".";
import { systemOptionsSchema } from "./schema";

export const system = component({
  key: "system",
  schema: systemOptionsSchema.prefault({}),
  on: "every host",
  foundation: true,
  build: (ctx) => new HostSystem(`${ctx.host}-system`, { connection: ctx.connection, host: ctx.host, ...ctx.options }, ctx.opts),
  outputs: (built) => ({ system: built.name }),
  units: () => [],
});
