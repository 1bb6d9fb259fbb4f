// PromtailJournal's options: defaults, and every error path with its exact message.
import { describe, expect, it } from "vitest";
import { promtailArgsSchema } from "../../../components/promtail-journal/schema";
import { formatIssues } from "../../../src/validate";

const valid = () => ({ lokiUrl: "http://10.0.0.2:3100/loki/api/v1/push", hostLabel: "vps1" }) as Record<string, unknown>;

function problems(raw: Record<string, unknown>): string[] {
  const result = promtailArgsSchema.safeParse(raw);
  if (result.success) throw new Error("expected the options to be rejected");
  return formatIssues("PromtailJournal logs: ", result.error.issues);
}

describe("PromtailJournal options", () => {
  it("fills in documented defaults", () => {
    expect(promtailArgsSchema.parse(valid())).toEqual({
      agent: "promtail",
      from: "apt",
      port: 9080,
      job: "systemd-journal",
      units: [],
      maxAge: "12h",
      retryMaxBackoff: "30s",
      memoryMax: "256M",
      hardening: true,
      lokiUrl: "http://10.0.0.2:3100/loki/api/v1/push",
      listenAddress: "127.0.0.1",
      hostLabel: "vps1",
      grafanaAptUrl: "https://apt.grafana.com",
      grafanaKeyUrl: "https://apt.grafana.com/gpg-full.key",
    });
  });

  it("accepts a release download with its checksum, and an apt pin", () => {
    expect(promtailArgsSchema.parse({ ...valid(), from: "archive", version: "3.6.4", sha256: "a".repeat(64) }).version).toBe("3.6.4");
    expect(promtailArgsSchema.parse({ ...valid(), agent: "alloy", version: "1.10.2-1" }).version).toBe("1.10.2-1");
  });

  const cases: [string, (o: Record<string, unknown>) => void, string[]][] = [
    ["loki URL missing", (o) => delete o.lokiUrl, ["PromtailJournal logs: lokiUrl: must be an http(s) URL"]],
    ["loki URL scheme", (o) => (o.lokiUrl = "10.0.0.2:3100"), ["PromtailJournal logs: lokiUrl: must be an http(s) URL"]],
    [
      "loki URL path",
      (o) => (o.lokiUrl = "http://10.0.0.2:3100"),
      ["PromtailJournal logs: lokiUrl: must be Loki's push endpoint, e.g. http://10.0.0.2:3100/loki/api/v1/push"],
    ],
    [
      "host label missing",
      (o) => delete o.hostLabel,
      ["PromtailJournal logs: hostLabel: Invalid input: expected string, received undefined"],
    ],
    ["host label shape", (o) => (o.hostLabel = "vps 1"), ["PromtailJournal logs: hostLabel: must be a host name like vps1"]],
    ["unknown agent", (o) => (o.agent = "fluent-bit"), [`PromtailJournal logs: agent: Invalid option: expected one of "promtail"|"alloy"`]],
    ["unknown source", (o) => (o.from = "github"), [`PromtailJournal logs: from: Invalid option: expected one of "apt"|"archive"`]],
    ["version shape", (o) => (o.version = "latest"), ["PromtailJournal logs: version: must be an exact version like 3.6.4"]],
    [
      "archive without version and checksum",
      (o) => (o.from = "archive"),
      [
        "PromtailJournal logs: version: is required with from: archive (the release to download)",
        "PromtailJournal logs: sha256: is required with from: archive (the download is checked against it)",
      ],
    ],
    [
      "archive with a package version",
      (o) => Object.assign(o, { from: "archive", version: "3.6.4-1", sha256: "a".repeat(64) }),
      ["PromtailJournal logs: version: must be a release like 3.6.4 with from: archive"],
    ],
    [
      "checksum shape",
      (o) => Object.assign(o, { from: "archive", version: "3.6.4", sha256: "ABC" }),
      ["PromtailJournal logs: sha256: must be a sha256 digest (64 lowercase hex characters)"],
    ],
    [
      "checksum with apt",
      (o) => (o.sha256 = "a".repeat(64)),
      ["PromtailJournal logs: sha256: only applies to from: archive (apt checks packages by their signed repository)"],
    ],
    ["port", (o) => (o.port = 80), ["PromtailJournal logs: port: Too small: expected number to be >=1024"]],
    [
      "job",
      (o) => (o.job = "system journal"),
      ["PromtailJournal logs: job: must be a label value like systemd-journal (letters, digits, _ . : -)"],
    ],
    [
      "unit name",
      (o) => (o.units = ["openclaw-gateway"]),
      ["PromtailJournal logs: units.0: must be a systemd unit name like openclaw-gateway.service"],
    ],
    ["unit twice", (o) => (o.units = ["a.service", "a.service"]), ["PromtailJournal logs: units.1: a.service is listed twice"]],
    ["max age", (o) => (o.maxAge = "12 hours"), ["PromtailJournal logs: maxAge: must be a duration like 12h"]],
    ["memory limit", (o) => (o.memoryMax = "lots"), ["PromtailJournal logs: memoryMax: must be a size like 256M"]],
    ["hardening type", (o) => (o.hardening = "off"), ["PromtailJournal logs: hardening: Invalid input: expected boolean, received string"]],
    ["apt URL", (o) => (o.grafanaAptUrl = "apt.grafana.com"), ["PromtailJournal logs: grafanaAptUrl: must be an http(s) URL"]],
    ["key URL", (o) => (o.grafanaKeyUrl = "file:///key"), ["PromtailJournal logs: grafanaKeyUrl: must be an http(s) URL"]],
    ["release URL", (o) => (o.releaseUrl = "mirror"), ["PromtailJournal logs: releaseUrl: must be an http(s) URL"]],
    [
      "release asset",
      (o) => (o.releaseAsset = "../promtail"),
      ["PromtailJournal logs: releaseAsset: must be a file name like promtail-linux-amd64.zip"],
    ],
    ["misspelled option", (o) => (o.unit = ["a.service"]), ["PromtailJournal logs: unit: unknown setting (misspelled?)"]],
  ];
  it.each(cases)("rejects %s", (_name, mutate, expected) => {
    const o = valid();
    mutate(o);
    expect(problems(o)).toEqual(expected);
  });
});
