import { describe, expect, it } from "vitest";
import { gatewayConfig, readOnlyConfigEnv, renderConfig } from "../../../components/gateway-service/render";
import { gatewayOptionsSchema } from "../../../components/gateway-service/schema";
import { checkSecretRefs, derivedConflicts, envRefOf } from "../../../components/gateway-service/settings";

const apiKey = { source: "env", provider: "default", id: "ANTHROPIC_API_KEY" };
/** An agent, a model provider whose key is a secret, a channel whose token is a secret. */
const settings = {
  models: { providers: { anthropic: { apiKey } } },
  channels: { telegram: { enabled: true, botToken: "${TELEGRAM_BOT_TOKEN}", dmPolicy: "pairing" } },
  agents: { defaults: { workspace: "/var/lib/openclaw/workspace" } },
  gateway: { auth: { rateLimit: { maxAttempts: 5 } } },
};

describe("gateway.settings", () => {
  it("are merged under the derived keys, which win nothing they do not own", () => {
    const s = gatewayOptionsSchema.parse({ settings, bind: "lan" });
    const cfg = gatewayConfig(s, { otlpEndpoint: "http://10.0.0.2:4318" });
    expect(cfg.gateway).toEqual({
      // The default rate limit (bound beyond loopback) under the operator's maxAttempts.
      auth: { rateLimit: { maxAttempts: 5, windowMs: 60_000, lockoutMs: 300_000 }, mode: "token" },
      mode: "local",
      bind: "lan",
      port: 18789,
      controlUi: { allowedOrigins: [] },
    });
    expect(cfg.models).toEqual(settings.models);
    expect(cfg.channels).toEqual(settings.channels);
    expect(cfg.diagnostics).toMatchObject({ enabled: true, otel: { endpoint: "http://10.0.0.2:4318" } });
  });

  it("render the same file whatever the order of their keys", () => {
    const reordered = { gateway: settings.gateway, agents: settings.agents, channels: settings.channels, models: settings.models };
    expect(renderConfig(gatewayOptionsSchema.parse({ settings: reordered }))).toBe(renderConfig(gatewayOptionsSchema.parse({ settings })));
  });

  it("may not set a derived key, nor shadow one with a non-object; other keys beside them are theirs", () => {
    expect(derivedConflicts({ gateway: { bind: "lan", auth: { mode: "password", rateLimit: {} } } }).map((p) => p.path)).toEqual([
      "gateway.bind",
      "gateway.auth.mode",
    ]);
    expect(derivedConflicts({ gateway: "x" }).map((p) => p.path)).toEqual(["gateway"]);
    expect(derivedConflicts(settings)).toEqual([]);
  });

  it("reference secrets by the release's SecretRef, object or ${NAME} form", () => {
    expect(envRefOf(apiKey)).toBe("ANTHROPIC_API_KEY");
    expect(envRefOf("${TELEGRAM_BOT_TOKEN}")).toBe("TELEGRAM_BOT_TOKEN");
    expect(envRefOf("$TELEGRAM_BOT_TOKEN is here")).toBeUndefined();
    expect(envRefOf({ source: "file", provider: "f", id: "/a" })).toBeUndefined();
  });

  it("find each reference to an unset variable, each plaintext credential, and each secret nothing references", () => {
    const found = checkSecretRefs(
      { ...settings, tools: { web: { search: { apiKey: "sk-plain" } } }, x: { maxTokens: 4096, tokenizer: "a" } },
      ["ANTHROPIC_API_KEY", "UNUSED_KEY"],
      ["OPENCLAW_GATEWAY_TOKEN"],
    );
    expect(found.problems.map((p) => `${p.path}: ${p.message.split(":")[0]}`)).toEqual([
      "channels.telegram.botToken: references TELEGRAM_BOT_TOKEN, which is not set",
      "tools.web.search.apiKey: looks like a credential in plaintext",
    ]);
    expect(found.unused).toEqual(["UNUSED_KEY"]);
  });

  it("leave the file to the program: the release's read-only config mode by version", () => {
    expect(readOnlyConfigEnv("2026.6.11")).toBe("OPENCLAW_NIX_MODE=1");
    expect(readOnlyConfigEnv("2026.9.6")).toBe("OPENCLAW_CONFIG_READONLY=1");
    expect(readOnlyConfigEnv("2027.1.0-beta.1")).toBe("OPENCLAW_CONFIG_READONLY=1");
  });
});
