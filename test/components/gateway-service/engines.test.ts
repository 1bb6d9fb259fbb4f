import { describe, expect, it } from "vitest";
import { assertCompatible, checkEngines, enginesNode } from "../../../components/gateway-service/engines";
import { fakeFetch } from "../../fixtures/config";

describe("engines.node check", () => {
  it("reads engines.node of a release from the registry", async () => {
    expect(await enginesNode("http://registry.test/", "2026.6.11", fakeFetch())).toBe(">=22.19.0");
    await expect(enginesNode("http://registry.test/", "1.0.0", fakeFetch())).rejects.toThrow(
      "GET http://registry.test/openclaw/1.0.0: HTTP 404 (is openclaw@1.0.0 published?)",
    );
  });

  it("accepts a satisfying Node and refuses one that is too old", () => {
    expect(() => checkEngines("2026.6.11", ">=22.19.0", "22.23.3")).not.toThrow();
    expect(() => checkEngines("2026.6.11", ">=22.19.0", "22.9.0")).toThrow(
      "gateway.version: openclaw@2026.6.11 needs node >=22.19.0, but NodeRuntime installs 22.9.0; set node.version to a 22.x it accepts (unset, the newest 22.x), or pin an older gateway.version",
    );
    expect(() => checkEngines("2026.9.6", ">=24.16.0 <25 || >=26.1.0", "22.23.3")).toThrow(
      "gateway.version: openclaw@2026.9.6 needs node >=24.16.0 <25 || >=26.1.0, but NodeRuntime installs 22.23.3; set node.major: 24, or pin an older gateway.version",
    );
  });

  it("accepts any Node when the release declares no range", () => {
    expect(() => checkEngines("1.0.0", undefined, "18.0.0")).not.toThrow();
  });
});

describe("assertCompatible", () => {
  it("yields the planned version when the release accepts it", async () => {
    expect(await assertCompatible("http://registry.test", "2026.6.11", "22.23.3", fakeFetch())).toBe("22.23.3");
  });
  it("fails when the release needs a newer Node", async () => {
    await expect(assertCompatible("http://registry.test", "2026.9.3", "22.23.3", fakeFetch())).rejects.toThrow(
      "openclaw@2026.9.3 needs node >=24.16.0, but NodeRuntime installs 22.23.3",
    );
  });
});
