// Preloaded with `node --import` by test/cli/lazy-imports.test.ts and the bench: counts the
// files the process loads (ESM and CommonJS alike, through module.registerHooks' load hook) and
// writes `MODULES <count>` and one `MODULE <url>` per file to stderr when it exits.
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:')) loaded.add(url);
    return next(url, context);
  },
});
process.on('exit', () => {
  const lines = [...loaded].map((u) => `MODULE ${u}`);
  process.stderr.write(`${lines.join('\n')}\nMODULES ${loaded.size}\n`);
});
