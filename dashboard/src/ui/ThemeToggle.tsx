// Switches between the system's theme, light and dark.
import { setThemeChoice, type ThemeChoice, useThemeChoice } from './theme';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

export function ThemeToggle() {
  const choice = useThemeChoice();
  return (
    <button type="button" onClick={() => setThemeChoice(NEXT[choice])} title="Change the colour theme">
      {LABEL[choice]}
    </button>
  );
}
