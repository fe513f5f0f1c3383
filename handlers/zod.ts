/**
 * The zod the handlers use: `zod/mini`, zod v4's tree-shakable build, so a bundle carries only the schema types
 * and checks it calls instead of the whole library (~450 KB of input). It parses exactly as classic zod does (the
 * same core), but loads no locale and would word every issue "Invalid input"; zod's English locale is configured
 * here, once, so the messages a rejected order stores (and the tests read) are the ones classic zod gave.
 * Schema modules import `* as z` from this file, never 'zod' or 'zod/mini' directly (eslint.config.mjs holds that
 * line), so no schema can run without the locale. https://zod.dev/packages/mini
 */
import { _isoDateTime, type $ZodISODateTimeParams } from 'zod/v4/core';
import { en } from 'zod/locales';
import { config, ZodMiniISODateTime } from 'zod/mini';

config(en());

export * from 'zod/mini';

/**
 * `z.iso.datetime()` of zod/mini. Reached through the `iso` namespace, esbuild keeps every ISO schema and every
 * schema built with one (it cannot tell the namespace object's call is pure); this function it can drop.
 */
// @__NO_SIDE_EFFECTS__
export function isoDateTime(params?: $ZodISODateTimeParams): ZodMiniISODateTime {
  return _isoDateTime(ZodMiniISODateTime, params);
}
