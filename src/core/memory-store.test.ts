/** MemoryStore against the Store contract. */
import { storeContract } from '../../test/contracts/store.contract.ts'
import { MemoryStore } from './memory-store.ts'

storeContract('MemoryStore', () => new MemoryStore())
