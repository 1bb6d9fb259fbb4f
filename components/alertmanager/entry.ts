// Alertmanager's entry: Prometheus's alerts to a webhook and/or email, on the observability host.
import { z } from "zod";
import { component, httpAt, tcp } from "../../src/registry/types";
import { Alertmanager } from ".";
import { PATHS } from "./render";
import { ALERTMANAGER_USER, alertmanagerOptionsSchema, alertmanagerSecretsSchema, requiredSecrets } from "./schema";

/** How Prometheus, on the same host, logs in to it: its user and the password file this component writes. */
export const alertmanagerLogin = { username: ALERTMANAGER_USER, passwordFile: PATHS.password };

const receivers = (options: { webhook?: unknown; email?: unknown }) =>
  [options.webhook && "webhook", options.email && "email"].filter(Boolean).join(" and ");

export const alertmanager = component({
  key: "alertmanager",
  schema: alertmanagerOptionsSchema.prefault({}),
  on: ["observability"],
  secrets: {
    /** ALERTMANAGER_USER's password on its UI and API (basic auth). */
    alertmanagerPassword: alertmanagerSecretsSchema.shape.password,
    /** Bearer token for alertmanager.webhook (with bearerToken: true). */
    alertmanagerWebhookToken: z.string().min(1).optional(),
    /** SMTP AUTH password for alertmanager.email (with a username). */
    alertmanagerSmtpPassword: z.string().min(1).optional(),
  },
  secretPaths: ({ options }) => [
    "alertmanagerPassword",
    ...requiredSecrets(options).map((key) => (key === "webhookToken" ? "alertmanagerWebhookToken" : "alertmanagerSmtpPassword")),
  ],
  build: (ctx) =>
    new Alertmanager(
      `${ctx.host}-alertmanager`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        secrets: ctx.secrets.apply((s) => ({
          password: s.alertmanagerPassword,
          webhookToken: s.alertmanagerWebhookToken,
          smtpPassword: s.alertmanagerSmtpPassword,
        })),
      },
      ctx.opts,
    ),
  // Prometheus sends alerts here; the operator opens the UI through a tunnel.
  listeners: ({ options }) => [tcp("http", "alertmanager.port", options.port, "private", ["observability host", "operator"])],
  units: ({ options, own }) => [
    {
      unit: PATHS.unit,
      reach: `${httpAt(own("http"))} (basic auth: ${ALERTMANAGER_USER}) -> ${receivers(options) || "no receiver (alertmanager.webhook / .email)"}`,
    },
  ],
  scrape: () => [{ job: "alertmanager", listener: "http", basicAuth: alertmanagerLogin }],
});
