// The sandbox stacks from the command line (scripts/quickstart.sh):
//   order                 the sandbox hosts, in the order their stacks deploy
//   write HOST FILE       writes the stack file deploying HOST; prints the secret paths it needs
//   summary FILE...       what runs where: "host unit how-to-reach-it", one line per unit
import { readSandbox } from "../sandbox/contract";
import { deployOrder, readStackConfig, writeSandboxStack } from "../sandbox/stack";
import { hostUnits, secretPaths } from "../src/registry";

function main([command, ...args]: string[]): void {
  if (command === "order") {
    console.log(deployOrder(readSandbox()).join("\n"));
  } else if (command === "write" && args.length === 2) {
    const [host, file] = args;
    writeSandboxStack(host, file, readSandbox());
    console.log(secretPaths(readStackConfig(file)).join("\n"));
  } else if (command === "summary" && args.length > 0) {
    for (const { host, unit, reach } of args.flatMap((file) => hostUnits(readStackConfig(file)))) console.log(`${host} ${unit} ${reach}`);
  } else {
    throw new Error("usage: sandbox-stack.ts order | write HOST FILE | summary FILE...");
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`sandbox-stack: ${(err as Error).message}`);
  process.exit(1);
}
