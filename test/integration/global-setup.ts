// The integration project's global setup: one temp folder per run, handed to the test files
// through the environment, for the deployment the reading files share (shared-deployment.ts).
// A record left by an earlier run is never reused, and the folder goes when the run ends.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const RUN_FOLDER_VARIABLE = "OPENCLAW_IT_RUN_FOLDER";

export default function setup(): () => void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-it-run-"));
  process.env[RUN_FOLDER_VARIABLE] = folder;
  return () => fs.rmSync(folder, { recursive: true, force: true });
}
