/**
 * The named placement scenarios of `p2pstack sim --scenario` and test/sim: the issue's
 * acceptance criteria P1–P6 (issue 4 §4) and the unequal-cloudlets case, each a base simulation
 * (agents, workload, cloudlets, network), the policies compared ("arms", each run in every
 * trial with the trial's seed, so they face the same overlay and the same requests), the
 * trials, and the checks its result is judged by. Seed, agents and trials can be overridden;
 * everything else is fixed here, so a name and those three values replay a run exactly.
 */
import type { CyclonConfig } from '../../protocol/cyclon/cyclon-config.ts'
import { LARGE_CLUSTER_CYCLON_CONFIG, SMALL_CLUSTER_CYCLON_CONFIG } from '../../protocol/cyclon/cyclon-config.ts'
import type { PlacementConfig } from '../../protocol/placement/placement-config.ts'
import { DEFAULT_PLACEMENT_CONFIG } from '../../protocol/placement/placement-config.ts'
import type { ResourceAmounts } from '../../protocol/placement/placement-request.ts'
import { DEFAULT_LATENCY_MODEL } from '../latency.ts'
import type { PlacementCheckSpec } from './placement-checks.ts'
import type { PlacementSimulationConfig, RequestTemplate, Workload } from './placement-simulation-config.ts'
import { LARGE_EQUAL_CAPACITY, UNIT_REQUEST } from './placement-simulation-config.ts'

/** One policy compared in a scenario: the base placement configuration with these changes. */
export interface PlacementArm {
  readonly name: string
  readonly placement: Partial<PlacementConfig>
  /** Runs only in the first this many trials (a costly comparison); all of them when absent. */
  readonly trials?: number
}

export interface PlacementScenario {
  readonly name: string
  readonly description: string
  readonly seed: string
  readonly trials: number
  /** The simulation every arm runs, but for its seed (the trial's) and its placement changes. */
  readonly base: Omit<PlacementSimulationConfig, 'seed'>
  readonly arms: readonly PlacementArm[]
  /** d of the ideal reference (uniform sampling, no protocol) computed in every trial. */
  readonly idealChoices: readonly number[]
  readonly checks: readonly PlacementCheckSpec[]
}

export interface PlacementScenarioOverrides {
  readonly seed?: string
  readonly agents?: number
  readonly trials?: number
}

export const DEFAULT_PLACEMENT_SCENARIO_SEED = '1'

const P2C: PlacementArm = { name: 'P2C', placement: { policy: { kind: 'choices', d: 2 }, loadSource: 'fresh', sampler: 'walk' } }
const D3: PlacementArm = { name: 'd=3', placement: { policy: { kind: 'choices', d: 3 }, loadSource: 'fresh', sampler: 'walk' } }
const RANDOM: PlacementArm = { name: 'random', placement: { policy: { kind: 'random' }, loadSource: 'fresh', sampler: 'walk' } }
const ROUND_ROBIN: PlacementArm = { name: 'round-robin', placement: { policy: { kind: 'round-robin' }, loadSource: 'fresh' } }
const LEAST_LOADED: PlacementArm = { name: 'least-loaded (board)', placement: { policy: { kind: 'least-loaded' }, loadSource: 'board' } }

function limited (arm: PlacementArm, trials: number): PlacementArm {
  return { ...arm, trials }
}

/** c=8, l=4 for tens of cloudlets (up to 100), c=20, l=8 beyond, as the overlay's defaults say. */
function cyclonFor (agents: number): CyclonConfig {
  return agents <= 100 ? SMALL_CLUSTER_CYCLON_CONFIG : LARGE_CLUSTER_CYCLON_CONFIG
}

