// The words of the confirmation email and the "Add to calendar" links, in the languages Spoor speaks
// (strings.ts's); another language gets English words around the event's own texts.

const en = {
  calendar: 'Calendar',
  addToCalendar: 'Add to calendar',
  subjectRegistered: (name: string) => `You are registered: ${name}`,
  subjectChanged: (name: string) => `Changed: ${name}`,
  subjectCancelled: (name: string) => `Cancelled: ${name}`,
  subjectRegistrationCancelled: (name: string) => `Registration cancelled: ${name}`,
  registered: 'You are registered. We look forward to seeing you.',
  changed: 'The event has changed. Here are its new details; your calendar invitation is updated.',
  cancelled: 'This event is cancelled. We are sorry; your calendar invitation is withdrawn.',
  registrationCancelled: 'Your registration is cancelled; your calendar invitation is withdrawn.',
  when: 'When',
  timeZone: 'Times are in the time zone',
  where: 'Where',
  online: 'Online',
  pass: 'Pass',
  sessions: 'Your sessions',
  room: 'Room',
  portal: 'See or cancel your registrations',
  eventPage: 'Event page',
  invitation: 'The calendar invitation is attached (invite.ics): open it to add the event to your calendar.',
};

export type CalendarStrings = typeof en;

const fr: CalendarStrings = {
  calendar: 'Agenda',
  addToCalendar: 'Ajouter à mon agenda',
  subjectRegistered: (name) => `Vous êtes inscrit·e : ${name}`,
  subjectChanged: (name) => `Modifié : ${name}`,
  subjectCancelled: (name) => `Annulé : ${name}`,
  subjectRegistrationCancelled: (name) => `Inscription annulée : ${name}`,
  registered: 'Vous êtes inscrit·e. Nous nous réjouissons de vous voir.',
  changed:
    "L'événement a changé. Voici ses nouvelles informations ; votre invitation d'agenda est mise à jour.",
  cancelled: "Cet événement est annulé. Nous en sommes désolés ; votre invitation d'agenda est retirée.",
  registrationCancelled: "Votre inscription est annulée ; votre invitation d'agenda est retirée.",
  when: 'Quand',
  timeZone: 'Les heures sont dans le fuseau horaire',
  where: 'Où',
  online: 'En ligne',
  pass: 'Billet',
  sessions: 'Vos sessions',
  room: 'Salle',
  portal: 'Voir ou annuler vos inscriptions',
  eventPage: "Page de l'événement",
  invitation:
    "L'invitation d'agenda est jointe (invite.ics) : ouvrez-la pour ajouter l'événement à votre agenda.",
};

const de: CalendarStrings = {
  calendar: 'Kalender',
  addToCalendar: 'Zum Kalender hinzufügen',
  subjectRegistered: (name) => `Sie sind angemeldet: ${name}`,
  subjectChanged: (name) => `Geändert: ${name}`,
  subjectCancelled: (name) => `Abgesagt: ${name}`,
  subjectRegistrationCancelled: (name) => `Anmeldung storniert: ${name}`,
  registered: 'Sie sind angemeldet. Wir freuen uns auf Sie.',
  changed:
    'Die Veranstaltung hat sich geändert. Hier die neuen Angaben; Ihre Kalendereinladung ist aktualisiert.',
  cancelled: 'Diese Veranstaltung ist abgesagt. Das tut uns leid; Ihre Kalendereinladung ist zurückgezogen.',
  registrationCancelled: 'Ihre Anmeldung ist storniert; Ihre Kalendereinladung ist zurückgezogen.',
  when: 'Wann',
  timeZone: 'Zeiten in der Zeitzone',
  where: 'Wo',
  online: 'Online',
  pass: 'Ticket',
  sessions: 'Ihre Sessions',
  room: 'Raum',
  portal: 'Ihre Anmeldungen ansehen oder stornieren',
  eventPage: 'Seite der Veranstaltung',
  invitation:
    'Die Kalendereinladung ist angehängt (invite.ics): Öffnen Sie sie, um die Veranstaltung in Ihren Kalender aufzunehmen.',
};

const all: Record<string, CalendarStrings> = { en, fr, de };

export function calendarStrings(language: string): CalendarStrings {
  return all[language] ?? all[language.split('-')[0] ?? ''] ?? en;
}
