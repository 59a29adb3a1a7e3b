// Read once from package.json so `--version` and the image name never drift from the published
// package. The image's repository is set there once (config.image): `npm run build:image` tags
// it, `runbook schedule --image` defaults to it.
import { readText, shippedFile } from '../shipped.js';

const pkg = JSON.parse(readText(shippedFile('package.json'))) as { version: string; config: { image: string } };

export const VERSION: string = pkg.version;
export const IMAGE = `${pkg.config.image}:${pkg.version}`;
