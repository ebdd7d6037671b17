/**
 * What the agent's service proxy needs from the rest of the agent, as small interfaces: the
 * caller's identity (tokens checked locally), the caller's session in this agent's own
 * cloudlet (a cloudlet-local token, ids translated), where resources are (the location store
 * and the project footprint), and the scheduler. The agent wires the real ones
 * (service-agent.ts); tests may wire in-memory ones.
 */
import type { AuthContext } from '../openstack/identity/auth-context.ts'
import type { PlacementOutcome } from '../protocol/placement/placement-node.ts'
import type { PlacementRequest } from '../protocol/placement/placement-request.ts'

/** An agent as the proxy addresses it. */
export interface AgentRef {
  readonly id: string
  readonly address: string
}

/** Checks a user's token; null when it is not valid (expired, forged, revoked). */
export interface UserTokens {
  verify(token: string): Promise<AuthContext | null>
}

/** The caller's session in this agent's own cloudlet. */
export interface CloudletSession {
  /** The cloudlet-local token for the caller, scoped to the shadow of the caller's project. */
  readonly token: string
  /** Shadow ids → global ids in a response text. */
  toGlobal(text: string): string
  /** Global ids → shadow ids in a request path, query or body. */
  toLocal(text: string): string
}

/** Thrown when the cloudlet refuses the caller (401) or cannot be reached (503). */
export class CloudletSessionError extends Error {
  readonly status: 401 | 503
  constructor (status: 401 | 503, message: string, options?: ErrorOptions) {
    super(message, options)
    this.status = status
  }
}

export interface CloudletSessions {
  /** Rejects with CloudletSessionError. */
  session(auth: AuthContext): Promise<CloudletSession>
  /** Forgets the caller's session (the cloudlet refused its token), so the next call logs in again. */
  invalidate(auth: AuthContext): void
}

/** Where a resource is. */
export interface ResourceLocation {
  readonly agent: AgentRef
  readonly projectId: string | null
  readonly createdAt: string | null
}

export interface Locations {
  get(id: string): ResourceLocation | null
  put(id: string, kind: string, location: ResourceLocation): void
  delete(id: string): void
  /** The servers this agent knows to be at `agentId`, for a project (down-cloudlet records). */
  byAgent(agentId: string, projectId: string | null): ReadonlyArray<{ readonly id: string } & ResourceLocation>
}

export interface Footprint {
  /** This agent's cloudlet now holds resources of the project. */
  add(projectId: string): void
  /** This agent's cloudlet holds no more servers of the project. */
  withdraw(projectId: string): void
  /** The agents whose cloudlets hold resources of the project (this one included, if so). */
  agentsOf(projectId: string): readonly AgentRef[]
  /** Every agent known to hold resources of any project (for an admin's all_tenants list). */
  allAgents(): readonly AgentRef[]
}

export interface Scheduler {
  place(request: PlacementRequest): Promise<PlacementOutcome>
  landed(reservationId: string): Promise<void>
  /** Agents the overlay knows now (the Cyclon view), for a bounded search. */
  peers(): readonly AgentRef[]
}
