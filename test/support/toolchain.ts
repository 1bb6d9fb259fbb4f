// The binaries toolchain/build.sh builds into the cache, for tests that run the real program.
import * as fs from "fs";
import * as path from "path";

/** The path of a toolchain binary; a missing one fails the test with what to run. */
export function toolchainBinary(name: string): string {
  const bin = path.join(process.env.OPENCLAW_CACHE ?? "/var/cache/openclaw-infra", "toolchain/bin", name);
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run toolchain/build.sh (npm test and npm run test:unit run it)`);
  return bin;
}
