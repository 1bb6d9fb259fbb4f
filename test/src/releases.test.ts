// The sha256 of a release download: the publisher's list read over real HTTP (a local server in
// the layout GitHub's releases have), the line to pin, `published` resolved, recorded and refused
// when the list changes. The stack's own outputs come from Pulumi's mocks.
import * as http from "http";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOKI_RELEASE } from "../../components/loki/schema";
import { OTELCOL_RELEASE } from "../../components/otel-collector/schema";
import {
  downloadOutput,
  fetchPublishedSha256,
  listedSha256,
  publishedAsset,
  publishedChangeProblem,
  requiredSha256,
  sha256Problems,
} from "../../src/releases";

const LISTED = "a".repeat(64);
const RECORDED = "b".repeat(64);
/** What the stack recorded at its last update (the mocks' StackReference of the stack itself): Loki 3.6.4 installed with RECORDED. */
const RECORD = { url: "", sha256: RECORDED };

let server: http.Server;
/** Requests the server has answered. */
let requests = 0;
let base: string;
/** The files the server publishes, by path. */
const files: Record<string, string> = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    const body = files[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200).end(body ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files["/loki/v3.6.4/SHA256SUMS"] = `${"c".repeat(64)}  logcli-linux-amd64.zip\n${LISTED}  loki-linux-amd64.zip\n`;
  files["/loki/v3.6.3/SHA256SUMS"] = `${LISTED}  loki-linux-amd64.zip\n`;
  RECORD.url = `${base}/loki/v3.6.4/loki-linux-amd64.zip`;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: args.inputs.name, state: { name: args.inputs.name, outputs: { lokiDownload: RECORD } } }),
      call: () => ({}),
    },
    "openclaw-infra",
    "vps2",
    false,
    "organization",
  );
});

afterAll(() => server.close());

const loki = (sha256?: string) => ({ releaseUrl: `${base}/loki`, version: "3.6.4", sha256 });

describe("a release's published checksums", () => {
  it("names the list beside the download, as each publisher names it", () => {
    expect(publishedAsset(LOKI_RELEASE, { releaseUrl: "https://github.com/grafana/loki/releases/download", version: "3.6.4" })).toEqual({
      releaseUrl: "https://github.com/grafana/loki/releases/download",
      version: "3.6.4",
      asset: "loki-linux-amd64.zip",
      checksumsUrl: "https://github.com/grafana/loki/releases/download/v3.6.4/SHA256SUMS",
    });
    expect(publishedAsset(OTELCOL_RELEASE, { releaseUrl: "https://example.test/r", version: "0.162.0" }).checksumsUrl).toBe(
      "https://example.test/r/v0.162.0/opentelemetry-collector-releases_otelcol-contrib_checksums.txt",
    );
  });

  it("reads sha256sum's text and binary lines, and only the download's", () => {
    expect(listedSha256(`${LISTED}  loki-linux-amd64.zip\n`, "loki-linux-amd64.zip")).toBe(LISTED);
    expect(listedSha256(`${LISTED} *loki-linux-amd64.zip\n`, "loki-linux-amd64.zip")).toBe(LISTED);
    expect(listedSha256(`${LISTED}  loki-linux-amd64.zip.sig\n`, "loki-linux-amd64.zip")).toBeUndefined();
    expect(listedSha256(`${LISTED.toUpperCase()}  loki-linux-amd64.zip\n`, "loki-linux-amd64.zip")).toBeUndefined();
  });

  it("fetches the digest, or says why it cannot", async () => {
    expect(await fetchPublishedSha256(publishedAsset(LOKI_RELEASE, loki()))).toEqual({ sha256: LISTED });
    expect(await fetchPublishedSha256(publishedAsset(LOKI_RELEASE, { ...loki(), asset: "loki-linux-arm64.zip" }))).toEqual({
      error: `${base}/loki/v3.6.4/SHA256SUMS lists no loki-linux-arm64.zip`,
    });
    expect(await fetchPublishedSha256(publishedAsset(LOKI_RELEASE, { ...loki(), version: "3.6.5" }))).toEqual({
      error: `${base}/loki/v3.6.5/SHA256SUMS answered HTTP 404`,
    });
    expect(await fetchPublishedSha256(publishedAsset(LOKI_RELEASE, { releaseUrl: "http://127.0.0.1:2/loki", version: "3.6.4" }))).toEqual({
      error: "http://127.0.0.1:2/loki/v3.6.4/SHA256SUMS could not be read (ECONNREFUSED)",
    });
  });
});

