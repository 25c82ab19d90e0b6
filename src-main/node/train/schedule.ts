// The run's learning rate per step, from its configuration. Fed to the compiled step as an
// input, so changing schedules never recompiles.
import type { TrainConfig } from '../../api/training.js';
import { constant, cosine, linearWarmup, oneCycle, type Schedule, stepDecay } from '../../core/train/schedules.js';

export function makeSchedule(config: TrainConfig, totalSteps: number): Schedule {
  const lr = config.lr;
  switch (config.schedule) {
    case 'constant':
      return constant(lr);
    case 'step':
      return stepDecay({ lr, stepSize: Math.max(1, Math.round(totalSteps / 3)), gamma: 0.1 });
    case 'cosine':
      return cosine({ lr, tMax: totalSteps });
    case 'one-cycle':
      return oneCycle({ maxLr: lr, totalSteps });
    case 'warmup-cosine':
      return linearWarmup(Math.max(1, Math.round(totalSteps * 0.05)), cosine({ lr, tMax: totalSteps }));
  }
}
