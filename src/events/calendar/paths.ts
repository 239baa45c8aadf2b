// The addresses of the calendar downloads (the pages link to them; calendar/routes.ts answers them).
import { PORTAL_PATH } from '../sign-in.ts';

export const eventCalendarPath = (slug: string) => `/events/${encodeURIComponent(slug)}/calendar.ics`;
export const registrationCalendarPath = (registrationId: string) =>
  `${PORTAL_PATH}/registrations/${encodeURIComponent(registrationId)}/calendar.ics`;
