// Entry point of the ingest worker process: `node --import tsx workers/ingest.ts` (or `coordwatch worker ingest`).
// Run it with a heap cap (node --max-old-space-size=256 --import tsx workers/ingest.ts) to bound its RSS;
// `coordwatch worker ingest` applies the cap itself.
import { runRole } from './run-role.ts';

await runRole('ingest');
