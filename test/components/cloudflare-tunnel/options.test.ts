// Every option error path of CloudflareTunnel and CloudflaredConnector, with its exact message.
// Validation runs first in the constructor, so a bad option fails before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CloudflaredConnector,
  CloudflaredConnectorArgs,
  cloudflaredOptionsSchema,
  CloudflareTunnel,
  CloudflareTunnelArgs,
  cloudflareTunnelOptionsSchema,
  instanceHostnames,
  NOT_RUN_NOT_READY,
  routesOf,
  tokenSchema,
  tunnelConfigSchema,
} from "../../../components/cloudflare-tunnel";
import { parseOrThrow, ValidationError } from "../../../src/validate";
import { BINARY_SHA, connection, KEY_FINGERPRINT, TOKEN, validOptions } from "./fixtures";

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: () => ({ token: TOKEN }),
    },
    "openclaw-infra",
    "vps1",
    false,
  );
});

/** The ValidationError `build` throws; undefined when it throws none (any other error is rethrown). */
function rejection(build: () => unknown): ValidationError | undefined {
  try {
    build();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  return undefined;
}

/** The error lines the constructor throws for these options (typed loosely: they are meant to be wrong). */
function problems(options: Record<string, unknown>): string[] {
  const error = rejection(() => new CloudflareTunnel("vps1-tunnel", { connection, ...options } as CloudflareTunnelArgs));
  if (!error) throw new Error("expected the options to be rejected");
  return error.problems;
}

const P = "CloudflareTunnel vps1-tunnel: ";
const binary = { from: "binary", url: "http://mirror.test/cloudflared", sha256: BINARY_SHA };
/** The valid apt install method with `fields` changed. */
const apt = (fields: Record<string, unknown>) => ({ ...validOptions().install, ...fields });
const fingerprintRequired =
  "is required with from: apt: the 40 hex digits of the key at keyUrl, checked by hand (curl -fsSL https://pkg.cloudflare.com/cloudflare-main.gpg | gpg --show-keys)";

describe("CloudflareTunnel options", () => {
  it("accepts valid options and fills in the documented defaults", () => {
    expect(cloudflareTunnelOptionsSchema.parse(validOptions())).toEqual({
      hostname: "claw.example.com",
      accountId: validOptions().accountId,
      zoneId: validOptions().zoneId,
      origin: "http://127.0.0.1:18789",
      install: {
        from: "apt",
        repoUrl: "https://pkg.cloudflare.com/cloudflared",
        suite: "any",
        keyUrl: "https://pkg.cloudflare.com/cloudflare-main.gpg",
        keyFingerprint: KEY_FINGERPRINT,
      },
      run: true,
      metricsPort: 20241,
      protocol: "auto",
      waitForReady: true,
      readyTimeoutSeconds: 60,
      memoryMax: "256M",
      hardening: true,
    });
  });

  const cases: [string, (o: Record<string, unknown>) => void, string[]][] = [
    ["hostname missing", (o) => delete o.hostname, [`${P}hostname: is required: the public hostname, e.g. claw.example.com`]],
    [
      "hostname with a scheme",
      (o) => (o.hostname = "https://claw.example.com"),
      [`${P}hostname: must be a lowercase DNS name like claw.example.com`],
    ],
    ["hostname uppercase", (o) => (o.hostname = "Claw.Example.com"), [`${P}hostname: must be a lowercase DNS name like claw.example.com`]],
    ["hostname wildcard", (o) => (o.hostname = "*.example.com"), [`${P}hostname: must be a lowercase DNS name like claw.example.com`]],
    ["hostname single label", (o) => (o.hostname = "claw"), [`${P}hostname: must be a lowercase DNS name like claw.example.com`]],
    [
      "hostname too long",
      (o) => (o.hostname = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`),
      [`${P}hostname: must be at most 253 characters`],
    ],
    [
      "account ID missing",
      (o) => delete o.accountId,
      [`${P}accountId: is required: the Cloudflare account ID (32 hex digits, from the dashboard)`],
    ],
    ["account ID shape", (o) => (o.accountId = "my-account"), [`${P}accountId: must be a Cloudflare account ID: 32 lowercase hex digits`]],
    ["zone ID missing", (o) => delete o.zoneId, [`${P}zoneId: is required: the Cloudflare zone ID (32 hex digits, from the dashboard)`]],
    ["zone ID shape", (o) => (o.zoneId = "A".repeat(32)), [`${P}zoneId: must be a Cloudflare zone ID: 32 lowercase hex digits`]],
    ["tunnel name shape", (o) => (o.tunnelName = "my tunnel"), [`${P}tunnelName: must be 1-63 letters, digits, '.', '_' or '-'`]],
    [
      "origin off loopback",
      (o) => (o.origin = "http://10.0.0.1:18789"),
      [`${P}origin: must be an http(s) URL on loopback, like http://127.0.0.1:18789`],
    ],
    [
      "origin not a URL",
      (o) => (o.origin = "127.0.0.1:18789"),
      [`${P}origin: must be an http(s) URL on loopback, like http://127.0.0.1:18789`],
    ],
    ["install missing (apt needs the key fingerprint)", (o) => delete o.install, [`${P}install.keyFingerprint: ${fingerprintRequired}`]],
    ["install method unknown", (o) => (o.install = { from: "snap" }), [`${P}install.from: must be apt or binary`]],
    ["install method missing", (o) => (o.install = {}), [`${P}install.from: must be apt or binary`]],
    [
      "install not an object",
      (o) => (o.install = "apt"),
      [`${P}install: must be { from: apt, keyFingerprint } or { from: binary, url, sha256 }`],
    ],
    ["apt without fingerprint", (o) => (o.install = { from: "apt" }), [`${P}install.keyFingerprint: ${fingerprintRequired}`]],
    [
      "apt fingerprint with spaces",
      (o) => (o.install = apt({ keyFingerprint: "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567" })),
      [`${P}install.keyFingerprint: must be a full OpenPGP fingerprint: 40 uppercase hex digits, no spaces`],
    ],
    [
      "apt short key ID",
      (o) => (o.install = apt({ keyFingerprint: "8CACCBF8" })),
      [`${P}install.keyFingerprint: must be a full OpenPGP fingerprint: 40 uppercase hex digits, no spaces`],
    ],
    ["apt repository URL", (o) => (o.install = apt({ repoUrl: "ftp://pkg.example.com" })), [`${P}install.repoUrl: must be an http(s) URL`]],
    ["apt key URL", (o) => (o.install = apt({ keyUrl: "pkg.cloudflare.com/key.gpg" })), [`${P}install.keyUrl: must be an http(s) URL`]],
    ["apt suite", (o) => (o.install = apt({ suite: "Any Suite" })), [`${P}install.suite: must be an apt suite name like any or bookworm`]],
    [
      "apt version",
      (o) => (o.install = apt({ version: "latest" })),
      [`${P}install.version: must be an exact cloudflared version like 2025.11.1`],
    ],
    ["apt unknown setting", (o) => (o.install = apt({ url: "http://x" })), [`${P}install.url: unknown setting (misspelled?)`]],
    [
      "binary without url",
      (o) => (o.install = { from: "binary", sha256: BINARY_SHA }),
      [`${P}install.url: is required with from: binary: the http(s) URL of a linux cloudflared binary`],
    ],
    [
      "binary url scheme",
      (o) => (o.install = { ...binary, url: "file:///tmp/cloudflared" }),
      [`${P}install.url: is required with from: binary: the http(s) URL of a linux cloudflared binary`],
    ],
    [
      "binary without sha256",
      (o) => (o.install = { from: "binary", url: binary.url }),
      [`${P}install.sha256: is required with from: binary: the sha256 of the binary at url`],
    ],
    [
      "binary sha256 shape",
      (o) => (o.install = { ...binary, sha256: "abc" }),
      [`${P}install.sha256: must be a sha256 digest: 64 lowercase hex digits`],
    ],
    [
      "binary unknown setting",
      (o) => (o.install = { ...binary, keyFingerprint: KEY_FINGERPRINT }),
      [`${P}install.keyFingerprint: unknown setting (misspelled?)`],
    ],
    ["metrics port", (o) => (o.metricsPort = 80), [`${P}metricsPort: Too small: expected number to be >=1024`]],
    ["metrics port not an integer", (o) => (o.metricsPort = 20241.5), [`${P}metricsPort: Invalid input: expected int, received number`]],
    ["protocol", (o) => (o.protocol = "h2mux"), [`${P}protocol: Invalid option: expected one of "auto"|"quic"|"http2"`]],
    ["waitForReady", (o) => (o.waitForReady = "no"), [`${P}waitForReady: Invalid input: expected boolean, received string`]],
    ["ready timeout", (o) => (o.readyTimeoutSeconds = 1), [`${P}readyTimeoutSeconds: Too small: expected number to be >=5`]],
    ["memory limit", (o) => (o.memoryMax = "lots"), [`${P}memoryMax: must be a size like 256M`]],
    ["hardening", (o) => (o.hardening = "yes"), [`${P}hardening: Invalid input: expected boolean, received string`]],
    ["misspelled setting", (o) => (o.waitForReaddy = false), [`${P}waitForReaddy: unknown setting (misspelled?)`]],
    ["run", (o) => (o.run = "no"), [`${P}run: Invalid input: expected boolean, received string`]],
    [
      "a readiness wait for a cloudflared that is not started",
      (o) => Object.assign(o, { run: false, waitForReady: true }),
      [`${P}waitForReady: ${NOT_RUN_NOT_READY}`],
    ],
  ];
  it.each(cases)("rejects %s", (_name, mutate, expected) => {
    const options = validOptions();
    mutate(options);
    expect(problems(options)).toEqual(expected);
  });

  it("reports every problem at once", () => {
    expect(problems({ hostname: "claw", metricsPort: 80, install: binary })).toEqual([
      `${P}hostname: must be a lowercase DNS name like claw.example.com`,
      `${P}accountId: is required: the Cloudflare account ID (32 hex digits, from the dashboard)`,
      `${P}zoneId: is required: the Cloudflare zone ID (32 hex digits, from the dashboard)`,
      `${P}metricsPort: Too small: expected number to be >=1024`,
    ]);
  });
});

describe("routes: several hostnames, each to its own origin", () => {
  const route = (instance: string, hostname: string, port: number) => ({ instance, hostname, origin: `http://127.0.0.1:${port}` });
  const two = [route("default", "claw.example.com", 18789), route("work", "work-claw.example.com", 18909)];
  const { hostname: _hostname, ...withoutHostname } = validOptions();

  it("takes routes instead of hostname and origin, and keeps them in order", () => {
    const s = cloudflareTunnelOptionsSchema.parse({ ...withoutHostname, routes: two });
    expect(s.routes).toEqual(two);
    expect(s).not.toHaveProperty("hostname");
    expect(s).not.toHaveProperty("origin");
    expect(routesOf(s)).toEqual(two);
    expect(cloudflareTunnelOptionsSchema.parse(s)).toEqual(s);
  });

  it("makes one hostname and its origin the one route of instance default", () => {
    expect(routesOf(cloudflareTunnelOptionsSchema.parse(validOptions()))).toEqual([route("default", "claw.example.com", 18789)]);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      "hostname beside routes",
      { ...validOptions(), routes: two },
      [`${P}hostname: cannot be set with routes: each route has its own hostname`],
    ],
    [
      "origin beside routes",
      { ...withoutHostname, origin: "http://127.0.0.1:18789", routes: two },
      [`${P}origin: cannot be set with routes: each route has its own origin`],
    ],
    ["no route", { ...withoutHostname, routes: [] }, [`${P}routes: must list at least one route`]],
    [
      "an instance twice",
      { ...withoutHostname, routes: [two[0], { ...two[1], instance: "default" }] },
      [`${P}routes.1.instance: is also routes.0.instance: one route per instance`],
    ],
    [
      "a hostname twice",
      { ...withoutHostname, routes: [two[0], { ...two[1], hostname: "claw.example.com" }] },
      [`${P}routes.1.hostname: is also routes.0.hostname: one route per hostname`],
    ],
    [
      "a bad route",
      { ...withoutHostname, routes: [{ instance: "Work", hostname: "claw", origin: "http://10.0.0.1:1", extra: 1 }] },
      [
        `${P}routes.0.instance: must be an instance name: a lower-case letter, then letters or digits (16 at most)`,
        `${P}routes.0.hostname: must be a lowercase DNS name like claw.example.com`,
        `${P}routes.0.origin: must be an http(s) URL on loopback, like http://127.0.0.1:18789`,
        `${P}routes.0.extra: unknown setting (misspelled?)`,
      ],
    ],
    [
      "neither hostname nor routes, said with the other problems",
      { ...withoutHostname, zoneId: "z" },
      [
        `${P}zoneId: must be a Cloudflare zone ID: 32 lowercase hex digits`,
        `${P}hostname: is required: the public hostname, e.g. claw.example.com`,
      ],
    ],
  ];
  it.each(cases)("rejects %s", (_name, options, expected) => {
    expect(problems(options)).toEqual(expected);
  });
});

describe("the hostnames of a host's gateway instances (stack config)", () => {
  const config = (fields: Record<string, unknown>) => ({ ...validOptions(), ...fields });
  const issues = (fields: Record<string, unknown>) =>
    tunnelConfigSchema.safeParse(config(fields)).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

  it("takes a hostname per instance beside the first's, and no origin by default", () => {
    const s = tunnelConfigSchema.parse(config({ hostnames: { work: "work.example.com" } }));
    expect(s.hostname).toBe("claw.example.com");
    expect(s.hostnames).toEqual({ work: "work.example.com" });
    expect(s.origin).toBeUndefined();
    expect(tunnelConfigSchema.parse(config({})).hostnames).toBeUndefined();
  });

  it("refuses a hostname that is no DNS name, and one two instances would share", () => {
    expect(issues({ hostnames: { work: "Work" } })).toEqual(["hostnames.work: must be a lowercase DNS name like claw.example.com"]);
    expect(issues({ hostnames: { work: 1 } })).toEqual(["hostnames.work: must be a lowercase DNS name like work.example.com"]);
    expect(issues({ hostnames: { work: "claw.example.com" } })).toEqual([
      "hostnames.work: is also tunnel.hostname: each instance needs its own hostname",
    ]);
    expect(issues({ hostnames: { home: "x.example.com", work: "x.example.com" } })).toEqual([
      "hostnames.work: is also tunnel.hostnames.home: each instance needs its own hostname",
    ]);
  });

  describe("instanceHostnames", () => {
    const hostname = "claw.example.com";
    it("gives the first instance (default) tunnel.hostname and derives the others' one label beside it", () => {
      expect(instanceHostnames({ hostname }, ["default", "home", "work"])).toEqual({
        hostnames: [
          { instance: "default", hostname },
          { instance: "home", hostname: "home-claw.example.com" },
          { instance: "work", hostname: "work-claw.example.com" },
        ],
        problems: [],
      });
    });

    it("takes the first by name as the first instance when there is no default", () => {
      expect(instanceHostnames({ hostname }, ["work", "alpha"]).hostnames).toEqual([
        { instance: "alpha", hostname },
        { instance: "work", hostname: "work-claw.example.com" },
      ]);
    });

    it("takes a hostname set for an instance over the derived one", () => {
      expect(instanceHostnames({ hostname, hostnames: { work: "work.example.com" } }, ["default", "work"]).hostnames).toEqual([
        { instance: "default", hostname },
        { instance: "work", hostname: "work.example.com" },
      ]);
    });

    it("gives a single instance tunnel.hostname alone", () => {
      expect(instanceHostnames({ hostname }, ["default"])).toEqual({ hostnames: [{ instance: "default", hostname }], problems: [] });
    });

    it.each<[string, Record<string, string>, string[], { key: string; message: string }[]]>([
      [
        "a key naming no instance",
        { wrok: "wrok.example.com" },
        ["default", "work"],
        [{ key: "tunnel.hostnames.wrok", message: "names no gateway instance of this host (instances: default, work)" }],
      ],
      [
        "the first instance's key",
        { default: "other.example.com" },
        ["default"],
        [{ key: "tunnel.hostnames.default", message: "is the first gateway instance's hostname: set it as tunnel.hostname" }],
      ],
      [
        "a derived hostname another instance has",
        { alpha: "work-claw.example.com" },
        ["default", "alpha", "work"],
        [
          {
            key: "tunnel.hostnames.work",
            message: "is required: work-claw.example.com, derived for work, is also tunnel.hostnames.alpha",
          },
        ],
      ],
      [
        "a set hostname a derived one has",
        { work: "alpha-claw.example.com" },
        ["default", "alpha", "work"],
        [{ key: "tunnel.hostnames.work", message: "is also alpha's derived hostname: each instance needs its own hostname" }],
      ],
    ])("refuses %s, naming the key", (_name, hostnames, instances, expected) => {
      expect(instanceHostnames({ hostname, hostnames }, instances).problems).toEqual(expected);
    });

    it("derives nothing from a zone's apex, or past a DNS label's length", () => {
      expect(instanceHostnames({ hostname: "example.com" }, ["default", "work"]).problems).toEqual([
        {
          key: "tunnel.hostnames.work",
          message: "is required: tunnel.hostname example.com is a domain's apex, and work-example.com would be another domain",
        },
      ]);
      expect(instanceHostnames({ hostname: "example.com", hostnames: { work: "work.example.com" } }, ["default", "work"]).problems).toEqual(
        [],
      );
      const long = `${"a".repeat(60)}.example.com`;
      expect(instanceHostnames({ hostname: long }, ["default", "work"]).problems).toEqual([
        { key: "tunnel.hostnames.work", message: `is required: work-${long} would be longer than a DNS name may be` },
      ]);
    });
  });
});

describe("the switched-off mode (run: false)", () => {
  it("is the whole configuration a host without Cloudflare needs: no install, no readiness wait", () => {
    expect(cloudflaredOptionsSchema.parse({ run: false })).toEqual({
      run: false,
      metricsPort: 20241,
      protocol: "auto",
      waitForReady: false,
      readyTimeoutSeconds: 60,
      memoryMax: "256M",
      hardening: true,
    });
    expect(NOT_RUN_NOT_READY).toBe("cannot be true with run: false: a cloudflared that is not started never becomes ready");
  });

  it("keeps an install method when given (it names the binary in the unit), without installing it", () => {
    expect(cloudflaredOptionsSchema.parse({ run: false, install: binary }).install).toEqual(binary);
    expect(cloudflaredOptionsSchema.parse({ run: false, waitForReady: false }).waitForReady).toBe(false);
  });

  it("still checks an install method that is given", () => {
    expect(
      cloudflaredOptionsSchema.safeParse({ run: false, install: { from: "apt" } }).error?.issues.map((i) => [i.path.join("."), i.message]),
    ).toEqual([["install.keyFingerprint", fingerprintRequired]]);
  });

  it("refuses waitForReady: true, for the tunnel and for the connector alone", () => {
    expect(problems({ ...validOptions(), run: false, waitForReady: true })).toEqual([`${P}waitForReady: ${NOT_RUN_NOT_READY}`]);
    const error = rejection(
      () => new CloudflaredConnector("vps1-cloudflared", { connection, token: TOKEN, run: false, waitForReady: true }),
    );
    expect(error?.problems).toEqual([`CloudflaredConnector vps1-cloudflared: waitForReady: ${NOT_RUN_NOT_READY}`]);
  });

  it("parses its own output again (stack config hands parsed options to the component)", () => {
    for (const options of [{ run: false }, { run: false, install: binary }, validOptions()]) {
      const schema = "hostname" in options ? cloudflareTunnelOptionsSchema : cloudflaredOptionsSchema;
      const once = schema.parse(options);
      expect(schema.parse(once)).toEqual(once);
    }
  });
});

describe("CloudflaredConnector options", () => {
  it("names the connector and rejects the Cloudflare-side options it does not take", () => {
    const attempt = (options: Record<string, unknown>) => {
      const args = { connection, token: TOKEN, ...options } as CloudflaredConnectorArgs;
      return rejection(() => new CloudflaredConnector("vps1-cloudflared", args))?.problems ?? [];
    };
    expect(attempt({ install: binary, hostname: "claw.example.com" })).toEqual([
      "CloudflaredConnector vps1-cloudflared: hostname: unknown setting (misspelled?)",
    ]);
    expect(attempt({ install: { from: "apt" } })).toEqual([
      `CloudflaredConnector vps1-cloudflared: install.keyFingerprint: ${fingerprintRequired}`,
    ]);
    expect(attempt({ install: binary, waitForReady: false })).toEqual([]);
  });

  it.each([
    ["not a token", "must be a tunnel token: one base64 string of at least 32 characters, as the dashboard prints it"],
    ["", "must be a tunnel token: one base64 string of at least 32 characters, as the dashboard prints it"],
    [`${TOKEN}\n`, "must be a tunnel token: one base64 string of at least 32 characters, as the dashboard prints it"],
    [undefined, "is required: the tunnel token (secret)"],
  ])("rejects the token %j without showing it", (token, message) => {
    // The check the connector runs inside the secret token's apply, with its prefix.
    const error = rejection(() => parseOrThrow(tokenSchema, { token }, "CloudflaredConnector vps1-cloudflared: "));
    expect(error?.problems).toEqual([`CloudflaredConnector vps1-cloudflared: token: ${message}`]);
    if (token) expect(error?.message).not.toContain(token.trim());
  });

  it("accepts a token shaped like the dashboard's", () => {
    expect(parseOrThrow(tokenSchema, { token: TOKEN }, "x: ").token).toBe(TOKEN);
  });
});
