// Several gateways per host: each instance's options and paths, and the clashes refused at
// preview, each in one line naming both instances.
import { describe, expect, it } from "vitest";
import { gateway } from "../../../components/gateway-service/entry";
import { instanceOfUnit, instancePaths } from "../../../components/gateway-service/instances";
import { gatewayConfig, renderUnit } from "../../../components/gateway-service/render";
import { gatewayInstances, gatewayOptionsSchema, GatewayOptions, pathsOf } from "../../../components/gateway-service/schema";
import { channelTokenClashes } from "../../../components/gateway-service/settings";
import { HostContext } from "../../../src/registry/types";

/** What the stack config refuses, as `pulumi preview` prints it (openclaw-infra:<path>: <message>). */
const refusals = (options: GatewayOptions) =>
  gatewayOptionsSchema.safeParse(options).error?.issues.map((i) => `gateway.${i.path.join(".")}: ${i.message}`) ?? [];

const ref = (id: string) => ({ source: "env", provider: "default", id });

describe("gateway instances", () => {
  it("a stack without instances has one, default, at a single gateway's paths and unit", () => {
    const [only, ...rest] = gatewayInstances(gatewayOptionsSchema.parse({}));
    expect(rest).toEqual([]);
    expect(only.instance).toBe("default");
    expect(pathsOf(only)).toEqual({
      configDir: "/etc/openclaw",
      envFile: "/etc/openclaw/gateway.env",
      configFile: "/etc/openclaw/openclaw.json",
      stateDir: "/var/lib/openclaw",
      stateDirectory: "openclaw",
      unit: "openclaw-gateway.service",
      user: "openclaw",
      syslogIdentifier: "openclaw-gateway",
    });
    // The same unit and file as before instances existed: the golden files did not change.
    expect(renderUnit(only)).toBe(renderUnit(gatewayOptionsSchema.parse({})));
    expect(gatewayConfig(only)).toEqual(gatewayConfig(gatewayOptionsSchema.parse({})));
  });

  it("gives another instance its own user, directories, unit and journal name, and takes the shared options under its own", () => {
    const options = gatewayOptionsSchema.parse({
      memoryMax: "3G",
      env: { A: "shared", B: "shared" },
      settings: { agents: { defaults: { model: { primary: "a/b" } } } },
      plugins: { "npm:@openclaw/irc": "2026.9.5" },
      instances: {
        default: {},
        work: {
          port: 18909,
          memoryMax: "1G",
          env: { B: "own" },
          settings: { agents: { defaults: { workspace: "/var/lib/openclaw-work/workspace" } } },
          plugins: { "npm:@openclaw/nostr": "2026.9.5" },
        },
      },
    });
    const [main, work] = gatewayInstances(options);
    expect([main.instance, work.instance]).toEqual(["default", "work"]);
    expect(main).toMatchObject({ port: 18789, memoryMax: "3G", env: { A: "shared", B: "shared" } });
    expect(work).toMatchObject({
      port: 18909,
      memoryMax: "1G",
      env: { A: "shared", B: "own" },
      settings: { agents: { defaults: { model: { primary: "a/b" }, workspace: "/var/lib/openclaw-work/workspace" } } },
      plugins: { "npm:@openclaw/irc": "2026.9.5", "npm:@openclaw/nostr": "2026.9.5" },
    });
    expect(pathsOf(work)).toEqual(instancePaths("work"));
    const unit = renderUnit(work);
    for (const line of [
      "Description=OpenClaw Gateway (instance work)",
      "User=openclaw-work",
      "EnvironmentFile=/etc/openclaw-work/gateway.env",
      "Environment=OPENCLAW_STATE_DIR=/var/lib/openclaw-work",
      "Environment=OPENCLAW_CONFIG_PATH=/etc/openclaw-work/openclaw.json",
      "StateDirectory=openclaw-work",
      "ExecStart=/opt/openclaw/current/bin/openclaw gateway --bind loopback --port 18909",
      "MemoryMax=1G",
      "SyslogIdentifier=openclaw-gateway-work",
    ])
      expect(unit).toContain(line);
    expect(instanceOfUnit(pathsOf(work).unit)).toBe("work");
    expect(instanceOfUnit("openclaw-gateway.service")).toBe("default");
    expect(instanceOfUnit("promtail.service")).toBeUndefined();
  });

  it("takes a state directory under /var/lib as set", () => {
    const [work] = gatewayInstances(gatewayOptionsSchema.parse({ instances: { work: { stateDir: "/var/lib/assistants-work" } } }));
    expect(pathsOf(work)).toMatchObject({ stateDir: "/var/lib/assistants-work", stateDirectory: "assistants-work" });
    expect(renderUnit(work)).toContain("StateDirectory=assistants-work\n");
    expect(refusals({ instances: { work: { stateDir: "/srv/work" } } })).toEqual([
      "gateway.instances.work.stateDir: must be a directory directly under /var/lib, like /var/lib/openclaw-work",
    ]);
    expect(refusals({ instances: { Work: {} } })).toEqual([
      "gateway.instances.Work: must be an instance name: a lower-case letter, then letters or digits (16 at most)",
    ]);
  });

  it("refuses two instances on one port, or closer than OpenClaw's derived ports allow, naming both", () => {
    expect(refusals({ instances: { default: {}, work: {} } })).toEqual([
      "gateway.instances.work.port: 18789 is also gateway.instances.default.port: each instance needs its own port",
    ]);
    expect(refusals({ instances: { default: {}, work: { port: 18800 } } })).toEqual([
      "gateway.instances.work.port: 18800 is within 120 of gateway.instances.default.port 18789: OpenClaw derives each instance's ports up to port + 110",
    ]);
    expect(refusals({ instances: { default: {}, work: { port: 18909 } } })).toEqual([]);
  });

  it("refuses one state directory or one agents' workspace for two instances, naming both", () => {
    expect(refusals({ instances: { default: {}, work: { port: 18909, stateDir: "/var/lib/openclaw" } } })).toEqual([
      "gateway.instances.work.stateDir: /var/lib/openclaw is also gateway.instances.default's state directory: each instance needs its own",
    ]);
    expect(
      refusals({
        settings: { agents: { defaults: { workspace: "/var/lib/openclaw/ws" } } },
        instances: { default: {}, work: { port: 18909 } },
      }),
    ).toEqual([
      'gateway.instances.work.settings.agents.defaults.workspace: "/var/lib/openclaw/ws" is also gateway.instances.default\'s workspace: each instance needs its own',
    ]);
  });

  it("refuses one channel token in two instances, compared by digest, in one line naming both and not the token", () => {
    const options = gatewayOptionsSchema.parse({
      settings: { channels: { telegram: { botToken: ref("TELEGRAM_BOT_TOKEN") } } },
      instances: { default: {}, work: { port: 18909 } },
    });
    const ctx = { options } as HostContext<never>;
    const checks = (secrets: object) =>
      gateway.secretChecks?.(ctx as never, { gatewayToken: "t".repeat(24), gatewayEnv: {}, gatewayInstances: {}, ...secrets } as never);
    const token = "123456:secret-bot-token";
    const shared = checks({ gatewayEnv: { TELEGRAM_BOT_TOKEN: token } });
    expect(shared?.problems).toEqual([
      {
        key: "gateway.instances.work.settings.channels.telegram.botToken",
        message:
          "is the same credential as gateway.instances.default.settings.channels.telegram.botToken (compared by digest): a channel's bot token can be polled by one gateway only",
      },
    ]);
    expect(JSON.stringify(shared)).not.toContain(token);
    // Its own value for the same variable: no clash.
    expect(
      checks({ gatewayEnv: { TELEGRAM_BOT_TOKEN: token }, gatewayInstances: { work: { env: { TELEGRAM_BOT_TOKEN: "654321:other" } } } })
        ?.problems,
    ).toEqual([]);
    // Two variables holding one token, on another channel key: still the same bot.
    const renamed = gatewayInstances(
      gatewayOptionsSchema.parse({
        instances: {
          a: { settings: { channels: { telegram: { botToken: ref("A") } } } },
          b: { port: 18909, settings: { channels: { telegram: { accounts: { x: { botToken: "${B}" } } } } } },
        },
      }),
    );
    expect(
      channelTokenClashes(
        renamed,
        () => ({ A: token, B: token }),
        (s) => `gateway.instances.${s.instance}`,
      ).map((p) => p.key),
    ).toEqual(["gateway.instances.b.settings.channels.telegram.accounts.x.botToken"]);
  });

  it("gives each instance its listener, port setting and unit line; the default keeps `http` and gateway.port", () => {
    const options = gatewayOptionsSchema.parse({ bind: "lan", instances: { default: {}, work: { port: 18909 } } });
    const single = gatewayOptionsSchema.parse({});
    expect(gateway.listeners?.({ options } as never)?.map((l) => [l.name, l.setting, l.port])).toEqual([
      ["http", "gateway.instances.default.port", 18789],
      ["http-work", "gateway.instances.work.port", 18909],
    ]);
    expect(gateway.listeners?.({ options: single } as never)?.map((l) => [l.name, l.setting])).toEqual([["http", "gateway.port"]]);
    expect(gateway.secretPaths?.({ options } as never)).toEqual(["gatewayToken", "gatewayInstances.work.token"]);
  });
});
