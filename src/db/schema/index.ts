import type { PartialDB as Accounts } from './accounts.ts';
import type { PartialDB as AccountSightings } from './account-sightings.ts';
import type { PartialDB as IngestBatches } from './ingest-batches.ts';
import type { PartialDB as IngestChunks } from './ingest-chunks.ts';
import type { PartialDB as Posts } from './posts.ts';
import type { PartialDB as RejectedRecords } from './rejected-records.ts';

export type Database = Accounts & AccountSightings & IngestBatches & IngestChunks & Posts & RejectedRecords;

export type { Account } from './accounts.ts';
export type { AccountSighting } from './account-sightings.ts';
export type { IngestBatch } from './ingest-batches.ts';
export type { IngestChunk } from './ingest-chunks.ts';
export type { Post } from './posts.ts';
export type { RejectedRecord } from './rejected-records.ts';
