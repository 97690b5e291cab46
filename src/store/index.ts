// The on-device clickstream store (IndexedDB via idb). Loaded lazily by the loader.
export { openStore, type EarlyConnection, type Store, type StoreOptions, type RecentOptions, type ReadOptions, type Reading, type AddResult, type StoreDump } from './store';
export { deleteStore } from './delete';
export { DB_VERSION } from './schema';
