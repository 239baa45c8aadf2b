// Writes docs/cookies.md from the cookie definitions the code uses.
import { writeFileSync } from 'node:fs';
import { cookieDeclarationMarkdown } from '../src/cookies/declaration.ts';

writeFileSync(new URL('../docs/cookies.md', import.meta.url), cookieDeclarationMarkdown());
console.log('wrote docs/cookies.md');
