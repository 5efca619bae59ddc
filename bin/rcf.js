#!/usr/bin/env node
// The `rcf` command: runs the bundled command line (dist/cli/) with the kernel built into build/.
import { main } from '../dist/node/cli.js';

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  kernel: new URL('../build/rcf.wasm', import.meta.url),
});
process.exitCode = code;
