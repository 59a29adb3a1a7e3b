// The built-in step library: every step type the shipped runbooks may use.
import type { StepDefinition, StepRegistry } from '../src/step/define-step.js';
import { createRegistry } from '../src/step/define-step.js';
import { coreAssert } from './core/assert.js';
import { coreConfirm } from './core/confirm.js';
import { coreGate } from './core/gate.js';
import { coreShell } from './core/shell.js';
import { coreWait } from './core/wait.js';
import { fluxReconcileDependents } from './flux/reconcile-dependents.js';
import { diagnoseAssertHealthy } from './diagnose/assert-healthy.js';
import { diagnoseRemediate } from './diagnose/remediate.js';
import { diagnoseReport } from './diagnose/report.js';
import { fluxMetallbValues } from './flux/metallb-values.js';
import { fluxReconcile } from './flux/reconcile.js';
import { fluxResume, fluxSuspend } from './flux/suspend.js';
import { fluxWaitReady } from './flux/wait-ready.js';
import { gitopsCommit } from './gitops/commit.js';
import { gitopsEditValues } from './gitops/edit-values.js';
import { k8sAssertApiStable } from './k8s/assert-api-stable.js';
import { k8sAssertNodeDead } from './k8s/assert-node-dead.js';
import { k8sCordon, k8sUncordon } from './k8s/cordon.js';
import { k8sDeleteNodeVolumes } from './k8s/delete-node-volumes.js';
import { k8sDeleteNode } from './k8s/delete-node.js';
import { k8sDeletePodsOnNode } from './k8s/delete-pods-on-node.js';
import { k8sDeletePvc } from './k8s/delete-pvc.js';
import { k8sDeleteSecret } from './k8s/delete-secret.js';
import { k8sDrain } from './k8s/drain.js';
import { k8sEnsure } from './k8s/ensure.js';
import { k8sPatch } from './k8s/patch.js';
import { k8sRemoveFinalizers } from './k8s/remove-finalizers.js';
import { k8sWaitCondition } from './k8s/wait-condition.js';
import { k8sWaitPodsScheduled } from './k8s/wait-pods-scheduled.js';
import { k8sWaitNodeReady } from './k8s/wait-node-ready.js';
import { proxmoxAssertMemoryFits } from './proxmox/assert-memory-fits.js';
import { proxmoxGetVm } from './proxmox/get-vm.js';
import { proxmoxRebootVm } from './proxmox/reboot-vm.js';
import { proxmoxSelectUnfixed } from './proxmox/select-unfixed.js';
import { proxmoxSetMemory } from './proxmox/set-memory.js';
import { proxmoxWaitTask } from './proxmox/wait-task.js';
import { proxmoxWaitVmRunning } from './proxmox/wait-vm-running.js';

export const builtinSteps: readonly StepDefinition[] = [
  coreAssert,
  coreConfirm,
  coreGate,
  coreShell,
  coreWait,
  diagnoseAssertHealthy,
  diagnoseRemediate,
  diagnoseReport,
  fluxMetallbValues,
  fluxReconcile,
  fluxReconcileDependents,
  fluxResume,
  fluxSuspend,
  fluxWaitReady,
  gitopsCommit,
  gitopsEditValues,
  k8sAssertApiStable,
  k8sAssertNodeDead,
  k8sCordon,
  k8sDeleteNode,
  k8sDeleteNodeVolumes,
  k8sDeletePodsOnNode,
  k8sDeletePvc,
  k8sDeleteSecret,
  k8sDrain,
  k8sEnsure,
  k8sPatch,
  k8sRemoveFinalizers,
  k8sUncordon,
  k8sWaitCondition,
  k8sWaitNodeReady,
  k8sWaitPodsScheduled,
  proxmoxAssertMemoryFits,
  proxmoxGetVm,
  proxmoxRebootVm,
  proxmoxSelectUnfixed,
  proxmoxSetMemory,
  proxmoxWaitTask,
  proxmoxWaitVmRunning,
] as readonly StepDefinition[];

export function builtinRegistry(): StepRegistry {
  return createRegistry(builtinSteps);
}
