// Unit tests of the Python agent outline: the lines breakpoints verify against.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outlinePythonSource } from './pythonOutline';

const SOURCE = `class Payments(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def pay(event: Event, ctx: RunnerContext) -> None:
        # ctx.durable_execute(not_a_call) in a comment
        receipt = ctx.durable_execute(
            charge, "a", 5, reconciler=lookup
        )
        ctx.send_event(OutputEvent(output="durable_execute(x)"))

    @action("Refund")
    @staticmethod
    async def refund(event: Event, ctx: RunnerContext) -> None:
        await ctx.durable_execute_async(payments.refund, 1)


def lookup() -> dict:
    return {}
`;

describe('the outline of a Python agent', () => {
  const outline = outlinePythonSource(SOURCE, '/x/my_agent.py');

  it('finds each durable call with its line, span, function id and reconciler lines', () => {
    assert.deepEqual(outline.calls, [
      {
        line: 6,
        column: 23,
        api: 'durableExecute',
        functionId: 'my_agent.charge',
        endLine: 8,
        reconciler: [
          [7, 7],
          [17, 18],
        ],
      },
      {
        line: 14,
        column: 19,
        api: 'durableExecuteAsync',
        functionId: 'payments.refund',
        endLine: 14,
      },
    ]);
  });

  it('finds each @action method and the lines of its body', () => {
    assert.deepEqual(outline.actions, [
      { name: 'pay', runLine: 4, bodyStart: 4, bodyEnd: 9 },
      { name: 'refund', runLine: 13, bodyStart: 13, bodyEnd: 14 },
    ]);
  });
});
