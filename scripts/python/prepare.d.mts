// Types of prepare.mjs for the TypeScript tests that need the project's Python environment.
export const venvDir: string;
export const requirements: string[];
export function venvPython(): string;
export function preparePython(options?: { quiet?: boolean }): string;
