// Light or dark: the system's choice unless the user picked one with the toggle (kept in localStorage).
import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'spoor-theme';
const listeners = new Set<() => void>();
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Puts the stored choice on <html> (before the first render, so nothing flashes). */
export function applyStoredTheme(): void {
  const choice = storedChoice();
  if (choice === 'system') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = choice;
}

export function setThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, choice);
  applyStoredTheme();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  darkQuery.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    darkQuery.removeEventListener('change', listener);
  };
}

/** The theme in effect now ('light' or 'dark'), re-rendering when the system or the toggle changes it. */
export function useEffectiveTheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, () => {
    const choice = storedChoice();
    if (choice !== 'system') return choice;
    return darkQuery.matches ? 'dark' : 'light';
  });
}

/** The stored choice, for the toggle. */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, storedChoice);
}
