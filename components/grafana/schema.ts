// Grafana's options: typed, defaulted and validated before any resource exists. Grafana comes
// from Grafana's apt repository, pinned by the fingerprint the operator checked by hand; with
// `run: false` (the sandbox, which cannot obtain Grafana) nothing is installed and the unit is
// written but not started.
import { z } from "zod";

/** Grafana's apt repository (https://grafana.com/docs/grafana/latest/setup-grafana/installation/debian/). */
export const GRAFANA_APT_URL = "https://apt.grafana.com";
/** Its signing key (ASCII-armored). Its fingerprint is an option, see `keyFingerprint`. */
export const GRAFANA_KEY_URL = "https://apt.grafana.com/gpg.key";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** Grafana from its apt repository (deb822 source, signed-by its own key). */
const aptInstallSchema = z
  .object({
    /** Base URL of the repository (a mirror in the same layout works). */
    repoUrl: httpUrl.default(GRAFANA_APT_URL),
    /** "stable" or "beta". */
    suite: z.enum(["stable", "beta"]).default("stable"),
    /** URL of the repository's signing key. */
    keyUrl: httpUrl.default(GRAFANA_KEY_URL),
    /**
     * Full fingerprint the key at keyUrl must have. No default: Grafana rotated this key after
     * its 2023 exposure, and a pinned value nobody checked by hand only looks like verification.
     */
    keyFingerprint: z
      .string({
        error: `is required: the 40 hex digits of the key at keyUrl, checked by hand (curl -fsSL ${GRAFANA_KEY_URL} | gpg --show-keys)`,
      })
      .regex(/^[0-9A-F]{40}$/, "must be a full OpenPGP fingerprint: 40 uppercase hex digits, no spaces"),
    /** Exact package version, e.g. "12.2.1"; the newest the repository has when absent. */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:[-+~][0-9A-Za-z.+~-]+)?$/, "must be an exact Grafana package version like 12.2.1")
      .optional(),
  })
  .strict();

/** What `waitForHealthy: true` with `run: false` is told. */
export const NOT_RUN_NOT_HEALTHY = "cannot be true with run: false: a Grafana that is not started never answers /api/health";

const grafanaObject = z
  .object({
    /** Where Grafana comes from (its apt repository). Required with run: true; ignored with run: false. */
    install: aptInstallSchema.optional(),
    /**
     * false: switched off, for hosts that cannot obtain Grafana (the sandbox). Nothing is
     * installed; grafana.ini, the admin password file, the provisioning files and the hardened
     * unit are written (so the unit can be scored and the files reviewed), but the unit is
     * neither enabled nor started (a running one is stopped and disabled).
     */
    run: z.boolean().default(true),
    /** HTTP port on the host's private address. */
    port: z.number().int().min(1024).max(65535).default(3000),
    /** The admin account's login; its password is the secret grafanaAdminPassword. */
    adminUser: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]{0,31}$/, "must be a login: lowercase letter, then letters, digits, '_', '.', '-'")
      .default("admin"),
    /** Anonymous viewers, sign-up and Grafana's phone-home all stay off; this is the one allowed: the UI's root URL when behind a tunnel or proxy. */
    rootUrl: httpUrl.optional(),
    /** Wait for /api/health after every (re)start. Default: run. */
    waitForHealthy: z.boolean().optional(),
    /** systemd MemoryMax=. */
    memoryMax: z
      .string()
      .regex(/^\d+[KMGT]?$/, "must be a size like 512M")
      .default("512M"),
    /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
    hardening: z.boolean().default(true),
  })
  .strict();

export const grafanaOptionsSchema = grafanaObject
  .superRefine((o, ctx) => {
    if (!o.run && o.waitForHealthy === true) ctx.addIssue({ code: "custom", path: ["waitForHealthy"], message: NOT_RUN_NOT_HEALTHY });
    if (o.run && !o.install)
      ctx.addIssue({
        code: "custom",
        path: ["install", "keyFingerprint"],
        message: `is required with run: true: the 40 hex digits of the key at ${GRAFANA_KEY_URL}, checked by hand (curl -fsSL ${GRAFANA_KEY_URL} | gpg --show-keys)`,
      });
  })
  .transform((o) => ({ ...o, waitForHealthy: o.waitForHealthy ?? o.run }));

/** Where the datasources are: the observability host's Prometheus, Loki and Tempo (their listeners, src/registry). */
export const backendsSchema = z
  .object({
    prometheusUrl: httpUrl,
    /** Prometheus asks for basic auth: this user, with the password Grafana gets as prometheusPassword. */
    prometheusUser: z.string().min(1),
    lokiUrl: httpUrl,
    tempoUrl: httpUrl,
  })
  .strict();

/** The admin password, validated where it becomes known (it is secret: inside an apply). */
export const adminPasswordSchema = z
  .string({ error: "is required: the Grafana admin password (secret)" })
  .min(12, "must be at least 12 characters")
  .refine((p) => !/[\r\n]/.test(p), "must be one line");

export type GrafanaOptions = z.input<typeof grafanaObject>;
export type GrafanaSettings = z.output<typeof grafanaOptionsSchema>;
export type Backends = z.output<typeof backendsSchema>;
