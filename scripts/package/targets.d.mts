export interface TargetInfo {
  esbuild: string;
  os: 'windows' | 'linux' | 'macos';
  cpu: 'x64' | 'arm64' | 'arm';
}
export const TARGETS: Record<string, TargetInfo>;
export function binaryName(target: string): string;
export function binaryInPackage(target: string): string;
export function hostTarget(): string;
export function vsixName(name: string, version: string, target: string): string;
