// A secret the server shows only once (a new API key, a webhook signing secret): the value, a copy button
// and "I have copied it", which hides it for good.
import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';

export function SecretOnce({
  heading,
  children,
  value,
  copyLabel,
  testId,
  onDone,
}: {
  /** What to copy, e.g. “Copy the key for “CRM sync” now:”. */
  heading: ReactNode;
  /** Said after “it is shown only this once.” */
  children?: ReactNode;
  value: string;
  copyLabel: string;
  testId: string;
  onDone: () => void;
}) {
  return (
    <div className="notice success" role="status">
      <p>
        <strong>{heading}</strong> it is shown only this once.{children ? <> {children}</> : null}
      </p>
      <div className="secret">
        <code data-testid={testId}>{value}</code>
        <CopyButton value={value} label={copyLabel} />
      </div>
      <button type="button" className="link" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
