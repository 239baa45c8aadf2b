// Copies a value (a snippet, an API key) and says so to screen readers as well.
import { useState } from 'react';

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 2500);
  }
  return (
    <>
      <button type="button" onClick={copy}>
        {copied === 'yes' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Could not copy; select the text instead.'
            : ''}
      </span>
    </>
  );
}
