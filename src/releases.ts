// The sha256 a release component (Loki, Tempo, the collector) needs to deploy: no default can
// be trusted, so the operator sets it. Checked at preview (the entries' preflight), before any
// resource, with the one line that says where to find it.
import { releaseAssetUrl, ReleaseAsset } from "./remote/release";
import type { Problem } from "./registry/types";
import { PROJECT } from "./settings";
import { ValidationError } from "./validate";

/** The problem naming the download when `<key>.sha256` is not set. */
export function sha256Problems(key: string, options: { sha256?: string }, download: ReleaseAsset): Problem[] {
  return options.sha256
    ? []
    : [{ key: `${key}.sha256`, message: `is required: the sha256 of ${releaseAssetUrl(download)}, as the release's SHA256SUMS lists it` }];
}

/** The sha256 to deploy with; the preflight's problem when it is missing. */
export function requiredSha256(key: string, options: { sha256?: string }, download: ReleaseAsset): string {
  if (options.sha256) return options.sha256;
  throw new ValidationError(sha256Problems(key, options, download).map((p) => `${PROJECT}:${p.key}: ${p.message}`));
}
