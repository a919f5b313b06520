// The entry point tsserver requires: its exports must be the factory itself (scripts/build.mjs
// bundles this file into typescript-plugin/index.js, the package the extension contributes).
import { init } from './plugin';

module.exports = init;
