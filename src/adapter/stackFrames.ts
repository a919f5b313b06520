// The stack a key's thread shows: on top, where the user's code stands (the durable call's line
// and phase, or the action's own line at its start and end), or for a held key the boundary it
// waits before; below, the action; at the bottom, the event that triggered it. Action lines come
// from the agent outline, since the worker does not know where actions are defined.
import type { CallPhase } from '../runtime/boundaries';
import { firstFrameLocation } from '../worker/callSite';
import type { BoundarySnapshot } from '../worker/protocol';
import type { OutlineAction } from './agentOutline';
import type { ActionPosition, CrashMessage } from './attemptState';

export interface FrameModel {
  name: string;
  file?: string;
  line: number;
  column: number;
  kind: 'position' | 'action' | 'event';
}

export type ActionFinder = (name: string) => { file: string; action: OutlineAction } | undefined;

const PHASES: Record<CallPhase, string> = {
  planned: 'plan decided',
  cleared: 'slots cleared',
  'pending-persisted': 'PENDING persisted',
  returned: 'function returned',
  threw: 'function threw',
  'outcome-persisted': 'outcome persisted',
  replayed: 'replayed',
};

export function phaseLabel(phase: CallPhase): string {
  return PHASES[phase];
}

function actionFrame(name: string, find: ActionFinder, detail = ''): FrameModel {
  const found = find(name);
  return {
    name: `action ${name}${detail}`,
    file: found?.file,
    line: found?.action.bodyStart ?? 0,
    column: 1,
    kind: 'action',
  };
}

function eventFrame(type: string, key: string, seq: number): FrameModel {
  return { name: `${type} key=${key} seq=${seq}`, line: 0, column: 0, kind: 'event' };
}

/** The frames of the thread that is stopped at a boundary. */
export function stoppedFrames(
  b: BoundarySnapshot,
  eventType: string,
  find: ActionFinder,
): FrameModel[] {
  const { action, key, seq } = b.exec;
  const below = [actionFrame(action, find), eventFrame(eventType, key, seq)];
  if (b.kind === 'call' && b.call) {
    const c = b.call;
    const site = c.callSite;
    const top: FrameModel = {
      name: `${c.functionId} #${c.index} · ${phaseLabel(b.phase!)} (${c.plan.path})`,
      file: site?.file,
      line: site?.line ?? 0,
      column: site?.column ?? 0,
      kind: 'position',
    };
    return [top, ...below];
  }
  const found = find(action);
  const atEnd = b.kind === 'action-end' || (b.kind === 'action-completed' && !b.reused);
  const label =
    b.kind === 'action-start'
      ? b.reused
        ? 'start (completed earlier: reused)'
        : 'start'
      : b.kind === 'action-end'
        ? b.error
          ? 'threw'
          : 'returned (completion not persisted)'
        : b.reused
          ? 'reused'
          : 'completed';
  // An action that threw stands where it threw (its stack holds the agent's frames only).
  const thrown = b.kind === 'action-end' ? firstFrameLocation(b.error?.stack) : undefined;
  const top: FrameModel = {
    name: `${action} · ${label}`,
    file: thrown?.file ?? found?.file,
    line: thrown?.line ?? (atEnd ? found?.action.bodyEnd : found?.action.bodyStart) ?? 0,
    column: thrown?.column ?? 1,
    kind: 'position',
  };
  return [top, ...below];
}

/**
 * The one frame of an attempt that crashed and waits for its recovery: where the crash struck
 * (the call's line, else the action's), so the editor shows it; nothing runs any more.
 */
export function crashedFrames(crash: CrashMessage, find: ActionFinder): FrameModel[] {
  const call = crash.functionId !== undefined ? ` · ${crash.functionId} #${crash.index}` : '';
  const action = crash.action !== undefined ? find(crash.action) : undefined;
  return [
    {
      name: `CRASH at ${crash.point}${call}`,
      file: crash.callSite?.file ?? action?.file,
      line: crash.callSite?.line ?? action?.action.bodyStart ?? 0,
      column: crash.callSite?.column ?? 1,
      kind: 'position',
    },
  ];
}

/**
 * The frames of a key held while another key is stopped: where it waits, before the boundary it
 * has reached (its breakpoints there are checked when it is released).
 */
export function heldFrames(
  b: BoundarySnapshot,
  eventType: string,
  find: ActionFinder,
): FrameModel[] {
  const [top, ...below] = stoppedFrames(b, eventType, find);
  return [{ ...top, name: `held before ${top.name}` }, ...below];
}

/** The frames of a key between two boundaries: the action it runs (held at its next boundary
 *  when the others are stopped). */
export function runningFrames(
  p: ActionPosition,
  find: ActionFinder,
  stopping: boolean,
): FrameModel[] {
  const detail = stopping ? ' (running to its next boundary)' : ' (running)';
  return [actionFrame(p.action, find, detail), eventFrame('event', p.key, p.seq)];
}
