export { accountAgeSignal, accountBurst, creationBursts } from './a1-account-age.ts';
export { handleShape, handleSignal } from './a2-handle.ts';
export type { HandleShape } from './a2-handle.ts';
export { activityHoursSignal } from './a3-activity-hours.ts';
export { languageSignal, scanScripts } from './a4-language.ts';
export type { TextScripts } from './a4-language.ts';
export { personaDriftSignal } from './a5-persona-drift.ts';
export { audienceSignal } from './a6-audience.ts';
export { combineSignals, computeAccountSignals } from './compute.ts';
export { DEFAULT_SIGNAL_PARAMS, withSignalParams } from './params.ts';
export type { SignalParams, SignalParamsOverrides } from './params.ts';
export { claimedZone, formatOffset } from './timezones.ts';
export type { ClaimedZone } from './timezones.ts';
export type {
  AccountSighting,
  AccountSignalId,
  AccountSignalInput,
  AccountSignals,
  SignalResult,
} from './types.ts';
export { DEFAULT_PERSONA_PARAMS, normaliseHandle, personaGroups, personaGroupSignal, personaGroupsCsv } from './a7-persona-group.ts';
export type { A7Result, PersonaAccount, PersonaGroup, PersonaLink, PersonaLinkKind, PersonaParams } from './a7-persona-group.ts';
