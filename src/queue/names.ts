/** Queue names. Every arrow that crosses a process is one of these. */
export const QUEUE_INGEST = 'ingest';

/** Detection windows, queued after ingest chunks land (job ids: job-ids.ts). */
export const QUEUE_DETECT = 'detect';
/** Rolling, deep and manual scans. */
export const QUEUE_SCAN = 'scan';
/** Outbound webhooks on new and escalating alerts. */
export const QUEUE_NOTIFY = 'notify';

export const ALL_QUEUES = [QUEUE_INGEST, QUEUE_DETECT, QUEUE_SCAN, QUEUE_NOTIFY] as const;
export type QueueName = (typeof ALL_QUEUES)[number];

/** Stable ids of the job schedulers (BullMQ upsertJobScheduler). */
export const SCHEDULER_ROLLING = 'rolling-scan';
export const SCHEDULER_DEEP = 'deep-scan';
