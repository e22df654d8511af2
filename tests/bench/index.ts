// `npm run bench -- NAME`: runs a benchmark. Each prints one JSON line per figure, measuring the
// project and a raw baseline in the same run, and their ratio.
const benches: Record<string, () => Promise<unknown>> = {
  usage: () => import('./usage-bench'),
  startup: () => import('./startup-bench'),
  sms: () => import('./sms-bench'),
  contacts: () => import('./contacts-bench'),
  dashboard: () => import('./dashboard-bench'),
  alerts: () => import('./alerts-bench'),
  export: () => import('./export-bench'),
  ledger: () => import('./ledger-bench'),
  replay: () => import('./replay-bench'),
};
const benchName = process.argv[2];
export {};
if (!benchName || !benches[benchName]) {
  console.error(`Usage: npm run bench -- ${Object.keys(benches).join('|')}`);
  process.exit(2);
}
await benches[benchName]!();