function baseConfig (agents: number, workload: Workload, extra: Partial<Omit<PlacementSimulationConfig, 'seed'>> = {}): Omit<PlacementSimulationConfig, 'seed'> {
  return {
    agents,
    cyclon: cyclonFor(agents),
    placement: DEFAULT_PLACEMENT_CONFIG,
    warmupCycles: 10,
    placementWarmupCycles: 3,
    latency: DEFAULT_LATENCY_MODEL,
    lossProbability: 0,
    capacities: [LARGE_EQUAL_CAPACITY],
    requests: [UNIT_REQUEST],
    workload,
    seriesEveryMs: 10_000,
    createFailureProbability: 0,
    ...extra
  }
}

/** The expected mean maximum load for m = n unit placements with d = 2 (P1). */
const P1_EXPECTED: Readonly<Record<number, number>> = { 64: 2.42, 1000: 3.02, 10000: 3.08 }

function p1 (name: string, agents: number, trials: number, arms: readonly PlacementArm[]): PlacementScenario {
  return {
    name,
    description: `P1: m = n = ${agents} unit placements one after another, each through a random agent; fresh loads, walk sampling; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'sequential', placements: agents }),
    arms,
    idealChoices: [1, 2, 3],
    checks: [{ id: 'P1', arm: 'P2C', expectedMean: P1_EXPECTED[agents] ?? null, tolerance: 0.3, samplerTolerance: 0.15 }]
  }
}

/** Churn: arrivals at 1/s, lifetimes of 1,000 s on average: 10 servers per cloudlet at n = 100. */
function churnWorkload (agents: number, settleMs: number, measureMs: number): Workload {
  const serversPerCloudlet = 10
  const arrivalsPerSecond = 1
  return { kind: 'churn', arrivalsPerSecond, lifetimeMeanMs: 1000 * serversPerCloudlet * agents / arrivalsPerSecond, settleMs, measureMs }
}

/** About one placement per cloudlet between board refreshes: n / arrival rate. */
function staleRefreshMs (agents: number): number {
  return agents * 1000
}

/**
 * Sixteen cloudlets from 32 to 128 vCPUs (mean 78), half with 4 GiB of RAM per vCPU and half
 * with 2 GiB. The largest is 1.6× the mean: with d = 2 uniform candidates a cloudlet is a
 * candidate for at most 2/n of the requests, so P2C cannot fill one larger than about twice the
 * mean (see 'unequal-wide').
 */
const UNEQUAL_CAPACITIES: readonly ResourceAmounts[] = capacities([32, 32, 48, 48, 64, 64, 64, 64, 80, 80, 96, 96, 112, 112, 128, 128])

/** The same count from 16 to 256 vCPUs (mean 79): the largest is 3.2× the mean. */
const WIDE_CAPACITIES: readonly ResourceAmounts[] = capacities([16, 16, 24, 24, 32, 32, 48, 48, 64, 64, 96, 96, 128, 128, 192, 256])

function capacities (vcpus: readonly number[]): ResourceAmounts[] {
  return vcpus.map((v, i) => ({ vcpus: v, memoryMb: v * (i % 2 === 0 ? 4096 : 2048), diskGb: v * 40 }))
}

const FLAVORS = {
  tiny: { vcpus: 1, memoryMb: 512, diskGb: 1 },
  small: { vcpus: 1, memoryMb: 2048, diskGb: 20 },
  medium: { vcpus: 2, memoryMb: 4096, diskGb: 40 },
  large: { vcpus: 4, memoryMb: 8192, diskGb: 80 }
} as const

/** Nova's m1 flavors, a fifth of them pinned to an availability zone and one in twenty to a region. */
const UNEQUAL_REQUESTS: readonly RequestTemplate[] = [
  { name: 'm1.tiny', weight: 24, resources: FLAVORS.tiny, requirements: {} },
  { name: 'm1.small', weight: 30, resources: FLAVORS.small, requirements: {} },
  { name: 'm1.medium', weight: 14, resources: FLAVORS.medium, requirements: {} },
  { name: 'm1.large', weight: 7, resources: FLAVORS.large, requirements: {} },
  { name: 'm1.small in az-0', weight: 7, resources: FLAVORS.small, requirements: { availabilityZone: 'az-0' } },
  { name: 'm1.medium in az-1', weight: 7, resources: FLAVORS.medium, requirements: { availabilityZone: 'az-1' } },
  { name: 'm1.small in az-2', weight: 6, resources: FLAVORS.small, requirements: { availabilityZone: 'az-2' } },
  { name: 'm1.small in region-3', weight: 5, resources: FLAVORS.small, requirements: { labels: { region: 'region-3' } } }
]

type Builder = (agents: number | undefined, trials: number | undefined) => PlacementScenario

const BUILDERS: Readonly<Record<string, Builder>> = {
  'p1-64': (agents = 64, trials = 400) => p1('p1-64', agents, trials, [P2C, D3, RANDOM]),
  'p1-1000': (agents = 1000, trials = 40) => p1('p1-1000', agents, trials, [
    P2C, limited(D3, 10), limited(RANDOM, 10), limited(ROUND_ROBIN, 10)
  ]),
  'p1-10000': (agents = 10_000, trials = 4) => ({ ...p1('p1-10000', agents, trials, [P2C]), base: { ...baseConfig(agents, { kind: 'sequential', placements: agents }), warmupCycles: 5, seriesEveryMs: 60_000 } }),
  p2: (agents = 1000, trials = 5) => ({
    name: 'p2',
    description: `P2: m = 16n unit placements one after another (n = ${agents}), each through a random agent; fresh loads; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'sequential', placements: 16 * agents }, { seriesEveryMs: 60_000 }),
    arms: [P2C, RANDOM, limited(D3, 2), limited(ROUND_ROBIN, 2)],
    idealChoices: [1, 2, 3],
    checks: [{ id: 'P2', arm: 'P2C', random: 'random', gapBound: 3, factor: 4 }]
  }),
  p3: (agents = 100, trials = 4) => ({
    name: 'p3',
    description: `P3: churn, n = ${agents}, Poisson arrivals (1/s) through random agents, exponential lifetimes (mean 10n s): 10 servers per cloudlet; fresh loads; 5,000 s to settle, 20,000 s measured; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, churnWorkload(agents, 5_000_000, 20_000_000), { seriesEveryMs: 100_000 }),
    arms: [P2C, RANDOM, D3, ROUND_ROBIN],
    idealChoices: [1, 2, 3],
    checks: [{ id: 'P3', arm: 'P2C', maxMeanBound: 13.5, p99Bound: 15 }]
  }),
  p4: (agents = 100, trials = 4) => ({
    name: 'p4',
    description: `P4: the churn of P3 with stale load: a board refreshed every n / arrival rate = ${staleRefreshMs(agents) / 1000} s (about one placement per cloudlet between refreshes); ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, churnWorkload(agents, 5_000_000, 20_000_000), { seriesEveryMs: 100_000, placement: { ...DEFAULT_PLACEMENT_CONFIG, loadRefreshMs: staleRefreshMs(agents) } }),
    arms: [
      { name: 'P2C (board)', placement: { policy: { kind: 'choices', d: 2 }, loadSource: 'board', sampler: 'walk' } },
      LEAST_LOADED,
      { name: 'd=3 (board)', placement: { policy: { kind: 'choices', d: 3 }, loadSource: 'board', sampler: 'walk' } }
    ],
    idealChoices: [1, 2],
    checks: [{ id: 'P4', arm: 'P2C (board)', bound: 14.5, herding: 'least-loaded (board)', herdingFactor: 1.25 }]
  }),
  p5: (agents = 100, trials = 20) => ({
    name: 'p5',
    description: `P5: every agent starts its 10 placements at the same instant (n = ${agents}, m = 10n); fresh loads; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'concurrent', placementsPerAgent: 10 }, { seriesEveryMs: 200 }),
    arms: [P2C, RANDOM, D3, ROUND_ROBIN, LEAST_LOADED],
    idealChoices: [1, 2],
    checks: [{ id: 'P5', arm: 'P2C', random: 'random', gapBound: 4.5, factor: 2 }]
  }),
  'p5-paced': (agents = 100, trials = 20) => ({
    name: 'p5-paced',
    description: `P5, paced: every agent places its 10 one after another, all agents at the same time (n = ${agents}, m = 10n); fresh loads; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'concurrent', placementsPerAgent: 10, oneAtATime: true }, { seriesEveryMs: 200 }),
    arms: [P2C, RANDOM, D3, ROUND_ROBIN, LEAST_LOADED],
    idealChoices: [1, 2],
    checks: [{ id: 'P5', arm: 'P2C', random: 'random', gapBound: 4.5, factor: 2 }]
  }),
  p6: (agents = 1000, trials = 4) => ({
    name: 'p6',
    description: `P6: one agent places all m = 10n unit placements one after another (n = ${agents}); fresh loads; walk sampling vs its own cache; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'sequential', placements: 10 * agents, single: 1 }, { seriesEveryMs: 60_000 }),
    arms: [P2C, { name: 'P2C (view sampler)', placement: { ...P2C.placement, sampler: 'view' } }, limited(RANDOM, 2)],
    idealChoices: [1, 2],
    checks: [{ id: 'P6', arm: 'P2C', view: 'P2C (view sampler)', factor: 2 }]
  }),
  unequal: (agents = 16, trials = 20) => unequal('unequal', '32–128', UNEQUAL_CAPACITIES, agents, trials),
  'unequal-wide': (agents = 16, trials = 20) => unequal('unequal-wide', '16–256', WIDE_CAPACITIES, agents, trials)
}

function unequal (name: string, range: string, capacities: readonly ResourceAmounts[], agents: number, trials: number): PlacementScenario {
  return {
    name,
    description: `Unequal cloudlets: ${agents} cloudlets of ${range} vCPUs, 400 servers of m1 flavors one after another through random agents, a quarter pinned to a zone or a region; fresh loads; ${trials} trials`,
    seed: DEFAULT_PLACEMENT_SCENARIO_SEED,
    trials,
    base: baseConfig(agents, { kind: 'sequential', placements: 400 }, { capacities, requests: UNEQUAL_REQUESTS, seriesEveryMs: 5_000 }),
    arms: [P2C, RANDOM, D3, ROUND_ROBIN, LEAST_LOADED],
    idealChoices: [1, 2],
    checks: [{ id: 'U1', arm: 'P2C', pointsBound: 15, trialsFraction: 0.95 }]
  }
}

export const PLACEMENT_SCENARIO_NAMES: readonly string[] = Object.keys(BUILDERS)

/** A scenario by name with overrides applied, or undefined for an unknown name. */
export function placementScenario (name: string, overrides: PlacementScenarioOverrides = {}): PlacementScenario | undefined {
  if (!Object.hasOwn(BUILDERS, name)) return undefined
  const scenario = (BUILDERS[name] as Builder)(overrides.agents, overrides.trials)
  return { ...scenario, seed: overrides.seed ?? scenario.seed }
}

export function placementScenarioDescriptions (): Array<{ name: string, description: string }> {
  return PLACEMENT_SCENARIO_NAMES.map(name => ({ name, description: (placementScenario(name) as PlacementScenario).description }))
}

/** The configuration an arm runs in a trial. */
export function armConfig (scenario: PlacementScenario, arm: PlacementArm, trialSeed: string): PlacementSimulationConfig {
  return { ...scenario.base, seed: trialSeed, placement: { ...scenario.base.placement, ...arm.placement } }
}

/** The seed of trial k: the scenario's seed forked by label, as SeededRandom.fork names it. */
export function trialSeed (seed: string, trial: number): string {
  return `${seed}/trial-${trial}`
}

/** The command line that replays a placement scenario exactly. */
export function placementReplayCommand (scenario: PlacementScenario): string {
  const seed = /^[A-Za-z0-9._:/=-]+$/.test(scenario.seed) ? scenario.seed : `'${scenario.seed.replace(/'/g, "'\\''")}'`
  return `p2pstack sim --scenario ${scenario.name} --seed ${seed} --agents ${scenario.base.agents} --trials ${scenario.trials}`
}
