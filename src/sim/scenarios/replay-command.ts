/**
 * The command line that replays a scenario run exactly: the scenario name and the five values
 * a run can override (all given, so a later change of a default cannot change the replay).
 * Printed with the seed whenever a simulation fails.
 */
import type { OverlayScenario } from './overlay-scenarios.ts'

export function replayCommand (scenario: OverlayScenario): string {
  const c = scenario.config
  return `p2pstack sim --scenario ${scenario.name} --seed ${shellWord(c.seed)} --agents ${c.agents} --cycles ${c.cycles} --cache-size ${c.cyclon.cacheSize} --shuffle-length ${c.cyclon.shuffleLength}`
}

function shellWord (text: string): string {
  return /^[A-Za-z0-9._:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`
}
