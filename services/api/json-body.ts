import { VigilError } from '../core/errors';

/** Deeper than any config or command Vigil accepts (a config nests about 8 levels). */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in a JSON text, strings skipped. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Parses a request body as JSON, refusing nesting deeper than MAX_JSON_DEPTH before anything
 * recursive (the parser, validation, cloning) sees it: a 20,000-deep body is a 400, not a stack
 * overflow.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new VigilError('VIGIL_ERR_BAD_JSON', 'the JSON body is empty');
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new VigilError(
      'VIGIL_ERR_REQUEST_INVALID',
      `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_BAD_JSON',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
}
