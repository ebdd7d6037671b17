/**
 * Networks, subnets, ports and security groups as one cloud's worth (issue 7 §3–§6, issue 6's
 * network lists): 4 agents over 4 emulated cloudlets, real HTTP on loopback, the member "demo".
 * A network made through agent 1, its subnet through agent 2 (made at the network's home), a
 * security group through agent 3 and a rule through agent 4 are each listed once through every
 * agent; servers booted with them through agent 2 until every cloudlet has one find them copied
 * there lazily — same ids through the agents, each cloudlet with its own slice of the pool, so
 * every address is unique — while the subnet still shows the pool its user gave. Rules added
 * later reach every copy; a port made through agent 3 lands in cloudlet 3 and a server given it
 * is created there; deletes refuse while in use and then reach every copy. A copy stopped midway
 * (intent written, the cloudlet's network made, the agent killed before it recorded it) is
 * rolled back and made again. `networks: "auto"` gives one auto-allocated network, not one per cloudlet.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { cloudletAdminCredentials } from '../../src/agent/agent-config.ts'
import { KeystonePasswordTokenSource } from '../../src/agent/keystone-token-source.ts'
import { DEFAULT_IMAGE } from '../../src/agent/local-cluster.ts'
import { createHttpClient } from '../../src/runtime/http-client.ts'
import { SystemClock } from '../../src/runtime/system-clock.ts'
import type { RunningLocalCluster } from '../../src/agent/local-cluster.ts'
import { callAgent } from '../fixtures/agent-call.ts'
import type { Answer } from '../fixtures/agent-call.ts'
import { startAgentTestCluster } from '../fixtures/agent-cluster.ts'
import type { Login } from '../fixtures/agent-login.ts'

const CLOUDLETS = 4

describe('networks and security groups across cloudlets', { timeout: 300_000 }, () => {
  let cluster: RunningLocalCluster
  let urls: string[]
  let demo: Login
  const ids: Record<string, string> = {}

  const net = async (via: number, method: string, path: string, body?: unknown, who?: Login): Promise<Answer> =>
    await callAgent(urls[via] as string, who ?? demo, method, `/network/v2.0${path}`, { body })
  const compute = async (via: number, method: string, path: string, body?: unknown): Promise<Answer> =>
    await callAgent(urls[via] as string, demo, method, `/compute/v2.1${path}`, { body, headers: { 'openstack-api-version': 'compute 2.61' } })
  const neutron = (i: number) => {
    const member = cluster.members[i]
    assert.ok(member !== undefined)
    return member.cloudlet.cloudlet.network.state
  }
  const agentIndex = (agentId: string): number => cluster.members.findIndex(m => m.agent?.id === agentId)
  const whereIs = (serverId: string): number => {
    for (const member of cluster.members) {
      const location = member.agent?.proxy.locations.get(serverId)
      if (location !== null && location !== undefined) return agentIndex(location.agent.id)
    }
    return -1
  }
  /** Creates servers through `via` until one is on each cloudlet. */
  const bootOnEveryCloudlet = async (via: number, server: Record<string, unknown>, prefix: string): Promise<string[]> => {
    const onCloudlet = new Map<number, string>()
    const all: string[] = []
    for (let i = 0; i < 24 && onCloudlet.size < CLOUDLETS; i++) {
      const created = await compute(via, 'POST', '/servers', { server: { name: `${prefix}-${i}`, imageRef: DEFAULT_IMAGE.id, flavorRef: '1', ...server } })
      assert.equal(created.status, 202, created.text)
      const id = created.json.server.id as string
      all.push(id)
      const at = whereIs(id)
      if (!onCloudlet.has(at)) onCloudlet.set(at, id)
    }
    assert.equal(onCloudlet.size, CLOUDLETS, 'a server on every cloudlet')
    return all
  }
  const waitActive = async (serverIds: readonly string[]): Promise<Array<Record<string, any>>> => {
    const shown: Array<Record<string, any>> = []
    for (const id of serverIds) {
      for (let attempt = 0; ; attempt++) {
        const server = await compute(0, 'GET', `/servers/${id}`)
        if (server.json?.server?.status === 'ACTIVE') {
          shown.push(server.json.server)
          break
        }
        assert.ok(attempt < 200, `server ${id} never became ACTIVE: ${server.text}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    }
    return shown
  }
  const addressesOn = (servers: ReadonlyArray<Record<string, any>>, network: string): string[] =>
    servers.flatMap(s => ((s.addresses?.[network] ?? []) as Array<{ addr: string }>).map(a => a.addr))

  before(async () => {
    ;({ cluster, urls, demo } = await startAgentTestCluster(CLOUDLETS))
  })

  const http = createHttpClient({ connectTimeoutMs: 2_000, headersTimeoutMs: 10_000 })

  after(async () => {
    await http.close()
    await cluster?.stop()
  })

  it('makes a network, a subnet, a group and a rule through four agents, each listed once everywhere', async () => {
    const network = await net(0, 'POST', '/networks', { network: { name: 'net1' } })
    assert.equal(network.status, 201, network.text)
    ids.network = network.json.network.id
    const subnet = await net(1, 'POST', '/subnets', { subnet: { network_id: ids.network, cidr: '10.1.0.0/24', ip_version: 4, name: 'sub1' } })
    assert.equal(subnet.status, 201, subnet.text)
    ids.subnet = subnet.json.subnet.id
    assert.equal(neutron(0).subnets.get(ids.subnet as string)?.cidr, '10.1.0.0/24', 'the subnet is made in its network\'s home')
    const group = await net(2, 'POST', '/security-groups', { security_group: { name: 'web' } })
    assert.equal(group.status, 201, group.text)
    ids.group = group.json.security_group.id
    const rule = await net(3, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: ids.group, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' } })
    assert.equal(rule.status, 201, rule.text)
    ids.rule = rule.json.security_group_rule.id
    assert.equal(rule.json.security_group_rule.security_group_id, ids.group)

    for (let via = 0; via < CLOUDLETS; via++) {
      const networks = await net(via, 'GET', '/networks')
      assert.deepEqual(networks.json.networks.map((n: { name: string }) => n.name), ['net1'], `networks through agent ${via + 1}`)
      const subnets = await net(via, 'GET', '/subnets')
      assert.deepEqual(subnets.json.subnets.map((s: { id: string }) => s.id), [ids.subnet])
      const groups = await net(via, 'GET', '/security-groups')
      assert.deepEqual(groups.json.security_groups.map((g: { name: string }) => g.name).sort(), ['default', 'web'], `one default group through agent ${via + 1}`)
      const shown = await net(via, 'GET', `/security-groups/${ids.group}`)
      assert.equal(shown.status, 200, shown.text)
      assert.ok(shown.json.security_group.security_group_rules.some((r: { id: string }) => r.id === ids.rule), 'the rule, by its id')
    }
  })

  it('copies the network, subnet and group into each cloudlet a server needs them in, with unique addresses', async () => {
    const servers = await bootOnEveryCloudlet(1, { networks: [{ uuid: ids.network }], security_groups: [{ name: ids.group }] }, 'vm')
    const shown = await waitActive(servers)
    const addresses = addressesOn(shown, 'net1')
    assert.equal(addresses.length, servers.length, 'every server has an address on net1')
    assert.equal(new Set(addresses).size, addresses.length, `addresses unique across cloudlets: ${addresses.join(' ')}`)
    for (const server of shown) assert.deepEqual(server.security_groups, [{ name: 'web' }])
    for (let i = 0; i < CLOUDLETS; i++) {
      const state = neutron(i)
      assert.equal(state.networks.filter(n => n.name === 'net1').length, 1, `one net1 in cloudlet ${i + 1}`)
      assert.equal(state.subnets.filter(s => s.cidr === '10.1.0.0/24').length, 1, `one copy of the subnet in cloudlet ${i + 1}`)
      const groups = state.securityGroups.filter(g => g.name === 'web')
      assert.equal(groups.length, 1, `one web group in cloudlet ${i + 1}`)
    }
    // Each cloudlet allocates from its own slice; the slices do not overlap.
    const pools = Array.from({ length: CLOUDLETS }, (_, i) => neutron(i).subnets.filter(s => s.cidr === '10.1.0.0/24')[0]?.allocationPools ?? [])
    const flat = pools.flat().map(p => [Number(p.start.split('.')[3]), Number(p.end.split('.')[3])] as const).sort((a, b) => a[0] - b[0])
    for (let i = 1; i < flat.length; i++) assert.ok((flat[i]?.[0] ?? 0) > (flat[i - 1]?.[1] ?? 0), `pools overlap: ${JSON.stringify(pools)}`)
    for (let via = 0; via < CLOUDLETS; via++) {
      const networks = await net(via, 'GET', '/networks')
      assert.deepEqual(networks.json.networks.map((n: { id: string }) => n.id), [ids.network], `listed once through agent ${via + 1}`)
      const subnet = await net(via, 'GET', `/subnets/${ids.subnet}`)
      assert.deepEqual(subnet.json.subnet.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }], 'the pool its user gave')
      const rules = await net(via, 'GET', `/security-group-rules?security_group_id=${ids.group}`)
      const ruleIds = rules.json.security_group_rules.map((r: { id: string }) => r.id)
      assert.equal(ruleIds.length, 3, 'two egress rules and the ingress rule, once each')
      assert.ok(ruleIds.includes(ids.rule))
      const groups = await net(via, 'GET', '/security-groups')
      assert.deepEqual(groups.json.security_groups.map((g: { name: string }) => g.name).sort(), ['default', 'web'])
    }
    ids.servers = servers.join(',')
  })

  it('adds a later rule to every copy, and puts a port and its server in one cloudlet', async () => {
    const icmp = await net(2, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: ids.group, direction: 'ingress', ethertype: 'IPv4', protocol: 'icmp' } })
    assert.equal(icmp.status, 201, icmp.text)
    for (let i = 0; i < CLOUDLETS; i++) {
      const group = neutron(i).securityGroups.filter(g => g.name === 'web')[0]
      assert.ok(group !== undefined)
      const rules = neutron(i).rules.filter(r => r.securityGroupId === group.id)
      assert.ok(rules.some(r => r.protocol === 'icmp'), `the icmp rule in cloudlet ${i + 1}`)
    }
    const defaultGroup = (await net(3, 'GET', '/security-groups?name=default')).json.security_groups[0]
    const ssh = await net(3, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: defaultGroup.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 2222, port_range_max: 2222 } })
    assert.equal(ssh.status, 201, ssh.text)
    for (let i = 0; i < CLOUDLETS; i++) {
      const local = neutron(i).securityGroups.filter(g => g.name === 'default' && neutron(i).rules.filter(r => r.securityGroupId === g.id && r.portRangeMin === 2222).length > 0)
      assert.equal(local.length, 1, `the default group's new rule in cloudlet ${i + 1}`)
    }
    for (let via = 0; via < CLOUDLETS; via++) {
      const rules = await net(via, 'GET', `/security-group-rules?security_group_id=${defaultGroup.id as string}`)
      assert.equal(rules.json.security_group_rules.filter((r: { id: string }) => r.id === ssh.json.security_group_rule.id).length, 1, `the new default rule once, same id, through agent ${via + 1}`)
    }
    const port = await net(2, 'POST', '/ports', { port: { network_id: ids.network, name: 'p1' } })
    assert.equal(port.status, 201, port.text)
    assert.equal(port.json.port.network_id, ids.network)
    assert.equal(neutron(2).ports.filter(p => p.name === 'p1').length, 1, 'made in cloudlet 3')
    const server = await compute(0, 'POST', '/servers', { server: { name: 'with-port', imageRef: DEFAULT_IMAGE.id, flavorRef: '1', networks: [{ port: port.json.port.id }] } })
    assert.equal(server.status, 202, server.text)
    assert.equal(whereIs(server.json.server.id), 2, 'the server is created where its port is')
    const ports = await net(0, 'GET', `/ports?network_id=${ids.network}`)
    const fixed = ports.json.ports.flatMap((p: { fixed_ips: Array<{ ip_address: string }> }) => p.fixed_ips.map(f => f.ip_address))
    assert.equal(new Set(fixed).size, fixed.length, 'port addresses unique across cloudlets')
    ids.servers += `,${server.json.server.id as string}`
  })

  it('maps its copies again after losing its state (its data directory), from their tags in the cloudlet', async () => {
    const before = neutron(1).networks.filter(n => n.name === 'net1').map(n => n.id)
    assert.equal(before.length, 1)
    await cluster.stopAgent(2)
    await cluster.startAgent(2) // no data directory here: agent 2 starts again with nothing
    urls[1] = cluster.members[1]?.agent?.publicUrl ?? assert.fail('agent 2 did not start')
    const agent = cluster.members[1]?.agent ?? assert.fail('agent 2 did not start')
    assert.equal(agent.proxy.networkIds.globalId(before[0] as string), ids.network, 'the copy is mapped again')
    assert.ok(agent.proxy.networkIds.isCopy(ids.group as string), 'the group\'s copy is mapped again')
    for (let attempt = 0; (await net(1, 'GET', '/networks')).json.networks.length !== 1; attempt++) {
      assert.ok(attempt < 200, 'the network is not listed once through the restarted agent')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const shown = await net(1, 'GET', `/networks/${ids.network}`)
    assert.equal(shown.status, 200, shown.text)
    assert.deepEqual(shown.json.network.tags, [], 'the agent\'s own tags are not shown')
    const subnet = await net(1, 'GET', `/subnets/${ids.subnet}`)
    assert.deepEqual(subnet.json.subnet.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }])
  })

  it('refuses to delete a network in use, then deletes it and the group everywhere', async () => {
    const refused = await net(3, 'DELETE', `/networks/${ids.network}`)
    assert.equal(refused.status, 409, refused.text)
    assert.equal(refused.json.NeutronError.type, 'NetworkInUse')
    assert.equal((await net(3, 'GET', '/networks')).json.networks.length, 1, 'still there')
    for (const id of (ids.servers ?? '').split(',')) assert.equal((await compute(3, 'DELETE', `/servers/${id}`)).status, 204)
    for (let attempt = 0; (await compute(0, 'GET', '/servers')).json.servers.length > 0; attempt++) {
      assert.ok(attempt < 200, 'servers never went away')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const port = (await net(1, 'GET', '/ports?name=p1')).json.ports[0]
    assert.equal((await net(1, 'DELETE', `/ports/${port.id as string}`)).status, 204)
    const deleted = await net(3, 'DELETE', `/networks/${ids.network}`)
    assert.equal(deleted.status, 204, deleted.text)
    for (let i = 0; i < CLOUDLETS; i++) {
      assert.equal(neutron(i).networks.filter(n => n.name === 'net1').length, 0, `no net1 left in cloudlet ${i + 1}`)
      assert.equal(neutron(i).subnets.filter(s => s.cidr === '10.1.0.0/24').length, 0)
    }
    assert.equal((await net(1, 'GET', `/networks/${ids.network}`)).status, 404)
    assert.equal((await net(0, 'DELETE', `/security-groups/${ids.group}`)).status, 204)
    for (let i = 0; i < CLOUDLETS; i++) assert.equal(neutron(i).securityGroups.filter(g => g.name === 'web').length, 0, `no web group left in cloudlet ${i + 1}`)
  })

  it('rolls back a copy that stopped midway and makes it again', async () => {
    const network = await net(0, 'POST', '/networks', { network: { name: 'net2' } })
    ids.net2 = network.json.network.id
    assert.equal((await net(0, 'POST', '/subnets', { subnet: { network_id: ids.net2, cidr: '10.2.0.0/24', ip_version: 4 } })).status, 201)
    // Agent 2 was killed after its cloudlet made the copy and before it recorded it: the intent
    // is written, the cloudlet has an unrecorded net2.
    const member = cluster.members[1]
    const agent = member?.agent
    assert.ok(member !== undefined && agent !== null && agent !== undefined)
    const projectLocal = agent.proxy.networkIds.localId(demo.projectId)
    agent.proxy.networkIds.records.put({ globalId: ids.net2 as string, kind: 'network', localId: null, projectId: demo.projectId, home: { id: cluster.members[0]?.agent?.id ?? '', address: cluster.members[0]?.agent?.address ?? '' } })
    const tokens = new KeystonePasswordTokenSource(http, new SystemClock(), cloudletAdminCredentials(member.config.cloudlet ?? assert.fail('no cloudlet section')))
    const orphan = await fetch(`${agent.proxy.options.cloudletRoots.network}/v2.0/networks`, {
      method: 'POST',
      headers: { 'x-auth-token': await tokens.token(), 'content-type': 'application/json' },
      body: JSON.stringify({ network: { name: 'net2', project_id: projectLocal } })
    })
    assert.equal(orphan.status, 201, await orphan.text())
    assert.equal(neutron(1).networks.filter(n => n.name === 'net2').length, 1, 'the half-made copy')
    // A server through agent 2 on cloudlet 2 (its port pinned there by a port made through it).
    const port = await net(1, 'POST', '/ports', { port: { network_id: ids.net2, name: 'p2' } })
    assert.equal(port.status, 201, port.text)
    const copies = neutron(1).networks.filter(n => n.name === 'net2')
    assert.equal(copies.length, 1, 'the half-made copy was rolled back, one complete copy made')
    assert.equal(neutron(1).subnets.filter(s => s.cidr === '10.2.0.0/24').length, 1)
    assert.equal(port.json.port.network_id, ids.net2)
    assert.equal((await net(1, 'DELETE', `/ports/${port.json.port.id as string}`)).status, 204)
    assert.equal((await net(2, 'DELETE', `/networks/${ids.net2}`)).status, 204)
    assert.equal(neutron(1).networks.filter(n => n.name === 'net2').length, 0)
  })

  it('gives a project one auto-allocated network, whatever cloudlet its servers land in', async () => {
    const servers = await bootOnEveryCloudlet(0, { networks: 'auto' }, 'auto')
    const shown = await waitActive(servers)
    const networks = await net(2, 'GET', '/networks?name=auto_allocated_network')
    assert.equal(networks.json.networks.length, 1, networks.text)
    const addresses = addressesOn(shown, 'auto_allocated_network')
    assert.equal(addresses.length, servers.length)
    assert.equal(new Set(addresses).size, addresses.length, `addresses unique: ${addresses.join(' ')}`)
    for (const id of servers) assert.equal((await compute(0, 'DELETE', `/servers/${id}`)).status, 204)
  })

  it('makes one copy per cloudlet when servers needing it are created at the same time', async () => {
    const network = await net(0, 'POST', '/networks', { network: { name: 'net3' } })
    const id = network.json.network.id as string
    assert.equal((await net(0, 'POST', '/subnets', { subnet: { network_id: id, cidr: '10.3.0.0/24', ip_version: 4 } })).status, 201)
    const created = await Promise.all(Array.from({ length: 8 }, async (_, i) => await compute(1, 'POST', '/servers', { server: { name: `burst-${i}`, imageRef: DEFAULT_IMAGE.id, flavorRef: '1', networks: [{ uuid: id }] } })))
    for (const answer of created) assert.equal(answer.status, 202, answer.text)
    const servers = await waitActive(created.map(c => c.json.server.id as string))
    for (let i = 0; i < CLOUDLETS; i++) assert.ok(neutron(i).networks.filter(n => n.name === 'net3').length <= 1, `at most one net3 in cloudlet ${i + 1}`)
    const addresses = addressesOn(servers, 'net3')
    assert.equal(new Set(addresses).size, 8, `addresses unique: ${addresses.join(' ')}`)
    for (const server of servers) assert.equal((await compute(0, 'DELETE', `/servers/${server.id as string}`)).status, 204)
  })
})
