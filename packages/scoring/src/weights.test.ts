import { describe, expect, it } from 'vitest';
import { defaultStageBands, stageForShare, validateStageBands } from './stages.js';
import { defaultWeights, validateWeights, WeightError } from './weights.js';

describe('validateWeights', () => {
  it('keeps the defaults when nothing is overridden', () => {
    expect(validateWeights()).toEqual(defaultWeights);
    expect(defaultWeights['D1.1']).toBe(20);
    expect(defaultWeights['D4.2']).toBe(50);
  });

  it('accepts overrides that keep every dimension total, including decimals', () => {
    const weights = validateWeights({ 'D1.1': 30, 'D1.2': 10, 'D6.1': 62.5, 'D6.5': 37.5 });
    expect(weights['D1.1']).toBe(30);
    expect(weights['D6.5']).toBe(37.5);
    expect(Object.values(weights).reduce((sum, points) => sum + points, 0)).toBe(1000);
  });

  it('names the dimension that no longer adds up', () => {
    const attempt = () => validateWeights({ 'D5.1': 60 });
    expect(attempt).toThrow(WeightError);
    expect(attempt).toThrow('Discover (D5) elements add up to 260 points, expected 250');
    try {
      attempt();
    } catch (error) {
      expect((error as WeightError).at).toEqual({ dimensionId: 'D5' });
    }
  });

  it('names an unknown element or an invalid value', () => {
    expect(() => validateWeights({ 'D5.6': 10 })).toThrow('unknown element "D5.6" in weight overrides');
    expect(() => validateWeights({ 'D1.1': -5, 'D1.2': 45 })).toThrow(
      /element D1.1: points must be a finite/,
    );
    expect(() => validateWeights({ 'D2.1': Number.NaN })).toThrow(/element D2.1/);
  });
});

describe('stage bands', () => {
  it('are the six stages of seeds/004, in order, from 0', () => {
    expect(defaultStageBands.map((band) => band.name)).toEqual([
      'Ignore',
      'Explore',
      'Mobilize',
      'Operationalize',
      'Align',
      'Embed',
    ]);
    expect(validateStageBands(defaultStageBands)).toBe(defaultStageBands);
  });

  it('place a share of points in its band, boundaries included', () => {
    expect(stageForShare(0).stage).toBe('ignore');
    expect(stageForShare(0.149).stage).toBe('ignore');
    expect(stageForShare(0.15).stage).toBe('explore');
    expect(stageForShare(0.62).stage).toBe('operationalize');
    expect(stageForShare(0.85).stage).toBe('embed');
    expect(stageForShare(1).stage).toBe('embed');
  });

  it('reject bands out of order or not starting at 0', () => {
    const swapped = [defaultStageBands[1]!, defaultStageBands[0]!, ...defaultStageBands.slice(2)];
    expect(() => validateStageBands(swapped)).toThrow('band 1 must be "ignore", got "explore"');
    const shifted = defaultStageBands.map((band, i) => (i === 0 ? { ...band, minShare: 0.1 } : band));
    expect(() => validateStageBands(shifted)).toThrow('"ignore" minShare 0.1 must be 0');
    const flat = defaultStageBands.map((band, i) => (i === 3 ? { ...band, minShare: 0.3 } : band));
    expect(() => validateStageBands(flat)).toThrow('"operationalize" minShare 0.3 must exceed 0.3');
  });
});
