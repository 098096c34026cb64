import { describe, expect, it } from 'vitest';
import { commandLine, nonNegativeInteger, parseFlags, positiveInteger, positiveIntegers, positiveNumber, UsageError } from '../src/command-line.js';

const OPTIONS = { steps: { type: 'string', default: '20' }, only: { type: 'string' }, quiet: { type: 'boolean', default: false } } as const;

describe('parseFlags', () => {
  it('reads the given options with their defaults, and -h/--help besides', () => {
    expect(parseFlags(OPTIONS, ['--steps', '5', '--only=mlp'])).toEqual({ help: false, values: { steps: '5', only: 'mlp', quiet: false } });
    expect(parseFlags(OPTIONS, [])).toEqual({ help: false, values: { steps: '20', quiet: false } });
    expect(parseFlags(OPTIONS, ['-h']).help).toBe(true);
    expect(parseFlags(OPTIONS, ['--quiet', '--help']).help).toBe(true);
  });

  it('turns an unknown option, a missing value, a value on a switch and a stray argument into a one-line UsageError', () => {
    const refused = (argv: string[]) => {
      try {
        parseFlags(OPTIONS, argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused(['--stepz', '5'])).toBe("Unknown option '--stepz'");
    expect(refused(['--steps'])).toBe("Option '--steps <value>' argument missing");
    expect(refused(['--quiet=yes'])).toBe("Option '--quiet' does not take an argument");
    expect(refused(['mlp'])).toBe("Unexpected argument 'mlp'");
    expect(refused(['--steps', '-1'])).toBe("Option '--steps' argument is ambiguous: a value starting with a dash is written --steps=-XYZ");
    for (const argv of [['--stepz'], ['--steps'], ['mlp'], ['--steps', '-1']]) expect(refused(argv)).not.toContain('\n');
  });
});

describe('numeric flag values', () => {
  const message = (parse: (text: string) => unknown, text: string) => {
    try {
      parse(text);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`accepted '${text}'`);
  };

  it('positiveInteger takes whole numbers ≥ 1 only', () => {
    expect(positiveInteger('3')).toBe(3);
    for (const bad of ['0', '-2', '2.5', 'abc', '', ' ', 'Infinity']) expect(message(positiveInteger, bad)).toBe('must be a positive integer');
  });

  it('nonNegativeInteger takes 0 too', () => {
    expect(nonNegativeInteger('0')).toBe(0);
    expect(nonNegativeInteger('7')).toBe(7);
    for (const bad of ['-1', '1.5', 'x', '']) expect(message(nonNegativeInteger, bad)).toBe('must be a whole number ≥ 0');
  });

  it('positiveNumber takes finite numbers > 0', () => {
    expect(positiveNumber('0.01')).toBe(0.01);
    for (const bad of ['0', '-1', 'abc', '', 'Infinity', '1e400']) expect(message(positiveNumber, bad)).toBe('must be a positive number');
  });

  it('positiveIntegers reads a comma-separated list', () => {
    expect(positiveIntegers('1, 2,5')).toEqual([1, 2, 5]);
    for (const bad of ['1,,2', '0', '1,x', '', '2,1.5']) expect(message(positiveIntegers, bad)).toBe('must list positive integers, e.g. 1,2,5');
  });
});

describe('commandLine', () => {
  it('gives typed values through the parsers, undefined for a flag without value', () => {
    const cli = commandLine('demo', 'Usage: demo [--steps N] [--only LIST] [--quiet]', OPTIONS, ['--steps', '7']);
    expect(cli.value('steps', positiveInteger)).toBe(7);
    expect(cli.value('only', positiveIntegers)).toBeUndefined();
    expect(cli.values.quiet).toBe(false);
  });

  it('refuses a usage text that does not name every flag (the author forgot its line)', () => {
    expect(() => commandLine('demo', 'Usage: demo [--steps N]', OPTIONS, [])).toThrow('demo: the usage text does not name --only, --quiet');
    // --quiet-mode is another flag: it does not name --quiet.
    expect(() => commandLine('demo', 'Usage: demo [--steps N] [--only LIST] [--quiet-mode]', OPTIONS, [])).toThrow('demo: the usage text does not name --quiet');
  });
});
