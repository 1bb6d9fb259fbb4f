// NodeRuntime: Node.js of a given major on a host, from the official tarball (checksum
// verified) or NodeSource's apt repository. Output `version` is the exact version installed.
import * as pulumi from "@pulumi/pulumi";
import { aptInstall, aptPackages, installedVersion } from "../../src/remote/apt";
import { RemoteCommand } from "../../src/remote/command";
import { versionedInstall, VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { NodeRelease, nodeRelease } from "./release";
import { NODESOURCE_KEY_FINGERPRINT, nodeRuntimeArgsSchema, NodeRuntimeOptions, NodeRuntimeSettings } from "./schema";

export * from "./schema";

export interface NodeRuntimeArgs extends NodeRuntimeOptions {
  connection: pulumi.Input<Connection>;
}

/** The official tarball as a versioned install under /opt/node, linked into /usr/local/bin. */
export function tarballInstallSpec(release: NodeRelease, corepack: boolean): VersionedInstallSpec {
  return {
    tool: "node",
    version: release.version,
    root: "/opt/node",
    fetch: script(
      `curl -fsSL --retry 3 -o "$work/node.tar.xz" ${sh(release.url)}`,
      `echo ${sh(release.sha256)}"  $work/node.tar.xz" | sha256sum --check --quiet`,
      `tar -xJf "$work/node.tar.xz" -C "$partial" --strip-components=1`,
      // corepack's pnpm and yarn shims go next to node, inside the release.
      corepack && `"$partial/bin/corepack" enable --install-directory "$partial/bin"`,
    ),
    binary: "bin/node",
    links: Object.fromEntries(["node", "npm", "npx", "corepack"].map((bin) => [`/usr/local/bin/${bin}`, `bin/${bin}`])),
    report: "/usr/local/bin/node --version",
  };
}

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
    let reported: pulumi.Output<string>;

    if (settings.from === "tarball") {
      const release = pulumi.output(nodeRelease(settings.distUrl, settings.major, settings.version));
      this.plannedVersion = release.version;
      const base = aptPackages(`${name}-base`, { connection, packages: ["ca-certificates", "curl", "xz-utils"] }, { parent: this });
      this.ready = versionedInstall(
        `${name}-install`,
        { connection, spec: release.apply((r) => tarballInstallSpec(r, settings.corepack)) },
        { parent: this, dependsOn: [base] },
      );
      reported = this.ready.result.apply((out) => (out ?? "").replace(/^v/, ""));
      this.nodePath = pulumi.output("/usr/local/bin/node");
    } else {
      if (!settings.version) throw new Error(`NodeRuntime ${name}: from: nodesource without a version (the schema requires it)`);
      this.plannedVersion = pulumi.output(settings.version);
      const { packages, ready } = this.fromNodeSource(name, connection, settings);
      this.ready = ready;
      reported = packages.result.apply((out) => installedVersion(out, "nodejs").replace(/-.*$/, ""));
      this.nodePath = pulumi.output("/usr/bin/node");
    }
    // The host reports what it runs; a mismatch with the plan fails the deploy.
    this.version = pulumi.all([reported, this.plannedVersion]).apply(([installed, planned]) => {
      if (installed !== planned) throw new Error(`NodeRuntime ${name}: planned node ${planned}, host reports '${installed}'`);
      return installed;
    });
    this.registerOutputs({ plannedVersion: this.plannedVersion, version: this.version, nodePath: this.nodePath });
  }

  /** NodeSource's repository and the pinned nodejs package (whose step reports its version), then corepack if asked. */
  private fromNodeSource(
    name: string,
    connection: pulumi.Input<Connection>,
    s: NodeRuntimeSettings,
  ): { packages: RemoteCommand; ready: RemoteCommand } {
    const base = s.nodeSourceUrl.replace(/\/+$/, "");
    const packages = aptInstall(
      name,
      {
        connection,
        repository: {
          name: "nodesource",
          uris: `${base}/node_${s.major}.x`,
          suites: "nodistro",
          components: "main",
          keyUrl: `${base}/gpgkey/nodesource-repo.gpg.key`,
          keyFingerprint: NODESOURCE_KEY_FINGERPRINT,
        },
        packages: [`nodejs=${s.version}-1nodesource1`],
      },
      { parent: this },
    );
    if (!s.corepack) return { packages, ready: packages };
    const corepack = new RemoteCommand(
      `${name}-corepack`,
      { connection, label: "corepack enable", create: "corepack enable\n" },
      { parent: this, dependsOn: [packages] },
    );
    return { packages, ready: corepack };
  }
}
