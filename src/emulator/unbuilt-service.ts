/**
 * A placeholder ServiceApi for a service whose emulation is not built yet: every path is a
 * 404. Lets the cloudlet be wired whole while services are written one at a time.
 */
import { jsonResponse } from '../core/http.ts'
import { BadRequest } from '../openstack/faults.ts'
import { compileRoutes } from '../openstack/route-table.ts'
import type { ServiceApi, ServiceType } from './service-host.ts'

export function unbuiltService (type: ServiceType): ServiceApi {
  return {
    type,
    routes: compileRoutes([]),
    handlers: {},
    maxBodyBytes: 114_688,
    renderFault: fault => jsonResponse(fault.status, { error: { code: fault.status, message: fault.message } }),
    malformedBody: detail => new BadRequest(detail),
    invalidInput: problem => new BadRequest(problem.detail)
  }
}

export function unbuilt (what: string): never {
  throw new Error(`${what} is not built yet`)
}
