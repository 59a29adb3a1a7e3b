// Plain prompts outside a listr2 task (e.g. after Ctrl-C, once the progress view stopped).
export async function askYesNo(message: string, initial: boolean): Promise<boolean> {
  const { default: Enquirer } = await import('enquirer');
  const answer = (await Enquirer.prompt({ type: 'confirm', name: 'ok', message, initial })) as { ok: boolean };
  return answer.ok;
}

export interface Choice {
  name: string;
  message: string;
}

/** One choice from a list (arrow keys + enter); resolves with the chosen `name`. */
export async function pickOne(message: string, choices: readonly Choice[]): Promise<string> {
  const { default: Enquirer } = await import('enquirer');
  const answer = (await Enquirer.prompt({ type: 'select', name: 'pick', message, choices: choices.map((c) => ({ ...c })) } as never)) as { pick: string };
  return answer.pick;
}
