// The app: the sign-in page for signed-out users (any other address redirects there, remembering it), the
// signed-in layout and routes otherwise.
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { SessionProvider, useSessionQuery } from './api/session';
import { SignIn } from './pages/sign-in/SignIn';
import { AppRoutes } from './routes';
import { ErrorState } from './ui/ErrorState';
import { Layout } from './ui/Layout';
import { Loading } from './ui/NotFound';

export function App() {
  const session = useSessionQuery();
  const [location] = useLocation();
  if (session.isPending) return <Loading />;
  if (session.isError)
    return (
      <main id="main">
        <ErrorState error={session.error} retry={() => session.refetch()} />
      </main>
    );
  if (!session.data) {
    if (location === '/sign-in') return <SignIn />;
    const next = location === '/' ? '' : `?next=${encodeURIComponent(location + window.location.search)}`;
    return <Redirect to={`/sign-in${next}`} replace />;
  }
  return (
    <SessionProvider session={session.data}>
      <Switch>
        <Route path="/sign-in">
          <Redirect to="/" replace />
        </Route>
        <Route>
          <Layout>
            <AppRoutes />
          </Layout>
        </Route>
      </Switch>
    </SessionProvider>
  );
}
