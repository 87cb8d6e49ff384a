// The layer rule: apps/ use services/, services/ use packages/, and nothing imports upward or
// sideways between services; across workspace packages only by package name.
//
// Written here rather than taken from eslint-plugin-boundaries or eslint-plugin-import: both
// classify files through an import resolver (and TypeScript's `.ts` specifiers and npm workspace
// symlinks need eslint-import-resolver-typescript configured to match tsconfig), while the whole
// rule needs only the workspace map below and the path of the file being linted.
import { readdirSync, existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Layer of each top folder: a package may import from a lower layer only (packages from packages too). */
const LAYERS = { packages: 0, services: 1, apps: 2 };

/** Every workspace package: its folder (relative, POSIX), name and layer. */
function workspaces() {
  const found = [];
  const visit = (dir) => {
    if (existsSync(join(ROOT, dir, "package.json"))) {
      const { name } = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
      found.push({ dir, name, layer: LAYERS[dir.split("/")[0]] });
      return;
    }
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== "node_modules") visit(`${dir}/${entry.name}`);
    }
  };
  for (const top of Object.keys(LAYERS)) if (existsSync(join(ROOT, top))) visit(top);
  return found;
}

const WORKSPACES = workspaces();
const toPosix = (path) => path.split(sep).join("/");
const workspaceOf = (path) => WORKSPACES.find((w) => path === w.dir || path.startsWith(`${w.dir}/`));

/** May a file in `from` import the package `to`? */
function allowed(from, to) {
  if (from === to) return true;
  if (to.layer < from.layer) return true;
  // Kits build on kits, and the command builds on the platform runner; services stay apart.
  return to.layer === from.layer && from.layer !== LAYERS.services;
}

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: {
    type: "problem",
    docs: { description: "Imports follow the layers: apps → services → packages, across packages by name only." },
    messages: {
      relative: "'{{spec}}' leaves {{from}}: import another workspace package by its name ({{to}}).",
      outside: "'{{spec}}' leaves {{from}} for {{target}}, which is no workspace package.",
      upward: "{{from}} ({{fromDir}}) may not import {{to}} ({{toDir}}): layers go apps → services → packages, and services do not import each other.",
    },
    schema: [],
  },
  create(context) {
    const file = toPosix(relative(ROOT, context.filename));
    const from = workspaceOf(file);
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== "string") return;
      if (spec.startsWith(".")) {
        const target = toPosix(relative(ROOT, resolve(ROOT, dirname(file), spec)));
        const owner = workspaceOf(target);
        if (owner === from) return;
        if (!owner) context.report({ node, messageId: "outside", data: { spec, from: from.name, target } });
        else context.report({ node, messageId: "relative", data: { spec, from: from.name, to: owner.name } });
        return;
      }
      const to = WORKSPACES.find((w) => spec === w.name || spec.startsWith(`${w.name}/`));
      if (to && !allowed(from, to)) {
        context.report({ node, messageId: "upward", data: { from: from.name, fromDir: from.dir, to: to.name, toDir: to.dir } });
      }
    };
    const source = (node) => check(node.source, node.source?.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: (node) => check(node.source, node.source.type === "Literal" ? node.source.value : undefined),
    };
  },
};

export default { rules: { layers: rule } };
