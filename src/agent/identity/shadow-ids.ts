/**
 * learnShadowIds: rebuilds the IdTranslator from the cloudlet itself (after a restart, before
 * any user has logged in again): the shadow projects and users live in the p2pstack domain and
 * are named after their global ids, so listing them with the cloudlet's admin token gives every
 * local ↔ global pair.
 */
import { httpRequest, readBody } from '../../core/http.ts'
import type { HttpHandler } from '../../core/http.ts'
import type { TokenSource } from '../keystone-token-source.ts'
import { keystoneV3Url, P2PSTACK_FEDERATION } from './federation-names.ts'
import type { IdTranslator } from './id-translator.ts'

const MAX_BODY_BYTES = 64 * 1024 * 1024

export class ShadowIdsError extends Error {
  readonly code = 'P2P_ERR_SHADOW_IDS'
}

/** Teaches `translator` every shadow project and user of the cloudlet; resolves with how many pairs. */
export async function learnShadowIds (http: HttpHandler, keystoneUrl: string, adminTokens: TokenSource, translator: IdTranslator, domainName = P2PSTACK_FEDERATION.domainName): Promise<number> {
  const v3 = keystoneV3Url(keystoneUrl)
  const token = await adminTokens.token()
  const get = async (path: string): Promise<any> => {
    const url = `${v3}${path}`
    let status: number
    let text: string
    try {
      const response = await http(httpRequest('GET', url, { headers: { 'x-auth-token': token, accept: 'application/json' } }))
      status = response.status
      text = new TextDecoder().decode(await readBody(response.body, MAX_BODY_BYTES))
    } catch (error) {
      throw new ShadowIdsError(`cannot reach ${url}: ${(error as Error).message}`, { cause: error })
    }
    if (status === 401) adminTokens.invalidate(token)
    if (status !== 200) throw new ShadowIdsError(`${url} answered ${status}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
  const domains = (await get(`/domains?name=${encodeURIComponent(domainName)}`)).domains as Array<{ id: string }> | undefined
  const domainId = domains?.[0]?.id
  if (domainId === undefined) return 0
  let pairs = 0
  for (const p of (await get(`/projects?domain_id=${domainId}`)).projects as Array<{ id: string, name: string }>) {
    translator.learn({ localProjectId: p.id, globalProjectId: p.name })
    pairs++
  }
  for (const u of (await get(`/users?domain_id=${domainId}`)).users as Array<{ id: string, name: string }>) {
    translator.learn({ localUserId: u.id, globalUserId: u.name })
    pairs++
  }
  return pairs
}
