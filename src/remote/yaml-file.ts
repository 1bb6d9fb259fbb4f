// A YAML file we manage, rendered from data: our header first, no anchors for repeated values
// and no line folding (a long regex or URL stays on one line), so a preview diff shows exactly
// the values that changed.
import { Document } from "yaml";
import { MANAGED_HEADER } from "./unit-file";

export interface YamlFileOptions {
  /** Lines after the managed-by line, saying what the file is. */
  header: string[];
  /**
   * "1.1" for programs that read YAML with go-yaml v2 (promtail, Loki, Tempo): written as 1.1,
   * strings such as "on" or "no" are quoted instead of being read back as booleans.
   */
  version?: "1.1" | "1.2";
}

export function renderYamlFile(value: unknown, options: YamlFileOptions): string {
  const doc = new Document(value, { version: options.version ?? "1.2", aliasDuplicateObjects: false });
  // undefined makes an empty document, with no top-level node to carry the header.
  if (!doc.contents) throw new Error("renderYamlFile: no value to render");
  // On the top-level map, not the document: no blank line after it, as in our unit files.
  doc.contents.commentBefore = [MANAGED_HEADER, ...options.header].map((line) => ` ${line}`).join("\n");
  return doc.toString({ lineWidth: 0 });
}
