// NodeRuntime's options: typed, defaulted, validated before any resource exists.
import { z } from "zod";

export const NODESOURCE_KEY_FINGERPRINT = "6F71F525282841EEDAF851B42F59B5F99B1BE0B4";

/** The options an operator sets in stack config (`openclaw-infra:node`). */
export const nodeOptionsSchema = z
  .object({
    /** Major release line. */
    major: z.number().int().min(18).max(40).default(24),
    /** Exact version, e.g. "22.23.3". Tarball: resolved to the newest of `major` when absent. */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be an exact version like 22.23.3")
      .optional(),
    /** "tarball": official release checked against SHASUMS256.txt. "nodesource": apt repository. */
    from: z.enum(["tarball", "nodesource"]).default("tarball"),
    /** Run `corepack enable` so pnpm and yarn shims are on PATH. */
    corepack: z.boolean().default(false),
  })
  .strict()
  .superRefine((args, ctx) => {
    if (args.version && Number(args.version.split(".")[0]) !== args.major) {
      ctx.addIssue({ code: "custom", path: ["version"], message: `${args.version} is not a ${args.major}.x release` });
    }
    if (args.from === "nodesource" && !args.version) {
      ctx.addIssue({
        code: "custom",
        path: ["version"],
        message: "is required with from: nodesource (apt pins nodejs=<version>-1nodesource1)",
      });
    }
  });

export const nodeRuntimeArgsSchema = nodeOptionsSchema.safeExtend({
  /** Base URL in the layout of https://nodejs.org/dist (a mirror works). */
  distUrl: z.url({ protocol: /^https?$/ }).default("https://nodejs.org/dist"),
  /** Base URL of the NodeSource deb repository. */
  nodeSourceUrl: z.url({ protocol: /^https?$/ }).default("https://deb.nodesource.com"),
});

export type NodeOptions = z.input<typeof nodeOptionsSchema>;
export type NodeRuntimeOptions = z.input<typeof nodeRuntimeArgsSchema>;
export type NodeRuntimeSettings = z.output<typeof nodeRuntimeArgsSchema>;
