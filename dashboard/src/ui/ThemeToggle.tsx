// Switches between the system's theme, light and dark (a symbol only on narrow screens).
import { setThemeChoice, type ThemeChoice, useThemeChoice } from './theme';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};
const SYMBOL: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

export function ThemeToggle() {
  const choice = useThemeChoice();
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={() => setThemeChoice(NEXT[choice])}
      aria-label={LABEL[choice]}
      title="Change the colour theme"
    >
      <span aria-hidden="true">{SYMBOL[choice]}</span>
      <span className="theme-label" aria-hidden="true">
        {LABEL[choice]}
      </span>
    </button>
  );
}
