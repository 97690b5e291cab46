// What a report belongs to, and the one canonical byte encoding of it. The same bytes are bound into
// the PRG (so a seed expands to unrelated masks under any other report) and into the HPKE associated
// data (so a sealed seed opens only for the report it was sealed for): device and helper encode
// with this function, so they cannot disagree.
import { concat, fromHex, u16, u32, utf8 } from './bytes';
import { refuse } from './errors';

export const REPORT_ID_BYTES = 16;
const MAX_MODEL_VERSION_BYTES = 1024;

export interface ReportContext {
  /** The round the report was built for (a non-negative 32-bit integer). */
  round: number;
  /** The model version the update was computed against. */
  modelVersion: string;
  /** 16 random bytes as 32 lower-case hex digits; the report's identity for deduplication. */
  reportId: string;
}

export function checkContext(ctx: ReportContext): void {
  if (!(Number.isInteger(ctx.round) && ctx.round >= 0 && ctx.round <= 0xffffffff)) refuse('malformed', `round ${ctx.round}: expected an integer in [0, 2^32)`);
  const version = utf8(ctx.modelVersion);
  if (typeof ctx.modelVersion !== 'string' || version.length === 0 || version.length > MAX_MODEL_VERSION_BYTES) {
    refuse('malformed', `model version: expected 1 to ${MAX_MODEL_VERSION_BYTES} bytes of UTF-8`);
  }
  fromHex(ctx.reportId, REPORT_ID_BYTES, 'report id');
}

/** round (u32) ‖ report id (16 bytes) ‖ model version length (u16) ‖ model version (UTF-8); big-endian. */
export function encodeContext(ctx: ReportContext): Uint8Array {
  checkContext(ctx);
  const version = utf8(ctx.modelVersion);
  return concat([u32(ctx.round), fromHex(ctx.reportId, REPORT_ID_BYTES, 'report id'), u16(version.length), version]);
}
