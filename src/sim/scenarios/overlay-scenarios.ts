/**
 * The named overlay scenarios that `p2pstack sim --scenario` and test/sim run: each is a
 * simulation configuration plus the acceptance checks (O1–O8, R1) its result is judged by.
 * Agents, cycles, seed, cacheSize and shuffleLength can be overridden; everything else is
 * fixed here, so a scenario name, those five values and the commit replay a run exactly.
 */
import type { CyclonConfig } from '../../protocol/cyclon/cyclon-config.ts'
import { LARGE_CLUSTER_CYCLON_CONFIG, SMALL_CLUSTER_CYCLON_CONFIG } from '../../protocol/cyclon/cyclon-config.ts'
import type { CheckSpec } from '../acceptance/overlay-checks.ts'
import { DEFAULT_LATENCY_MODEL } from '../latency.ts'
import type { MetricsConfig, OverlaySimulationConfig } from '../overlay-simulation-config.ts'
import { DEFAULT_METRICS_CONFIG } from '../overlay-simulation-config.ts'

export interface OverlayScenario {
  readonly name: string
  readonly description: string
  readonly config: OverlaySimulationConfig
  readonly checks: readonly CheckSpec[]
}

export interface ScenarioOverrides {
  readonly agents?: number
  readonly cycles?: number
  readonly seed?: string
  readonly cacheSize?: number
  readonly shuffleLength?: number
}

interface ScenarioTemplate {
  readonly description: string
  readonly agents: number
  readonly cycles: number
  readonly cyclon: CyclonConfig
  readonly config?: Partial<Omit<OverlaySimulationConfig, 'agents' | 'cycles' | 'cyclon' | 'seed' | 'metrics'>>
  readonly metrics?: Partial<MetricsConfig>
  readonly checks: readonly CheckSpec[]
}

/** The crash, in the O5 scenarios, comes at the end of this cycle, well after convergence from random caches. */
const KILL_CYCLE = 50

const LARGE_RUN_METRICS: Partial<MetricsConfig> = { structureEveryCycles: 10, pathSources: 20, clusteringSample: 1_000 }

