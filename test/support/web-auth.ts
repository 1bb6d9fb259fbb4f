// The login steps Prometheus and Alertmanager share (components/*/index.ts): checked the same
// way for both under Pulumi mocks.
import { expect } from "vitest";
import { webConfig } from "../../src/web-auth";
import { isSecret, Recorded, value } from "./mocks";

/**
 * `<prefix>-password` and `<prefix>-web-config` hold the password and the web config, secret,
 * on stdin only, in root:prometheus 0640 files; no step's scripts or label carry the password.
 */
export async function expectLoginFiles(
  recorded: Recorded[],
  find: (name: string) => Recorded,
  prefix: string,
  user: string,
  password: string,
): Promise<void> {
  for (const [step, content] of [
    ["password", password],
    ["web-config", webConfig(user, password)],
  ]) {
    const file = find(`${prefix}-${step}`);
    expect(await isSecret(file.props.stdin)).toBe(true);
    expect(await value(file.props.stdin)).toBe(content);
    const create = await value<string>(file.props.create);
    expect(create).toContain("'root:prometheus'");
    expect(create).toContain("'0640'");
  }
  for (const r of recorded) {
    for (const key of ["create", "delete", "check", "label"]) {
      const text = r.props[key] === undefined ? "" : String(await value(r.props[key]));
      expect(text, `${r.name}.${key}`).not.toContain(password);
    }
  }
}
