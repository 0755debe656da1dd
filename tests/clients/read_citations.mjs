// Reads citation files as citation-js does, into CSL-JSON: node read_citations.mjs FILE...
// A file named *.bib is read twice: with citation-js's BibLaTeX mapping (@biblatex/text) and
// with its classic BibTeX one (@bibtex/text: only the fields classic BibTeX defines mean
// anything), so a test sees what a classic reader keeps.
// Writes {"<file>": [items], "<file> (classic)": [items]}.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-ris";
import "@citation-js/plugin-csl";

const csl = (cite) => cite.format("data", { format: "object" });
const read = (text, type) => csl(new Cite(text, { forceType: type }));
const found = {};
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, "utf8");
  const name = basename(path);
  // The kind of file is told by its name's end: <anything>.json, .ris or .bib.
  if (name.endsWith(".bib")) {
    found[name] = read(text, "@biblatex/text");
    found[`${name} (classic)`] = read(text, "@bibtex/text");
  } else if (name.endsWith(".ris")) {
    found[name] = read(text, "@ris/file");
  } else {
    found[name] = csl(new Cite(JSON.parse(text)));
  }
}
process.stdout.write(JSON.stringify(found));
