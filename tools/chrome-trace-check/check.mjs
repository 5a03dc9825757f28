// Checks a loopscope Chrome Trace Event export with a consumer nobody here
// wrote: Chrome DevTools' own trace engine (@paulirish/trace_engine, the
// performance panel's model, published for node). The expectations come from
// the same run's JSON Lines trace.
//
//   node check.mjs RUN.json RUN.jsonl
// Exit 0: DevTools sees what we meant; 1: it does not (each problem printed);
// 77: the npm package is not installed (npm ci --prefix tools/chrome-trace-check).
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const engine = path.join(here, 'node_modules/@paulirish/trace_engine/models/trace/trace.js');
if (!fs.existsSync(engine)) {
  console.log('SKIP: @paulirish/trace_engine is not installed (npm ci --prefix tools/chrome-trace-check)');
  process.exit(77);
}
const Trace = await import(engine);

const [chromePath, jsonlPath] = process.argv.slice(2);
if (!chromePath || !jsonlPath) {
  console.error('usage: node check.mjs RUN.json RUN.jsonl');
  process.exit(2);
}
const problems = [];
const expect = (ok, what) => { if (!ok) problems.push(what); };

// What the run did, from our own format.
const events = fs.readFileSync(jsonlPath, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
const tasks = new Map();  // "loop/task" -> {name, steps, prints}
const key = (loop, task) => `${loop}/${task}`;
let iterations = new Map(), poolJobs = 0, steps = 0;
const loopPrints = new Map();  // prints from plain callbacks (no task) go on the loop thread
for (const e of events) {
  if (e.ev === 'task.new') tasks.set(key(e.loop, e.task), {name: e.name, steps: 0, prints: 0, loop: e.loop, id: e.task});
  if (e.ev === 'step.begin') { tasks.get(key(e.loop, e.task)).steps++; steps++; }
  if (e.ev === 'print' && e.task !== null) tasks.get(key(e.loop, e.task)).prints++;
  if (e.ev === 'print' && e.task === null) loopPrints.set(e.loop, (loopPrints.get(e.loop) ?? 0) + 1);
  if (e.ev === 'loop.iter') iterations.set(e.loop, (iterations.get(e.loop) ?? 0) + 1);
  if (e.ev === 'pool.end') poolJobs++;
}

// What DevTools makes of the export.
const json = JSON.parse(fs.readFileSync(chromePath, 'utf8'));
const model = Trace.TraceModel.Model.createWithAllHandlers();
await model.parse(json.traceEvents);
const data = model.parsedTrace().data;
const {processes, entryToNode} = data.Renderer;
expect(data.Meta.traceIsGeneric, 'DevTools should read it as a generic (non-Chrome) trace');

const threadByName = new Map();
for (const [pid, proc] of processes)
  for (const [tid, thread] of proc.threads) threadByName.set(`${pid}/${thread.name}`, thread);
const named = (thread, re) => thread.entries.filter(e => re.test(e.name));
const parentName = entry => entryToNode.get(entry)?.parent?.entry.name ?? null;

let slices = 0;
for (const [loop, n] of iterations) {
  const lt = threadByName.get(`${loop + 1}/loop`);
  expect(lt, `process ${loop + 1} has no thread named "loop"`);
  if (!lt) continue;
  const its = named(lt, /^iteration \d+$/);
  expect(its.length === n, `loop ${loop}: ${its.length} iteration slices, the run had ${n} iterations`);
  for (const p of named(lt, /^poll/))
    expect(/^iteration /.test(parentName(p) ?? ''), `loop ${loop}: a poll at ${p.ts} is not inside an iteration`);
  const pr = lt.entries.filter(e => e.ph === 'I' && e.args?.text !== undefined).length;
  expect(pr === (loopPrints.get(loop) ?? 0), `loop ${loop}: ${pr} print instants, callbacks printed ${loopPrints.get(loop) ?? 0}`);
  slices += lt.entries.length;
}
for (const t of tasks.values()) {
  const thread = threadByName.get(`${t.loop + 1}/${t.name} (task ${t.id})`);
  expect(thread, `no thread for task ${t.id} "${t.name}" in process ${t.loop + 1}`);
  if (!thread) continue;
  const st = named(thread, /^step( \(slow\))?$/);
  expect(st.length === t.steps, `task ${t.name}: ${st.length} step slices, the run had ${t.steps} steps`);
  for (const s of st) expect(parentName(s) === null, `task ${t.name}: a step at ${s.ts} is nested in "${parentName(s)}"`);
  const pr = thread.entries.filter(e => e.ph === 'I' && e.args?.text !== undefined);
  expect(pr.length === t.prints, `task ${t.name}: ${pr.length} print instants, the run printed ${t.prints} lines`);
  slices += thread.entries.length;
}
const flows = data.Flows.flows;
const wakeups = flows.filter(f => f.length === 2 && /^queue /.test(f[0].name) && /^step/.test(f[1].name));
expect(wakeups.length === steps, `${wakeups.length} wake-up arrows (queue -> step), the run had ${steps} steps`);
const poolFlows = flows.filter(f => f.length === 2 && /^submit /.test(f[0].name));
expect(poolFlows.length === poolJobs, `${poolFlows.length} pool arrows, the run had ${poolJobs} pool jobs`);

if (problems.length) {
  for (const p of problems) console.error(`chrome-trace-check: ${p}`);
  process.exit(1);
}
console.log(`chrome-trace-check: OK (Chrome DevTools trace engine): ${tasks.size} task threads, ` +
            `${slices} entries, ${flows.length} flow arrows, ${[...iterations.values()].reduce((a, b) => a + b, 0)} iterations`);
