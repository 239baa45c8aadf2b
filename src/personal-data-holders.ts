// Every domain that holds personal data about a contact, in export order (erasure runs in reverse:
// see PersonalDataRegistry). Wiring, beside app.ts: it names every holding domain, so it lives outside
// any domain folder (inside one, that folder and every holder would import each other: npm run check:cycles).
// A new domain adds one line here; privacy and identity need no change.
import { contactsPersonalData } from './contacts/personal-data.ts';
import { bouncesPersonalData } from './email/bounces/personal-data.ts';
import { engagementPersonalData } from './email/engagement/personal-data.ts';
import { forwardsPersonalData } from './email/forwards/personal-data.ts';
import { sendsPersonalData } from './email/sends/personal-data.ts';
import { eventsPersonalData } from './events/personal-data.ts';
import { formsPersonalData } from './forms/personal-data.ts';
import { identityPersonalData } from './identity/personal-data.ts';
import { listsPersonalData } from './lists/personal-data.ts';
import { offersPersonalData } from './offers/personal-data.ts';
import { PersonalDataRegistry } from './platform/personal-data/registry.ts';
import { scoringPersonalData } from './scoring/personal-data.ts';
import { trackingPersonalData } from './tracking/personal-data.ts';
import { webhooksPersonalData } from './webhooks/personal-data.ts';

export const personalData = new PersonalDataRegistry([
  contactsPersonalData, // erased last: every other holder's rows name the contact
  formsPersonalData,
  identityPersonalData, // browsers: erased after tracking has locked them and deleted their visits
  trackingPersonalData, // page views before browsers, the tracking writer's lock order
  listsPersonalData,
  eventsPersonalData,
  engagementPersonalData, // events after recipient rows, which the engagement writer share-locks
  sendsPersonalData,
  offersPersonalData, // claims and follows name the contact; nothing names them
  bouncesPersonalData, // erased first: outcomes name send recipients
  forwardsPersonalData, // the forwarder's forwards and copies: no other holder's rows name them
  webhooksPersonalData, // deliveries name the contact; nothing names them
  scoringPersonalData, // erased first: the ledger names other holders' items, nothing names it
]);
