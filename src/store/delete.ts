import { deleteDB } from 'idb';

/** Deletes the whole database (consent denied). Our open connections, in this tab and others, close
 *  themselves on the resulting versionchange, so this completes even while other tabs hold the store;
 *  only a foreign connection that never closes can hold it up, and then it completes when that one closes. */
export function deleteStore(dbName = 'shelfwise'): Promise<void> {
  return deleteDB(dbName);
}
