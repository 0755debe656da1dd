// Renders CSL-JSON items with citeproc-js, the CSL processor Zotero itself uses.
// Reads {"items": [...], "style": "apa", "locale": "en-US"} on stdin; writes
// {"bibliography": {"<id>": "entry", ...}, "citation": "..."} as plain text. Styles and locales are the official
// ones (citation-style-language/styles and /locales, CC BY-SA 3.0), kept in ./csl/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const here = join(dirname(fileURLToPath(import.meta.url)), "csl");

const request = JSON.parse(readFileSync(0, "utf8"));
const items = Object.fromEntries(request.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => readFileSync(join(here, `locales-${lang}.xml`), "utf8"),
  retrieveItem: (id) => items[id],
};
const style = readFileSync(join(here, `${request.style}.csl`), "utf8");
const engine = new CSL.Engine(sys, style, request.locale, true);
engine.setOutputFormat("text");
const ids = Object.keys(items);
engine.updateItems(ids);
const [meta, entries] = engine.makeBibliography();
const bibliography = Object.fromEntries(
  meta.entry_ids.map(([id], at) => [id, entries[at].trim()]),
);
const citation = engine.makeCitationCluster(ids.map((id) => ({ id })));
process.stdout.write(JSON.stringify({ bibliography, citation }));
