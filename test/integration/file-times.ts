// Each integration file's time, printed as it ends and listed again when the run ends, for the
// CI budget (scripts/test.sh prints the suite's total beside it).
import { Reporter, TestModule } from "vitest/node";

export class IntegrationFileTimes implements Reporter {
  private readonly times: string[] = [];

  onTestModuleEnd(module: TestModule): void {
    if (module.project.name !== "integration") return;
    const d = module.diagnostic();
    // From the worker's setup to the last hook: import, beforeAll (the deploys), tests, afterAll.
    const ms = d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration;
    const line = `${module.relativeModuleId} ${(ms / 1000).toFixed(0)} s (${module.state()})`;
    this.times.push(line);
    console.log(`integration: ${line}`);
  }

  onTestRunEnd(): void {
    if (this.times.length > 0) console.log(`integration file times:\n${this.times.map((t) => `  ${t}`).join("\n")}`);
  }
}
