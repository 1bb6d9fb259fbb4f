import { defineConfig } from "vitest/config";
import { IntegrationFileTimes } from "./test/integration/file-times";
import { SharedDeploymentFirst } from "./test/integration/sequencer";

// Two projects: `unit` (Pulumi mocks, rendering, pure logic; seconds) and `integration`
// (the real Pulumi engine against the sandbox hosts over SSH; minutes, one file at a time).
export default defineConfig({
  test: {
    reporters: ["default", new IntegrationFileTimes()],
    sequence: { sequencer: SharedDeploymentFirst },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
