// The firewall's entry: on every host when `openclaw-infra:firewall` is set, its openings the
// listeners every deployed component declares (and sshd's).
import { component } from "../../src/registry/types";
import { Firewall } from ".";
import { openings } from "./render";
import { firewallOptionsSchema } from "./schema";

export const firewall = component({
  key: "firewall",
  schema: firewallOptionsSchema.optional(),
  on: "every host",
  build: (ctx) =>
    new Firewall(
      `${ctx.host}-firewall`,
      {
        connection: ctx.connection,
        openings: openings(ctx.hostListeners(), ctx.options, ctx.addressesOf),
        confirmSeconds: ctx.options.confirmSeconds,
      },
      ctx.opts,
    ),
  units: () => [],
});
