// The helper's cryptography, for every Node process that opens seeds in bulk: the helper server,
// its benchmarks and the simulator. HPKE's HKDF in place (hkdf.ts), its X25519 and AES-GCM from
// Node's crypto (native-hpke.ts), the PRG's key stream from Node's crypto (key-stream.ts): each the
// same bytes as the widget's WebCrypto, at a fraction of the cost here.
import { hkdfInPlace } from '../../src/privacy/secagg/hkdf';
import type { Primitives } from '../../src/privacy/secagg/report';
import { nativeKeyStream } from './key-stream';
import { nodeHpke } from './native-hpke';

export const HELPER_PRIMITIVES: Primitives = { hkdf: hkdfInPlace, native: nodeHpke, keyStream: nativeKeyStream };
