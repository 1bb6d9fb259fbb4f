// Resolving a Node.js release at preview time, so the exact version and its checksum are in
// the plan (and in the preview diff) before anything touches a host.
import { Fetch, fetchText, HttpStatusError } from "../../src/fetch-text";
import { listedSha256 } from "../../src/releases";

export interface NodeRelease {
  version: string;
  tarball: string;
  url: string;
  sha256: string;
}

/** The dist lists no such release: the options ask for one it does not have. */
export class MissingNodeRelease extends Error {}

/** Newest version of `major` in a dist index.json (the official format: newest first). */
export function newestOfMajor(indexJson: string, major: number): string | undefined {
  const entries = JSON.parse(indexJson) as { version: string }[];
  const versions = entries.map((e) => e.version.replace(/^v/, "")).filter((v) => Number(v.split(".")[0]) === major);
  versions.sort((a, b) => {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
  });
  return versions[0];
}

export async function resolveRelease(distUrl: string, major: number, version?: string, fetcher: Fetch = fetch): Promise<NodeRelease> {
  const base = distUrl.replace(/\/+$/, "");
  const exact = version ?? newestOfMajor(await fetchText(`${base}/index.json`, fetcher), major);
  if (!exact) throw new MissingNodeRelease(`${base}/index.json lists no Node.js ${major}.x release`);
  const tarball = `node-v${exact}-linux-x64.tar.xz`;
  const sums = await fetchText(`${base}/v${exact}/SHASUMS256.txt`, fetcher).catch((e: Error) => {
    throw e instanceof HttpStatusError && e.status === 404 ? new MissingNodeRelease(`${e.message}: the dist has no Node.js ${exact}`) : e;
  });
  const sha256 = listedSha256(sums, tarball);
  if (!sha256) throw new MissingNodeRelease(`${base}/v${exact}/SHASUMS256.txt lists no ${tarball}`);
  return { version: exact, tarball, url: `${base}/v${exact}/${tarball}`, sha256 };
}

const releases = new Map<string, Promise<NodeRelease>>();

/** resolveRelease once per program: the entry's preflight asks first, NodeRuntime takes its answer. */
export function nodeRelease(distUrl: string, major: number, version?: string): Promise<NodeRelease> {
  const key = `${distUrl} ${major} ${version ?? "newest"}`;
  let release = releases.get(key);
  if (!release) {
    release = resolveRelease(distUrl, major, version);
    // Its failure is the preflight's to report; no unhandled-rejection warning meanwhile.
    release.catch(() => undefined);
    releases.set(key, release);
  }
  return release;
}
