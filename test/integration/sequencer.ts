// File order: the integration files that share one deployment (they import shared-deployment.ts)
// run first, by name, while that deployment still holds, those that wipe the hosts (the drill)
// last of them; then every other integration file, each deploying its own, in Vitest's order.
// Unit files keep Vitest's order.
import * as fs from "fs";
import { BaseSequencer, TestSpecification } from "vitest/node";

const imports = (file: TestSpecification, module: string) => fs.readFileSync(file.moduleId, "utf8").includes(`from "${module}"`);
const sharesTheDeployment = (file: TestSpecification) => file.project.name === "integration" && imports(file, "./shared-deployment");
const wipesTheHosts = (file: TestSpecification) => imports(file, "../../sandbox/drill");

export class SharedDeploymentFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const readers = sorted
      .filter(sharesTheDeployment)
      .sort((a, b) => Number(wipesTheHosts(a)) - Number(wipesTheHosts(b)) || a.moduleId.localeCompare(b.moduleId));
    return [...readers, ...sorted.filter((file) => !sharesTheDeployment(file))];
  }
}
