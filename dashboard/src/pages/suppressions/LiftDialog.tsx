// Lifting a suppression, after a confirmation: later sends attempt the address again. A complaint cannot
// be lifted (only its owner can, by subscribing anew): the server answers 409 and the dialog shows why.
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

export function LiftDialog({
  email,
  onClose,
  onLifted,
}: {
  /** The address to lift; null: closed. */
  email: string | null;
  onClose: () => void;
  onLifted: (email: string) => void;
}) {
  const queryClient = useQueryClient();
  return (
    <ConfirmDialog
      open={email !== null}
      title={`Lift the suppression of ${email ?? ''}?`}
      confirmLabel="Lift suppression"
      onClose={onClose}
      onConfirm={async () => {
        if (email === null) return;
        await api.DELETE('/api/suppressions/{email}', { params: { path: { email } } });
        await queryClient.invalidateQueries({ queryKey: ['suppressions'] });
        await queryClient.invalidateQueries({ queryKey: ['suppression', email] });
        onLifted(email);
      }}
    >
      <p>
        Do this when the mailbox works again. The next sends attempt the address; if it bounces again, it is
        suppressed for longer (7, 14, 30, then 180 days). The history keeps the lift.
      </p>
    </ConfirmDialog>
  );
}

/** Why a complaint has no lift button. */
export const COMPLAINT_IS_PERMANENT =
  'Its owner marked an email as spam: only they can ask to be emailed again, by subscribing anew. Spoor does not lift a complaint.';
