/** Keypairs as Nova renders them; list entries are wrapped in {"keypair": …}. `type` from 2.2, `user_id` in show. */
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import { isoMicrosNaive } from '../../timestamps.ts'
import type { KeypairRow } from '../model.ts'

export function keypairListEntry (k: KeypairRow, version: Microversion): Record<string, unknown> {
  const view: Record<string, unknown> = { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint }
  if (isAtLeast(version, '2.2')) view.type = k.type
  return { keypair: view }
}

export function keypairShowView (k: KeypairRow, version: Microversion): Record<string, unknown> {
  const view: Record<string, unknown> = {
    public_key: k.publicKey,
    user_id: k.userId,
    name: k.name,
    deleted: false,
    created_at: isoMicrosNaive(k.createdAtMs),
    updated_at: null,
    fingerprint: k.fingerprint,
    deleted_at: null,
    id: k.internalId
  }
  if (isAtLeast(version, '2.2')) view.type = k.type
  return view
}

export function keypairCreateView (k: KeypairRow, version: Microversion, privateKey: string | null): Record<string, unknown> {
  const view: Record<string, unknown> = { public_key: k.publicKey, name: k.name, fingerprint: k.fingerprint, user_id: k.userId }
  if (isAtLeast(version, '2.2')) view.type = k.type
  if (privateKey !== null) view.private_key = privateKey
  return view
}
