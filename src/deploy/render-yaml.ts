import { stringify } from 'yaml';
import type { KubeObject } from './objects.js';

/** One multi-document YAML stream, in order (a Namespace before what lives in it), for `kubectl apply -f -`. */
export function renderManifests(objects: readonly KubeObject[], header: readonly string[] = []): string {
  const comments = header.map((line) => `# ${line}\n`).join('');
  // lineWidth 0: never fold a long string (a scenario line, an argument); no aliases: kubectl users read
  // each object on its own, and the labels repeated in the CronJob's templates are meant to be copies.
  return comments + objects.map((object) => `---\n${stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
