/**
 * What the agent benchmarks share: logging in as the admin at an agent, and lifting the admin
 * project's Nova quotas in every cloudlet (Nova's defaults allow 10 instances per project in
 * each cloudlet; quotas are per cloudlet until the global-objects issue), through each agent.
 */

export interface Login {
  readonly token: string
  readonly projectId: string
}

export async function loginAdmin (agentUrl: string): Promise<Login> {
  const response = await fetch(`${agentUrl}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } })
  })
  if (response.status !== 201) throw new Error(`login at ${agentUrl}: ${response.status} ${await response.text()}`)
  const body = await response.json() as { token: { project: { id: string } } }
  return { token: response.headers.get('x-subject-token') as string, projectId: body.token.project.id }
}

/** instances, cores and RAM unlimited (-1) for the admin project in each agent's cloudlet. */
export async function liftQuotas (agentUrls: readonly string[], login: Login): Promise<void> {
  for (const url of agentUrls) {
    const response = await fetch(`${url}/compute/v2.1/os-quota-sets/${login.projectId}`, {
      method: 'PUT',
      headers: { 'x-auth-token': login.token, 'content-type': 'application/json' },
      body: JSON.stringify({ quota_set: { instances: -1, cores: -1, ram: -1 } })
    })
    if (response.status !== 200) throw new Error(`quotas at ${url}: ${response.status} ${await response.text()}`)
  }
}
