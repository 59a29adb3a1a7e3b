// Read once from package.json so `--version` never drifts from the published package.
import { readText, shippedFile } from '../shipped.js';

export const VERSION: string = (JSON.parse(readText(shippedFile('package.json'))) as { version: string }).version;
