// The hand-written `durable-run` declarations that createSample gives users
// (samples/durable-run.d.ts) must describe the real module (src/runtime/api.ts). Two checks:
// types (`npx tsc -p . --noEmit` fails on a changed shape) and names (node:test fails when the
// module exports a name the declarations lack, which types alone cannot see for type exports).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as Declared from '../../samples/durable-run';
import type * as Real from '../runtime/api';

/** Mutually assignable and with the same keys (assignability alone misses a new optional field). */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
type Assert<T extends true> = T;
/** The agent brand is a unique symbol on each side; compare everything else. */
type Unbranded<T> = { [K in keyof T as K extends symbol ? never : K]: T[K] };

export type DeclarationChecks = [
  Assert<Same<keyof typeof Real, keyof typeof Declared>>,
  Assert<Same<typeof Real.INPUT_EVENT, typeof Declared.INPUT_EVENT>>,
  Assert<Same<typeof Real.OUTPUT_EVENT, typeof Declared.OUTPUT_EVENT>>,
  Assert<Same<Parameters<typeof Real.defineAgent>, Parameters<typeof Declared.defineAgent>>>,
  Assert<Same<Unbranded<Real.Agent>, Unbranded<Declared.Agent>>>,
  Assert<Same<Unbranded<ReturnType<typeof Real.defineAgent>>, Unbranded<Declared.Agent>>>,
  Assert<Same<typeof Real.registerClass, typeof Declared.registerClass>>,
  Assert<Same<typeof Real.PayloadEncodingError, typeof Declared.PayloadEncodingError>>,
  Assert<Same<Real.PayloadEncodingError, Declared.PayloadEncodingError>>,
  Assert<Same<Real.AgentEvent, Declared.AgentEvent>>,
  Assert<Same<Real.AgentEvent<{ n: number }>, Declared.AgentEvent<{ n: number }>>>,
  Assert<Same<Real.ActionDefinition, Declared.ActionDefinition>>,
  Assert<Same<Real.AgentDefinition, Declared.AgentDefinition>>,
  Assert<Same<Real.ActionContext, Declared.ActionContext>>,
  Assert<Same<Real.DurableOptions<number>, Declared.DurableOptions<number>>>,
  Assert<Same<Real.DeferredCall<string>, Declared.DeferredCall<string>>>,
  Assert<Same<Real.ShortTermMemory, Declared.ShortTermMemory>>,
];

const root = join(__dirname, '..', '..');

/** Every name src/runtime/api.ts exports, values and types. */
function exportedNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.push(name);
    }
  }
  for (const m of source.matchAll(
    /export\s+(?:declare\s+)?(?:const|function|class|interface|type)\s+(\w+)/g,
  )) {
    names.push(m[1]);
  }
  return names;
}

test('the durable-run declarations name everything the real module exports', () => {
  const real = exportedNames(readFileSync(join(root, 'src', 'runtime', 'api.ts'), 'utf8'));
  const declared = new Set(
    exportedNames(readFileSync(join(root, 'samples', 'durable-run.d.ts'), 'utf8')),
  );
  assert.ok(real.length >= 10, `expected api.ts to export its API, found ${real.join(', ')}`);
  const missing = real.filter((name) => !declared.has(name));
  assert.deepEqual(missing, [], `samples/durable-run.d.ts lacks: ${missing.join(', ')}`);
});
