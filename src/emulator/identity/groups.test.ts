/**
 * Groups, group grants and implied roles through the emulated Keystone's HTTP surface: group
 * CRUD and membership, roles reaching users through groups on projects and domains (and going
 * away with them), a user's groups, implied-role APIs, effective role assignments, and the
 * faults of each route.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeTestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'
import type { TestCloudlet } from '../../../test/fixtures/test-cloudlet.ts'

interface World {
  readonly c: TestCloudlet
  readonly admin: string
  readonly userId: string
  readonly projectId: string
  readonly groupId: string
  readonly roleId: (name: string) => Promise<string>
}

/** A user "pat" (password pat-pw) with no roles, a project "shared" and a group "devs". */
async function world (): Promise<World> {
  const c = await makeTestCloudlet()
  const admin = await c.token()
  const userId = (await c.call('POST', '/identity/v3/users', { token: admin, json: { user: { name: 'pat', password: 'pat-pw' } } })).json().user.id
  const projectId = (await c.call('POST', '/identity/v3/projects', { token: admin, json: { project: { name: 'shared' } } })).json().project.id
  const group = await c.call('POST', '/identity/v3/groups', { token: admin, json: { group: { name: 'devs', description: 'developers' } } })
  assert.equal(group.status, 201, group.text)
  const roleId = async (name: string): Promise<string> => (await c.call('GET', `/identity/v3/roles?name=${name}`, { token: admin })).json().roles[0].id
  return { c, admin, userId, projectId, groupId: group.json().group.id, roleId }
}

const patToken = async (w: World, scope: unknown): Promise<Awaited<ReturnType<TestCloudlet['call']>>> =>
  await w.c.call('POST', '/identity/v3/auth/tokens', {
    json: { auth: { identity: { methods: ['password'], password: { user: { name: 'pat', domain: { id: 'default' }, password: 'pat-pw' } } }, scope } }
  })

