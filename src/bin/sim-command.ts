/**
 * `p2pstack sim`: runs a named overlay scenario in the simulator (src/sim) — or a placement
 * scenario (src/sim/placement, at the end of this file) — prints a summary
 * with every acceptance check, and writes summary.json (deterministic: the same seed writes the
 * same bytes), run.json (wall time, events per second, memory per agent, the machine) and one
 * SVG chart per metric. A failed check or a broken invariant exits 1 and prints the seed and
 * the command that replays the run. The simulator does no I/O; this file does it all.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { arch, cpus, platform, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { Command } from 'commander'
import { cacheBytes } from '../protocol/cyclon/node-storage.ts'
import { overlaySimulationConfigProblems } from '../sim/overlay-simulation-config.ts'
import { overlayCharts } from '../sim/report/overlay-charts.ts'
import { scenarioReportText } from '../sim/report/scenario-report-text.ts'
import { OVERLAY_SCENARIO_NAMES, overlayScenario, scenarioDescriptions } from '../sim/scenarios/overlay-scenarios.ts'
import type { OverlayScenario } from '../sim/scenarios/overlay-scenarios.ts'
import { replayCommand } from '../sim/scenarios/replay-command.ts'
import { runOverlayScenario } from '../sim/scenarios/run-scenario.ts'
import type { ScenarioReport } from '../sim/scenarios/run-scenario.ts'
import { placementCharts } from '../sim/placement/placement-charts.ts'
import { placementReportText } from '../sim/placement/placement-report-text.ts'
import { PLACEMENT_SCENARIO_NAMES, placementReplayCommand, placementScenario, placementScenarioDescriptions } from '../sim/placement/placement-scenarios.ts'
import { placementSimulationConfigProblems } from '../sim/placement/placement-simulation-config.ts'
import { runPlacementScenario } from '../sim/placement/run-placement-scenario.ts'
import type { PlacementScenarioReport } from '../sim/placement/run-placement-scenario.ts'
import { positiveInt } from './options.ts'

interface SimOptions {
  scenario: string
  agents?: number
  cycles?: number
  seed?: string
  cacheSize?: number
  shuffleLength?: number
  trials?: number
  out?: string
  progress: boolean
}

/** What a run cost on this machine; not deterministic, so kept out of summary.json. */
interface RunFigures {
  /** Setup, simulation and measurements, without the memory measurement's own garbage collection. */
  readonly wallSeconds: number
  /** Creating the agents, planting the caches, measuring the random graph. */
  readonly setupSeconds: number
  /** Running the events (the protocol, the network, the event queue). */
  readonly simulateSeconds: number
  /** Measuring the overlay at the end of every cycle. */
  readonly measureSeconds: number
  readonly events: number
  /** Events over the simulation time alone. */
  readonly eventsPerSecond: number
  /** JavaScript heap and array buffers (the simulator keeps its agents' caches in typed arrays), per agent. */
  readonly memoryBytesPerAgent: number | null
  /** What a full cache takes (NodeStorage: handles, ages, references). */
  readonly cacheBytesPerAgent: number
  readonly memoryBytesPerAgentBeyondCache: number | null
  readonly gcExposed: boolean
}

