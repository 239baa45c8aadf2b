// The words of registering on the event website, in the languages Spoor speaks (strings.ts's): the form on
// an event's page, the pages after posting it, the portal's buttons, the waitlist's pages and emails, and
// the sentences refusing a registration. Another language gets English words around the event's own texts.

const en = {
  register: 'Register',
  registeredHere: 'You are registered for this event.',
  waitlistedHere: 'You are on the waitlist for this event.',
  pass: 'Pass',
  sessions: 'Sessions',
  fullWaitlist: ' (full: waitlist)',
  registeringAs: (email: string) => `Registering as ${email}.`,
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email address',
  eventFull: 'This event is full. Join the waitlist: when a place frees, we hold it for you and email you.',
  joinWaitlist: 'Join the waitlist',
  cancelledShort: 'Cancelled.',
  registeredShort: 'Registered.',
  waitlistedShort: 'On the waitlist.',
  heldUntil: (until: string) => `A place is held for you until ${until}.`,
  takePlace: 'Take the place',
  cancelMine: 'Cancel my registration',
  leaveWaitlist: 'Leave the waitlist',
  backToEvent: 'Back to the event',
  registeredTitle: 'You are registered',
  registeredFor: (name: string) => `You are registered for ${name}.`,
  waitlistedTitle: 'You are on the waitlist',
  waitlistedFor: (name: string) =>
    `You are on the waitlist for ${name}. When a place frees, we hold it for you and email you a link to take it.`,
  notRegistered: 'Not registered',
  placeHeldTitle: 'A place is held for you',
  placeHeldText: (name: string, until: string) => `A place at ${name} is held for you until ${until}.`,
  declinePlace: 'No, thank you',
  leaveText: (name: string) =>
    `Leave the waitlist for ${name}? A place held for you goes to the next person.`,
  nothingToCancel: [
    'Nothing to cancel',
    'This registration is not yours, or it is cancelled already.',
  ] as readonly [string, string],
  linkInvalid: [
    'This link is not valid',
    'The link may have been changed or copied incompletely.',
  ] as readonly [string, string],
  offerRanOut: [
    'This offer has run out',
    'The place was held for a set time, and it has passed: it goes to the next person.',
  ] as readonly [string, string],
  tookAlready: 'You took this place already.',
  offerClosed: [
    'This offer is no longer open',
    'It was taken up or declined, or you left the waitlist.',
  ] as readonly [string, string],
  placeYours: (name: string) => `The place at ${name} is yours.`,
  placeLetGo: 'Place let go',
  placeLetGoText: (name: string) =>
    `The place at ${name} goes to the next person. You have left the waitlist.`,
  notOnWaitlist: 'Not on the waitlist',
  cancelFromPortal: 'You are registered for this event: cancel from your registrations.',
  leftAlready: 'You left the waitlist already.',
  notOnThisWaitlist: 'You are not on this waitlist (any more).',
  leftTitle: 'You left the waitlist',
  leftText: 'You will get no more emails about places at this event.',
  giveEmail: 'Please give your email address.',
  alreadyRegistered: 'You are registered for this event already.',
  alreadyWaitlisted: 'You are on the waitlist for this event already.',
  full: (what: 'event' | 'pass' | { session: string }) =>
    what === 'event'
      ? 'This event is full; no place was taken.'
      : what === 'pass'
        ? 'This pass is full; no place was taken.'
        : `The session "${what.session}" is full; no place was taken.`,
  problems: {
    cancelled: 'This event is cancelled.',
    notPublished: 'This event is not published.',
    notOpenYet: 'Registration for this event has not opened yet.',
    closed: 'Registration for this event is closed.',
    notPass: (id: string) => `The pass "${id}" is not a pass of this event.`,
    choosePass: 'Choose a pass: this event has passes.',
    notSession: (id: string) => `The session "${id}" is not a session of this event.`,
    notInPass: (id: string) => `The session "${id}" is not one the pass opens.`,
  },
  mailOffer: (name: string, until: string) => [
    `A place at ${name} has freed, and we are holding it for you until ${until}.`,
    'Open this link to take it or to let it go:',
  ],
  mailWaiting: (name: string) => [
    `You are on the waitlist for ${name}.`,
    'When a place frees, we hold it for you and email you.',
  ],
  mailLeave: 'To leave the waitlist:',
  subjectOffer: (name: string) => `A place is held for you: ${name}`,
  subjectWaiting: (name: string) => `On the waitlist: ${name}`,
};

