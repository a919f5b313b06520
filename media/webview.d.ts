// What VS Code gives a webview's scripts, for type-checking media/*.js (media/tsconfig.json).
interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;
