// One way to turn zod issues into errors that name the field: "<where>.<path>: <message>".
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** A RunError, so Pulumi prints the message alone, without a stack trace. */
export class ValidationError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join("\n  ")}`);
    this.name = "ValidationError";
    // Pulumi never prints a RunError's stack but still formats it, through source maps: 35 s
    // here for one raised after an await (the preflight). The message is all there is to say.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** An http(s) URL: a download base, a registry, a webhook. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A systemd OnCalendar= expression (a backup's schedule); `systemd-analyze verify` checks it on the host too. */
export const calendarSchema = z.string().regex(/^[A-Za-z0-9 ,.:*/~-]+$/, "must be a systemd calendar expression like 'Sun *-*-* 01:00:00'");

/** A Prometheus duration: 30s, 5m, 1h30m, 15d ("0s" fires a rule at once); Prometheus and Alertmanager read it. */
export const durationSchema = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, "must be a Prometheus duration like 30s, 5m, 1h30m or 15d");

/** `prefix` names where the value came from: "openclaw-infra:" (stack config) or "NodeRuntime vps1-node: ". */
export function formatIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const at = (path: PropertyKey[]) => prefix + (path.map(String).join(".") || "(value)");
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${at([...issue.path, key])}: unknown setting (misspelled?)`)
      : [`${at(issue.path)}: ${issue.message}`],
  );
}

/** Parses `value` with `schema`, or throws a ValidationError naming every bad field after `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(prefix, result.error.issues));
  return result.data;
}
