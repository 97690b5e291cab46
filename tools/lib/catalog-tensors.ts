// Codes for a whole catalog, for training and full ranking.
import type { ModelConfig } from '../../src/model/plain/config';
import { encodeItems, type ItemCodes, type ItemLike } from '../../src/model/plain/features';

export { pickCodes } from '../../src/model/plain/features';

export function catalogCodes(items: readonly ItemLike[], cfg: ModelConfig): ItemCodes {
  return encodeItems(items, cfg);
}
