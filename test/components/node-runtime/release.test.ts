import { describe, expect, it } from "vitest";
import { newestOfMajor, resolveRelease } from "../../../components/node-runtime/release";
import { listedSha256 } from "../../../src/releases";
import { fakeFetch, INDEX_JSON, NODE_SHA } from "../../fixtures/config";

describe("Node release resolution", () => {
  it("picks the newest release of a major", () => {
    expect(newestOfMajor(INDEX_JSON, 22)).toBe("22.23.3");
    expect(newestOfMajor(INDEX_JSON, 24)).toBe("24.22.3");
    expect(newestOfMajor(INDEX_JSON, 21)).toBeUndefined();
  });

  it("orders versions numerically, not as text", () => {
    const index = JSON.stringify([{ version: "v22.9.0" }, { version: "v22.10.1" }]);
    expect(newestOfMajor(index, 22)).toBe("22.10.1");
  });

  it("reads the checksum of the exact file from SHASUMS256.txt", () => {
    const sums = `${"1".repeat(64)}  node-v22.23.3-linux-x64.tar.gz\n${"2".repeat(64)}  node-v22.23.3-linux-x64.tar.xz\n`;
    expect(listedSha256(sums, "node-v22.23.3-linux-x64.tar.xz")).toBe("2".repeat(64));
    expect(listedSha256(sums, "node-v22.23.3-linux-arm64.tar.xz")).toBeUndefined();
    expect(listedSha256("zzz  node-v22.23.3-linux-x64.tar.xz", "node-v22.23.3-linux-x64.tar.xz")).toBeUndefined();
  });

  it("resolves version, URL and checksum from a mirror", async () => {
    const release = await resolveRelease("http://dist.test/", 22, undefined, fakeFetch());
    expect(release).toEqual({
      version: "22.23.3",
      tarball: "node-v22.23.3-linux-x64.tar.xz",
      url: "http://dist.test/v22.23.3/node-v22.23.3-linux-x64.tar.xz",
      sha256: NODE_SHA,
    });
  });

  it("fails with the URL when the mirror lacks a release", async () => {
    await expect(resolveRelease("http://dist.test", 22, "22.1.0", fakeFetch())).rejects.toThrow(
      "http://dist.test/v22.1.0/SHASUMS256.txt answered HTTP 404: the dist has no Node.js 22.1.0",
    );
    await expect(resolveRelease("http://dist.test", 26, undefined, fakeFetch())).rejects.toThrow(
      "http://dist.test/index.json lists no Node.js 26.x release",
    );
  });
});
