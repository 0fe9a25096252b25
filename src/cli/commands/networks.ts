import type { Command } from 'commander';

export function registerNetworksCommand(_program: Command): void {
  // placeholder until the command lands
}
