// The event website's own words (headings, buttons, the sign-in email) in the languages Spoor speaks;
// an event in another language gets its texts in that language and these words in English.

export const UI_LANGUAGES = ['en', 'fr', 'de'] as const;

const en = {
  events: 'Events',
  noEvents: 'No events are planned at the moment.',
  allEvents: 'All events',
  when: 'When',
  where: 'Where',
  online: 'Online',
  joinOnline: 'Join online',
  timeZone: 'Times are in the time zone',
  places: 'Places',
  placesLimit: (n: number) => (n === 1 ? '1 place' : `${n} places`),
  registration: 'Registration',
  opens: 'opens',
  closes: 'closes',
  sessions: 'Sessions',
  room: 'Room',
  speakers: 'Speakers',
  passes: 'Passes',
  opensSessions: 'Opens',
  allSessions: 'Gives access to the event.',
  cancelled: 'This event is cancelled.',
  language: 'Language',
  yourRegistrations: 'Your registrations',
  signIn: 'Sign in',
  signInTitle: 'Sign in to the event website',
  signInIntro:
    'Enter your email address. If we know it, we send you a link to sign in; there is no password.',
  email: 'Email address',
  sendLink: 'Email me a sign-in link',
  checkTitle: 'Check your email',
  checkText: (minutes: number) =>
    `If this address is one we know, a sign-in link is on its way. It works once, for ${minutes} minutes.`,
  linkTitle: 'Sign in',
  linkText: (email: string) => `Sign in to the event website as ${email}.`,
  linkButton: 'Sign me in',
  portalTitle: 'Your registrations',
  signedInAs: (email: string) => `Signed in as ${email}.`,
  noRegistrations: 'You have no registrations yet.',
  signOut: 'Sign out',
  passQrAlt: 'Your pass: a QR code to show at the entrance',
  passCode: 'Pass code',
  signedOut: 'You are signed out',
  signedOutText: 'Sign in again with a new link whenever you like.',
  problemInvalid: [
    'This sign-in link is not valid',
    'The link may have been changed or copied incompletely. Ask for a new one.',
  ] as [string, string],
  problemExpired: [
    'This sign-in link has expired',
    'Sign-in links work for a short time only. Ask for a new one.',
  ] as [string, string],
  problemUsed: ['This sign-in link was already used', 'Each sign-in link works once. Ask for a new one.'] as [
    string,
    string,
  ],
  askAgain: 'Get a new link',
  notFound: ['This event does not exist', 'It may have been moved, or it is not published yet.'] as [
    string,
    string,
  ],
  mailSubject: 'Your sign-in link for our events',
  mailLines: (minutes: number) => [
    'Someone (probably you) asked to sign in to our event website with this address.',
    `Open this link and press the button to sign in (it works once, for ${minutes} minutes):`,
  ],
  mailAfter: 'If you did not ask for this, ignore this email: nothing happens without the button.',
};

export type Strings = typeof en;

const fr: Strings = {
  events: 'Événements',
  noEvents: "Aucun événement n'est prévu pour le moment.",
  allEvents: 'Tous les événements',
  when: 'Quand',
  where: 'Où',
  online: 'En ligne',
  joinOnline: 'Rejoindre en ligne',
  timeZone: 'Les heures sont dans le fuseau horaire',
  places: 'Places',
  placesLimit: (n) => (n === 1 ? '1 place' : `${n} places`),
  registration: 'Inscription',
  opens: 'ouverture',
  closes: 'clôture',
  sessions: 'Sessions',
  room: 'Salle',
  speakers: 'Intervenants',
  passes: 'Pass',
  opensSessions: 'Donne accès à',
  allSessions: "Donne accès à l'événement.",
  cancelled: 'Cet événement est annulé.',
  language: 'Langue',
  yourRegistrations: 'Vos inscriptions',
  signIn: 'Se connecter',
  signInTitle: 'Connexion au site des événements',
  signInIntro:
    "Saisissez votre adresse e-mail. Si nous la connaissons, nous vous envoyons un lien de connexion ; il n'y a pas de mot de passe.",
  email: 'Adresse e-mail',
  sendLink: "M'envoyer un lien de connexion",
  checkTitle: 'Consultez votre messagerie',
  checkText: (minutes) =>
    `Si nous connaissons cette adresse, un lien de connexion est en route. Il fonctionne une fois, pendant ${minutes} minutes.`,
  linkTitle: 'Connexion',
  linkText: (email) => `Se connecter au site des événements en tant que ${email}.`,
  linkButton: 'Me connecter',
  portalTitle: 'Vos inscriptions',
  signedInAs: (email) => `Connecté en tant que ${email}.`,
  noRegistrations: "Vous n'avez encore aucune inscription.",
  signOut: 'Se déconnecter',
  passQrAlt: "Votre pass : un code QR à présenter à l'entrée",
  passCode: 'Code du pass',
  signedOut: 'Vous êtes déconnecté',
  signedOutText: 'Reconnectez-vous avec un nouveau lien quand vous le souhaitez.',
  problemInvalid: [
    "Ce lien de connexion n'est pas valide",
    'Le lien a peut-être été modifié ou copié en partie. Demandez-en un nouveau.',
  ],
  problemExpired: [
    'Ce lien de connexion a expiré',
    'Les liens de connexion ne durent que peu de temps. Demandez-en un nouveau.',
  ],
  problemUsed: [
    'Ce lien de connexion a déjà servi',
    'Chaque lien de connexion ne sert qu’une fois. Demandez-en un nouveau.',
  ],
  askAgain: 'Recevoir un nouveau lien',
  notFound: ["Cet événement n'existe pas", "Il a peut-être été déplacé, ou il n'est pas encore publié."],
  mailSubject: 'Votre lien de connexion à nos événements',
  mailLines: (minutes) => [
    "Quelqu'un (sans doute vous) a demandé à se connecter à notre site des événements avec cette adresse.",
    `Ouvrez ce lien et appuyez sur le bouton pour vous connecter (il fonctionne une fois, pendant ${minutes} minutes) :`,
  ],
  mailAfter: "Si vous n'avez rien demandé, ignorez cet e-mail : rien ne se passe sans le bouton.",
};

