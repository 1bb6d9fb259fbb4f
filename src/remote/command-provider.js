// @ts-check
// The provider of every RemoteCommand as the dynamic-provider process loads it: the `__provider`
// each resource stores is one line naming this file (command.ts, PROVIDER). Plain JavaScript,
// because deciding that nothing changed, which is all a no-op `up` or a preview asks of most
// resources, must not wait for the TypeScript compiler that command.ts needs in a plain Node
// process. Anything else loads command.ts's remoteCommandProvider on first use; refresh and
// delete, which run the provider a resource stored, run the program's current code through it.
"use strict";
const path = require("path");

/** Inputs no diff compares here: a new `check` changes nothing on a host; `result` is an output. */
const UNCOMPARED = new Set(["check", "result"]);

/**
 * Every input as stored: no change, decided without loading command.ts.
 * @param {Record<string, unknown>} olds
 * @param {Record<string, unknown>} news
 */
function unchanged(olds, news) {
  return [...Object.keys(olds), ...Object.keys(news)].every(
    (k) => UNCOMPARED.has(k) || JSON.stringify(olds[k]) === JSON.stringify(news[k]),
  );
}

/** @type {{ get(key: string): string | undefined } | undefined} */
let config;
/** @type {Required<Omit<import("@pulumi/pulumi").dynamic.ResourceProvider, "check" | "configure">> | undefined} */
let loaded;

function provider() {
  if (loaded) return loaded;
  if (!require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true });
  return (loaded = require(path.join(__dirname, "command.ts")).remoteCommandProvider((/** @type {string} */ key) => config?.get(key)));
}

/** @type {import("@pulumi/pulumi").dynamic.ResourceProvider} */
module.exports = {
  // The SDK calls it first, once per process, with the stack's config (the SSH login is read from it).
  async configure(req) {
    config = req.config;
  },
  diff: async (id, olds, news) => (unchanged(olds, news) ? { changes: false } : provider().diff(id, olds, news)),
  create: (inputs) => provider().create(inputs),
  update: (id, olds, news) => provider().update(id, olds, news),
  delete: (id, props) => provider().delete(id, props),
  read: (id, props) => provider().read(id, props),
};
