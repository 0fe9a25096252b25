import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { addDetectionOptions, describeOverrides, detectionOverrides, detectionParamSpecs, expandSetSpecs } from '../../../src/cli/commands/eval.ts';
import { PRESETS } from '../../../src/core/simulate/index.ts';

function leaves(v: unknown, path: string[] = []): string[] {
  if (v === null || typeof v === 'function') return [];
  if (Array.isArray(v)) return [path.join('.')];
  if (typeof v === 'object') return Object.entries(v as object).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path.join('.')];
}

describe('eval: every detection parameter is an option', () => {
  it('has one option per leaf of the defaults, generated, not listed by hand', () => {
    const specs = detectionParamSpecs();
    expect(specs.map((s) => s.path.join('.')).sort()).toEqual(leaves(DEFAULT_DETECTION).sort());
    expect(specs.find((s) => s.path.join('.') === 'edges.minWeight')?.flag).toBe('edges-min-weight');
    expect(specs.find((s) => s.path.join('.') === 'score.weights.cohesion')?.flag).toBe('score-weights-cohesion');
  });

  it('parses flags into overrides that detectionParams merges', () => {
    const cmd = addDetectionOptions(new Command().exitOverride());
    cmd.parse(['--edges-min-weight', '3', '--score-weights-cohesion', '30', '--edges-kinds', 'co_repost,co_text', '--dedupe', 'false', '--flag-threshold', '50'], { from: 'user' });
    const over = detectionOverrides(cmd.opts());
    const p = detectionParams(over as never);
    expect(p.edges.minWeight).toBe(3);
    expect(p.edges.window).toBe(DEFAULT_DETECTION.edges.window);
    expect(p.score.weights.cohesion).toBe(30);
    expect(p.edges.kinds).toEqual(['co_repost', 'co_text']);
    expect(p.dedupe).toBe(false);
    expect(p.flagThreshold).toBe(50);
    expect(describeOverrides(over)).toContain('edges.minWeight=3');
  });

  it('names the option that is wrong', () => {
    expect(() => detectionOverrides({ edgesMinWeight: 'two' })).toThrow(/--edges-min-weight/);
    expect(() => detectionOverrides({ dedupe: 'maybe' })).toThrow(/--dedupe/);
  });

  it('expands set specs', () => {
    expect(expandSetSpecs(['sim:all']).length).toBe(PRESETS.length);
    expect(expandSetSpecs(['debate-d1,debate-d2', 'debate-d1'])).toEqual(['debate-d1', 'debate-d2']);
    expect(expandSetSpecs(['all'])).toContain('crowdtangle');
  });
});
