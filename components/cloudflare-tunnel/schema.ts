// CloudflareTunnel's options, and those of its host side (CloudflaredConnector). Typed,
// defaulted and validated before any resource exists. Hardening is on by default; turning it
// off is explicit.
import { z } from "zod";
import type { Problem } from "../../src/registry/types";
import { DEFAULT_INSTANCE, INSTANCE_NAME } from "../gateway-service/schema";

/** Cloudflare's apt repository for cloudflared (https://pkg.cloudflare.com). */
export const CLOUDFLARE_APT_URL = "https://pkg.cloudflare.com/cloudflared";
/** The repository's signing key (binary OpenPGP). Its fingerprint is an option, see `keyFingerprint`. */
export const CLOUDFLARE_KEY_URL = "https://pkg.cloudflare.com/cloudflare-main.gpg";
/** First cloudflared release with `tunnel run --token-file` (cloudflare/cloudflared#645, 2025.4.0). */
export const TOKEN_FILE_SINCE = "2025.4.0";
/** The gateway on the same host, at `port` on loopback. */
export const gatewayOrigin = (port: number) => `http://127.0.0.1:${port}`;
/** The origin when the component is used alone: GatewayService's default port. */
export const DEFAULT_ORIGIN = gatewayOrigin(18789);

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** cloudflared from Cloudflare's apt repository (deb822 source, signed-by its own key). */
const aptInstallSchema = z
  .object({
    from: z.literal("apt"),
    /** Base URL of the repository (a mirror in the same layout works). */
    repoUrl: httpUrl.default(CLOUDFLARE_APT_URL),
    /** Cloudflare's suite "any" serves every Debian and Ubuntu release. */
    suite: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, "must be an apt suite name like any or bookworm")
      .default("any"),
    /** URL of the repository's signing key. */
    keyUrl: httpUrl.default(CLOUDFLARE_KEY_URL),
    /**
     * Full fingerprint the key at keyUrl must have. No default: Cloudflare rotated this key in
     * 2025, and a pinned value that was not checked by hand would only look like verification.
     */
    keyFingerprint: z
      .string({
        error: `is required with from: apt: the 40 hex digits of the key at keyUrl, checked by hand (curl -fsSL ${CLOUDFLARE_KEY_URL} | gpg --show-keys)`,
      })
      .regex(/^[0-9A-F]{40}$/, "must be a full OpenPGP fingerprint: 40 uppercase hex digits, no spaces"),
    /** Exact package version to install, e.g. "2025.11.1"; the newest the repository has when absent. */
    version: z
      .string()
      .regex(/^\d{4}\.\d{1,2}\.\d+$/, "must be an exact cloudflared version like 2025.11.1")
      .optional(),
  })
  .strict();

/** A cloudflared binary from a URL (a release asset or a local mirror), checked against its sha256. */
const binaryInstallSchema = z
  .object({
    from: z.literal("binary"),
    url: z.url({ protocol: /^https?$/, error: "is required with from: binary: the http(s) URL of a linux cloudflared binary" }),
    sha256: z
      .string({ error: "is required with from: binary: the sha256 of the binary at url" })
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 digest: 64 lowercase hex digits"),
  })
  .strict();

export const installSchema = z.discriminatedUnion("from", [aptInstallSchema, binaryInstallSchema], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? "must be apt or binary"
      : issue.code === "invalid_type"
        ? "must be { from: apt, keyFingerprint } or { from: binary, url, sha256 }"
        : undefined,
});

/** What `waitForReady: true` with `run: false` is told. */
export const NOT_RUN_NOT_READY = "cannot be true with run: false: a cloudflared that is not started never becomes ready";