describe('/v3/groups', () => {
  it('creates, shows, lists, renames and deletes a group', async () => {
    const w = await world()
    const shown = await w.c.call('GET', `/identity/v3/groups/${w.groupId}`, { token: w.admin })
    assert.deepEqual(shown.json().group, {
      id: w.groupId, name: 'devs', domain_id: 'default', description: 'developers', links: { self: `http://cloudlet.test/identity/v3/groups/${w.groupId}` }
    })
    assert.equal((await w.c.call('GET', '/identity/v3/groups?name=devs', { token: w.admin })).json().groups.length, 1)
    const renamed = await w.c.call('PATCH', `/identity/v3/groups/${w.groupId}`, { token: w.admin, json: { group: { name: 'developers' } } })
    assert.equal(renamed.json().group.name, 'developers')
    assert.equal((await w.c.call('DELETE', `/identity/v3/groups/${w.groupId}`, { token: w.admin })).status, 204)
    const gone = await w.c.call('GET', `/identity/v3/groups/${w.groupId}`, { token: w.admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.json().error.message, `Could not find group: ${w.groupId}.`)
  })

  it('answers 409 for a duplicate name in a domain, 400 without a name, 403 for a non-admin', async () => {
    const w = await world()
    const dup = await w.c.call('POST', '/identity/v3/groups', { token: w.admin, json: { group: { name: 'devs' } } })
    assert.equal(dup.status, 409)
    assert.equal(dup.json().error.message, 'Conflict occurred attempting to store group - Duplicate entry found with name devs at domain ID default.')
    const noName = await w.c.call('POST', '/identity/v3/groups', { token: w.admin, json: { group: {} } })
    assert.equal(noName.status, 400)
    assert.equal(noName.json().error.message, "'name' is a required property")
    const empty = await w.c.call('PATCH', `/identity/v3/groups/${w.groupId}`, { token: w.admin, json: { group: {} } })
    assert.equal(empty.status, 400)
    assert.equal(empty.json().error.message, '{} does not have enough properties')
    const m = await w.c.member('quinn')
    assert.equal((await w.c.call('GET', '/identity/v3/groups', { token: m.token })).status, 403)
    assert.equal((await w.c.call('POST', '/identity/v3/groups', { token: m.token, json: { group: { name: 'x' } } })).status, 403)
  })
})

describe('group membership', () => {
  it('adds, checks, lists and removes a member', async () => {
    const w = await world()
    const member = `/identity/v3/groups/${w.groupId}/users/${w.userId}`
    assert.equal((await w.c.call('HEAD', member, { token: w.admin })).status, 404)
    assert.equal((await w.c.call('PUT', member, { token: w.admin })).status, 204)
    assert.equal((await w.c.call('PUT', member, { token: w.admin })).status, 204, 'adding twice is fine')
    assert.equal((await w.c.call('HEAD', member, { token: w.admin })).status, 204)
    assert.equal((await w.c.call('GET', member, { token: w.admin })).status, 204)
    const users = await w.c.call('GET', `/identity/v3/groups/${w.groupId}/users`, { token: w.admin })
    assert.deepEqual(users.json().users.map((u: { name: string }) => u.name), ['pat'])
    const groups = await w.c.call('GET', `/identity/v3/users/${w.userId}/groups`, { token: w.admin })
    assert.deepEqual(groups.json().groups.map((g: { name: string }) => g.name), ['devs'])
    assert.equal(groups.json().groups[0].membership_expires_at, undefined)
    assert.equal((await w.c.call('DELETE', member, { token: w.admin })).status, 204)
    const again = await w.c.call('DELETE', member, { token: w.admin })
    assert.equal(again.status, 404)
    assert.equal(again.json().error.message, `User '${w.userId}' not found in group '${w.groupId}'`)
  })

  it('answers 404 for an unknown group or user', async () => {
    const w = await world()
    const g = await w.c.call('PUT', `/identity/v3/groups/nope/users/${w.userId}`, { token: w.admin })
    assert.equal(g.json().error.message, 'Could not find group: nope.')
    const u = await w.c.call('PUT', `/identity/v3/groups/${w.groupId}/users/nope`, { token: w.admin })
    assert.equal(u.json().error.message, 'Could not find user: nope.')
    assert.equal((await w.c.call('GET', '/identity/v3/groups/nope/users', { token: w.admin })).status, 404)
  })

  it('lets a user list their own groups but not someone else\'s', async () => {
    const w = await world()
    const m = await w.c.member('ruth')
    assert.equal((await w.c.call('GET', `/identity/v3/users/${m.userId}/groups`, { token: m.token })).status, 200)
    assert.equal((await w.c.call('GET', `/identity/v3/users/${w.userId}/groups`, { token: m.token })).status, 403)
  })
})

describe('group grants', () => {
  it('gives members the group\'s roles on a project, and takes them away with the membership', async () => {
    const w = await world()
    const member = await w.roleId('member')
    const grant = `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles/${member}`
    assert.equal((await w.c.call('PUT', grant, { token: w.admin })).status, 204)
    assert.equal((await w.c.call('HEAD', grant, { token: w.admin })).status, 204)
    const listed = await w.c.call('GET', `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles`, { token: w.admin })
    assert.deepEqual(listed.json().roles.map((r: { name: string }) => r.name), ['member'])
    assert.equal((await patToken(w, { project: { id: w.projectId } })).status, 401, 'not a member yet')
    await w.c.call('PUT', `/identity/v3/groups/${w.groupId}/users/${w.userId}`, { token: w.admin })
    const r = await patToken(w, { project: { id: w.projectId } })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.json().token.roles.map((x: { name: string }) => x.name).sort(), ['member', 'reader'])
    const token = r.headers['x-subject-token'] as string
    const projects = await w.c.call('GET', `/identity/v3/users/${w.userId}/projects`, { token })
    assert.deepEqual(projects.json().projects.map((p: { name: string }) => p.name), ['shared'])
    await w.c.call('DELETE', `/identity/v3/groups/${w.groupId}/users/${w.userId}`, { token: w.admin })
    assert.equal((await w.c.call('GET', `/identity/v3/projects/${w.projectId}`, { token })).status, 401)
  })

  it('gives members the group\'s roles on a domain, and revokes them with the grant', async () => {
    const w = await world()
    const reader = await w.roleId('reader')
    await w.c.call('PUT', `/identity/v3/groups/${w.groupId}/users/${w.userId}`, { token: w.admin })
    const grant = `/identity/v3/domains/default/groups/${w.groupId}/roles/${reader}`
    assert.equal((await w.c.call('PUT', grant, { token: w.admin })).status, 204)
    const r = await patToken(w, { domain: { id: 'default' } })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.json().token.roles.map((x: { name: string }) => x.name), ['reader'])
    assert.equal((await w.c.call('DELETE', grant, { token: w.admin })).status, 204)
    assert.equal((await patToken(w, { domain: { id: 'default' } })).status, 401)
    const missing = await w.c.call('DELETE', grant, { token: w.admin })
    assert.equal(missing.status, 404)
    assert.equal(missing.json().error.message, `Could not find role assignment with role: ${reader}, user or group: ${w.groupId}, project, domain, or system: default.`)
  })

  it('drops the group\'s grants when the group is deleted', async () => {
    const w = await world()
    const member = await w.roleId('member')
    await w.c.call('PUT', `/identity/v3/groups/${w.groupId}/users/${w.userId}`, { token: w.admin })
    await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles/${member}`, { token: w.admin })
    const token = (await patToken(w, { project: { id: w.projectId } })).headers['x-subject-token'] as string
    await w.c.call('DELETE', `/identity/v3/groups/${w.groupId}`, { token: w.admin })
    assert.equal((await w.c.call('GET', `/identity/v3/projects/${w.projectId}`, { token })).status, 401)
    assert.equal((await patToken(w, { project: { id: w.projectId } })).status, 401)
    const assignments = await w.c.call('GET', `/identity/v3/role_assignments?group.id=${w.groupId}`, { token: w.admin })
    assert.deepEqual(assignments.json().role_assignments, [])
  })

  it('answers 404 for an unknown project, group or role, and 403 for a non-admin', async () => {
    const w = await world()
    const member = await w.roleId('member')
    assert.equal((await w.c.call('PUT', `/identity/v3/projects/nope/groups/${w.groupId}/roles/${member}`, { token: w.admin })).json().error.message, 'Could not find project: nope.')
    assert.equal((await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/groups/nope/roles/${member}`, { token: w.admin })).json().error.message, 'Could not find group: nope.')
    assert.equal((await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles/nope`, { token: w.admin })).json().error.message, 'Could not find role: nope.')
    const m = await w.c.member('sam')
    assert.equal((await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles/${member}`, { token: m.token })).status, 403)
  })

  it('lists effective assignments: group grants per member, with implied roles', async () => {
    const w = await world()
    const member = await w.roleId('member')
    await w.c.call('PUT', `/identity/v3/groups/${w.groupId}/users/${w.userId}`, { token: w.admin })
    await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/groups/${w.groupId}/roles/${member}`, { token: w.admin })
    const r = await w.c.call('GET', `/identity/v3/role_assignments?effective&include_names&user.id=${w.userId}`, { token: w.admin })
    const rows = r.json().role_assignments
    assert.deepEqual(rows.map((a: any) => a.role.name).sort(), ['member', 'reader'])
    for (const a of rows) {
      assert.equal(a.user.id, w.userId)
      assert.equal(a.scope.project.id, w.projectId)
      assert.equal(a.links.membership, `http://cloudlet.test/identity/v3/groups/${w.groupId}/users/${w.userId}`)
    }
    assert.equal((await w.c.call('GET', `/identity/v3/role_assignments?effective&group.id=${w.groupId}`, { token: w.admin })).status, 400)
  })
})