export type RegistrationStrings = typeof en;
/** The sentences refusing a registration (registration-rules.ts). */
export type RegistrationProblems = RegistrationStrings['problems'];

const fr: RegistrationStrings = {
  register: "S'inscrire",
  registeredHere: 'Vous êtes inscrit·e à cet événement.',
  waitlistedHere: "Vous êtes sur la liste d'attente de cet événement.",
  pass: 'Pass',
  sessions: 'Sessions',
  fullWaitlist: " (complet : liste d'attente)",
  registeringAs: (email) => `Inscription en tant que ${email}.`,
  firstName: 'Prénom',
  lastName: 'Nom',
  email: 'Adresse e-mail',
  eventFull:
    "Cet événement est complet. Inscrivez-vous sur la liste d'attente : quand une place se libère, nous vous la réservons et vous écrivons.",
  joinWaitlist: "M'inscrire sur la liste d'attente",
  cancelledShort: 'Annulée.',
  registeredShort: 'Inscrit·e.',
  waitlistedShort: "Sur la liste d'attente.",
  heldUntil: (until) => `Une place vous est réservée jusqu'au ${until}.`,
  takePlace: 'Prendre la place',
  cancelMine: 'Annuler mon inscription',
  leaveWaitlist: "Quitter la liste d'attente",
  backToEvent: "Retour à l'événement",
  registeredTitle: 'Vous êtes inscrit·e',
  registeredFor: (name) => `Vous êtes inscrit·e à ${name}.`,
  waitlistedTitle: "Vous êtes sur la liste d'attente",
  waitlistedFor: (name) =>
    `Vous êtes sur la liste d'attente de ${name}. Quand une place se libère, nous vous la réservons et vous envoyons un lien pour la prendre.`,
  notRegistered: 'Inscription non faite',
  placeHeldTitle: 'Une place vous est réservée',
  placeHeldText: (name, until) => `Une place à ${name} vous est réservée jusqu'au ${until}.`,
  declinePlace: 'Non, merci',
  leaveText: (name) =>
    `Quitter la liste d'attente de ${name} ? Une place qui vous est réservée passe à la personne suivante.`,
  nothingToCancel: ['Rien à annuler', "Cette inscription n'est pas la vôtre, ou elle est déjà annulée."],
  linkInvalid: ["Ce lien n'est pas valide", 'Le lien a peut-être été modifié ou copié en partie.'],
  offerRanOut: [
    'Cette offre a expiré',
    'La place était réservée pour un temps limité, qui est passé : elle va à la personne suivante.',
  ],
  tookAlready: 'Vous avez déjà pris cette place.',
  offerClosed: [
    "Cette offre n'est plus ouverte",
    "Elle a été acceptée ou refusée, ou vous avez quitté la liste d'attente.",
  ],
  placeYours: (name) => `La place à ${name} est à vous.`,
  placeLetGo: 'Place cédée',
  placeLetGoText: (name) =>
    `La place à ${name} va à la personne suivante. Vous avez quitté la liste d'attente.`,
  notOnWaitlist: "Pas sur la liste d'attente",
  cancelFromPortal: 'Vous êtes inscrit·e à cet événement : annulez depuis vos inscriptions.',
  leftAlready: "Vous avez déjà quitté la liste d'attente.",
  notOnThisWaitlist: "Vous n'êtes pas (plus) sur cette liste d'attente.",
  leftTitle: "Vous avez quitté la liste d'attente",
  leftText: "Vous ne recevrez plus d'e-mails sur les places de cet événement.",
  giveEmail: 'Indiquez votre adresse e-mail.',
  alreadyRegistered: 'Vous êtes déjà inscrit·e à cet événement.',
  alreadyWaitlisted: "Vous êtes déjà sur la liste d'attente de cet événement.",
  full: (what) =>
    what === 'event'
      ? "Cet événement est complet ; aucune place n'a été prise."
      : what === 'pass'
        ? "Ce pass est complet ; aucune place n'a été prise."
        : `La session « ${what.session} » est complète ; aucune place n'a été prise.`,
  problems: {
    cancelled: 'Cet événement est annulé.',
    notPublished: "Cet événement n'est pas publié.",
    notOpenYet: 'Les inscriptions à cet événement ne sont pas encore ouvertes.',
    closed: 'Les inscriptions à cet événement sont closes.',
    notPass: (id) => `Le pass « ${id} » n'est pas un pass de cet événement.`,
    choosePass: 'Choisissez un pass : cet événement en propose.',
    notSession: (id) => `La session « ${id} » n'est pas une session de cet événement.`,
    notInPass: (id) => `La session « ${id} » n'est pas ouverte par ce pass.`,
  },
  mailOffer: (name, until) => [
    `Une place à ${name} s'est libérée, et nous vous la réservons jusqu'au ${until}.`,
    'Ouvrez ce lien pour la prendre ou la céder :',
  ],
  mailWaiting: (name) => [
    `Vous êtes sur la liste d'attente de ${name}.`,
    'Quand une place se libère, nous vous la réservons et vous écrivons.',
  ],
  mailLeave: "Pour quitter la liste d'attente :",
  subjectOffer: (name) => `Une place vous est réservée : ${name}`,
  subjectWaiting: (name) => `Sur la liste d'attente : ${name}`,
};

