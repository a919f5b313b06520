// The `durable-run` module that agent files import: the agent API of DESIGN.md, with its types.
export { defineAgent, INPUT_EVENT, OUTPUT_EVENT } from './agent';
export type {
  Agent,
  AgentDefinition,
  ActionDefinition,
  AgentEvent,
  ActionContext,
  DurableOptions,
  DeferredCall,
  ShortTermMemory,
} from './agent';
export { registerClass } from './codec';
export { PayloadEncodingError } from './errors';
