// Benchmark (not a test): `rcf score` on a large generated CSV, streamed. Reports rows/s and the peak
// resident memory (VmHWM) of the command line process.
//
//   node bench/cli-large.mjs [--mb 300] [--trees 50] [--keep] [--file PATH]
//
// Generates a CSV of about --mb megabytes in os.tmpdir() (timestamp + 3 numeric columns, with a few
// anomalies), runs `node bin/rcf.js score FILE --trees N > /dev/null`, polls /proc/PID/status for VmHWM
// (Linux) and prints one summary line. Needs the Node bundle: npm run build:node (and build:wasm).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '300' },
    trees: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    file: { type: 'string' },
  },
});
const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin/rcf.js');
if (!existsSync(join(root, 'dist/node/cli.js')) || !existsSync(join(root, 'build/rcf.wasm'))) {
  console.error('Build first: npm run build:wasm && npm run build:node');
  process.exit(1);
}

const targetBytes = Number(values.mb) * 1024 * 1024;
const file = values.file ?? join(tmpdir(), `rcf-cli-large-${values.mb}mb.csv`);

async function generate() {
  const out = createWriteStream(file);
  let bytes = 0;
  let rows = 0;
  let t = Date.UTC(2020, 0, 1);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const header = 'timestamp,cpu,latency_ms,requests\n';
  out.write(header);
  bytes += header.length;
  while (bytes < targetBytes) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, rows++) {
      t += 1000;
      const daily = Math.sin((rows / 86_400) * 2 * Math.PI);
      let cpu = 40 + 20 * daily + 5 * random();
      let latency = 120 + 30 * daily + 10 * random();
      const requests = Math.round(1000 + 400 * daily + 50 * random());
      if (rows % 250_000 === 125_000) {
        cpu += 50;
        latency *= 4;
      }
      chunk += `${new Date(t).toISOString()},${cpu.toFixed(2)},${latency.toFixed(1)},${requests}\n`;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

let generatedRows = null;
if (!values.file && (!existsSync(file) || statSync(file).size < targetBytes)) {
  const g0 = performance.now();
  generatedRows = await generate();
  console.error(`generated ${file}: ${(statSync(file).size / 1048576).toFixed(0)} MB, ${generatedRows} rows in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
}
const size = statSync(file).size;

const started = performance.now();
const child = spawn(process.execPath, [bin, 'score', file, '--trees', values.trees], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (d) => (stderr += d));
let peakKb = 0;
const poll = setInterval(() => (peakKb = Math.max(peakKb, vmHwmKb(child.pid))), 50);
const [code] = await once(child, 'close');
clearInterval(poll);
const seconds = (performance.now() - started) / 1000;
const m = /scored (\d+) of (\d+) rows/.exec(stderr);
const rows = m ? Number(m[2]) : NaN;
if (code !== 0) {
  console.error(stderr);
  console.error(`rcf exited with ${code}`);
  process.exit(1);
}
console.log(
  `rcf score, ${(size / 1048576).toFixed(0)} MB, ${rows} rows, --trees ${values.trees}: ${seconds.toFixed(1)} s, ` +
    `${Math.round(rows / seconds)} rows/s, ${(size / 1048576 / seconds).toFixed(1)} MB/s, peak RSS (VmHWM) ${(peakKb / 1024).toFixed(0)} MB`,
);
console.log(stderr.trim().split('\n').at(-1));
if (!values.keep && !values.file) rmSync(file);
