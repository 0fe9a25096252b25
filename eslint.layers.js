// The layering of src/, as an ESLint rule: each folder may import only the layers below it.
//
//   api, cli  →  app  →  detect, queue, alerts  →  db, ingest  →  core
//
// Paths are resolved, so `../alerts/x.ts` inside src/core means core/alerts, not src/alerts.
// api and cli may import queue/ and detect/ for types only: at run time they reach queues,
// engines and detection through src/app (the composition root), so how processes are wired is
// decided in one place. The table below is the one statement of the layering; README's
// Architecture section draws it.
import path from 'node:path';

/** The project-level folders a file may belong to: src/<layer>/, config/, migrations/. */
const SUPPORT = 'support'; // src/*.ts: logger, metrics, shutdown, shared-data

export const ALLOWED = {
  core: ['core'],
  ingest: ['ingest', 'core'],
  db: ['db', 'core', 'config', 'migrations'],
  alerts: ['alerts', 'db', 'core', 'config'],
  detect: ['detect', 'db', 'core', 'config', SUPPORT],
  queue: ['queue', 'detect', 'db', 'ingest', 'core', 'config', SUPPORT],
  app: ['app', 'alerts', 'detect', 'queue', 'db', 'ingest', 'core', 'config', 'migrations', SUPPORT],
  api: ['api', 'app', 'alerts', 'db', 'ingest', 'core', 'config', SUPPORT],
  cli: ['cli', 'api', 'app', 'alerts', 'db', 'ingest', 'core', 'config', SUPPORT],
  [SUPPORT]: [SUPPORT, 'config', 'core'],
};

/** Layers api and cli may import for types only (never a value: the wiring is app's). */
const TYPE_ONLY = { api: ['queue', 'detect'], cli: ['queue', 'detect'] };

function layerOf(file, root) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'config') return 'config';
  if (rel[0] === 'migrations') return 'migrations';
  if (rel[0] !== 'src') return null;
  if (rel.length === 2) return SUPPORT;
  return rel[1];
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specs = node.specifiers ?? [];
  return specs.length > 0 && specs.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'keep the layering of src/ (see eslint.layers.js)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      up: '{{from}} must not import {{to}} ({{spec}}): {{from}} may import {{allowed}}.',
      typeOnly: '{{from}} may import {{to}} for types only ({{spec}}): reach it at run time through src/app.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const from = layerOf(file, root);
    if (!from || !ALLOWED[from]) return {};
    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source.value);
      const to = layerOf(target, root);
      if (!to || to === from) return;
      if (ALLOWED[from].includes(to)) return;
      if (TYPE_ONLY[from]?.includes(to)) {
        if (node.type !== 'ImportExpression' && isTypeOnly(node)) return;
        context.report({ node: source, messageId: 'typeOnly', data: { from, to, spec: source.value } });
        return;
      }
      context.report({ node: source, messageId: 'up', data: { from, to, spec: source.value, allowed: ALLOWED[from].join(', ') } });
    }
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source),
    };
  },
};

export default { rules: { layers: rule } };
