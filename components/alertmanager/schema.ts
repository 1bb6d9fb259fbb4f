// Alertmanager's options: Debian's prometheus-alertmanager on the observability host, its
// route and receivers (a webhook, email). Receiver credentials are secrets, written to files
// the service reads (0640 root:prometheus), never into its config file or command line.
import { z } from "zod";
import { durationSchema } from "../../src/validate";

export const DEFAULT_PORT = 9093;

/** Its UI and API ask for HTTP basic auth (its web config): this user, with the secret alertmanagerPassword. */
export const ALERTMANAGER_USER = "operator";

const hostPort = z.string().regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, "must be host:port like smtp.example.com:587");

/** The options an operator sets (stack config `openclaw-infra:alertmanager`). */
export const alertmanagerOptionsSchema = z
  .object({
    /** TCP port on the host's private address (UI, API; Prometheus sends alerts here). */
    port: z.number().int().min(1024).max(65535).default(DEFAULT_PORT),
    route: z
      .object({
        /** Alerts with the same values of these labels go out together. */
        groupBy: z.array(z.string()).default(["alertname", "host"]),
        /** How long a new group waits for more alerts before the first notification. */
        groupWait: durationSchema.default("30s"),
        /** How long before a group's changes (new alerts, resolved ones) are sent. */
        groupInterval: durationSchema.default("5m"),
        /** How long before a still-firing alert is sent again. */
        repeatInterval: durationSchema.default("4h"),
      })
      .strict()
      .prefault({}),
    /** POSTs Alertmanager's JSON to url on every change of a group. */
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
        /** Also when alerts resolve. */
        sendResolved: z.boolean().default(true),
        /** Sends `Authorization: Bearer <secret alertmanagerWebhookToken>`. */
        bearerToken: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** Mails through an SMTP server; the password is the secret alertmanagerSmtpPassword. */
    email: z
      .object({
        to: z.array(z.email()).min(1),
        from: z.email(),
        smarthost: hostPort,
        /** SMTP AUTH user; unset: no authentication (and no password secret). */
        username: z.string().min(1).optional(),
        requireTls: z.boolean().default(true),
        sendResolved: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /** The sandboxing drop-in. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

export const alertmanagerSecretsSchema = z
  .object({
    /** ALERTMANAGER_USER's password. */
    password: z.string().min(16, "must be at least 16 characters"),
    webhookToken: z.string().min(1).optional(),
    smtpPassword: z.string().min(1).optional(),
  })
  .strict();

export const alertmanagerArgsSchema = alertmanagerOptionsSchema.safeExtend({
  listenAddress: z.ipv4().refine((a) => a !== "0.0.0.0", "must be one address of the host, not 0.0.0.0"),
});

export type AlertmanagerArgsOptions = z.input<typeof alertmanagerArgsSchema>;
export type AlertmanagerSettings = z.output<typeof alertmanagerArgsSchema>;
export type AlertmanagerSecrets = z.output<typeof alertmanagerSecretsSchema>;

/** The secrets these options need: the webhook's token, the SMTP password. */
export function requiredSecrets(o: Pick<AlertmanagerSettings, "webhook" | "email">): ("webhookToken" | "smtpPassword")[] {
  return [...(o.webhook?.bearerToken ? (["webhookToken"] as const) : []), ...(o.email?.username ? (["smtpPassword"] as const) : [])];
}
