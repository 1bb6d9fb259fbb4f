// CloudflareTunnel: the gateway published at https://<hostname> (or each of a host's gateway
// instances at its own) through a remotely managed Cloudflare Tunnel. On Cloudflare: the
// tunnel, its ingress (each hostname -> its gateway on loopback, 404 for everything else) and a
// proxied CNAME to <tunnel-id>.cfargotunnel.com per hostname. On the host
// (CloudflaredConnector): cloudflared installed, the tunnel token in a root-only file, and a
// hardened unit that gets the token as a systemd credential (never on a command line), then
// waits for the metrics server's /ready.
//
// CloudflaredConnector is also usable alone, with a token from elsewhere. With `run: false` it
// is switched off: nothing is installed, the token file and the hardened unit are written (so
// the unit can be scored) but the unit is neither enabled nor started. That is how the host
// side is deployed where the Cloudflare API and edge cannot be reached (the sandbox).
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { aptInstall, aptPackages } from "../../src/remote/apt";
import { sh } from "../../src/remote/shell";
import { RemoteCommand } from "../../src/remote/command";
import { digest, remoteDirectory, remoteFile } from "../../src/remote/file";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import {
  binaryPath,
  dnsTarget,
  PATHS,
  publicUrl,
  readyUrl,
  renderCheckVersion,
  renderIngress,
  renderInstallBinary,
  renderUninstallBinary,
  unitSpec,
} from "./render";
import {
  CloudflaredOptions,
  cloudflaredOptionsSchema,
  CloudflaredSettings,
  CloudflareTunnelOptions,
  cloudflareTunnelOptionsSchema,
  tokenSchema,
  TunnelRoute,
  routesOf,
} from "./schema";

export * from "./schema";
export { dnsTarget, publicUrl, readyUrl, renderIngress } from "./render";

export interface CloudflaredConnectorArgs extends CloudflaredOptions {
  connection: pulumi.Input<Connection>;
  /** The tunnel token. Treated as secret whether or not it is marked so. */
  token: pulumi.Input<string>;
}

/** The host side of a tunnel: cloudflared, its token file and its hardened unit. */
export class CloudflaredConnector extends pulumi.ComponentResource {
  /** The metrics server's readiness endpoint on the host. */
  readonly readyUrl: string;
  readonly unitName: string = PATHS.unit;
  /** The cloudflared version installed, as the host reports it (e.g. "2025.11.1"); "" with run: false. */
  readonly version: pulumi.Output<string>;
  /** false: switched off (run: false), nothing installed and the unit not started. */
  readonly running: boolean;

  constructor(name: string, args: CloudflaredConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:cloudflare:CloudflaredConnector", name, {}, opts);
    const { connection, token, ...options } = args;
    const s = parseOrThrow(cloudflaredOptionsSchema, options, `CloudflaredConnector ${name}: `);
    const parent = { parent: this };
    this.readyUrl = readyUrl(s.metricsPort);
    this.running = s.run;

    // run: false installs nothing (the schema leaves `install` unset unless it was given).
    const installed = s.run && s.install ? this.install(name, connection, s.install) : undefined;

    // Validated where it becomes known, inside the secret; only stdin ever carries it.
    const tokenContent = pulumi.secret(
      pulumi.output(token).apply((raw) => parseOrThrow(tokenSchema, { token: raw }, `CloudflaredConnector ${name}: `).token),
    );
    const tokenDir = remoteDirectory(
      `${name}-token-dir`,
      { connection, path: PATHS.tokenFile.replace(/\/[^/]+$/, ""), mode: "0700" },
      parent,
    );
    const tokenFile = remoteFile(
      `${name}-token`,
      { connection, path: PATHS.tokenFile, content: tokenContent, mode: "0600" },
      { ...parent, dependsOn: [tokenDir] },
    );

    const unit = systemdUnit(
      `${name}-unit`,
      {
        connection,
        name: PATHS.unit,
        spec: unitSpec(s),
        start: s.run,
        // systemd copies the credential at start: a new token needs a restart to be read.
        restartTriggers: installed ? [digest(tokenContent), installed.result.apply((v) => v ?? "")] : undefined,
        healthCheck: s.waitForReady
          ? { url: this.readyUrl, expect: '"readyConnections": ?[1-9]', unit: PATHS.unit, timeoutSeconds: s.readyTimeoutSeconds }
          : undefined,
      },
      { ...parent, dependsOn: installed ? [installed, tokenFile] : [tokenFile] },
    );

    this.version = pulumi.all([installed?.result, unit.id]).apply(([v]) => v ?? "");
    this.registerOutputs({ readyUrl: this.readyUrl, unitName: this.unitName, version: this.version, running: this.running });
  }

