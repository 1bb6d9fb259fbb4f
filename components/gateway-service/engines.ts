// Refuse, at preview, an OpenClaw release whose engines.node the planned Node does not satisfy.
import * as pulumi from "@pulumi/pulumi";
import semver from "semver";

type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export async function enginesNode(registry: string, version: string, fetcher: Fetch = fetch): Promise<string | undefined> {
  const url = `${registry.replace(/\/+$/, "")}/openclaw/${version}`;
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} (is openclaw@${version} published?)`);
  const manifest = (await res.json()) as { engines?: { node?: string } };
  return manifest.engines?.node;
}

/** Throws a message naming both versions when `nodeVersion` does not satisfy `range`. */
export function checkEngines(openclawVersion: string, range: string | undefined, nodeVersion: string): void {
  if (!range) return;
  if (!semver.satisfies(nodeVersion, range)) {
    throw new pulumi.RunError(
      `gateway.version: openclaw@${openclawVersion} needs node ${range}, but NodeRuntime installs ${nodeVersion}; ` +
        `raise node.major/node.version or pin an older gateway.version`,
    );
  }
}

/** Resolves to `nodeVersion` when openclaw@`openclawVersion` (from `registry`) accepts it. */
export async function assertCompatible(registry: string, openclawVersion: string, nodeVersion: string, fetcher: Fetch = fetch): Promise<string> {
  checkEngines(openclawVersion, await enginesNode(registry, openclawVersion, fetcher), nodeVersion);
  return nodeVersion;
}