export function simCommand (): Command {
  return new Command('sim')
    .description('Run an overlay or placement scenario in the simulator: the real Cyclon and placement code, in virtual time, over a simulated network.')
    .requiredOption('--scenario <name>', `one of: ${[...OVERLAY_SCENARIO_NAMES, ...PLACEMENT_SCENARIO_NAMES].join(', ')}`)
    .option('--agents <n>', 'number of agents (default: the scenario\'s)', positiveInt)
    .option('--cycles <k>', 'cycles to run, one shuffle period each (default: the scenario\'s)', positiveInt)
    .option('--seed <seed>', 'seed of every random stream (default: 1)')
    .option('--cache-size <c>', 'Cyclon cacheSize (default: the scenario\'s)', positiveInt)
    .option('--shuffle-length <l>', 'Cyclon shuffleLength (default: the scenario\'s)', positiveInt)
    .option('--trials <k>', 'placement scenarios: independent trials, each with its own seed (default: the scenario\'s)', positiveInt)
    .option('--out <dir>', 'where summary.json, run.json and the SVG charts go (default: sim-results/<scenario>-seed-<seed>)')
    .option('--no-progress', 'do not print progress on stderr')
    .addHelpText('after', [
      '',
      'Scenarios:',
      ...scenarioDescriptions().map(s => `  ${s.name.padEnd(13)} ${s.description}`),
      '',
      'Placement scenarios (issue 4; --agents, --trials and --seed apply):',
      ...placementScenarioDescriptions().map(s => `  ${s.name.padEnd(13)} ${s.description}`),
      '',
      'Memory per agent is measured only when node runs with --expose-gc, e.g.',
      '  node --expose-gc bin/p2pstack.js sim --scenario scale'
    ].join('\n'))
    .action((options: SimOptions) => {
      if (PLACEMENT_SCENARIO_NAMES.includes(options.scenario)) {
        runPlacementCommand(options)
        return
      }
      if (options.trials !== undefined) throw new Error('--trials applies to placement scenarios only')
      const scenario = overlayScenario(options.scenario, {
        ...(options.agents === undefined ? {} : { agents: options.agents }),
        ...(options.cycles === undefined ? {} : { cycles: options.cycles }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
        ...(options.shuffleLength === undefined ? {} : { shuffleLength: options.shuffleLength })
      })
      if (scenario === undefined) throw new Error(`unknown scenario "${options.scenario}"; scenarios: ${[...OVERLAY_SCENARIO_NAMES, ...PLACEMENT_SCENARIO_NAMES].join(', ')}`)
      const problems = overlaySimulationConfigProblems(scenario.config)
      if (problems.length > 0) throw new Error(`cannot run ${scenario.name}: ${problems.join('; ')}`)
      const out = resolve(options.out ?? join('sim-results', `${scenario.name}-seed-${scenario.config.seed}`))
      const replay = replayCommand(scenario)
      let run: { report: ScenarioReport, figures: RunFigures }
      try {
        run = runMeasured(scenario, options.progress)
      } catch (error) {
        process.stderr.write(`p2pstack sim: the simulation stopped: ${(error as Error).message}\nseed ${scenario.config.seed}; replay with:\n  ${replay}\n`)
        process.exitCode = 1
        return
      }
      const { report, figures } = run
      writeOutputs(out, scenario, report, figures, replay)
      process.stdout.write(scenarioReportText(report))
      process.stdout.write([
        `wall time ${figures.wallSeconds.toFixed(1)} s (setup ${figures.setupSeconds.toFixed(1)} s, events ${figures.simulateSeconds.toFixed(1)} s, measurements ${figures.measureSeconds.toFixed(1)} s), ${Math.round(figures.eventsPerSecond)} events/s` +
          (figures.memoryBytesPerAgent === null
            ? ' (memory not measured: run node with --expose-gc)'
            : `, memory ${Math.round(figures.memoryBytesPerAgent)} B per agent, heap and array buffers (cache ${Math.round(figures.cacheBytesPerAgent)} B, beyond it ${Math.round(figures.memoryBytesPerAgentBeyondCache ?? 0)} B)`),
        `written to ${out}`,
        ''
      ].join('\n'))
      if (!report.passed) {
        process.stdout.write(`FAILED: seed ${scenario.config.seed}; replay with:\n  ${replay}\n`)
        process.exitCode = 1
      }
    })
}

function runMeasured (scenario: OverlayScenario, progress: boolean): { report: ScenarioReport, figures: RunFigures } {
  const gc = (globalThis as { gc?: () => void }).gc
  const { agents, cycles } = scenario.config
  const cacheBytesPerAgent = cacheBytes(scenario.config.cyclon.cacheSize)
  gc?.()
  const memoryBefore = usedMemory()
  let memoryAtEnd: number | null = null
  const started = performance.now()
  let mark = started
  let setupMs = 0
  let simulateMs = 0
  let measureMs = 0
  const report = runOverlayScenario(scenario, {
    started: () => {
      setupMs = performance.now() - mark
      mark = performance.now()
    },
    simulated: cycle => {
      simulateMs += performance.now() - mark
      mark = performance.now()
      if (cycle === cycles && gc !== undefined) {
        // The simulation is alive and between events: its whole state is in memory.
        gc()
        memoryAtEnd = usedMemory()
        mark = performance.now()
      }
    },
    measured: metrics => {
      measureMs += performance.now() - mark
      mark = performance.now()
      if (progress && (metrics.cycle % Math.max(1, Math.round(cycles / 10)) === 0 || metrics.cycle === 1)) {
        process.stderr.write(`cycle ${metrics.cycle}/${cycles}  ${((mark - started) / 1000).toFixed(1)} s  in-degree std ${metrics.inDegreeStd.toFixed(3)}  dead links ${metrics.deadLinkFraction.toFixed(4)}\n`)
      }
    }
  })
  const memoryBytesPerAgent = memoryAtEnd === null ? null : (memoryAtEnd - memoryBefore) / agents
  return {
    report,
    figures: {
      wallSeconds: (setupMs + simulateMs + measureMs) / 1000,
      setupSeconds: setupMs / 1000,
      simulateSeconds: simulateMs / 1000,
      measureSeconds: measureMs / 1000,
      events: report.result.events,
      eventsPerSecond: report.result.events / (simulateMs / 1000),
      memoryBytesPerAgent,
      cacheBytesPerAgent,
      memoryBytesPerAgentBeyondCache: memoryBytesPerAgent === null ? null : memoryBytesPerAgent - cacheBytesPerAgent,
      gcExposed: gc !== undefined
    }
  }
}

/** The JavaScript heap in use plus the memory of array buffers (typed arrays live outside the heap). */
function usedMemory (): number {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

function writeOutputs (out: string, scenario: OverlayScenario, report: ScenarioReport, figures: RunFigures, replay: string): void {
  mkdirSync(out, { recursive: true })
  const summary = {
    scenario: report.scenario,
    description: report.description,
    seed: scenario.config.seed,
    replay,
    passed: report.passed,
    checks: report.checks,
    ...report.result
  }
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n')
  const machine = { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() }
  writeFileSync(join(out, 'run.json'), JSON.stringify({ scenario: report.scenario, seed: scenario.config.seed, agents: scenario.config.agents, cycles: scenario.config.cycles, ...figures, machine }, null, 2) + '\n')
  for (const chart of overlayCharts(report.result)) writeFileSync(join(out, chart.fileName), chart.svg)
}

/**
 * A placement scenario (src/sim/placement): every trial of every policy, then the summary with
 * every acceptance check; writes summary.json (deterministic), run.json (wall time, the machine)
 * and the SVG charts. A failed check or a broken invariant exits 1 with the seed and the replay.
 */
function runPlacementCommand (options: SimOptions): void {
  if (options.cycles !== undefined || options.cacheSize !== undefined || options.shuffleLength !== undefined) {
    throw new Error('--cycles, --cache-size and --shuffle-length apply to overlay scenarios only; placement scenarios take --agents, --trials and --seed')
  }
  const scenario = placementScenario(options.scenario, {
    ...(options.agents === undefined ? {} : { agents: options.agents }),
    ...(options.trials === undefined ? {} : { trials: options.trials }),
    ...(options.seed === undefined ? {} : { seed: options.seed })
  })
  if (scenario === undefined) throw new Error(`unknown scenario "${options.scenario}"`)
  const problems = placementSimulationConfigProblems({ ...scenario.base, seed: scenario.seed })
  if (problems.length > 0) throw new Error(`cannot run ${scenario.name}: ${problems.join('; ')}`)
  const out = resolve(options.out ?? join('sim-results', `${scenario.name}-seed-${scenario.seed}`))
  const replay = placementReplayCommand(scenario)
  const started = performance.now()
  let lastProgress = started
  let report: PlacementScenarioReport
  try {
    report = runPlacementScenario(scenario, {
      ran: (arm, trial, result) => {
        const now = performance.now()
        if (!options.progress || (now - lastProgress < 2000 && trial + 1 < scenario.trials)) return
        lastProgress = now
        const loads = result.churn === null ? `max load ${result.final.maxServers}, gap ${result.final.gap.toFixed(2)}` : `time-averaged max ${result.churn.maxMean.toFixed(2)}`
        process.stderr.write(`trial ${trial + 1}/${scenario.trials} ${arm}: ${loads}  ${((now - started) / 1000).toFixed(1)} s\n`)
      }
    })
  } catch (error) {
    process.stderr.write(`p2pstack sim: the simulation stopped: ${(error as Error).message}\nseed ${scenario.seed}; replay with:\n  ${replay}\n`)
    process.exitCode = 1
    return
  }
  const wallSeconds = (performance.now() - started) / 1000
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'summary.json'), JSON.stringify(report, null, 2) + '\n')
  const machine = { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() }
  writeFileSync(join(out, 'run.json'), JSON.stringify({ scenario: report.scenario, seed: report.seed, agents: report.config.agents, trials: report.trials, wallSeconds, events: report.events, eventsPerSecond: report.events / wallSeconds, machine }, null, 2) + '\n')
  for (const chart of placementCharts(report)) writeFileSync(join(out, chart.fileName), chart.svg)
  process.stdout.write(placementReportText(report))
  process.stdout.write(`wall time ${wallSeconds.toFixed(1)} s, ${Math.round(report.events / wallSeconds)} events/s\nwritten to ${out}\n`)
  if (!report.passed) {
    process.stdout.write(`FAILED: seed ${report.seed}; replay with:\n  ${replay}\n`)
    process.exitCode = 1
  }
}
