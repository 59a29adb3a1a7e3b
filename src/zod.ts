// The one door to zod (only this file imports it: test/architecture/imports.test.ts).
// jitless: zod 4 compiles each object schema's first parse into generated code (`new Function`);
// a CLI parses each schema once or twice, so that compile is all cost and no gain (the shipped
// runbooks' validation: 50 -> 35 ms), and no code is generated at run time. The config is global
// and read when a schema is built, so it is set here, before any schema exists.
// `npm run build` replaces this file's output with zod bundled into one file (scripts/bundle-dist.mjs):
// 95 files to resolve and load at every start become one.
import { z } from 'zod';

z.config({ jitless: true });

export { z };
