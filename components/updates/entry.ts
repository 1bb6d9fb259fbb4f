// Security updates' entry: on every host when `openclaw-infra:updates` is set.
import { component } from "../../src/registry/types";
import { Updates } from ".";
import { PATHS } from "./render";
import { updatesOptionsSchema } from "./schema";

export const updates = component({
  key: "updates",
  schema: updatesOptionsSchema.optional(),
  on: "every host",
  build: (ctx) => new Updates(`${ctx.host}-updates`, { connection: ctx.connection, ...ctx.options }, ctx.opts),
  units: () => [{ unit: `${PATHS.metricUnit}.service`, reach: "openclaw_reboot_required via node-exporter" }],
});
