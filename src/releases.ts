// The sha256 a release download (Loki, Tempo, the collector) is checked by before anything is
// unpacked. The operator pins it (`<key>.sha256: <hex>`), or sets `published`: the digest the
// publisher's own checksum list beside the download gives (Grafana's SHA256SUMS, the collector's
// checksums.txt), read at preview and shown there, recorded in the stack's outputs, and refused
// when the list later says otherwise. Unset, the preflight reads that list and prints the line
// to pin. All of it runs in the entries' preflight, before any resource.
import * as pulumi from "@pulumi/pulumi";
import { fetchText } from "./fetch-text";
import { Release, releaseAssetName, releaseAssetUrl, ReleaseAsset } from "./remote/release";
import type { Problem } from "./registry/types";
import { PROJECT } from "./settings";
import { stackOutput } from "./stacks";
import { ValidationError } from "./validate";

/** `sha256: published`: the publisher's checksum list gives it. */
export const PUBLISHED = "published";

/** What a release service's options say about its download. */
export interface DownloadOptions {
  releaseUrl: string;
  version: string;
  asset?: string;
  sha256?: string;
}

/** A download and the publisher's checksum list beside it: <releaseUrl>/v<version>/<checksums>. */
export interface PublishedAsset extends ReleaseAsset {
  checksumsUrl: string;
}

/** What a stack records of each release it installs (its output `<key>Download`). */
export interface DownloadRecord {
  url: string;
  sha256: string;
}

export function publishedAsset(release: Release, options: DownloadOptions): PublishedAsset {
  const download = { releaseUrl: options.releaseUrl, version: options.version, asset: releaseAssetName(release, options) };
  return { ...download, checksumsUrl: releaseAssetUrl({ ...download, asset: release.checksums }) };
}

/** The digest `text` (a sha256sum listing: `<hex>  <name>` or `<hex> *<name>`) gives `asset`. */
export function listedSha256(text: string, asset: string): string | undefined {
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m && m[2] === asset) return m[1];
  }
  return undefined;
}

/** The publisher's digest of the download, or why it cannot be known. */
export async function fetchPublishedSha256(a: PublishedAsset): Promise<{ sha256: string } | { error: string }> {
  const text = await fetchText(a.checksumsUrl).catch((e: Error) => e);
  if (text instanceof Error) return { error: text.message };
  const sha256 = listedSha256(text, a.asset);
  return sha256 ? { sha256 } : { error: `${a.checksumsUrl} lists no ${a.asset}` };
}

/**
 * What `sha256: published` must refuse: a digest the list gives now that differs from the one
 * this stack installed the same download with. Pure, for the unit tests.
 */
export function publishedChangeProblem(key: string, a: PublishedAsset, listed: string, recorded?: DownloadRecord): Problem[] {
  if (!recorded || recorded.url !== releaseAssetUrl(a) || recorded.sha256 === listed) return [];
  return [
    {
      key: `${key}.sha256`,
      message:
        `is '${PUBLISHED}', but ${a.checksumsUrl} now lists ${listed} for ${a.asset}, and this stack installed it with ` +
        `${recorded.sha256}: the published file changed; find out why before pinning either`,
    },
  ];
}

/** What this stack recorded of the download at its last update (its own outputs). */
async function recordedDownload(key: string): Promise<DownloadRecord | undefined> {
  return (await stackOutput(pulumi.getStack(), downloadOutputName(key))) as DownloadRecord | undefined;
}

/** The digests `published` resolved to, by key: the preflight fills it, the build reads it. */
const resolved = new Map<string, string>();

/** The preflight's problems with `<key>.sha256`: unset, or `published` and the list unreadable or changed. */
export async function sha256Problems(key: string, release: Release, options: DownloadOptions): Promise<Problem[]> {
  if (options.sha256 && options.sha256 !== PUBLISHED) return [];
  const a = publishedAsset(release, options);
  const listed = await fetchPublishedSha256(a);
  const problem = (message: string): Problem[] => [{ key: `${key}.sha256`, message }];
  if (!options.sha256) {
    return "sha256" in listed
      ? problem(
          `is not set: ${a.checksumsUrl} lists ${listed.sha256} for ${a.asset}; pin it with ` +
            `pulumi config set --path ${key}.sha256 ${listed.sha256} (or set it to '${PUBLISHED}')`,
        )
      : problem(`is required: the sha256 of ${releaseAssetUrl(a)}, and its publisher's list ${listed.error}`);
  }
  if ("error" in listed) return problem(`is '${PUBLISHED}', but ${listed.error}`);
  const changed = publishedChangeProblem(key, a, listed.sha256, await recordedDownload(key));
  if (changed.length) return changed;
  resolved.set(key, listed.sha256);
  pulumi.log.info(`${PROJECT}:${key}.sha256: '${PUBLISHED}': ${listed.sha256} for ${releaseAssetUrl(a)} (from ${a.checksumsUrl})`);
  return [];
}

/** The sha256 to deploy with: the one pinned, or the one `published` resolved to in the preflight. */
export function requiredSha256(key: string, release: Release, options: DownloadOptions): string {
  const sha256 = options.sha256 === PUBLISHED ? resolved.get(key) : options.sha256;
  if (sha256) return sha256;
  const why =
    options.sha256 === PUBLISHED
      ? `is '${PUBLISHED}' and the preflight did not resolve it`
      : `is required: the sha256 of ${releaseAssetUrl(publishedAsset(release, options))}`;
  throw new ValidationError([`${PROJECT}:${key}.sha256: ${why}`]);
}

function downloadOutputName(key: string): string {
  return `${key}Download`;
}

/** The stack output recording the download a release was installed from and its digest (`<key>Download`). */
export function downloadOutput(key: string, release: Release, options: DownloadOptions): Record<string, DownloadRecord> {
  return {
    [downloadOutputName(key)]: { url: releaseAssetUrl(publishedAsset(release, options)), sha256: requiredSha256(key, release, options) },
  };
}
