// The log agent, measured (issue 17, item 6): Grafana Alloy v1.11.0 built from the Go module
// proxy, as the sandbox would have to get it, beside promtail, which toolchain/build.sh builds
// already. Prints the build time, both binaries' sizes, and each agent's memory on a sandbox
// host reading the same journal and pushing to the same Loki with the configuration
// PromtailJournal renders for it (Alloy's checked by `alloy validate` first). Figures only.
//
//   npm run bench:log-agent   (a running sandbox; the first run builds Alloy, tens of minutes)
//
// Alloy's module replaces its `syntax` module with a folder the module zip does not hold: the
// build takes github.com/grafana/alloy/syntax from the proxy instead, at v0.1.1 (v0.1.0, which
// go.mod requires, lacks the typecheck package v1.11.0 imports).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderConfig } from "../../components/promtail-journal/render";
import { promtailArgsSchema } from "../../components/promtail-journal/schema";
import { run } from "../../sandbox/host";
import { onHost, privateAddress, REPO } from "../integration/harness";

const ALLOY_VERSION = "1.11.0";
const SYNTAX_VERSION = "v0.1.1";
const cache = process.env.OPENCLAW_CACHE ?? "/var/cache/openclaw-infra";
const toolchain = path.join(cache, "toolchain");
const work = path.join(cache, "measure", `alloy-${ALLOY_VERSION}`);
const alloy = path.join(work, "alloy");
const promtail = path.join(toolchain, "bin", "promtail");
/** How long each agent runs on the host before its memory is read. */
const RUN_SECONDS = Number(process.env.LOG_AGENT_SECONDS ?? 90);

const figures: [string, string][] = [];
const BUILD_FIGURE = `Alloy v${ALLOY_VERSION} build (downloads included; the Go caches as toolchain/build.sh left them)`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function exec(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): string {
  return execFileSync(command, args, { encoding: "utf8", cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
}

/** Alloy's binary, built once into the cache (the build's time kept beside it). */
function buildAlloy(): void {
  const took = path.join(work, "build-seconds");
  if (fs.existsSync(alloy) && fs.existsSync(took)) {
    figures.push([BUILD_FIGURE, `${fs.readFileSync(took, "utf8").trim()} s (an earlier run)`]);
    return;
  }
  const started = Date.now();
  const { Dir } = JSON.parse(exec("go", ["mod", "download", "-json", `github.com/grafana/alloy@v${ALLOY_VERSION}`])) as { Dir: string };
  const src = path.join(work, "src");
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(Dir, src, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", src]);
  const gomod = path.join(src, "go.mod");
  fs.writeFileSync(
    gomod,
    fs
      .readFileSync(gomod, "utf8")
      .replace(
        /^replace github\.com\/grafana\/alloy\/syntax => \.\/syntax$/m,
        `replace github.com/grafana/alloy/syntax => github.com/grafana/alloy/syntax ${SYNTAX_VERSION}`,
      ),
  );
  process.stderr.write(`log-agent: building Alloy v${ALLOY_VERSION} in ${src} (tens of minutes)\n`);
  exec(
    "go",
    [
      "build",
      "-trimpath",
      "-tags",
      "netgo promtail_journal_enabled",
      "-ldflags",
      `-s -w -X github.com/grafana/alloy/internal/build.Version=v${ALLOY_VERSION}`,
      "-o",
      alloy,
      ".",
    ],
    { GOFLAGS: "-mod=mod", CGO_ENABLED: "1", CGO_CFLAGS: `-I${path.join(toolchain, "libsystemd-dev/usr/include")}` },
    src,
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(took, `${seconds}\n`);
  figures.push([BUILD_FIGURE, `${seconds} s`]);
}

/** The agent's peak and current memory (systemd's accounting) after RUN_SECONDS on vps1. */
async function memoryOnHost(agent: "promtail" | "alloy", binary: string): Promise<void> {
  const dir = `/tmp/measure-${agent}`;
  const settings = promtailArgsSchema.parse({
    agent,
    from: "archive",
    version: agent === "alloy" ? ALLOY_VERSION : "3.6.4",
    sha256: "0".repeat(64),
    lokiUrl: `http://${privateAddress("vps2")}:3100/loki/api/v1/push`,
    hostLabel: `measure-${agent}`,
    port: agent === "alloy" ? 12399 : 9399,
  });
  // The rendered configuration, its state (positions, WAL) moved out of the deployed agent's way.
  const config = renderConfig(settings).replaceAll(`/var/lib/${agent}`, `${dir}/state`);
  onHost("vps1", `rm -rf ${dir} && mkdir -p ${dir}/state`);
  const copied = run("bash", ["-c", `${REPO}/sandbox/sandbox ssh vps1 'cat > ${dir}/${agent} && chmod 0755 ${dir}/${agent}' < ${binary}`]);
  if (copied.code !== 0) throw new Error(`vps1: copying ${binary} failed: ${copied.stderr}`);
  const configFile = `${dir}/journal.${agent === "alloy" ? "alloy" : "yaml"}`;
  onHost("vps1", `cat > ${configFile}`, config);
  if (agent === "alloy") {
    const checked = onHost("vps1", `${dir}/alloy validate ${configFile}`);
    figures.push(["alloy validate of the rendered configuration", checked.code === 0 ? "passed" : `failed: ${checked.stderr.trim()}`]);
  }
  const args =
    agent === "alloy"
      ? `${dir}/alloy run --storage.path=${dir}/state --server.http.listen-addr=127.0.0.1:${settings.port} ${configFile}`
      : `${dir}/promtail -config.file=${configFile}`;
  const unit = `measure-${agent}`;
  const started = onHost("vps1", `systemd-run --unit=${unit} ${args}`);
  if (started.code !== 0) throw new Error(`vps1: ${unit} did not start: ${started.stderr}`);
  await new Promise((resolve) => setTimeout(resolve, RUN_SECONDS * 1000));
  // The process's own peak and current resident memory: the sandbox's containers keep no cgroup memory accounting.
  const shown = onHost("vps1", `pid=$(systemctl show -P MainPID ${unit}); grep -E '^(VmHWM|VmRSS):' /proc/$pid/status`).stdout;
  const bytes = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(shown)?.[1]) * 1000;
  const active = onHost("vps1", `systemctl is-active ${unit}`).stdout.trim();
  figures.push([
    `${agent} on vps1 after ${RUN_SECONDS} s (${active}): resident memory peak / now`,
    `${mb(bytes("VmHWM"))} / ${mb(bytes("VmRSS"))}`,
  ]);
  onHost("vps1", `systemctl stop ${unit}; systemctl reset-failed ${unit} 2>/dev/null; rm -rf ${dir}`);
}

async function main(): Promise<void> {
  buildAlloy();
  figures.push(["binary size: promtail 3.6.4 (toolchain) / Alloy", `${mb(fs.statSync(promtail).size)} / ${mb(fs.statSync(alloy).size)}`]);
  await memoryOnHost("promtail", promtail);
  await memoryOnHost("alloy", alloy);
  const width = Math.max(...figures.map(([k]) => k.length));
  console.log(`log agents:\n${figures.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}`);
}

main().catch((e: Error) => {
  console.error(`log-agent: ${e.message}`);
  process.exit(1);
});