const TEMPLATES: Readonly<Record<string, ScenarioTemplate>> = {
  steady: {
    description: 'O1, O2, O3, O7, O8: 1,000 agents from random caches, no failures, c=20, l=8, 100 cycles',
    agents: 1_000,
    cycles: 100,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    checks: [{ id: 'O1', fromCycle: 1 }, { id: 'O2', factor: 0.65 }, { id: 'O3' }, { id: 'O7', fromCycle: 1 }, { id: 'O8', fromCycle: 1 }]
  },
  'steady-small': {
    description: 'O1, O2, O7, O8 at small scale: 100 agents with the small-cluster defaults (c=8, l=4), 100 cycles',
    agents: 100,
    cycles: 100,
    cyclon: SMALL_CLUSTER_CYCLON_CONFIG,
    checks: [{ id: 'O1', fromCycle: 1 }, { id: 'O2', factor: 0.85 }, { id: 'O7', fromCycle: 1 }, { id: 'O8', fromCycle: 1 }]
  },
  'steady-large': {
    description: 'O1, O2, O3, O7, O8 at 10,000 agents from random caches, c=20, l=8, 100 cycles',
    agents: 10_000,
    cycles: 100,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    metrics: LARGE_RUN_METRICS,
    checks: [{ id: 'O1', fromCycle: 1 }, { id: 'O2', factor: 0.4 }, { id: 'O3' }, { id: 'O7', fromCycle: 1 }, { id: 'O8', fromCycle: 1 }]
  },
  star: {
    description: 'O4: 1,000 agents that all know only the introducer, c=20, l=8, 100 cycles',
    agents: 1_000,
    cycles: 100,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { topology: 'star' },
    checks: [{ id: 'O4' }]
  },
  join: {
    description: '1,000 agents joining one by one through the introducer over 10 cycles (random walks), then 90 more cycles',
    agents: 1_000,
    cycles: 100,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { topology: 'join', joinCycles: 10 },
    checks: [{ id: 'O1', fromCycle: 40 }, { id: 'R1', fromCycle: 40 }]
  },
  'kill-half': {
    description: `O5: 1,000 agents from random caches; 50 % crash at the end of cycle ${KILL_CYCLE}; 60 cycles more`,
    agents: 1_000,
    cycles: KILL_CYCLE + 60,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { actions: [{ kind: 'crash', atCycle: KILL_CYCLE, fraction: 0.5 }] },
    checks: [{ id: 'O5', killCycle: KILL_CYCLE, killed: 'half' }]
  },
  'kill-most': {
    description: `O5: 1,000 agents from random caches; 90 % crash at the end of cycle ${KILL_CYCLE}; 60 cycles more`,
    agents: 1_000,
    cycles: KILL_CYCLE + 60,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { actions: [{ kind: 'crash', atCycle: KILL_CYCLE, fraction: 0.9 }] },
    checks: [{ id: 'O5', killCycle: KILL_CYCLE, killed: 'ninety-percent' }]
  },
  removal: {
    description: 'O6: 10,000 agents from random caches, c=20, 50 cycles; then X % removed at random without repair',
    agents: 10_000,
    cycles: 50,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    metrics: { ...LARGE_RUN_METRICS, removalFractions: [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] },
    checks: [{ id: 'O6' }]
  },
  churn: {
    description: '1,000 agents with the introducer and 3 seeds as contacts; 20 % crash at cycle 30 and restart (empty caches, joining again) at cycle 50; 100 cycles',
    agents: 1_000,
    cycles: 100,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { seedContacts: 3, actions: [{ kind: 'crash', atCycle: 30, fraction: 0.2 }, { kind: 'restart', atCycle: 50 }] },
    checks: [{ id: 'R1', fromCycle: 70 }]
  },
  partition: {
    description: '1,000 agents split in two halves that cannot reach each other from cycle 20 to 25, 5 % message loss throughout; 60 cycles',
    agents: 1_000,
    cycles: 60,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    config: { network: { latency: DEFAULT_LATENCY_MODEL, lossProbability: 0.05, partitions: [{ fromCycle: 20, toCycle: 25, groups: 2 }] } },
    checks: [{ id: 'R1', fromCycle: 45 }]
  },
  scale: {
    description: 'Scale: 100,000 agents from random caches, c=20, l=8, 50 cycles (structure every 10 cycles)',
    agents: 100_000,
    cycles: 50,
    cyclon: LARGE_CLUSTER_CYCLON_CONFIG,
    metrics: { structureEveryCycles: 10, pathSources: 8, clusteringSample: 1_000 },
    checks: [{ id: 'O1', fromCycle: 1 }, { id: 'O7', fromCycle: 1 }, { id: 'O8', fromCycle: 1 }]
  }
}

export const OVERLAY_SCENARIO_NAMES: readonly string[] = Object.keys(TEMPLATES)

export const DEFAULT_SCENARIO_SEED = '1'

/** A scenario by name with overrides applied, or undefined for an unknown name. */
export function overlayScenario (name: string, overrides: ScenarioOverrides = {}): OverlayScenario | undefined {
  if (!Object.hasOwn(TEMPLATES, name)) return undefined
  const template = TEMPLATES[name] as ScenarioTemplate
  const cyclon: CyclonConfig = {
    ...template.cyclon,
    ...(overrides.cacheSize === undefined ? {} : { cacheSize: overrides.cacheSize }),
    ...(overrides.shuffleLength === undefined ? {} : { shuffleLength: overrides.shuffleLength })
  }
  const config: OverlaySimulationConfig = {
    seed: overrides.seed ?? DEFAULT_SCENARIO_SEED,
    agents: overrides.agents ?? template.agents,
    cycles: overrides.cycles ?? template.cycles,
    cyclon,
    topology: 'random',
    joinCycles: 10,
    seedContacts: 0,
    spareIntroducer: true,
    network: { latency: DEFAULT_LATENCY_MODEL, lossProbability: 0, partitions: [] },
    actions: [],
    ...template.config,
    metrics: { ...DEFAULT_METRICS_CONFIG, ...template.metrics }
  }
  return { name, description: template.description, config, checks: template.checks }
}

export function scenarioDescriptions (): Array<{ name: string, description: string }> {
  return OVERLAY_SCENARIO_NAMES.map(name => ({ name, description: (TEMPLATES[name] as ScenarioTemplate).description }))
}
