// WireGuard's entry: on every host when the topology's privateNetwork is `wireguard`. It is the
// foundation the services stand on: they bind and are checked at the private address, so
// everything built after it waits for it.
import { component } from "../../src/registry/types";
import { Wireguard } from ".";
import { PATHS } from "./render";
import { wireguardOptionsSchema } from "./schema";

export const wireguard = component({
  key: "wireguard",
  schema: wireguardOptionsSchema.prefault({}),
  on: "every host",
  when: (ctx) => ctx.config.topology.privateNetwork === "wireguard",
  foundation: true,
  build: (ctx) =>
    new Wireguard(
      `${ctx.host}-wireguard`,
      {
        connection: ctx.connection,
        host: ctx.host,
        address: ctx.address,
        privateAddress: ctx.privateAddress,
        peers: Object.keys(ctx.config.topology.hosts)
          .filter((other) => other !== ctx.host)
          .map((other) => ({ host: other, connection: ctx.connectionTo(other) })),
        ...ctx.options,
      },
      ctx.opts,
    ),
  outputs: (wg) => ({ wireguardPublicKey: wg.publicKey }),
  listeners: ({ options }) => [
    {
      name: "wireguard",
      port: options.port,
      address: "all",
      protocol: "udp",
      network: "public",
      from: ["every host"],
      setting: "wireguard.port",
    },
  ],
  units: ({ privateAddress, options }) => [{ unit: PATHS.unit, reach: `${privateAddress}/${options.prefixLength}, UDP ${options.port}` }],
});
