// ResticBackup's options: the gateway's state directory (SQLite databases and files) backed up
// with restic (Debian's package) into an encrypted repository on another host of the topology,
// reached over SFTP with a key of its own. Typed, defaulted and validated before any resource exists.
import { z } from "zod";
import { INSTANCE_NAME } from "../gateway-service/schema";
import { calendarSchema } from "../../src/validate";

/** The options an operator sets (stack config `openclaw-infra:stateBackup`). */
export const resticOptionsSchema = z
  .object({
    /** The host of the topology holding the repository. Default: the first other host. */
    repositoryHost: z.string().optional(),
    /** When the backup runs (systemd OnCalendar=, the host's time zone). */
    schedule: calendarSchema.default("*-*-* 02:00:00"),
    /** Days of snapshots kept, counted back from the newest (`restic forget --keep-within <N>d --prune` after each backup). */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** On a blank host (an empty state directory), restore the latest snapshot before the gateway first starts. */
    restore: z.enum(["latest", "none"]).default("latest"),
    /** The sandboxing of the backup job's unit. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

/** The secret: the repository's password (restic encrypts everything with a key it unlocks). */
export const resticPasswordSchema = z
  .string()
  .min(20, "must be at least 20 characters")
  .regex(/^[^\s]+$/, "must not contain whitespace");

const absolutePath = z.string().regex(/^\/[A-Za-z0-9._/-]+$/, "must be an absolute path of letters, digits, . _ - and /");
const systemName = z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a system user name");

export const resticArgsSchema = resticOptionsSchema.safeExtend({
  /** This host's name: the snapshots' host, and its repository directory on the repository host. */
  host: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a topology host name"),
  /** The repository host: where the client connects (private address) and its pinned host key. */
  repository: z.object({ host: z.string(), address: z.ipv4(), sshPort: z.number().int(), hostKey: z.string() }),
  /**
   * What is backed up: each gateway instance's state directory and the user owning it (its job
   * runs as that user). One job per instance, its snapshots tagged apart, so each restores alone.
   */
  states: z
    .array(
      z.object({
        instance: z.string().regex(INSTANCE_NAME, "must be an instance name: a lower-case letter, then letters or digits (16 at most)"),
        dir: absolutePath,
        user: systemName,
      }),
    )
    .min(1, "must name at least one gateway instance's state")
    .superRefine((states, ctx) => {
      // Two jobs of one name would share a unit and a tag; two of one directory, its snapshots.
      states.forEach((st, i) => {
        const first = (key: "instance" | "dir") => states.findIndex((o) => o[key] === st[key]);
        if (first("instance") < i)
          ctx.addIssue({ code: "custom", path: [i, "instance"], message: `instance ${st.instance} is named twice` });
        else if (first("dir") < i)
          ctx.addIssue({ code: "custom", path: [i, "dir"], message: `is already instance ${states[first("dir")].instance}'s state` });
      });
    }),
});

export type ResticOptions = z.input<typeof resticOptionsSchema>;
export type ResticArgsOptions = z.input<typeof resticArgsSchema>;
export type ResticSettings = z.output<typeof resticArgsSchema>;
/** One gateway instance's state, backed up by its own job. */
export type ResticState = ResticSettings["states"][number];
