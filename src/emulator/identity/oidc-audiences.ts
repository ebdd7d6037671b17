/**
 * OidcAudiences: which `aud` a bearer token must carry to log in through an identity
 * provider's protocol. In a real deployment this is front-end configuration, not Keystone API
 * (Apache's `Require claim aud:<client id>` on the protocol's auth location), so it is set by
 * whoever runs the cloudlet — through IdentitySettings at start, or require() later — and
 * kept in memory. No entry means the audience is not checked, as mod_auth_openidc does not
 * check it unless told to.
 */

export class OidcAudiences {
  readonly #required = new Map<string, readonly string[]>()

  /** `initial` maps 'idp_id/protocol_id' (or 'idp_id' for all its protocols) to the accepted audiences. */
  constructor (initial: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [key, audiences] of Object.entries(initial)) this.#required.set(key, [...audiences])
  }

  /** Requires one of `audiences` for logins through `idpId` (and `protocolId`, if given); null removes the requirement. */
  require (audiences: readonly string[] | null, idpId: string, protocolId?: string): void {
    const key = protocolId === undefined ? idpId : `${idpId}/${protocolId}`
    if (audiences === null) this.#required.delete(key)
    else this.#required.set(key, [...audiences])
  }

  /** The audiences a token must carry one of, or null when any will do. */
  of (idpId: string, protocolId: string): readonly string[] | null {
    return this.#required.get(`${idpId}/${protocolId}`) ?? this.#required.get(idpId) ?? null
  }
}
