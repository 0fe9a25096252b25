import type { Command } from 'commander';
import { registerNetworksCommand } from './networks.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerEvalCommand } from './eval.ts';

export function registerCommands(program: Command): void {
  registerNetworksCommand(program);
  registerSimulateCommand(program);
  registerEvalCommand(program);
}
