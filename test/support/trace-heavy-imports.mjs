// Preloaded with `node --import` by test/cli/lazy-imports.test.ts: reports every heavy
// library the process loads, by writing `HEAVY <package>` to stderr (module.registerHooks,
// synchronous and in-thread, Node >= 22.15).
import { registerHooks } from 'node:module';

const HEAVY = ['@kubernetes/client-node', 'proxmox-api', 'listr2', 'enquirer', 'zx', 'undici'];
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    for (const pkg of HEAVY) {
      if (result.url.includes(`/node_modules/${pkg}/`) && !seen.has(pkg)) {
        seen.add(pkg);
        process.stderr.write(`HEAVY ${pkg}\n`);
      }
    }
    return result;
  },
});
