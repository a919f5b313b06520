// What the adapter tells a client it can do at initialize, with its exception filters.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS, type ExceptionFilter } from '../worker/protocol';

const FILTERS: Record<ExceptionFilter, { label: string; description: string; default: boolean }> = {
  durableFailure: {
    label: 'Durable call failed',
    description: 'Stop when a durable call throws or replays a failure',
    default: false,
  },
  nonDeterminism: {
    label: 'Non-determinism',
    description: 'Stop when a call does not match its slot and the slots are cleared',
    default: false,
  },
  reconcile: {
    label: 'Reconcile',
    description: 'Stop before a reconciler runs for a PENDING slot',
    default: false,
  },
  crash: {
    label: 'Crash',
    description: 'Stop just before an injected crash kills the process',
    default: false,
  },
  agentError: { label: 'Action threw', description: 'Stop when an action throws', default: true },
};

/** How a filter is named to the user (its id is for the protocol). */
export function filterLabel(filter: ExceptionFilter): string {
  return FILTERS[filter].label;
}

export function capabilities(): DebugProtocol.Capabilities {
  return {
    supportsConfigurationDoneRequest: true,
    supportsFunctionBreakpoints: true,
    supportsConditionalBreakpoints: true,
    supportsHitConditionalBreakpoints: true,
    supportsStepBack: true,
    supportsRestartFrame: true,
    supportsRestartRequest: true,
    supportsTerminateRequest: true,
    supportsExceptionInfoRequest: true,
    supportsEvaluateForHovers: false,
    supportsClipboardContext: true,
    supportsSetVariable: true,
    supportsSetExpression: true,
    exceptionBreakpointFilters: EXCEPTION_FILTERS.map((filter) => ({ filter, ...FILTERS[filter] })),
  };
}