const de: RegistrationStrings = {
  register: 'Anmelden',
  registeredHere: 'Sie sind für diese Veranstaltung angemeldet.',
  waitlistedHere: 'Sie stehen auf der Warteliste für diese Veranstaltung.',
  pass: 'Ticket',
  sessions: 'Programm',
  fullWaitlist: ' (ausgebucht: Warteliste)',
  registeringAs: (email) => `Anmeldung als ${email}.`,
  firstName: 'Vorname',
  lastName: 'Nachname',
  email: 'E-Mail-Adresse',
  eventFull:
    'Diese Veranstaltung ist ausgebucht. Tragen Sie sich in die Warteliste ein: Wird ein Platz frei, halten wir ihn für Sie und schreiben Ihnen.',
  joinWaitlist: 'Auf die Warteliste',
  cancelledShort: 'Storniert.',
  registeredShort: 'Angemeldet.',
  waitlistedShort: 'Auf der Warteliste.',
  heldUntil: (until) => `Ein Platz ist für Sie reserviert bis ${until}.`,
  takePlace: 'Platz nehmen',
  cancelMine: 'Meine Anmeldung stornieren',
  leaveWaitlist: 'Warteliste verlassen',
  backToEvent: 'Zurück zur Veranstaltung',
  registeredTitle: 'Sie sind angemeldet',
  registeredFor: (name) => `Sie sind angemeldet für ${name}.`,
  waitlistedTitle: 'Sie stehen auf der Warteliste',
  waitlistedFor: (name) =>
    `Sie stehen auf der Warteliste für ${name}. Wird ein Platz frei, halten wir ihn für Sie und senden Ihnen einen Link, um ihn zu nehmen.`,
  notRegistered: 'Nicht angemeldet',
  placeHeldTitle: 'Ein Platz ist für Sie reserviert',
  placeHeldText: (name, until) => `Ein Platz bei ${name} ist für Sie reserviert bis ${until}.`,
  declinePlace: 'Nein, danke',
  leaveText: (name) =>
    `Die Warteliste für ${name} verlassen? Ein für Sie reservierter Platz geht an die nächste Person.`,
  nothingToCancel: ['Nichts zu stornieren', 'Diese Anmeldung ist nicht Ihre, oder sie ist schon storniert.'],
  linkInvalid: [
    'Dieser Link ist ungültig',
    'Der Link wurde vielleicht verändert oder unvollständig kopiert.',
  ],
  offerRanOut: [
    'Dieses Angebot ist abgelaufen',
    'Der Platz war eine bestimmte Zeit reserviert, und sie ist vorbei: Er geht an die nächste Person.',
  ],
  tookAlready: 'Sie haben diesen Platz schon genommen.',
  offerClosed: [
    'Dieses Angebot gilt nicht mehr',
    'Es wurde angenommen oder abgelehnt, oder Sie haben die Warteliste verlassen.',
  ],
  placeYours: (name) => `Der Platz bei ${name} gehört Ihnen.`,
  placeLetGo: 'Platz freigegeben',
  placeLetGoText: (name) =>
    `Der Platz bei ${name} geht an die nächste Person. Sie haben die Warteliste verlassen.`,
  notOnWaitlist: 'Nicht auf der Warteliste',
  cancelFromPortal: 'Sie sind für diese Veranstaltung angemeldet: Stornieren Sie bei Ihren Anmeldungen.',
  leftAlready: 'Sie haben die Warteliste schon verlassen.',
  notOnThisWaitlist: 'Sie stehen nicht (mehr) auf dieser Warteliste.',
  leftTitle: 'Sie haben die Warteliste verlassen',
  leftText: 'Sie erhalten keine E-Mails mehr über Plätze bei dieser Veranstaltung.',
  giveEmail: 'Bitte geben Sie Ihre E-Mail-Adresse an.',
  alreadyRegistered: 'Sie sind für diese Veranstaltung schon angemeldet.',
  alreadyWaitlisted: 'Sie stehen schon auf der Warteliste für diese Veranstaltung.',
  full: (what) =>
    what === 'event'
      ? 'Diese Veranstaltung ist ausgebucht; es wurde kein Platz genommen.'
      : what === 'pass'
        ? 'Dieses Ticket ist ausgebucht; es wurde kein Platz genommen.'
        : `Der Programmpunkt „${what.session}“ ist ausgebucht; es wurde kein Platz genommen.`,
  problems: {
    cancelled: 'Diese Veranstaltung ist abgesagt.',
    notPublished: 'Diese Veranstaltung ist nicht veröffentlicht.',
    notOpenYet: 'Die Anmeldung für diese Veranstaltung ist noch nicht geöffnet.',
    closed: 'Die Anmeldung für diese Veranstaltung ist geschlossen.',
    notPass: (id) => `Das Ticket „${id}“ gehört nicht zu dieser Veranstaltung.`,
    choosePass: 'Wählen Sie ein Ticket: Diese Veranstaltung hat Tickets.',
    notSession: (id) => `Der Programmpunkt „${id}“ gehört nicht zu dieser Veranstaltung.`,
    notInPass: (id) => `Der Programmpunkt „${id}“ ist mit diesem Ticket nicht zugänglich.`,
  },
  mailOffer: (name, until) => [
    `Ein Platz bei ${name} ist frei geworden, und wir halten ihn für Sie bis ${until}.`,
    'Öffnen Sie diesen Link, um ihn zu nehmen oder freizugeben:',
  ],
  mailWaiting: (name) => [
    `Sie stehen auf der Warteliste für ${name}.`,
    'Wird ein Platz frei, halten wir ihn für Sie und schreiben Ihnen.',
  ],
  mailLeave: 'Um die Warteliste zu verlassen:',
  subjectOffer: (name) => `Ein Platz ist für Sie reserviert: ${name}`,
  subjectWaiting: (name) => `Auf der Warteliste: ${name}`,
};

const BY_LANGUAGE: Record<string, RegistrationStrings> = { en, fr, de };

/** The registration words for `language` (its primary subtag), English when Spoor has none. */
export function registrationStrings(language: string): RegistrationStrings {
  return BY_LANGUAGE[language.split('-')[0]?.toLowerCase() ?? ''] ?? en;
}

/** The English refusals: the API's sentences. */
export const ENGLISH_PROBLEMS: RegistrationProblems = en.problems;
