/**
 * What the agent benchmarks share (logins are test/fixtures/agent-login.ts): lifting the admin
 * project's Nova quotas in every cloudlet (Nova's defaults allow 10 instances per project in
 * each cloudlet; quotas are per cloudlet until the global-objects issue), through each agent.
 */
import type { Login } from '../test/fixtures/agent-login.ts'

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
