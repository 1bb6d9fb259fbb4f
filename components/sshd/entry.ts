// sshd's entry: its hardening drop-in on every host when `openclaw-infra:sshd` is set.
import { component } from "../../src/registry/types";
import { Sshd } from ".";
import { sshdOptionsSchema } from "./schema";

export const sshd = component({
  key: "sshd",
  schema: sshdOptionsSchema.optional(),
  on: "every host",
  build: (ctx) => new Sshd(`${ctx.host}-sshd`, { connection: ctx.connection, ...ctx.options }, ctx.opts),
  units: () => [],
});
