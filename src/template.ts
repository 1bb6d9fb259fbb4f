// Handlebars templates hold the shape of shell scripts and free-text files; code computes the
// values. Units, JSON and YAML are rendered from data instead (src/remote/unit-file.ts).
// Strict mode makes a missing value an error instead of an empty string, and nothing is
// HTML-escaped: these are config files and scripts, not web pages.
import * as fs from "fs";
import * as path from "path";
import Handlebars from "handlebars";
import { sh } from "./remote/shell";

const hb = Handlebars.create();
/** {{sh value}}: single-quoted for bash. */
hb.registerHelper("sh", (value: unknown) => sh(String(value)));
/** {{json value}}: a JSON literal, e.g. a double-quoted string in Alloy configuration. */
hb.registerHelper("json", (value: unknown) => JSON.stringify(value));

export type Render<T> = (values: T) => string;

/** Compiles `<dir>/templates/<name>` once; the result renders deterministically. */
export function template<T>(dir: string, name: string): Render<T> {
  const source = fs.readFileSync(path.join(dir, "templates", name), "utf8");
  const compiled = hb.compile(source, { strict: true, noEscape: true });
  return (values: T) => compiled(values);
}
