// Prints vitest's JSON results as one closing line ("tests: N passed, N failed") and fails when no test ran.
const [file, label] = process.argv.slice(2);
const r = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(
  `${label ? `${label} ` : ''}tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
if (r.numTotalTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
if (r.numFailedTests > 0 || !r.success) process.exit(1);
