// Forward to a friend on a send's insights: how many addresses the email was forwarded to and by how many
// recipients, what became of the copies, and the copies' opens and clicks (unique = copies, each once).
// Attributed to the send and its forwarders; the friends are no contacts, so no figure links to contacts.
import { formatNumber } from '../../ui/format';
import { Section } from '../../ui/Page';
import { figureLabel } from './labels';

type Tallies = { total: number; unique: number };
export interface ForwardFigures {
  forwards: number;
  forwarders: number;
  copies: { sent: number; blocked: number; limited: number; failed: number; pending: number };
  opens: { human: Tallies; machine: Tallies };
  clicks: { human: Tallies; scanner: Tallies };
}

export function ForwardsSection({ forwards: f }: { forwards: ForwardFigures | undefined }) {
  if (!f) return null;
  const rows: [string, number][] = [
    ['Forwarded to (addresses)', f.forwards],
    ['Forwarders', f.forwarders],
    ['Copies sent', f.copies.sent],
    ['Copies not sent (suppressed or unsubscribed)', f.copies.blocked],
    ['Copies not sent (address limit for the day)', f.copies.limited],
    ...(f.copies.failed > 0
      ? ([['Copies refused by the server', f.copies.failed]] as [string, number][])
      : []),
    ...(f.copies.pending > 0
      ? ([['Copies waiting to be sent', f.copies.pending]] as [string, number][])
      : []),
    [`Forwarded: ${figureLabel('opens', 'unique', 'human').toLowerCase()}`, f.opens.human.unique],
    [`Forwarded: ${figureLabel('opens', 'total', 'human').toLowerCase()}`, f.opens.human.total],
    [`Forwarded: ${figureLabel('opens', 'unique', 'machine').toLowerCase()}`, f.opens.machine.unique],
    [`Forwarded: ${figureLabel('clicks', 'unique', 'human').toLowerCase()}`, f.clicks.human.unique],
    [`Forwarded: ${figureLabel('clicks', 'total', 'human').toLowerCase()}`, f.clicks.human.total],
    [`Forwarded: ${figureLabel('clicks', 'unique', 'machine').toLowerCase()}`, f.clicks.scanner.unique],
  ];
  return (
    <Section title="Forwards">
      {f.forwards === 0 ? (
        <p>Nobody has forwarded this email with its forward link yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              Forward to a friend. Unique: each friend’s copy counted once; total: every time.
            </caption>
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col" className="number">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td className="number">{formatNumber(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
