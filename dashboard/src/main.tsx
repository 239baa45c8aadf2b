// The dashboard's entry: theme before the first paint, the query client (a 401 anywhere signs the app out),
// the router under /app.
import './ui/styles.css';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './App';
import { ApiError } from './api/client';
import { SESSION_KEY } from './api/session';
import { APP_BASE } from './ui/app-path';
import { applyStoredTheme } from './ui/theme';

applyStoredTheme();

function signedOutOn401(error: unknown) {
  if (error instanceof ApiError && error.status === 401) queryClient.setQueryData(SESSION_KEY, null);
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signedOutOn401 }),
  mutationCache: new MutationCache({ onError: signedOutOn401 }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Router base={APP_BASE}>
        <App />
      </Router>
    </QueryClientProvider>
  </StrictMode>,
);
