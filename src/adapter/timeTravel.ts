// Where stepBack and reverseContinue land. Going back re-runs the current action from its start
// in a new worker (an attempt of kind 'rewind' over the same journal), which stops at a chosen
// boundary ordinal. Ordinals count the boundaries of the re-run, not of the attempt being left:
// in the re-run every call before the current one replays (two boundaries: planned, replayed),
// while the first time through it may have executed (three or four), so "ordinal − 1" of the
// current attempt would often land at the very place the developer left.
import type { BoundarySnapshot } from '../worker/protocol';

export type TravelTarget = { ordinal: number } | { refused: string };

/** The re-run's ordinal of the boundary just before the current one. */
export function stepBackTarget(b: BoundarySnapshot, callsMade: number): TravelTarget {
  if (b.kind === 'action-completed') {
    return {
      refused:
        "the action's completion is persisted, so it will not run again: there is nothing to step back into",
    };
  }
  if (b.kind === 'action-start') {
    return {
      refused: 'this is the first boundary of the action: there is nothing earlier to step back to',
    };
  }
  if (b.kind === 'action-end') return { ordinal: 1 + 2 * callsMade };
  const i = b.call?.index ?? 0;
  // planned(i) is 2 + 2i in the re-run: action start, then planned + replayed per earlier call.
  return { ordinal: b.phase === 'planned' ? 1 + 2 * i : 2 + 2 * i };
}

/** The action's first boundary, its start. */
export function reverseContinueTarget(b: BoundarySnapshot): TravelTarget {
  if (b.kind === 'action-completed') {
    return {
      refused:
        "the action's completion is persisted, so it will not run again: there is nothing to go back into",
    };
  }
  if (b.kind === 'action-start') return { refused: 'already at the start of the action' };
  return { ordinal: 1 };
}
