// Wireguard: the private network as an encrypted interface between the topology's hosts. Each
// host makes its own key (the private half never leaves it; the public half is the key step's
// result and a stack output), brings up wg0 with its private address, and writes its own peer
// entry onto every other host, so the hosts that deployed earlier reach it as soon as it is up
// and no stack waits for another's key. Debian's wg-quick@wg0 runs it, at boot too.
// Destroy takes the interface down and removes our files, and this host's entry from the others.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { RemoteCommand } from "../../src/remote/command";
import { digest, fileFacts, fileFactsScript, writeFileScript } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { systemdDropIn } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import {
  dropInSpec,
  keyCheck,
  keyObserved,
  keyScript,
  packages,
  PATHS,
  peerPath,
  peerScripts,
  renderInterface,
  renderPeer,
  renderSysctl,
} from "./render";
import { WireguardOptions, wireguardOptionsSchema } from "./schema";

export * from "./schema";

/** Another host of the topology, as this host's entry there needs it. */
export interface WireguardPeerHost {
  host: string;
  connection: pulumi.Input<Connection>;
}

export interface WireguardArgs extends WireguardOptions {
  connection: pulumi.Input<Connection>;
  /** The topology's name of this host, and its public and private addresses. */
  host: string;
  address: string;
  privateAddress: string;
  /** Every other host: each gets this host's peer entry. */
  peers: WireguardPeerHost[];
}

export class Wireguard extends pulumi.ComponentResource {
  /** This host's public key, for its peers and the stack's outputs. */
  readonly publicKey: pulumi.Output<string>;

  constructor(name: string, args: WireguardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:Wireguard", name, {}, opts);
    const { connection, host, address, privateAddress, peers, ...options } = args;
    const s = parseOrThrow(wireguardOptionsSchema, options, `Wireguard ${name}: `);
    const parent = { parent: this };
    const installed = aptPackages(`${name}-packages`, { connection, packages: packages(s) }, parent);
    const sysctl = checkedFile(
      `${name}-sysctl`,
      {
        connection,
        path: PATHS.sysctl,
        content: renderSysctl(),
        // The kernel is the checker: the setting applied from the file in place, or refused.
        checkInPlace: true,
        checker: `sysctl -q -p "$dest"`,
        checkerName: "sysctl -p",
        delete: script(`rm -f ${sh(PATHS.sysctl)}`, `sysctl -q -w net.ipv4.ip_nonlocal_bind=0`),
      },
      parent,
    );
    const key = new RemoteCommand(
      `${name}-key`,
      {
        connection,
        label: `wireguard key ${PATHS.privateKey}`,
        create: keyScript(),
        delete: script(`rm -f ${sh(PATHS.privateKey)}`),
        captureResult: true,
        check: keyCheck(),
        observed: keyObserved(),
      },
      { ...parent, dependsOn: [installed] },
    );
    this.publicKey = key.result.apply((k) => {
      if (!k) throw new Error(`${host}: the WireGuard key step printed no public key`);
      return k;
    });
    const content = renderInterface(s, privateAddress);
    // WireGuard has no checker of its own (wg-quick strip passes any line): the file is rendered
    // from checked options, and a start it fails fails the drop-in step with the unit's words.
    const config = new RemoteCommand(
      `${name}-config`,
      {
        connection,
        label: `write ${PATHS.config}`,
        create: writeFileScript(PATHS.config, "root", "root", "0600"),
        delete: script(`systemctl disable --now --quiet ${sh(PATHS.unit)} 2>/dev/null || true`, `rm -f ${sh(PATHS.config)}`),
        stdin: content,
        check: fileFactsScript(PATHS.config),
        observed: fileFacts({ mode: "0600" }),
      },
      { ...parent, dependsOn: [installed] },
    );
    systemdDropIn(
      `${name}-drop-in`,
      { connection, unit: PATHS.unit, name: PATHS.dropIn, spec: dropInSpec(), reads: [PATHS.config], restartTriggers: [digest(content)] },
      { ...parent, dependsOn: [config, key, sysctl] },
    );
    for (const peer of peers) {
      const scripts = peerScripts({ host, privateAddress });
      new RemoteCommand(
        `${name}-peer-on-${peer.host}`,
        {
          connection: peer.connection,
          label: `${host}'s wireguard peer entry ${peerPath(host)} on ${peer.host}`,
          create: scripts.create,
          delete: scripts.delete,
          stdin: this.publicKey.apply((publicKey) => renderPeer(s, { host, publicKey, endpoint: `${address}:${s.port}`, privateAddress })),
          check: scripts.check,
          observed: scripts.observed,
        },
        parent,
      );
    }
    this.registerOutputs({ publicKey: this.publicKey });
  }
}
