// Plain prompts outside a listr2 task (e.g. after Ctrl-C, once the progress view stopped).
export async function askYesNo(message: string, initial: boolean): Promise<boolean> {
  const { default: Enquirer } = await import('enquirer');
  const answer = (await Enquirer.prompt({ type: 'confirm', name: 'ok', message, initial })) as { ok: boolean };
  return answer.ok;
}