/** The host side: cloudflared installed, its token file, the hardened unit and its readiness. */
const connectorShape = {
  /**
   * Where cloudflared comes from. Default (with run: true): Cloudflare's apt repository, which
   * needs keyFingerprint (the default is parsed, so leaving it out says exactly that). With
   * run: false nothing is installed; `install` then only says which binary path the unit names
   * (default /usr/bin/cloudflared, where the apt package puts it).
   */
  install: installSchema.optional(),
  /**
   * false: the switched-off mode, for hosts that cannot reach Cloudflare (or cannot obtain
   * cloudflared, like the sandbox). Nothing is installed; the token file (root 0600, the secret
   * on stdin) and the hardened unit are written, so `systemd-analyze security cloudflared.service`
   * can score it, but the unit is neither enabled nor started (a running one is stopped and
   * disabled), and there is no readiness wait: waitForReady defaults to false and cannot be true.
   */
  run: z.boolean().default(true),
  /** Port of the metrics server on 127.0.0.1; it serves /ready and /metrics. */
  metricsPort: z.number().int().min(1024).max(65535).default(20241),
  /** Transport to Cloudflare's edge. "http2" (TCP 7844) where UDP is blocked; "auto" tries QUIC first. */
  protocol: z.enum(["auto", "quic", "http2"]).default("auto"),
  /**
   * Wait for /ready (at least one edge connection) after every (re)start, failing the deploy
   * with the journal when it does not come. Default: true with run: true, false with run:
   * false. Turn off only where the edge cannot be reached: the unit, the token file and their
   * permissions are deployed all the same.
   */
  waitForReady: z.boolean().optional(),
  /** How long to wait for /ready. */
  readyTimeoutSeconds: z.number().int().min(5).max(600).default(60),
  /** systemd MemoryMax=, e.g. "256M". */
  memoryMax: z
    .string()
    .regex(/^\d+[KMGT]?$/, "must be a size like 256M")
    .default("256M"),
  /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
  hardening: z.boolean().default(true),
};

/** Before parsing: a cloudflared that runs is installed, from apt unless `install` says otherwise. */
function defaultInstall(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const o = input as Record<string, unknown>;
  return o.run !== false && o.install === undefined ? { ...o, install: { from: "apt" } } : o;
}

type RunFields = { run: boolean; waitForReady?: boolean };

/** The rule between run and waitForReady, then waitForReady's default (= run). */
function connectorRules<T extends z.ZodObject<typeof connectorShape & z.core.$ZodLooseShape>>(object: T) {
  return z.preprocess(
    defaultInstall,
    object
      .superRefine((o, ctx) => {
        const { run, waitForReady } = o as RunFields;
        if (!run && waitForReady === true) ctx.addIssue({ code: "custom", path: ["waitForReady"], message: NOT_RUN_NOT_READY });
      })
      .transform((o) => ({ ...o, waitForReady: (o as RunFields).waitForReady ?? (o as RunFields).run })),
  );
}

const connectorObject = z.object(connectorShape).strict();
export const cloudflaredOptionsSchema = connectorRules(connectorObject);

/** A DNS name in a Cloudflare zone: lowercase, no wildcard, no trailing dot. */
const DNS_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A DNS name in a Cloudflare zone, e.g. claw.example.com; `error` is what a value that is no string is told. */
const dnsName = (error: string) =>
  z.string({ error }).max(253, "must be at most 253 characters").regex(DNS_NAME, "must be a lowercase DNS name like claw.example.com");

const hostnameSchema = dnsName("is required: the public hostname, e.g. claw.example.com");

const cloudflareId = (what: string) =>
  z
    .string({ error: `is required: the Cloudflare ${what} (32 hex digits, from the dashboard)` })
    .regex(/^[0-9a-f]{32}$/, `must be a Cloudflare ${what}: 32 lowercase hex digits`);

const originSchema = z.url({
  protocol: /^https?$/,
  hostname: /^(127\.0\.0\.1|localhost|\[::1\])$/,
  error: "must be an http(s) URL on loopback, like http://127.0.0.1:18789",
});

/** One hostname the tunnel publishes, and where its requests go on the host. */
export const tunnelRouteSchema = z
  .object({
    /** The gateway instance it reaches: its key in `publicUrls`, and the suffix of its DNS record's resource name. */
    instance: z.string().regex(INSTANCE_NAME, "must be an instance name: a lower-case letter, then letters or digits (16 at most)"),
    /** Public hostname; a proxied CNAME is created for it. */
    hostname: hostnameSchema,
    /** Where its requests go: a gateway on loopback. */
    origin: originSchema,
  })
  .strict();

/** Routes: at least one, no instance and no hostname twice. */
const routesSchema = z
  .array(tunnelRouteSchema)
  .min(1, "must list at least one route")
  .superRefine((routes, ctx) => {
    for (const [i, r] of routes.entries()) {
      const j = routes.findIndex((o) => o.instance === r.instance);
      if (j < i) ctx.addIssue({ code: "custom", path: [i, "instance"], message: `is also routes.${j}.instance: one route per instance` });
      const k = routes.findIndex((o) => o.hostname === r.hostname);
      if (k < i) ctx.addIssue({ code: "custom", path: [i, "hostname"], message: `is also routes.${k}.hostname: one route per hostname` });
    }
  });

