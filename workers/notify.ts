// Entry point of the notify worker process: `node --import tsx workers/notify.ts` (or `coordwatch worker notify`).
import { runRole } from './run-role.ts';

await runRole('notify');
