/**
 * The names p2pstack gives its OS-FEDERATION objects in every cloudlet's Keystone, shared by
 * the setup (which creates them) and the sessions (which log in through them), and the
 * Keystone base URL spelling both use.
 */

export interface FederationNames {
  /** The domain that holds the shadow users and projects. */
  readonly domainName: string
  readonly idpId: string
  readonly mappingId: string
  readonly protocolId: string
}

export const P2PSTACK_FEDERATION: FederationNames = {
  domainName: 'p2pstack',
  idpId: 'p2pstack',
  mappingId: 'p2pstack-openid',
  protocolId: 'openid'
}

/** `http://host/identity` or `http://host/identity/v3` → `http://host/identity/v3`. */
export function keystoneV3Url (keystoneUrl: string): string {
  const base = keystoneUrl.replace(/\/+$/, '')
  return /\/v3$/.test(base) ? base : `${base}/v3`
}