describe("<key>.sha256 in the preflight", () => {
  it("unset: prints the line that pins the publisher's digest", async () => {
    expect(await sha256Problems("loki", LOKI_RELEASE, loki())).toEqual([
      {
        key: "loki.sha256",
        message:
          `is not set: ${base}/loki/v3.6.4/SHA256SUMS lists ${LISTED} for loki-linux-amd64.zip; ` +
          `pin it with pulumi config set --path loki.sha256 ${LISTED} (or set it to 'published')`,
      },
    ]);
    expect(await sha256Problems("loki", LOKI_RELEASE, { ...loki(), version: "3.6.5" })).toEqual([
      {
        key: "loki.sha256",
        message: `is required: the sha256 of ${base}/loki/v3.6.5/loki-linux-amd64.zip, and its publisher's list ${base}/loki/v3.6.5/SHA256SUMS answered HTTP 404`,
      },
    ]);
  });

  it("pinned: no request at all, the pin deploys", async () => {
    const pinned = { ...loki(), sha256: RECORDED };
    const before = requests;
    expect(await sha256Problems("loki", LOKI_RELEASE, pinned)).toEqual([]);
    expect(requests).toBe(before);
    expect(requiredSha256("loki", LOKI_RELEASE, pinned)).toBe(RECORDED);
  });

  it("published: the publisher's digest of a download not installed before deploys, and is recorded in the stack's outputs", async () => {
    const next = { ...loki("published"), version: "3.6.3" };
    expect(await sha256Problems("loki", LOKI_RELEASE, next)).toEqual([]);
    expect(requiredSha256("loki", LOKI_RELEASE, next)).toBe(LISTED);
    expect(downloadOutput("loki", LOKI_RELEASE, next)).toEqual({
      lokiDownload: { url: `${base}/loki/v3.6.3/loki-linux-amd64.zip`, sha256: LISTED },
    });
  });

  it("published: a list that changed since the install is refused, naming both digests", async () => {
    const a = publishedAsset(LOKI_RELEASE, loki("published"));
    const record = RECORD;
    const refusal = [
      {
        key: "loki.sha256",
        message:
          `is 'published', but ${base}/loki/v3.6.4/SHA256SUMS now lists ${LISTED} for loki-linux-amd64.zip, ` +
          `and this stack installed it with ${RECORDED}: the published file changed; find out why before pinning either`,
      },
    ];
    expect(publishedChangeProblem("loki", a, LISTED, record)).toEqual(refusal);
    // Another download (a new version, another mirror) is a new install: nothing to compare.
    expect(publishedChangeProblem("loki", a, LISTED, { ...record, url: `${base}/loki/v3.6.3/loki-linux-amd64.zip` })).toEqual([]);
    expect(publishedChangeProblem("loki", a, LISTED, { ...record, sha256: LISTED })).toEqual([]);
    // Through the stack's own outputs, as the preflight reads them.
    expect(await sha256Problems("loki", LOKI_RELEASE, loki("published"))).toEqual(refusal);
  });

  it("published: an unreadable list stops the preview, saying why", async () => {
    expect(await sha256Problems("loki", LOKI_RELEASE, { ...loki("published"), version: "3.6.5" })).toEqual([
      { key: "loki.sha256", message: `is 'published', but ${base}/loki/v3.6.5/SHA256SUMS answered HTTP 404` },
    ]);
  });
});
