// `-o, --output FORMAT` for every command, from one list of the formats it prints: commander
// refuses any other value (exit 2) instead of `-o yaml` quietly printing text.
import { Option } from 'commander';

export function outputOption(formats: readonly [string, ...string[]], note = ''): Option {
  return new Option('-o, --output <format>', `output format${note}`).choices(formats).default(formats[0]);
}