const de: Strings = {
  events: 'Veranstaltungen',
  noEvents: 'Zurzeit sind keine Veranstaltungen geplant.',
  allEvents: 'Alle Veranstaltungen',
  when: 'Wann',
  where: 'Wo',
  online: 'Online',
  joinOnline: 'Online teilnehmen',
  timeZone: 'Zeiten in der Zeitzone',
  places: 'Plätze',
  placesLimit: (n) => (n === 1 ? '1 Platz' : `${n} Plätze`),
  registration: 'Anmeldung',
  opens: 'ab',
  closes: 'bis',
  sessions: 'Programm',
  room: 'Raum',
  speakers: 'Vortragende',
  passes: 'Tickets',
  opensSessions: 'Gilt für',
  allSessions: 'Gilt für die Veranstaltung.',
  cancelled: 'Diese Veranstaltung ist abgesagt.',
  language: 'Sprache',
  yourRegistrations: 'Ihre Anmeldungen',
  signIn: 'Anmelden',
  signInTitle: 'Bei der Veranstaltungsseite anmelden',
  signInIntro:
    'Geben Sie Ihre E-Mail-Adresse ein. Wenn wir sie kennen, senden wir Ihnen einen Anmeldelink; ein Passwort gibt es nicht.',
  email: 'E-Mail-Adresse',
  sendLink: 'Anmeldelink senden',
  checkTitle: 'Sehen Sie in Ihr Postfach',
  checkText: (minutes) =>
    `Wenn wir diese Adresse kennen, ist ein Anmeldelink unterwegs. Er gilt einmal, ${minutes} Minuten lang.`,
  linkTitle: 'Anmelden',
  linkText: (email) => `Bei der Veranstaltungsseite als ${email} anmelden.`,
  linkButton: 'Jetzt anmelden',
  portalTitle: 'Ihre Anmeldungen',
  signedInAs: (email) => `Angemeldet als ${email}.`,
  noRegistrations: 'Sie haben noch keine Anmeldungen.',
  signOut: 'Abmelden',
  passQrAlt: 'Ihr Pass: ein QR-Code zum Vorzeigen am Eingang',
  passCode: 'Pass-Code',
  signedOut: 'Sie sind abgemeldet',
  signedOutText: 'Melden Sie sich jederzeit mit einem neuen Link wieder an.',
  problemInvalid: [
    'Dieser Anmeldelink ist ungültig',
    'Der Link wurde vielleicht verändert oder unvollständig kopiert. Fordern Sie einen neuen an.',
  ],
  problemExpired: [
    'Dieser Anmeldelink ist abgelaufen',
    'Anmeldelinks gelten nur kurz. Fordern Sie einen neuen an.',
  ],
  problemUsed: [
    'Dieser Anmeldelink wurde schon benutzt',
    'Jeder Anmeldelink gilt nur einmal. Fordern Sie einen neuen an.',
  ],
  askAgain: 'Neuen Link anfordern',
  notFound: [
    'Diese Veranstaltung gibt es nicht',
    'Sie wurde vielleicht verschoben oder ist noch nicht veröffentlicht.',
  ],
  mailSubject: 'Ihr Anmeldelink für unsere Veranstaltungen',
  mailLines: (minutes) => [
    'Jemand (wahrscheinlich Sie) möchte sich mit dieser Adresse bei unserer Veranstaltungsseite anmelden.',
    `Öffnen Sie diesen Link und drücken Sie den Knopf, um sich anzumelden (er gilt einmal, ${minutes} Minuten lang):`,
  ],
  mailAfter: 'Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: ohne den Knopf passiert nichts.',
};

const BY_LANGUAGE: Record<string, Strings> = { en, fr, de };

/** The words for `language` (its primary subtag: fr-CA gets French), English when Spoor has none. */
export function stringsFor(language: string): Strings {
  return BY_LANGUAGE[language.split('-')[0]?.toLowerCase() ?? ''] ?? en;
}
