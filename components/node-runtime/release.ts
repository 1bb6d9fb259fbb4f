// Resolving a Node.js release at preview time, so the exact version and its checksum are in
// the plan (and in the preview diff) before anything touches a host.

export interface NodeRelease {
  version: string;
  tarball: string;
  url: string;
  sha256: string;
}

type Fetch = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

async function get(fetcher: Fetch, url: string): Promise<string> {
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

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

/** The sha256 of `file` in a SHASUMS256.txt ("<hex>  <file>" per line). */
export function checksumFor(shasums: string, file: string): string | undefined {
  for (const line of shasums.split("\n")) {
    const [sum, name] = line.trim().split(/\s+/);
    if (name === file && /^[0-9a-f]{64}$/.test(sum)) return sum;
  }
  return undefined;
}

export async function resolveRelease(distUrl: string, major: number, version?: string, fetcher: Fetch = fetch): Promise<NodeRelease> {
  const base = distUrl.replace(/\/+$/, "");
  const exact = version ?? newestOfMajor(await get(fetcher, `${base}/index.json`), major);
  if (!exact) throw new Error(`no Node.js ${major}.x release listed in ${base}/index.json`);
  const tarball = `node-v${exact}-linux-x64.tar.xz`;
  const sha256 = checksumFor(await get(fetcher, `${base}/v${exact}/SHASUMS256.txt`), tarball);
  if (!sha256) throw new Error(`${base}/v${exact}/SHASUMS256.txt lists no checksum for ${tarball}`);
  return { version: exact, tarball, url: `${base}/v${exact}/${tarball}`, sha256 };
}
