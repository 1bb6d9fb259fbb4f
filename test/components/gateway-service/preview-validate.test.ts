// The preview's check of gateway.settings: what the release's validator refuses, mapped to keys
// of gateway.settings with the release's JSON schema. Schemas here are cut from openclaw
// 2026.6.11's `openclaw config schema`; the validator itself runs in config-preview.test.ts.
import { describe, expect, it } from "vitest";
import { SchemaNode, settingsProblems } from "../../../components/gateway-service/preview-validate";

const schema: SchemaNode = {
  type: "object",
  additionalProperties: false,
  properties: {
    agents: {
      type: "object",
      additionalProperties: false,
      properties: {
        defaults: {
          type: "object",
          additionalProperties: false,
          properties: { workspace: { type: "string" }, model: { anyOf: [{ type: "string" }, { type: "object" }] } },
        },
        list: {
          type: "array",
          items: { type: "object", additionalProperties: false, properties: { id: { type: "string" }, default: { type: "boolean" } } },
        },
      },
    },
    models: {
      type: "object",
      properties: {
        providers: {
          type: "object",
          additionalProperties: {
            type: "object",
            additionalProperties: false,
            properties: { baseUrl: { type: "string" }, api: { enum: ["openai-completions", "anthropic-messages"] } },
          },
        },
      },
    },
    gateway: { type: "object", properties: { port: { type: "integer" } } },
  },
};

describe("the validator's issues as keys of gateway.settings", () => {
  it("names each key an object does not have (a misspelling), not the object", () => {
    const settings = { agents: { defaults: { workspce: "/x", workspace: "/y" }, list: [{ id: "main", defualt: true }] } };
    const issues = [
      { path: "agents.defaults", message: "Invalid input" },
      { path: "agents.list.0", message: "Invalid input" },
    ];
    expect(settingsProblems(issues, settings, schema, "2026.6.11")).toEqual([
      { key: "gateway.settings.agents.defaults.workspce", message: "is not a key of openclaw 2026.6.11's configuration" },
      { key: "gateway.settings.agents.list.0.defualt", message: "is not a key of openclaw 2026.6.11's configuration" },
    ]);
  });
  it("says what the schema expects for a wrong type, through records and alternatives", () => {
    const settings = { agents: { defaults: { workspace: 5, model: 1 } }, models: { providers: { local: { api: "ollama" } } } };
    const issues = [
      { path: "models.providers.local.api", message: "Invalid input" },
      { path: "agents.defaults.workspace", message: "Invalid input" },
      { path: "agents.defaults.model", message: "Invalid input" },
    ];
    expect(settingsProblems(issues, settings, schema, "2026.6.11")).toEqual([
      {
        key: "gateway.settings.agents.defaults.model",
        message: "Invalid input: expected object or string (openclaw 2026.6.11 config validate)",
      },
      { key: "gateway.settings.agents.defaults.workspace", message: "Invalid input: expected string (openclaw 2026.6.11 config validate)" },
      {
        key: "gateway.settings.models.providers.local.api",
        message: 'Invalid input: expected one of "openai-completions", "anthropic-messages" (openclaw 2026.6.11 config validate)',
      },
    ]);
  });
  it("leaves the release's own words when they say what it expected (2026.9)", () => {
    const issues = [{ path: "agents.defaults.workspace", message: "Invalid input: expected string, received number" }];
    expect(settingsProblems(issues, { agents: { defaults: { workspace: 5 } } }, schema, "2026.9.6")).toEqual([
      {
        key: "gateway.settings.agents.defaults.workspace",
        message: "Invalid input: expected string, received number (openclaw 2026.9.6 config validate)",
      },
    ]);
  });
  it("names a missing key under the operator's settings as theirs, and anything else as the rendered file's", () => {
    const settings = { models: { providers: { local: { api: "openai-completions" } } } };
    const issues = [
      { path: "models.providers.local.baseUrl", message: "Required" },
      { path: "gateway.port", message: "Invalid input" },
    ];
    expect(settingsProblems(issues, settings, schema, "2026.6.11")).toEqual([
      { key: "gateway", message: "openclaw 2026.6.11 refuses the rendered openclaw.json at gateway.port: Invalid input" },
      { key: "gateway.settings.models.providers.local.baseUrl", message: "Required: expected string (openclaw 2026.6.11 config validate)" },
    ]);
  });
});
