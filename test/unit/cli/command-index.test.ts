import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandOf, registerCommands } from '../../../src/cli/commands/index.ts';

const names = (p: Command) => p.commands.map((c) => c.name()).sort();

describe('the CLI loads only the command it is given', () => {
  it('finds the command past the root options, and none for help or version', () => {
    expect(commandOf(['networks', 'a.csv'])).toBe('networks');
    expect(commandOf(['-vv', '--quiet', 'scan', '--kind', 'rolling'])).toBe('scan');
    expect(commandOf([])).toBeNull();
    expect(commandOf(['--help'])).toBeNull();
    expect(commandOf(['-V', 'networks'])).toBeNull();
  });

  it('the table names exactly the commands the modules register', async () => {
    const all = new Command();
    await registerCommands(all, []);
    expect(names(all)).toEqual([...COMMAND_NAMES].sort());
  });

  it('a named command registers its own module only; an unknown one registers all (commander reports it)', async () => {
    const one = new Command();
    await registerCommands(one, ['networks', 'x.csv']);
    expect(names(one)).toEqual(['networks']);
    const scan = new Command();
    await registerCommands(scan, ['-v', 'scans']);
    expect(names(scan)).toEqual(['scan', 'scans']);
    const unknown = new Command();
    await registerCommands(unknown, ['nope']);
    expect(names(unknown)).toEqual([...COMMAND_NAMES].sort());
  });
});
