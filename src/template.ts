// Handlebars templates hold the shape of every rendered file; code computes the values.
// Strict mode makes a missing value an error instead of an empty string, and nothing is
// HTML-escaped: these are config files and scripts, not web pages.
import * as fs from "fs";
import * as path from "path";
import Handlebars from "handlebars";

const hb = Handlebars.create();
/** {{sh value}}: single-quoted for bash. */
hb.registerHelper("sh", (value: unknown) => `'${String(value).replace(/'/g, `'\\''`)}'`);
/** {{json value}}: JSON literal, for values placed in JSON files. */
hb.registerHelper("json", (value: unknown) => JSON.stringify(value));

export type Render<T> = (values: T) => string;

/** Compiles `<dir>/templates/<name>` once; the result renders deterministically. */
export function template<T>(dir: string, name: string): Render<T> {
  const source = fs.readFileSync(path.join(dir, "templates", name), "utf8");
  const compiled = hb.compile(source, { strict: true, noEscape: true });
  return (values: T) => compiled(values);
}