/** The Cloudflare side, then the host side. */
const tunnelShape = {
  /** Public hostname routed through the tunnel to `origin`; a proxied CNAME is created for it. */
  hostname: hostnameSchema,
  /** Cloudflare account that owns the tunnel. */
  accountId: cloudflareId("account ID"),
  /** Cloudflare zone (domain) the hostname is in. */
  zoneId: cloudflareId("zone ID"),
  /** Name of the tunnel in the Cloudflare dashboard. Default: the (first) hostname. */
  tunnelName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'")
    .optional(),
  /** Where the hostname's requests go on the host: the gateway on loopback. */
  origin: originSchema.default(DEFAULT_ORIGIN),
  ...connectorShape,
};

/**
 * CloudflareTunnel's options: one hostname and its origin (`hostname`, `origin`), or several
 * (`routes`, one per gateway instance), not both.
 */
const tunnelObject = z
  .object({
    ...tunnelShape,
    /** Public hostname routed through the tunnel to `origin`; a proxied CNAME is created for it. Required without `routes`. */
    hostname: hostnameSchema.optional(),
    /** Where the hostname's requests go on the host: the gateway on loopback. Default: GatewayService's default port. */
    origin: originSchema.optional(),
    /**
     * Several hostnames, each to its own origin, instead of `hostname` and `origin`. The first
     * is the tunnel's own: its name by default, `publicUrl`, and the DNS record's resource name
     * a tunnel with one hostname has (the others add `-<instance>`).
     */
    routes: routesSchema.optional(),
  })
  .strict()
  .superRefine(
    (o, ctx) => {
      if (o.routes === undefined) {
        if (o.hostname === undefined)
          ctx.addIssue({ code: "custom", path: ["hostname"], message: "is required: the public hostname, e.g. claw.example.com" });
        return;
      }
      for (const key of ["hostname", "origin"] as const)
        if (o[key] !== undefined)
          ctx.addIssue({ code: "custom", path: [key], message: `cannot be set with routes: each route has its own ${key}` });
    },
    // Also beside other problems (of an object): a missing hostname is said with the rest, as a required field is.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );

/** One hostname and its origin (`origin` defaulted), or the routes. */
export const cloudflareTunnelOptionsSchema = connectorRules(tunnelObject).transform((o) =>
  o.routes === undefined ? { ...o, origin: o.origin ?? DEFAULT_ORIGIN } : o,
);

/** A tunnel's routes from its parsed options: `routes`, else its one hostname (instance `default`) and origin. */
export function routesOf(s: CloudflareTunnelSettings): TunnelRoute[] {
  if (s.routes !== undefined) return s.routes;
  if (s.hostname === undefined) throw new Error("CloudflareTunnel: neither hostname nor routes (the schema requires one)");
  return [{ instance: DEFAULT_INSTANCE, hostname: s.hostname, origin: s.origin ?? DEFAULT_ORIGIN }];
}

/**
 * The same options in stack config (`openclaw-infra:tunnel`), with a hostname for each gateway
 * instance of the host. `origin` has no default there: the program points each hostname at its
 * instance's configured port.
 */
export const tunnelConfigSchema = connectorRules(
  z
    .object({
      ...tunnelShape,
      /**
       * Public hostname of the host's first gateway instance: `default` when it has one, else
       * the first by name. A proxied CNAME is created for it.
       */
      hostname: hostnameSchema,
      /**
       * Public hostnames of the other gateway instances, by instance name. An instance without
       * one gets `<instance>-<hostname>` (work-claw.example.com for claw.example.com): a name
       * beside `hostname`, not under it, because Cloudflare's Universal SSL certificate covers
       * the zone's apex and one level of subdomain only (*.example.com, not
       * *.claw.example.com). A hostname set here one level deeper needs a certificate of its own.
       * Nothing is derived from a two-label `hostname` (the zone's apex: example.com would give
       * work-example.com, another domain): set each instance's here then.
       */
      hostnames: z.record(z.string(), dnsName("must be a lowercase DNS name like work.example.com")).optional(),
      /** Where the first instance's requests go, instead of its port on loopback. */
      origin: originSchema.optional(),
    })
    .strict()
    .superRefine((o, ctx) => {
      const seen = new Map<string, string>([[o.hostname, "tunnel.hostname"]]);
      for (const [instance, hostname] of Object.entries(o.hostnames ?? {})) {
        const other = seen.get(hostname);
        if (other)
          ctx.addIssue({
            code: "custom",
            path: ["hostnames", instance],
            message: `is also ${other}: each instance needs its own hostname`,
          });
        else seen.set(hostname, `tunnel.hostnames.${instance}`);
      }
    }),
);

/** What derives the hostnames of a host's gateway instances (tunnelConfigSchema's output). */
export interface InstanceHostnameOptions {
  hostname: string;
  hostnames?: Record<string, string>;
}

/** The first of a host's gateway instances: `default` when it has one, else the first by name. */
export function firstInstance(instances: readonly string[]): string | undefined {
  return instances.includes(DEFAULT_INSTANCE) ? DEFAULT_INSTANCE : [...instances].sort()[0];
}

/**
 * Each gateway instance's public hostname, the first instance's first (see tunnelConfigSchema):
 * `hostname` for the first, `hostnames.<instance>` or `<instance>-<hostname>` for the others.
 * Pure. Problems, each naming `tunnel.hostnames.<instance>`: a key naming no instance (or the
 * first, whose hostname is `hostname`), a derived name that is no name of the zone or too long,
 * and two instances with one hostname.
 */
export function instanceHostnames(
  options: InstanceHostnameOptions,
  instances: readonly string[],
): { hostnames: { instance: string; hostname: string }[]; problems: Problem[] } {
  const first = firstInstance(instances);
  const key = (instance: string) => `tunnel.hostnames.${instance}`;
  const problems: Problem[] = [];
  const explicit = options.hostnames ?? {};
  for (const instance of Object.keys(explicit)) {
    if (instance === first)
      problems.push({ key: key(instance), message: `is the first gateway instance's hostname: set it as tunnel.hostname` });
    else if (!instances.includes(instance))
      problems.push({ key: key(instance), message: `names no gateway instance of this host (instances: ${instances.join(", ")})` });
  }
  if (first === undefined) return { hostnames: [], problems };

  const [firstLabel, ...rest] = options.hostname.split(".");
  const derive = (instance: string): string | undefined => {
    const name = `${instance}-${options.hostname}`;
    if (rest.length < 2)
      problems.push({
        key: key(instance),
        message: `is required: tunnel.hostname ${options.hostname} is a domain's apex, and ${name} would be another domain`,
      });
    else if (`${instance}-${firstLabel}`.length > 63 || name.length > 253)
      problems.push({ key: key(instance), message: `is required: ${name} would be longer than a DNS name may be` });
    else return name;
    return undefined;
  };

  const hostnames = [{ instance: first, hostname: options.hostname }];
  const where = new Map<string, string>([[options.hostname, "tunnel.hostname"]]);
  for (const instance of [...instances].sort().filter((i) => i !== first)) {
    const set = explicit[instance];
    const hostname = set ?? derive(instance);
    if (hostname === undefined) continue;
    const other = where.get(hostname);
    if (other)
      problems.push({
        key: key(instance),
        message: set
          ? `is also ${other}: each instance needs its own hostname`
          : `is required: ${hostname}, derived for ${instance}, is also ${other}`,
      });
    else where.set(hostname, set ? key(instance) : `${instance}'s derived hostname`);
    hostnames.push({ instance, hostname });
  }
  return { hostnames, problems };
}

/** The tunnel token, validated where it becomes known (it is secret: inside an apply). */
export const tokenSchema = z
  .object({
    token: z
      .string({ error: "is required: the tunnel token (secret)" })
      .regex(
        /^[A-Za-z0-9+/_-]{32,}={0,2}$/,
        "must be a tunnel token: one base64 string of at least 32 characters, as the dashboard prints it",
      ),
  })
  .strict();

export type InstallOptions = z.input<typeof installSchema>;
/** Input types come from the objects: the schemas' own input is `unknown` (they preprocess). */
export type CloudflaredOptions = z.input<typeof connectorObject>;
export type CloudflaredSettings = z.output<typeof cloudflaredOptionsSchema>;
export type CloudflareTunnelOptions = z.input<typeof tunnelObject>;
export type CloudflareTunnelSettings = z.output<typeof cloudflareTunnelOptionsSchema>;
export type TunnelRoute = z.output<typeof tunnelRouteSchema>;
export type TunnelConfig = z.output<typeof tunnelConfigSchema>;
