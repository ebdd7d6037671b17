/**
 * Keypairs, per user: import a public key, or have one generated (RSA 2048, the private key
 * returned once, below 2.92 as Nova does), list (2.35+ pages), show, delete. 200/202 below 2.2,
 * 201/204 from 2.2; admins act for another user with user_id (2.10). The key_pairs quota holds.
 */
import { emptyResponse, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, Forbidden, NotFound } from '../../openstack/faults.ts'
import { keypairCreateSchema } from '../../openstack/compute/keypairs/schemas.ts'
import { parseSshPublicKey, rsaPublicKeyLine, sshFingerprint } from '../../openstack/compute/keypairs/ssh-keys.ts'
import { keypairCreateView, keypairListEntry, keypairShowView } from '../../openstack/compute/keypairs/views.ts'
import type { KeypairRow } from '../../openstack/compute/model.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { callerProject, policyForbids } from './compute-deps.ts'
import { quotaLimits } from './quota-usage.ts'

export function keypairHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const { state } = deps
  /** The user the call is about: the caller, or (admin, 2.10+) ?user_id= / body user_id. */
  const targetUser = (context: RequestContext, requested: string | null | undefined): string => {
    if (requested === null || requested === undefined || requested === context.auth.userId) return context.auth.userId
    if (!isAtLeast(context.microversion, '2.10')) return context.auth.userId
    if (!context.isAdmin) throw policyForbids('os_compute_api:os-keypairs:index')
    return requested
  }
  const keypairOr404 = (context: RequestContext): KeypairRow => {
    const userId = targetUser(context, context.query.get('user_id'))
    const name = context.param('keypair_name')
    const keypair = state.keypairs.get(`${userId}/${name}`)
    if (keypair === undefined) throw new NotFound(`Keypair ${name} not found for user ${userId}`)
    return keypair
  }

  return {
    'keypairs:list': context => {
      const userId = targetUser(context, context.query.get('user_id'))
      let keypairs = state.keypairs.filter(k => k.userId === userId).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
      const body: Record<string, unknown> = {}
      if (isAtLeast(context.microversion, '2.35')) {
        const marker = context.query.get('marker')
        if (marker !== null) {
          const index = keypairs.findIndex(k => k.name === marker)
          if (index < 0) throw new BadRequest(`marker [${marker}] not found`)
          keypairs = keypairs.slice(index + 1)
        }
        const rawLimit = context.query.get('limit')
        if (rawLimit !== null) {
          const limit = Number(rawLimit)
          if (!Number.isInteger(limit) || limit < 0) throw new BadRequest('limit param must be an integer')
          keypairs = keypairs.slice(0, limit)
          const last = keypairs[keypairs.length - 1]
          if (last !== undefined && keypairs.length === limit) {
            const params = new URLSearchParams(context.query)
            params.set('marker', last.name)
            body.keypairs_links = [{ href: `${context.serviceUrl}/v2.1/os-keypairs?${params.toString()}`, rel: 'next' }]
          }
        }
      }
      return jsonResponse(200, { keypairs: keypairs.map(k => keypairListEntry(k, context.microversion)), ...body })
    },

    'keypairs:create': async context => {
      const { keypair: body } = await context.body(keypairCreateSchema(context.microversion))
      callerProject(context)
      const userId = targetUser(context, (body as { user_id?: string }).user_id)
      const type = (body as { type?: 'ssh' | 'x509' }).type ?? 'ssh'
      const limit = quotaLimits(state, context.auth.project?.id ?? '').key_pairs
      if (limit >= 0 && state.keypairs.filter(k => k.userId === userId).length >= limit) throw new Forbidden('Quota exceeded, too many key pairs.')
      if (state.keypairs.has(`${userId}/${body.name}`)) throw new Conflict(`Key pair '${body.name}' already exists.`)
      let publicKey: string
      let fingerprint: string
      let privateKey: string | null = null
      if (body.public_key !== undefined) {
        if (type === 'x509') throw new BadRequest('Keypair data is invalid: x509 certificates are not supported by this cloud')
        const blob = parseSshPublicKey(body.public_key)
        if (blob === null) throw new BadRequest('Keypair data is invalid: failed to generate fingerprint')
        publicKey = body.public_key.trim()
        fingerprint = sshFingerprint(blob, deps.hashing)
      } else {
        if (type === 'x509') throw new BadRequest('Keypair data is invalid: generating x509 keypairs is not supported by this cloud')
        const generated = deps.keys.rsaKeyPair(2048)
        const line = rsaPublicKeyLine(generated.publicExponent, generated.modulus, 'Generated-by-Nova')
        publicKey = line.line
        fingerprint = sshFingerprint(line.blob, deps.hashing)
        privateKey = generated.privateKeyPem
      }
      const row: KeypairRow = {
        id: `${userId}/${body.name}`,
        internalId: state.nextKeypairId(),
        name: body.name,
        userId,
        publicKey,
        fingerprint,
        type,
        createdAtMs: deps.clock.wallClockMs()
      }
      state.keypairs.put(row)
      return jsonResponse(isAtLeast(context.microversion, '2.2') ? 201 : 200, { keypair: keypairCreateView(row, context.microversion, privateKey) })
    },

    'keypairs:show': context => jsonResponse(200, { keypair: keypairShowView(keypairOr404(context), context.microversion) }),

    'keypairs:delete': context => {
      const keypair = keypairOr404(context)
      state.keypairs.delete(keypair.id)
      return emptyResponse(isAtLeast(context.microversion, '2.2') ? 204 : 202)
    }
  }
}
