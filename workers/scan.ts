// Entry point of the scan worker process: `node --import tsx workers/scan.ts` (or `coordwatch worker scan`).
import { runRole } from './run-role.ts';

await runRole('scan');
