// The cookie declaration: every cookie Spoor sets (the same list as /cookies.json and docs/cookies.md), to
// copy into a website's cookie banner or privacy notice.
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

export function CookiesPage() {
  const declaration = useQuery({
    queryKey: ['cookies'],
    queryFn: () => data(api.GET('/cookies.json')),
    staleTime: Infinity,
  });
  return (
    <SettingsPage
      title="Cookies"
      description={
        <>
          Every cookie Spoor sets, also served machine-readably at <a href="/cookies.json">/cookies.json</a>{' '}
          for consent tools.
        </>
      }
    >
      {declaration.isPending ? (
        <Loading />
      ) : declaration.isError ? (
        <ErrorState error={declaration.error} retry={() => declaration.refetch()} />
      ) : (
        declaration.data.cookies.map((cookie) => (
          <Section key={cookie.name} title={cookie.name}>
            <dl className="facts">
              <dt>Purpose</dt>
              <dd>{cookie.purpose}</dd>
              <dt>Essential</dt>
              <dd>
                {cookie.essential
                  ? 'Yes (no consent needed)'
                  : 'No (needs consent where the law asks for it)'}
              </dd>
              <dt>Lifetime</dt>
              <dd>{cookie.lifetime}</dd>
              <dt>Personal data in it</dt>
              <dd>{cookie.containsPersonalData ? 'Yes' : 'No'}</dd>
            </dl>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Where {cookie.name} is set</caption>
                <thead>
                  <tr>
                    <th scope="col">Party</th>
                    <th scope="col">Set by</th>
                    <th scope="col">Attributes</th>
                    <th scope="col">When</th>
                  </tr>
                </thead>
                <tbody>
                  {cookie.variants.map((variant) => (
                    <tr key={`${variant.party}-${variant.setBy}-${variant.when}`}>
                      <td>{variant.party}</td>
                      <td>{variant.setBy}</td>
                      <td>
                        {[
                          variant.httpOnly ? 'HttpOnly' : null,
                          variant.secure === true
                            ? 'Secure'
                            : variant.secure
                              ? `Secure ${variant.secure}`
                              : null,
                          `SameSite=${variant.sameSite}`,
                          variant.path ? `Path=${variant.path}` : null,
                        ]
                          .filter(Boolean)
                          .join('; ')}
                      </td>
                      <td>{variant.when}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
        ))
      )}
    </SettingsPage>
  );
}
