/** SqliteStore against the Store contract, on files in a temporary directory, reopened to show durability. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { storeContract } from '../../test/contracts/store.contract.ts'
import { SqliteStore } from './sqlite-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'p2pstack-sqlite-'))
const opened: SqliteStore[] = []
let files = 0
after(() => {
  for (const store of opened) store.close()
  rmSync(dir, { recursive: true, force: true })
})

storeContract('SqliteStore', () => {
  const file = join(dir, `state-${files++}.sqlite`)
  const store = new SqliteStore(file)
  opened.push(store)
  return Object.assign(store, {
    reopen: () => {
      store.close()
      opened.splice(opened.indexOf(store), 1)
      const again = new SqliteStore(file)
      opened.push(again)
      return again
    }
  })
})