  /** Installs cloudflared; the returned step's result is the installed version. */
  private install(name: string, connection: pulumi.Input<Connection>, install: NonNullable<CloudflaredSettings["install"]>): RemoteCommand {
    const parent = { parent: this };
    if (install.from === "binary") {
      const base = aptPackages(`${name}-base`, { connection, packages: ["ca-certificates", "curl"] }, parent);
      const bin = binaryPath(install);
      return new RemoteCommand(
        `${name}-install`,
        {
          connection,
          label: `install cloudflared from ${install.url}`,
          create: renderInstallBinary(install) + renderCheckVersion(bin),
          delete: renderUninstallBinary(install),
          check: `if echo ${sh(install.sha256)}"  "${sh(bin)} | sha256sum --check --status 2>/dev/null; then echo binary=same; else echo binary=changed; fi\n`,
          observed: "binary=same",
          captureResult: true,
        },
        { ...parent, dependsOn: [base] },
      );
    }
    const pkg = aptInstall(
      name,
      {
        connection,
        repository: {
          name: "cloudflared",
          uris: install.repoUrl.replace(/\/+$/, ""),
          suites: install.suite,
          components: "main",
          keyUrl: install.keyUrl,
          keyFingerprint: install.keyFingerprint,
        },
        packages: [install.version ? `cloudflared=${install.version}` : "cloudflared"],
      },
      parent,
    );
    return new RemoteCommand(
      `${name}-check`,
      {
        connection,
        label: "check cloudflared version",
        create: renderCheckVersion(binaryPath(install), install.version),
        captureResult: true,
      },
      { ...parent, dependsOn: [pkg] },
    );
  }
}

export interface CloudflareTunnelArgs extends CloudflareTunnelOptions {
  connection: pulumi.Input<Connection>;
}

/**
 * A remotely managed tunnel publishing gateways on loopback: `origin` at https://<hostname>, or
 * each of `routes` at its own hostname. Cloudflare resources use the component's cloudflare
 * provider (pass `providers` in opts to choose credentials); the token is read from the
 * provider and stays secret.
 */
export class CloudflareTunnel extends pulumi.ComponentResource {
  /** UUID of the tunnel. */
  readonly tunnelId: pulumi.Output<string>;
  /** The (first route's) hostname. */
  readonly publicHostname: string;
  /** https://<hostname> of the first route: list it in the gateway's controlUi.allowedOrigins. */
  readonly publicUrl: string;
  /** https://<hostname> of each route, by its instance (`default` for a tunnel given one hostname). */
  readonly publicUrls: Record<string, string>;
  /** What it publishes, the first route first. */
  readonly routes: TunnelRoute[];
  /** The host side (cloudflared and its unit). */
  readonly connector: CloudflaredConnector;

  constructor(name: string, args: CloudflareTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:cloudflare:CloudflareTunnel", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(cloudflareTunnelOptionsSchema, options, `CloudflareTunnel ${name}: `);
    const parent = { parent: this };
    this.routes = routesOf(s);
    const [first] = this.routes;
    this.publicHostname = first.hostname;
    this.publicUrl = publicUrl(first.hostname);
    this.publicUrls = Object.fromEntries(this.routes.map((r) => [r.instance, publicUrl(r.hostname)]));
    const tunnelName = s.tunnelName ?? first.hostname;

    const tunnel = new cloudflare.ZeroTrustTunnelCloudflared(
      `${name}-tunnel`,
      // configSrc "cloudflare": the ingress lives on Cloudflare, cloudflared needs only the token.
      { accountId: s.accountId, name: tunnelName, configSrc: "cloudflare" },
      parent,
    );
    this.tunnelId = tunnel.id;

    const ingress = new cloudflare.ZeroTrustTunnelCloudflaredConfig(
      `${name}-ingress`,
      { accountId: s.accountId, tunnelId: tunnel.id, source: "cloudflare", config: { ingresses: renderIngress(this.routes) } },
      parent,
    );

    // The first route's record keeps the name a tunnel with one hostname has: adding an instance replaces nothing.
    for (const [i, route] of this.routes.entries()) {
      new cloudflare.DnsRecord(
        i === 0 ? `${name}-dns` : `${name}-dns-${route.instance}`,
        {
          zoneId: s.zoneId,
          name: route.hostname,
          type: "CNAME",
          content: tunnel.id.apply(dnsTarget),
          proxied: true,
          ttl: 1, // automatic: the only value a proxied record takes
          comment: `Cloudflare Tunnel ${tunnelName} (openclaw-infra)`,
        },
        parent,
      );
    }

    const token = pulumi.secret(
      cloudflare.getZeroTrustTunnelCloudflaredTokenOutput({ accountId: s.accountId, tunnelId: tunnel.id }, parent).token,
    );

    // The Cloudflare side's settings stay here; the rest are the connector's options.
    const {
      hostname: _hostname,
      accountId: _accountId,
      zoneId: _zoneId,
      tunnelName: _tunnelName,
      origin: _origin,
      routes: _routes,
      ...hostOptions
    } = s;
    this.connector = new CloudflaredConnector(
      `${name}-cloudflared`,
      { connection, token, ...hostOptions },
      { ...parent, dependsOn: [ingress] },
    );

    this.registerOutputs({
      tunnelId: this.tunnelId,
      publicHostname: this.publicHostname,
      publicUrl: this.publicUrl,
      publicUrls: this.publicUrls,
    });
  }
}
