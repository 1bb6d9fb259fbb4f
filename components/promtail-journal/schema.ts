// PromtailJournal's options: which agent ships the journal to Loki, where it comes from, and
// how it labels what it sends. Rules between options are checked here, so a wrong value fails
// `pulumi preview` with a message naming the field.
import { z } from "zod";

/** Promtail's end of life (Grafana): after it, no fixes; Alloy is the successor. */
export const PROMTAIL_END_OF_LIFE = "2026-03-02";

export const GRAFANA_APT_URL = "https://apt.grafana.com";
/**
 * Grafana's keyring as its install docs give it since the December 2025 key rotation. It holds
 * more than one key; the repository's signing key among them has this fingerprint.
 */
export const GRAFANA_KEY_URL = "https://apt.grafana.com/gpg-full.key";
export const GRAFANA_KEY_FINGERPRINT = "B53AE77BADB630A683046005963FA27710458545";

/** Release downloads, per agent: <base>/v<version>/<asset>. A mirror in the same layout works. */
export const RELEASE_URLS = {
  promtail: "https://github.com/grafana/loki/releases/download",
  alloy: "https://github.com/grafana/alloy/releases/download",
} as const;

/** True unless `url` parses and its path is not Loki's push API (a URL that does not parse fails on its own). */
function isPushEndpoint(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith("/loki/api/v1/push");
  } catch {
    return true;
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** The options an operator sets in stack config (`openclaw-infra:logs`). */
export const promtailOptionsSchema = z
  .object({
    /**
     * "promtail" (end of life since 2026-03-02: `pulumi up` warns) or "alloy" (Grafana Alloy,
     * `loki.source.journal` + `loki.write`, needs Alloy >= 1.9 for `alloy validate`).
     */
    agent: z.enum(["promtail", "alloy"]).default("promtail"),
    /** "apt": Grafana's apt repository (deb822, signed-by, fingerprint checked). "archive": a release download checked against `sha256`. */
    from: z.enum(["apt", "archive"]).default("apt"),
    /** Release to install: required with from: archive; with from: apt it pins the package (e.g. 1.10.2-1). */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.+~]+)?$/, "must be an exact version like 3.6.4")
      .optional(),
    /** sha256 of the release download (from: archive only). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 digest (64 lowercase hex characters)")
      .optional(),
    /** The agent's HTTP port on its listen address (the private address): readiness (/ready, Alloy /-/ready) and metrics. */
    port: z.number().int().min(1024).max(65535).default(9080),
    /** Value of the `job` label on every line. */
    job: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be a label value like systemd-journal (letters, digits, _ . : -)")
      .default("systemd-journal"),
    /** Only these units are shipped; empty ships the whole journal. */
    units: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9@._:-]+\.(service|socket|timer|mount|scope|slice|target)$/,
            "must be a systemd unit name like openclaw-gateway.service",
          ),
      )
      .default([]),
    /** Oldest journal entries read when no position is stored yet. */
    maxAge: z
      .string()
      .regex(/^\d+[smh]$/, "must be a duration like 12h")
      .default("12h"),
    /**
     * Longest wait between two tries of a batch Loki did not take. The agent retries without a
     * limit (a batch is never dropped while Loki is down or restarting; the journal is read on
     * once Loki takes it again), so this bounds how late lines arrive after Loki is back.
     */
    retryMaxBackoff: z
      .string()
      .regex(/^\d+(ms|s|m)$/, "must be a duration like 30s")
      .default("30s"),
    /** systemd MemoryMax=. */
    memoryMax: z
      .string()
      .regex(/^\d+[KMGT]?$/, "must be a size like 256M")
      .default("256M"),
    /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
    hardening: z.boolean().default(true),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.from === "archive") {
      if (!o.version)
        ctx.addIssue({ code: "custom", path: ["version"], message: "is required with from: archive (the release to download)" });
      else if (!/^\d+\.\d+\.\d+$/.test(o.version))
        ctx.addIssue({ code: "custom", path: ["version"], message: "must be a release like 3.6.4 with from: archive" });
      if (!o.sha256)
        ctx.addIssue({ code: "custom", path: ["sha256"], message: "is required with from: archive (the download is checked against it)" });
    } else if (o.sha256) {
      ctx.addIssue({
        code: "custom",
        path: ["sha256"],
        message: "only applies to from: archive (apt checks packages by their signed repository)",
      });
    }
    const seen = new Set<string>();
    o.units.forEach((unit, i) => {
      if (seen.has(unit)) ctx.addIssue({ code: "custom", path: ["units", i], message: `${unit} is listed twice` });
      seen.add(unit);
    });
  });

/** Everything the component needs besides the options: where logs go, what host they are from, sources. */
export const promtailArgsSchema = promtailOptionsSchema.safeExtend({
  /** Loki's push endpoint, derived from the topology (e.g. http://10.0.0.2:3100/loki/api/v1/push). */
  lokiUrl: httpUrl.refine(isPushEndpoint, "must be Loki's push endpoint, e.g. http://10.0.0.2:3100/loki/api/v1/push"),
  /**
   * Where the agent's HTTP server (readiness, metrics; nothing writable) listens: the host's
   * private address, so that Prometheus on the observability host scrapes its push errors.
   */
  listenAddress: z
    .ipv4()
    .refine((a) => a !== "0.0.0.0", "must be one address of the host, not 0.0.0.0")
    .default("127.0.0.1"),
  /** Value of the `host` label: the topology's host name. */
  hostLabel: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be a host name like vps1"),
  /** Base URL of Grafana's apt repository (a mirror works). */
  grafanaAptUrl: httpUrl.default(GRAFANA_APT_URL),
  /** URL of Grafana's keyring; it must hold a key with GRAFANA_KEY_FINGERPRINT. */
  grafanaKeyUrl: httpUrl.default(GRAFANA_KEY_URL),
  /** Base URL of release downloads (<base>/v<version>/<asset>); defaults to the agent's GitHub releases. */
  releaseUrl: httpUrl.optional(),
  /** File name of the release download: a .zip holding <name without .zip>, or the binary itself. */
  releaseAsset: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like promtail-linux-amd64.zip")
    .optional(),
});

export type PromtailOptions = z.input<typeof promtailOptionsSchema>;
export type PromtailArgsOptions = z.input<typeof promtailArgsSchema>;
export type PromtailSettings = z.output<typeof promtailArgsSchema>;
