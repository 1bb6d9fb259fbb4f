// File order: the integration files that share one deployment (they import shared-deployment.ts)
// run first, by name, while that deployment still holds; then every other integration file, each
// deploying its own, in Vitest's order. Unit files keep Vitest's order.
import * as fs from "fs";
import { BaseSequencer, TestSpecification } from "vitest/node";

const sharesTheDeployment = (file: TestSpecification) =>
  file.project.name === "integration" && fs.readFileSync(file.moduleId, "utf8").includes('from "./shared-deployment"');

export class SharedDeploymentFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const readers = sorted.filter(sharesTheDeployment).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...readers, ...sorted.filter((file) => !sharesTheDeployment(file))];
  }
}
