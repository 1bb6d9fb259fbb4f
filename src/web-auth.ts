// HTTP basic auth of the Prometheus ecosystem's web servers (Prometheus, Alertmanager: the
// exporter-toolkit's --web.config.file), rendered from a secret. The file holds a bcrypt hash,
// which bcryptjs (pure JavaScript, no native build) computes here, so no tool is needed on the
// host. Its salt is derived from the password instead of drawn at random: the same password
// renders the same file, so a preview shows no change between runs and the service is not
// restarted for nothing. The salt only defeats precomputed tables, which a per-password salt
// from a keyed hash still does.
import { createHmac } from "crypto";
import * as bcrypt from "bcryptjs";
import { renderYamlFile } from "./remote/yaml-file";

/** bcrypt's cost: 2^10 rounds, the exporter-toolkit's documented example; it caches each good login. */
const COST = 10;
const SALT_LABEL = "openclaw-infra web config salt";

/** The bcrypt hash of `password`, with a salt derived from it (HMAC-SHA256 keyed by the password, 16 bytes). */
export function bcryptHash(password: string): string {
  const salt = createHmac("sha256", password).update(SALT_LABEL).digest().subarray(0, 16);
  return bcrypt.hashSync(password, `$2b$${COST}$${bcrypt.encodeBase64(salt, 16)}`);
}

/** The web config file: `user` may log in with `password`, every request needs it. */
export function webConfig(user: string, password: string): string {
  return renderYamlFile(
    { basic_auth_users: { [user]: bcryptHash(password) } },
    { header: ["HTTP basic auth on every path (exporter-toolkit web config); the password is a secret of the stack."] },
  );
}