describe('implied roles', () => {
  it('lists, creates, checks and deletes role implications, which then shape tokens', async () => {
    const w = await world()
    const admin = await w.roleId('admin')
    const member = await w.roleId('member')
    const reader = await w.roleId('reader')
    const listed = await w.c.call('GET', `/identity/v3/roles/${admin}/implies`, { token: w.admin })
    assert.deepEqual(listed.json().role_inference.implies.map((r: { name: string }) => r.name), ['member'])
    assert.equal(listed.json().role_inference.prior_role.name, 'admin')
    const auditor = (await w.c.call('POST', '/identity/v3/roles', { token: w.admin, json: { role: { name: 'auditor' } } })).json().role.id
    const created = await w.c.call('PUT', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })
    assert.equal(created.status, 201)
    assert.equal(created.json().role_inference.implies.name, 'reader')
    assert.equal((await w.c.call('PUT', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })).status, 409)
    assert.equal((await w.c.call('HEAD', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })).status, 204)
    assert.equal((await w.c.call('GET', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })).status, 200)
    await w.c.call('PUT', `/identity/v3/projects/${w.projectId}/users/${w.userId}/roles/${auditor}`, { token: w.admin })
    const token = (await patToken(w, { project: { id: w.projectId } })).json().token
    assert.deepEqual(token.roles.map((x: { name: string }) => x.name).sort(), ['auditor', 'reader'])
    assert.equal((await w.c.call('DELETE', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })).status, 204)
    const gone = await w.c.call('GET', `/identity/v3/roles/${auditor}/implies/${reader}`, { token: w.admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.json().error.message, `${auditor} does not imply ${reader}.`)
    const prohibited = await w.c.call('PUT', `/identity/v3/roles/${member}/implies/${admin}`, { token: w.admin })
    assert.equal(prohibited.status, 403)
  })
})
