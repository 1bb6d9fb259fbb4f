// Logs and traces on the observability host, on the shared deployment (shared-deployment.ts:
// vps2 then vps1 onto blank sandbox hosts): a line written with `logger` on each host found in
// Loki with its host, unit and job labels; Loki stopped for two minutes while vps1 writes 500
// numbered lines, all of which arrive once it is back (the agents retry without a limit); Tempo
// ready and taking an OTLP/HTTP trace.
import { randomBytes } from "crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onHost, printFigures, privateAddress, viaSsh } from "./harness";
import { sharedDeployment, sharedDeploymentFigure } from "./shared-deployment";

const RUN = randomBytes(4).toString("hex");

let loki: string;
let tempo: { api: string; otlp: string };

/** Figures for the closing note: printed, never asserted. */
const figures: Record<string, string> = {};
const seconds = (s: number) => `${s.toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** LogQL over the last `minutes`, every stream with its lines. */
async function query(logql: string, minutes = 15): Promise<Stream[]> {
  const now = Date.now();
  const params = new URLSearchParams({
    query: logql,
    start: String((now - minutes * 60_000) * 1e6),
    end: String((now + 60_000) * 1e6),
    limit: "5000",
  });
  const r = await fetch(`${loki}/loki/api/v1/query_range?${params}`);
  if (!r.ok) throw new Error(`Loki refused ${logql}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { data: { result: Stream[] } }).data.result;
}

/** Polls `probe` every 2 s until it returns a value, for at most `limit` seconds; the value and the wait. */
async function waitFor<T>(limit: number, probe: () => Promise<T | undefined>): Promise<{ value?: T; waited: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    const waited = (Date.now() - start) / 1000;
    if (value !== undefined || waited > limit) return { value, waited };
    await sleep(2000);
  }
}

beforeAll(async () => {
  const vps2Address = privateAddress("vps2");
  figures["shared deployment"] = sharedDeploymentFigure(await sharedDeployment());
  loki = await viaSsh("vps2", vps2Address, 3100);
  tempo = { api: await viaSsh("vps2", vps2Address, 3200), otlp: await viaSsh("vps2", vps2Address, 4318) };
});

afterAll(() => {
  // Loki back on, whatever failed.
  onHost("vps2", "systemctl start loki");
  printFigures("logs", figures);
});

describe("logs in Loki", () => {
  it("finds a line written with logger on each host, with its host, unit and job labels, within 30 s", async () => {
    for (const host of ["vps1", "vps2"]) {
      const line = `logs-it ${RUN} from ${host}`;
      const unit = `logs-it-${RUN}.service`;
      // A transient unit of its own, so the line carries a known unit.
      const r = onHost(host, `systemd-run -q --wait --unit=${unit} logger -t logs-it '${line}'`);
      expect(r.code, r.stderr).toBe(0);
      // Loki logs the queries it answers, this one's text included: its own lines are not the writer's.
      const found = await waitFor(30, async () =>
        (await query(`{host="${host}", unit!="loki.service"} |= "${line}"`)).find((s) => s.values.length > 0),
      );
      figures[`logger line from ${host} found in Loki after`] = seconds(found.waited);
      expect(found.value, `"${line}" not in Loki after ${found.waited} s`).toBeDefined();
      // `unit` is the writer's as journald saw it: logger's own unit when it still sees the
      // process, else whatever cgroup it finds the pid in by then (init.scope, or another: seen
      // once in CI); either way the label is there.
      expect(found.value?.stream).toMatchObject({ host, job: "systemd-journal" });
      figures[`unit label of the logger line on ${host}`] = String(found.value?.stream.unit);
      expect(found.value?.stream.unit, `the unit label of the logger line (its unit: ${unit})`).toMatch(/\.(service|scope)$/);
    }
  });

  it("loses nothing while Loki is down: 500 lines written on vps1 during two minutes without Loki all arrive", async () => {
    const tag = `burst-${RUN}`;
    expect(onHost("vps2", "systemctl stop loki").code).toBe(0);
    const stoppedAt = Date.now();
    const write = onHost("vps1", `for i in $(seq 1 500); do logger -t ${tag} "${tag} line $i"; done`);
    expect(write.code, write.stderr).toBe(0);
    await sleep(Math.max(0, 120_000 - (Date.now() - stoppedAt)));
    expect(onHost("vps2", "systemctl start loki").code).toBe(0);
    const numbers = async () => {
      const lines = (await query(`{host="vps1"} |= "${tag} line "`).catch(() => [])).flatMap((s) => s.values.map(([, l]) => l));
      return new Set(lines.map((l) => Number(l.match(/line (\d+)$/)?.[1])));
    };
    const all = await waitFor(180, async () => ((await numbers()).size >= 500 ? true : undefined));
    figures["500 lines in Loki after its restart, in"] = seconds(all.waited);
    const got = await numbers();
    const missing = Array.from({ length: 500 }, (_, i) => i + 1).filter((n) => !got.has(n));
    expect(missing, `lines missing from Loki: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? "..." : ""}`).toEqual([]);
  });
});

describe("traces in Tempo", () => {
  it("is ready, and takes an OTLP/HTTP trace that a query by id then finds", async () => {
    const ready = await waitFor(60, async () => {
      const r = await fetch(`${tempo.api}/ready`).catch(() => undefined);
      return r?.ok ? (await r.text()).trim() : undefined;
    });
    expect(ready.value, `Tempo not ready at ${tempo.api}/ready`).toBe("ready");
    const traceId = randomBytes(16).toString("hex");
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = {
      traceId,
      spanId: randomBytes(8).toString("hex"),
      name: `logs-it ${RUN}`,
      kind: 1,
      startTimeUnixNano: String(now - 5_000_000n),
      endTimeUnixNano: String(now),
    };
    const body = {
      resourceSpans: [
        { resource: { attributes: [{ key: "service.name", value: { stringValue: "logs-it" } }] }, scopeSpans: [{ spans: [span] }] },
      ],
    };
    const post = await fetch(`${tempo.otlp}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(post.status, await post.text()).toBe(200);
    const found = await waitFor(60, async () => ((await fetch(`${tempo.api}/api/traces/${traceId}`)).ok ? true : undefined));
    figures["trace found in Tempo after"] = seconds(found.waited);
    expect(found.value, `trace ${traceId} not found at ${tempo.api}/api/traces/${traceId}`).toBe(true);
  });
});
