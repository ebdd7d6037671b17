import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { classifyRequest, resourceOf } from './classify.ts'
import type { ProxiedService } from './classify.ts'
import { COMPUTE_ROUTES } from '../openstack/compute/routes.ts'
import { IMAGE_ROUTES } from '../openstack/image/routes.ts'
import { NETWORK_ROUTES } from '../openstack/network/routes.ts'
import { IDENTITY_ROUTES } from '../openstack/identity/routes.ts'
import { PLACEMENT_ROUTES } from '../openstack/placement/routes.ts'
import type { RouteSpec } from '../openstack/route-table.ts'

const pick = <T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> =>
  Object.fromEntries(keys.map(k => [k, value[k]])) as Pick<T, K>

describe('classifyRequest', () => {
  it('classifies server calls: create, list, by-id with the owning server id', () => {
    assert.deepEqual(pick(classifyRequest('compute', 'POST', '/v2.1/servers') as never, 'kind', 'routeName', 'resource', 'id'),
      { kind: 'create', routeName: 'servers:create', resource: 'server', id: null })
    assert.deepEqual(pick(classifyRequest('compute', 'GET', '/v2.1/servers/detail') as never, 'kind', 'resource', 'id'),
      { kind: 'list', resource: 'server', id: null })
    const ips = classifyRequest('compute', 'GET', '/v2.1/servers/abc/ips/net%201')
    assert.equal(ips.result, 'route')
    if (ips.result !== 'route') return
    assert.deepEqual({ kind: ips.kind, resource: ips.resource, id: ips.id, params: ips.params },
      { kind: 'by-id', resource: 'server', id: 'abc', params: { server_id: 'abc', network_label: 'net 1' } })
    assert.deepEqual(pick(classifyRequest('compute', 'POST', '/v2.1/servers/abc/action') as never, 'kind', 'routeName', 'id'),
      { kind: 'by-id', routeName: 'servers:action', id: 'abc' })
  })

  it('names the resources of global and local calls', () => {
    const resources = ([
      ['compute', 'GET', '/v2.1/os-keypairs/k1'], ['compute', 'GET', '/v2.1/flavors/detail'], ['compute', 'GET', '/v2.1/os-availability-zone'],
      ['compute', 'GET', '/v2.1/os-quota-sets/p1'], ['compute', 'GET', '/v2.1/os-simple-tenant-usage'], ['compute', 'GET', '/v2.1/os-hypervisors'],
      ['network', 'GET', '/v2.0/security-group-rules'], ['network', 'GET', '/v2.0/availability_zones'], ['image', 'GET', '/v2/schemas/image'],
      ['identity', 'POST', '/v3/auth/tokens'], ['identity', 'GET', '/v3/OS-FEDERATION/identity_providers/p2pstack/protocols/openid/auth'],
      ['placement', 'GET', '/resource_providers/x/inventories'], ['compute', 'GET', '/v2.1'], ['identity', 'GET', '/']
    ] as Array<[ProxiedService, string, string]>).map(([s, m, p]) => {
      const c = classifyRequest(s, m, p)
      return c.result === 'route' ? c.resource : c.result
    })
    assert.deepEqual(resources, ['keypair', 'flavor', 'availability-zone', 'quota-set', 'usage', 'hypervisor', 'security-group-rule',
      'availability-zone', 'schema', 'auth', 'identity-provider', 'resource-provider', 'version', 'version'])
  })

  it('accepts Neutron\'s .json suffix and a trailing slash', () => {
    const c = classifyRequest('network', 'GET', '/v2.0/networks/n1.json')
    assert.deepEqual(c.result === 'route' ? [c.routeName, c.id] : c, ['networks:show', 'n1'])
    const d = classifyRequest('network', 'GET', '/v2.0/ports/')
    assert.deepEqual(d.result === 'route' ? [d.kind, d.resource] : d, ['list', 'port'])
  })

  it('tells a missing route from a method the path does not have', () => {
    assert.deepEqual(classifyRequest('compute', 'GET', '/v2.1/os-networks'), { result: 'not-found' })
    assert.deepEqual(classifyRequest('image', 'PATCH', '/v2/images'), { result: 'method-not-allowed', allowedMethods: ['GET', 'POST'] })
    // Keystone serves HEAD from GET routes.
    const head = classifyRequest('identity', 'HEAD', '/v3/projects/p1')
    assert.equal(head.result === 'route' ? head.routeName : head.result, 'projects:show')
    assert.equal(classifyRequest('compute', 'HEAD', '/v2.1/servers/a').result, 'method-not-allowed')
  })

  it('marks version documents and federation auth as needing no token', () => {
    const c = classifyRequest('identity', 'POST', '/v3/OS-FEDERATION/identity_providers/p2pstack/protocols/openid/auth')
    assert.equal(c.result === 'route' && c.authenticated, false)
    const s = classifyRequest('compute', 'GET', '/v2.1/servers')
    assert.equal(s.result === 'route' && s.authenticated, true)
  })

  const tables: Array<[ProxiedService, readonly RouteSpec[]]> = [
    ['compute', COMPUTE_ROUTES], ['image', IMAGE_ROUTES], ['network', NETWORK_ROUTES], ['identity', IDENTITY_ROUTES], ['placement', PLACEMENT_ROUTES]
  ]
  for (const [service, routes] of tables) {
    it(`finds every ${service} route back, with an owner id for each by-id route`, () => {
      for (const route of routes) {
        const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => `x-${name}`)
        const c = classifyRequest(service, route.method, path)
        assert.equal(c.result, 'route', `${route.method} ${route.path}`)
        if (c.result !== 'route') continue
        assert.equal(c.route, route, `${route.method} ${route.path}`)
        if (route.kind === 'by-id') assert.match(c.id ?? '', /^x-/, `${route.method} ${route.path}`)
        else assert.equal(c.id, null)
      }
    })
  }

  it('has the kinds an aggregating proxy needs for compute, image and network', () => {
    const kinds = (routes: readonly RouteSpec[], names: string[]): string[] => names.map(n => routes.find(r => r.name === n)?.kind ?? '?')
    assert.deepEqual(kinds(COMPUTE_ROUTES, ['servers:list', 'servers:create', 'servers:action', 'usage:list', 'usage:show', 'images:list', 'images:show', 'flavors:list', 'keypairs:create']),
      ['list', 'create', 'by-id', 'list', 'list', 'list', 'by-id', 'global', 'global'])
    assert.deepEqual(kinds(IMAGE_ROUTES, ['images:list', 'images:create', 'images:upload', 'members:create', 'schemas:image']),
      ['list', 'create', 'by-id', 'by-id', 'global'])
    assert.deepEqual(kinds(NETWORK_ROUTES, ['networks:list', 'ports:create', 'security-groups:tags:add', 'quotas:show']),
      ['list', 'create', 'by-id', 'global'])
  })
})

describe('resourceOf', () => {
  it('singularizes the first segment after the version', () => {
    assert.deepEqual(['/v2.1/servers/{server_id}/tags', '/v2/images/{image_id}/members', '/v3/role_assignments', '/v3/OS-FEDERATION/mappings', '/v2.0/quotas/{project_id}']
      .map(resourceOf), ['server', 'image', 'role-assignment', 'mapping', 'quota'])
  })
})
