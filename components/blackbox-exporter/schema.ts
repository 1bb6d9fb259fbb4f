// BlackboxExporter's options: Debian's prometheus-blackbox-exporter on the gateway host,
// probing the gateway's /health on loopback for Prometheus (the gateway stays bound to
// loopback in production). Typed, defaulted and validated before any resource exists.
import { z } from "zod";

export const DEFAULT_PORT = 9115;

/** The options an operator sets (stack config `openclaw-infra:blackbox`). */
export const blackboxOptionsSchema = z
  .object({
    /** TCP port on the host's private address, where Prometheus asks for /probe. */
    port: z.number().int().min(1024).max(65535).default(DEFAULT_PORT),
    /** A probe that takes longer fails (probe_success 0). */
    timeoutSeconds: z.number().int().min(1).max(60).default(5),
    /** The sandboxing drop-in. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

export const blackboxArgsSchema = blackboxOptionsSchema.safeExtend({
  /** The one address it listens on: the host's private address. */
  listenAddress: z.ipv4().refine((a) => a !== "0.0.0.0", "must be one address of the host, not 0.0.0.0"),
  /**
   * The only peers it exchanges packets with besides the host itself: the Prometheus host.
   * A /probe request names any target, so this also keeps it from being used to reach other
   * hosts (systemd IPAddressDeny=any + IPAddressAllow=; unenforced where the kernel refuses
   * BPF to systemd, as in the sandbox's containers). Empty: no restriction.
   */
  allowFrom: z.array(z.ipv4()).default([]),
});

export type BlackboxArgsOptions = z.input<typeof blackboxArgsSchema>;
export type BlackboxSettings = z.output<typeof blackboxArgsSchema>;
