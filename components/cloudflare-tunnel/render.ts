// Pure rendering of the tunnel's pieces from its settings: the ingress rules and DNS target
// sent to Cloudflare, the systemd unit and the install scripts run on the host. Golden-file
// tested; no resource is created here.
import { hardening } from "../../src/hardening";
import { renderUnitFile, serviceUnit, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { CloudflaredSettings, InstallOptions, TOKEN_FILE_SINCE } from "./schema";

export const PATHS = {
  /** The token as Pulumi writes it: root:root 0600, read by systemd only (LoadCredential=). */
  tokenFile: "/etc/cloudflared/token",
  /** Name of the credential systemd hands to the service in $CREDENTIALS_DIRECTORY. */
  credential: "token",
  unit: "cloudflared.service",
  /** Where each install method puts the binary. */
  aptBinary: "/usr/bin/cloudflared",
  downloadedBinary: "/usr/local/bin/cloudflared",
} as const;

/** Where the installed binary lives for an install method (none given, with run: false: apt's). */
export function binaryPath(install?: Pick<InstallOptions, "from">): string {
  return install?.from === "binary" ? PATHS.downloadedBinary : PATHS.aptBinary;
}

export function readyUrl(metricsPort: number): string {
  return `http://127.0.0.1:${metricsPort}/ready`;
}

/**
 * The command line. The token is read from the credential systemd copies for this service
 * (`--token-file`, cloudflared >= 2025.4.0), never passed as an argument.
 */
export function renderExecStart(s: CloudflaredSettings): string {
  return [
    binaryPath(s.install),
    "tunnel",
    "--no-autoupdate",
    `--metrics 127.0.0.1:${s.metricsPort}`,
    s.protocol !== "auto" && `--protocol ${s.protocol}`,
    "run",
    `--token-file \${CREDENTIALS_DIRECTORY}/${PATHS.credential}`,
  ]
    .filter(Boolean)
    .join(" ");
}

export function unitSpec(s: CloudflaredSettings): UnitSpec {
  return serviceUnit({
    description: "Cloudflare Tunnel connector (cloudflared)",
    documentation: "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/",
    service: [
      { comment: "No account of its own: a transient user for each run, with nothing to own on disk." },
      ["DynamicUser", "yes"],
      {
        comment:
          "The token file stays root:root 0600; systemd copies it for this service only, into\n" +
          "$CREDENTIALS_DIRECTORY, which no other user (and no other unit) can read.",
      },
      ["LoadCredential", `${PATHS.credential}:${PATHS.tokenFile}`],
      ["ExecStart", renderExecStart(s)],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      { comment: "cloudflared drains connections for its 30s grace period on SIGTERM." },
      ["TimeoutStopSec", "35"],
      ["MemoryMax", s.memoryMax],
      ["TasksMax", "256"],
      ["LimitNOFILE", "65536"],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
      ["SyslogIdentifier", "cloudflared"],
    ],
    hardening: s.hardening ? hardening() : [],
  });
}

export function renderUnit(s: CloudflaredSettings): string {
  return renderUnitFile(unitSpec(s));
}

/** One ingress rule of a remotely managed tunnel, as ZeroTrustTunnelCloudflaredConfig takes it. */
export interface IngressRule {
  hostname?: string;
  service: string;
}

/**
 * Each hostname goes to its origin, in order; everything else gets a 404 (cloudflared requires
 * a catch-all last). One hostname: renderIngress(hostname, origin).
 */
export function renderIngress(routes: readonly { hostname: string; origin: string }[]): IngressRule[];
export function renderIngress(hostname: string, origin: string): IngressRule[];
export function renderIngress(routes: string | readonly { hostname: string; origin: string }[], origin?: string): IngressRule[] {
  const list = typeof routes === "string" ? [{ hostname: routes, origin: origin ?? "" }] : routes;
  return [...list.map(({ hostname, origin }) => ({ hostname, service: origin })), { service: "http_status:404" }];
}

/** What the proxied CNAME for the hostname points at. */
export function dnsTarget(tunnelId: string): string {
  return `${tunnelId}.cfargotunnel.com`;
}

/** The browser-facing URL, e.g. for the gateway's controlUi.allowedOrigins. Known at preview. */
export function publicUrl(hostname: string): string {
  return `https://${hostname}`;
}

const installBinaryTemplate = template<{ path: string; url: string; sha256: string }>(__dirname, "install-binary.sh.hbs");
const checkVersionTemplate = template<{ path: string; minVersion: string; pin: string }>(__dirname, "check-version.sh.hbs");
const uninstallBinaryTemplate = template<{ path: string; sha256: string }>(__dirname, "uninstall-binary.sh.hbs");

/** Download, verify and place the binary (only when it is not the one already there). */
export function renderInstallBinary(install: { url: string; sha256: string }, path: string = PATHS.downloadedBinary): string {
  return installBinaryTemplate({ path, url: install.url, sha256: install.sha256 });
}

/** Undo renderInstallBinary: removes the binary only while it is still the one installed. */
export function renderUninstallBinary(install: { sha256: string }, path: string = PATHS.downloadedBinary): string {
  return uninstallBinaryTemplate({ path, sha256: install.sha256 });
}

/**
 * Prints the installed version as the last line, failing when it is older than the first
 * release with --token-file (or is not the pinned one).
 */
export function renderCheckVersion(path: string, pin?: string): string {
  return checkVersionTemplate({ path, minVersion: TOKEN_FILE_SINCE, pin: pin ?? "" });
}
