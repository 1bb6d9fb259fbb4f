// journald's entry: the journal's size and age limits (journald's own unit, configured by a drop-in: no unit of ours).
import { component } from "../../src/registry/types";
import { Journald } from ".";
import { journaldOptionsSchema } from "./schema";

export const journald = component({
  key: "journald",
  schema: journaldOptionsSchema.prefault({}),
  on: "every host",
  build: (ctx) => new Journald(`${ctx.host}-journald`, { connection: ctx.connection, ...ctx.options }, ctx.opts),
  units: () => [],
});
