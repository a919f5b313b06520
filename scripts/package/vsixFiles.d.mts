export const root: string;
export const SNAPSHOT: string;
export function vsixFiles(cwd?: string): string[];
export function pinnedFiles(): string[];
