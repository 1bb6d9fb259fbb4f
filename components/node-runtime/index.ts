// NodeRuntime: Node.js of a given major on a host, from the official tarball (checksum
// verified) or NodeSource's apt repository. Output `version` is the exact version installed.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages, aptRepository } from "../../src/remote/apt";
import { RemoteCommand } from "../../src/remote/command";
import { Connection } from "../../src/remote/ssh";
import { template } from "../../src/template";
import { parseOrThrow } from "../../src/validate";
import { NodeRelease, resolveRelease } from "./release";
import { NODESOURCE_KEY_FINGERPRINT, nodeRuntimeArgsSchema, NodeRuntimeOptions, NodeRuntimeSettings } from "./schema";

export * from "./schema";

export interface NodeRuntimeArgs extends NodeRuntimeOptions {
  connection: pulumi.Input<Connection>;
}

interface TarballValues {
  prefix: string;
  version: string;
  tag: string;
  url: string;
  sha256: string;
  corepack: boolean;
}
export const renderInstallTarball = template<TarballValues>(__dirname, "install-tarball.sh.hbs");
export const renderUninstallTarball = template<{ prefix: string }>(__dirname, "uninstall-tarball.sh.hbs");

export class NodeRuntime extends pulumi.ComponentResource {
  /** Exact version this runtime installs, known at preview: dependents check compatibility on it. */
  readonly plannedVersion: pulumi.Output<string>;
  /** Exact version the host reports after install, e.g. "22.23.3". */
  readonly version: pulumi.Output<string>;
  /** Absolute path of the node binary, stable across upgrades. */
  readonly nodePath: pulumi.Output<string>;
  /** The last step of the install: depend on it to run after Node is in place. */
  readonly ready: RemoteCommand;

  constructor(name: string, args: NodeRuntimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:runtime:NodeRuntime", name, {}, opts);
    const { connection, ...options } = args;
    const settings = parseOrThrow(nodeRuntimeArgsSchema, options, `NodeRuntime ${name}: `);
    const base = aptPackages(`${name}-base`, { connection, packages: ["ca-certificates", "curl", "xz-utils"] }, { parent: this });

    if (settings.from === "tarball") {
      const release = pulumi.output(resolveRelease(settings.distUrl, settings.major, settings.version));
      this.plannedVersion = release.version;
      this.ready = this.fromTarball(name, connection, settings, release, base);
      this.nodePath = pulumi.output("/usr/local/bin/node");
    } else {
      this.plannedVersion = pulumi.output(settings.version!);
      this.ready = this.fromNodeSource(name, connection, settings, base);
      this.nodePath = pulumi.output("/usr/bin/node");
    }
    // The host reports what it runs; a mismatch with the plan fails the deploy.
    this.version = pulumi.all([this.ready.result, this.plannedVersion]).apply(([out, planned]) => {
      const installed = (out ?? "").replace(/^v/, "");
      if (installed !== planned) throw new Error(`NodeRuntime ${name}: planned node ${planned}, host reports '${out}'`);
      return installed;
    });
    this.registerOutputs({ plannedVersion: this.plannedVersion, version: this.version, nodePath: this.nodePath });
  }

  private fromTarball(
    name: string,
    connection: pulumi.Input<Connection>,
    s: NodeRuntimeSettings,
    release: pulumi.Output<NodeRelease>,
    after: pulumi.Resource,
  ): RemoteCommand {
    const prefix = release.apply((r) => `/opt/node-v${r.version}-linux-x64`);
    return new RemoteCommand(
      `${name}-install`,
      {
        connection,
        label: release.apply((r) => `install node ${r.version}`),
        create: release.apply((r) =>
          renderInstallTarball({ prefix: `/opt/node-v${r.version}-linux-x64`, version: r.version, tag: `v${r.version}`, url: r.url, sha256: r.sha256, corepack: s.corepack }),
        ),
        delete: prefix.apply((p) => renderUninstallTarball({ prefix: p })),
        captureResult: true,
      },
      { parent: this, dependsOn: [after] },
    );
  }

  private fromNodeSource(name: string, connection: pulumi.Input<Connection>, s: NodeRuntimeSettings, after: pulumi.Resource): RemoteCommand {
    const repo = aptRepository(
      `${name}-nodesource`,
      {
        connection,
        name: "nodesource",
        uris: `${s.nodeSourceUrl.replace(/\/+$/, "")}/node_${s.major}.x`,
        suites: "nodistro",
        components: "main",
        keyUrl: `${s.nodeSourceUrl.replace(/\/+$/, "")}/gpgkey/nodesource-repo.gpg.key`,
        keyFingerprint: NODESOURCE_KEY_FINGERPRINT,
      },
      { parent: this, dependsOn: [after] },
    );
    const pkg = aptPackages(`${name}-nodejs`, { connection, packages: [`nodejs=${s.version}-1nodesource1`] }, { parent: this, dependsOn: [repo] });
    return new RemoteCommand(
      `${name}-check`,
      {
        connection,
        label: `check node ${s.version}`,
        create: s.corepack ? "corepack enable\nnode --version\n" : "node --version\n",
        captureResult: true,
      },
      { parent: this, dependsOn: [pkg] },
    );
  }
}
