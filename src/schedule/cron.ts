// Cron expressions: validated with cron-parser (five fields, as a CronJob takes them) and
// translated to a systemd OnCalendar= for the timer.
import { CronExpressionParser } from 'cron-parser';
import { RunbookError } from '../errors.js';

export function validateCron(expr: string): { next: Date[] } {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new RunbookError('E_CRON', `"${expr}" has ${fields.length} fields; a CronJob schedule has 5 (minute hour day-of-month month day-of-week)`, { hint: "e.g. '0 */6 * * *' for every 6 hours" });
  }
  try {
    const it = CronExpressionParser.parse(expr, { tz: 'UTC' });
    return { next: [0, 1, 2].map(() => it.next().toDate()) };
  } catch (e) {
    throw new RunbookError('E_CRON', `invalid cron expression "${expr}": ${(e as Error).message}`, { hint: "e.g. '0 */6 * * *' for every 6 hours" });
  }
}

const DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function field(f: string, pad: number, names?: string[]): string {
  const name = (v: string) => (names ? names[Number(v)] ?? v : v.padStart(pad, '0'));
  return f
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/');
      if (range === '*') return step ? `${names ? '*' : '0'.padStart(pad, '0')}/${step}` : '*';
      const [a, b] = range!.split('-');
      const base = b !== undefined ? `${name(a!)}..${name(b)}` : name(a!);
      return step ? `${base}/${step}` : base;
    })
    .join(',');
}

// Every 6 hours, "0 */6 * * *", becomes "*-*-* 00/6:00:00 UTC".
export function cronToOnCalendar(expr: string): string {
  validateCron(expr);
  const [min, hour, dom, month, dow] = expr.trim().split(/\s+/) as [string, string, string, string, string];
  const weekday = dow === '*' ? '' : `${field(dow, 0, DOW)} `;
  return `${weekday}*-${field(month, 2)}-${field(dom, 2)} ${field(hour, 2)}:${field(min, 2)}:00 UTC`;
}
