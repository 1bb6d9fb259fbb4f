// Refuse, at preview, an OpenClaw release whose engines.node the planned Node does not satisfy.
import * as pulumi from "@pulumi/pulumi";
import semver from "semver";

type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The registry's manifest of openclaw@version. */
const manifestUrl = (registry: string, version: string) => `${registry.replace(/\/+$/, "")}/openclaw/${version}`;

/**
 * One request per manifest, fetcher and process: the preflight's lookup and the engines check
 * read the same manifest (about a second from a registry proxy), so a deploy asks once.
 */
type Manifest = { ok: boolean; status: number; body: unknown };
const manifests = new WeakMap<Fetch, Map<string, Promise<Manifest>>>();
function getManifest(url: string, fetcher: Fetch, timeoutMs?: number): Promise<Manifest> {
  const known = manifests.get(fetcher) ?? new Map<string, Promise<Manifest>>();
  manifests.set(fetcher, known);
  const cached = known.get(url);
  if (cached) return cached;
  const pending = fetcher(url, timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : undefined).then(async (res) => ({
    ok: res.ok,
    status: res.status,
    body: res.ok ? await res.json() : undefined,
  }));
  known.set(url, pending);
  // A failed request is not kept: the next caller asks again.
  pending.catch(() => known.delete(url));
  return pending;
}

/** How long a preview waits for the registry to say whether a release exists. */
export const LOOKUP_TIMEOUT_MS = 5000;

/**
 * Whether openclaw@`version` is on `registry`: one request, a short timeout and no retry, so a
 * preview answers in seconds whatever the registry does. `unreachable` says why there is no answer.
 */
export async function lookUpRelease(
  registry: string,
  version: string,
  fetcher: Fetch = fetch,
  timeoutMs = LOOKUP_TIMEOUT_MS,
): Promise<"published" | "missing" | { unreachable: string }> {
  const url = manifestUrl(registry, version);
  try {
    const res = await getManifest(url, fetcher, timeoutMs);
    if (res.ok) return "published";
    return res.status === 404 ? "missing" : { unreachable: `GET ${url}: HTTP ${res.status}` };
  } catch (err) {
    const why =
      err instanceof Error && err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : String((err as Error).cause ?? err);
    return { unreachable: `GET ${url}: ${why}` };
  }
}

export async function enginesNode(registry: string, version: string, fetcher: Fetch = fetch): Promise<string | undefined> {
  const url = manifestUrl(registry, version);
  const res = await getManifest(url, fetcher);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} (is openclaw@${version} published?)`);
  return (res.body as { engines?: { node?: string } }).engines?.node;
}

/** Throws a message naming both versions when `nodeVersion` does not satisfy `range`. */
export function checkEngines(openclawVersion: string, range: string | undefined, nodeVersion: string): void {
  if (!range) return;
  if (!semver.satisfies(nodeVersion, range)) {
    // The lowest major the range admits (">=24.16.0 <25 || >=26.1.0": 24).
    const major = semver.minVersion(range)?.major;
    const raise =
      major === undefined
        ? "raise node.major/node.version"
        : major !== semver.major(nodeVersion)
          ? `set node.major: ${major}`
          : `set node.version to a ${major}.x it accepts (unset, the newest ${major}.x)`;
    throw new pulumi.RunError(
      `gateway.version: openclaw@${openclawVersion} needs node ${range}, but NodeRuntime installs ${nodeVersion}; ` +
        `${raise}, or pin an older gateway.version`,
    );
  }
}

/** Resolves to `nodeVersion` when openclaw@`openclawVersion` (from `registry`) accepts it. */
export async function assertCompatible(
  registry: string,
  openclawVersion: string,
  nodeVersion: string,
  fetcher: Fetch = fetch,
): Promise<string> {
  checkEngines(openclawVersion, await enginesNode(registry, openclawVersion, fetcher), nodeVersion);
  return nodeVersion;
}
