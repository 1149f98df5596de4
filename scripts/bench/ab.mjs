// `pnpm bench --ab <other build's apps/gateway/dist/main.js>`: is this build cheaper or dearer than another one? Both
// gateways run at once, each in front of its own stand-ins, each loaded by its own wrk (1 thread, CONNECTIONS=50) for
// ROUNDS rounds of DURATION (9 × 5s) per mode (MODES=json,stream: OpenAI chat through a BYOK caller, PGlite). Running
// them together rather than in turn is the point: this 2-core host's speed drifts by tens of percent within minutes,
// which back-to-back runs mistake for a difference; at the same time, the drift hits both alike. Prints per round and
// as medians: req/s of this build ÷ the other's, and the event loop's CPU time per request (the gateway's main thread,
// from /proc) of this build ÷ the other's. Two copies of the same build read 0.95-1.10 per round, ~1.00 as a median.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from '../lib.mjs';
import { apiKeyFor, ensureWrk, eventLoopCpuMs, median, startGateway, startStandIns, wrkScript } from './support.mjs';

const env = process.env;
const ROUNDS = Number(env.ROUNDS ?? 9);
const DURATION = env.DURATION ?? '5s';
const CONNECTIONS = Number(env.CONNECTIONS ?? 50);
const MODES = (env.MODES ?? 'json,stream').split(',').filter(Boolean);
const THIS_BUILD = path.join(ROOT, 'apps/gateway/dist/main.js');

const baselineArgument = process.argv[process.argv.indexOf('--ab') + 1];
if (!baselineArgument || baselineArgument.startsWith('--')) {
  console.error('usage: pnpm bench --ab <other checkout>/apps/gateway/dist/main.js');
  process.exit(2);
}
const BASELINE = path.resolve(baselineArgument);

async function startTarget(label, entry, keys) {
  const standIns = await startStandIns();
  const gateway = await startGateway(standIns, {}, { entry, name: `ab-${label}` });
  const apiKey = await apiKeyFor(gateway.url, `ab-${label}@bench.local`, { openai: keys.openai[1] });
  const scripts = Object.fromEntries(
    MODES.map((mode) => {
      const body = JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: 'You are a concise assistant.' }, { role: 'user', content: 'Say hello in one short sentence.' }],
        max_tokens: 64,
        ...(mode === 'stream' ? { stream: true } : {}),
      });
      return [mode, wrkScript({ body, headers: { authorization: `Bearer ${apiKey}` } })];
    }),
  );
  return { label, pid: gateway.pid, url: `${gateway.url}/v1/chat/completions`, scripts };
}

/** wrk in the background (both targets are loaded at once): requests per second and non-2xx answers. */
function wrk(target, mode, duration) {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${duration}`, '-s', target.scripts[mode], target.url]);
    let out = '';
    child.stdout.on('data', (data) => (out += data));
    child.on('close', () => {
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1) ?? [];
      const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors.reduce((sum, value) => sum + Number(value), 0);
      resolve({ rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN), requests, errors });
    });
  });
}

async function main() {
  await buildWhatIsMissing();
  ensureWrk();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));
  const [other, mine] = [await startTarget('other', BASELINE, keys), await startTarget('this', THIS_BUILD, keys)];
  console.log(`this build: ${THIS_BUILD}\nthe other:  ${BASELINE}\n${CONNECTIONS} connections each, at the same time, ${ROUNDS} rounds of ${DURATION}`);
  for (const mode of MODES) {
    await Promise.all([other, mine].map((target) => wrk(target, mode, '2s')));
    const throughput = [];
    const eventLoop = [];
    let errors = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const before = [other, mine].map((target) => eventLoopCpuMs(target.pid));
      const results = await Promise.all([other, mine].map((target) => wrk(target, mode, DURATION)));
      const perRequest = [other, mine].map((target, index) => ((eventLoopCpuMs(target.pid) - before[index]) * 1000) / Math.max(1, results[index].requests));
      errors += results[0].errors + results[1].errors;
      throughput.push(results[1].rps / results[0].rps);
      eventLoop.push(perRequest[1] / perRequest[0]);
      console.log(
        `${mode} round ${round + 1}: req/s ${Math.round(results[1].rps)} vs ${Math.round(results[0].rps)} (${throughput.at(-1).toFixed(3)}), ` +
          `event loop µs/request ${perRequest[1].toFixed(0)} vs ${perRequest[0].toFixed(0)} (${eventLoop.at(-1).toFixed(3)})`,
      );
    }
    console.log(`${mode}: this ÷ other, median of ${ROUNDS}: req/s ${median(throughput).toFixed(3)}, event-loop CPU per request ${median(eventLoop).toFixed(3)}; errors ${errors}`);
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench --ab: ${error.message}`);
  process.exitCode = 1;
} finally {
  process.exit();
}
