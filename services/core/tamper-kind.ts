/** What a tampered picture looks like; the tamper alert, the status topic and the API name it. */
export const TAMPER_KINDS = ['covered', 'blinded', 'moved', 'defocused'] as const;
export type TamperKind = (typeof TAMPER_KINDS)[number];
