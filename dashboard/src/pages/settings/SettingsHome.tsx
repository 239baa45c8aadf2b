// Settings: one entry per section this session may read.
import { Link } from 'wouter';
import { Page } from '../../ui/Page';
import { useSettingsSections } from './SettingsPage';

export function SettingsHome() {
  const sections = useSettingsSections();
  return (
    <Page title="Settings">
      <ul className="card-list">
        {sections.map((section) => (
          <li key={section.href} className="section">
            <h2>
              <Link href={section.href}>{section.label}</Link>
            </h2>
            <p>{section.description}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
