// The built-in step library: every step type the shipped runbooks may use.
import type { StepDefinition } from '../src/engine/define-step.js';
import { createRegistry } from '../src/engine/define-step.js';
import type { StepRegistry } from '../src/engine/define-step.js';
import { coreAssert } from './core/assert.js';
import { coreConfirm } from './core/confirm.js';
import { coreShell } from './core/shell.js';
import { coreWait } from './core/wait.js';

export const builtinSteps: readonly StepDefinition[] = [coreAssert, coreConfirm, coreShell, coreWait] as readonly StepDefinition[];

export function builtinRegistry(): StepRegistry {
  return createRegistry(builtinSteps);
}
