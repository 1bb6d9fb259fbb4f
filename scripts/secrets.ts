// `npm run secrets -- <stack> [--dry-run]`: sets every secret the stack's host needs, once.
// Which ones, and which are random or asked for, is src/secrets.ts (from the registry); this
// file is the Pulumi CLI around it. Each value goes to `pulumi config set --secret` on stdin,
// never on a command line, and is printed nowhere: one line per secret says what was done.
// A stack that does not exist yet is created (pulumi stack init, not selected).
import { spawnSync } from "child_process";
import { ConfigText, generateSecret, KEEP_A_COPY, secretProblem, secretsPlan, SecretStep } from "../src/secrets";
import { ValidationError } from "../src/validate";

const USAGE = "usage: npm run secrets -- <stack> [--dry-run]";
/** Tries at a value the component refuses before giving up on that secret. */
const TRIES = 3;

/** A failure said in one line, without a stack trace. */
class Refused extends Error {}

/** Runs pulumi on `stack`; `input` is its stdin (a secret's value). */
function pulumi(stack: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("pulumi", [...args, "--stack", stack, "--non-interactive"], { encoding: "utf8", input, maxBuffer: 64 << 20 });
  if (r.error)
    throw new Refused(`cannot run pulumi (${r.error.message}): run this through npm run secrets, which puts the toolchain on PATH`);
  return r;
}

function failed(args: string[], stderr: string): Refused {
  return new Refused(`pulumi ${args.join(" ")} failed: ${stderr.trim().replace(/\s*\n\s*/g, "; ")}`);
}

/** Every leaf of a secret's value replaced by "": what is set stays visible, what it holds goes no further. */
function blank(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blank);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blank(v)]));
  return "";
}

/** The stack's config as the program sees it (secrets blanked), or undefined when the stack does not exist. */
function readConfig(stack: string): ConfigText | undefined {
  // --show-secrets: a keyed secret (postgresPasswords.<role>) only shows which keys it has when decrypted.
  const args = ["config", "--json", "--show-secrets"];
  const r = pulumi(stack, args);
  if (r.status !== 0) {
    if (/no stack named/.test(r.stderr)) return undefined;
    throw failed(args, r.stderr);
  }
  const entries = JSON.parse(r.stdout) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
  const all: ConfigText = {};
  for (const [key, { value, objectValue, secret }] of Object.entries(entries)) {
    if (value === undefined) continue;
    all[key] = !secret ? value : objectValue === undefined ? "" : JSON.stringify(blank(objectValue));
  }
  return all;
}

/** `pulumi config set --secret [--path] <path>`, the value on stdin. */
function setSecret(stack: string, path: string, value: string): void {
  const args = ["config", "set", "--secret", ...(path.includes(".") ? ["--path"] : []), path];
  const r = pulumi(stack, args, value);
  if (r.status !== 0) throw failed(args, r.stderr);
}

/** Reads one line from the terminal without echoing it. */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          done();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          done();
          reject(new Refused("interrupted; the secrets set so far are kept"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** Asks the operator for a prompted secret until the component's rule accepts it. */
async function ask(step: SecretStep): Promise<string> {
  for (let i = 0; i < TRIES; i++) {
    const value = (await readHidden(`${step.path}: ${step.hint} (input hidden): `)).trim();
    const problem = secretProblem(step.path, value);
    if (problem === undefined) return value;
    console.log(`${step.path}: ${problem}`);
  }
  throw new Refused(`${step.path}: no acceptable value after ${TRIES} tries; nothing set for it`);
}

function setCommand(stack: string, path: string): string {
  return `pulumi config set --secret ${path.includes(".") ? "--path " : ""}${path} -s ${stack}`;
}

async function main(argv: string[]): Promise<void> {
  const dryRun = argv.includes("--dry-run");
  const rest = argv.filter((a) => a !== "--dry-run");
  if (rest.length !== 1 || rest[0].startsWith("-")) throw new Refused(USAGE);
  const [stack] = rest;

  let all = readConfig(stack);
  if (all === undefined) {
    if (dryRun)
      throw new Refused(`stack ${stack} does not exist yet: without --dry-run this command creates it (pulumi stack init ${stack})`);
    const args = ["stack", "init", "--no-select"];
    const r = pulumi(stack, args);
    if (r.status !== 0) throw failed(args, r.stderr);
    console.log(`created stack ${stack}`);
    all = readConfig(stack);
    if (all === undefined) throw new Refused(`stack ${stack} is still missing after pulumi stack init`);
  }

  let plan: SecretStep[];
  try {
    plan = secretsPlan(all);
  } catch (err) {
    if (err instanceof ValidationError) throw new Refused(`${stack}: fix its config first: ${err.message}`);
    throw err;
  }
  const toAsk = plan.filter((s) => s.source === "prompted" && !s.set);
  if (!dryRun && toAsk.length && !process.stdin.isTTY) {
    const names = toAsk.map((s) => s.path).join(", ");
    throw new Refused(
      `${stack} needs ${names} from you and stdin is not a terminal to ask on: pipe each in (... | ${setCommand(stack, toAsk[0].path)}), then run this again; nothing was changed`,
    );
  }
  if (plan.length === 0) console.log(`${stack} needs no secret`);

  const generated: string[] = [];
  for (const step of plan) {
    if (step.set) {
      console.log(`kept ${step.path} (already set)`);
    } else if (step.source === "generated") {
      if (!dryRun) setSecret(stack, step.path, generateSecret());
      console.log(`${dryRun ? "would set" : "set"} ${step.path} (generated)`);
      generated.push(step.path);
    } else if (dryRun) {
      console.log(`would ask for ${step.path} (${step.hint})`);
    } else {
      setSecret(stack, step.path, await ask(step));
      console.log(`set ${step.path} (entered)`);
    }
  }
  for (const path of dryRun ? [] : generated.filter((p) => KEEP_A_COPY.includes(p))) {
    console.log(
      `keep a copy of ${path} elsewhere (pulumi config get ${path} -s ${stack}, into a password manager): its backups cannot be read without it`,
    );
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Refused ? `secrets: ${err.message}` : err);
  process.exit(1);
});
