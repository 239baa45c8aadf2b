// This install's interaction feed: each domain's interaction source, registered in one place. A new
// capability (bounces, offers, events) adds its source here and logs its items (docs/architecture.md).

import { contactChangeInteractions } from './contacts/contact-change-interactions.ts';
import { outcomeInteractions } from './email/bounces/outcome-interactions.ts';
import { emailInteractions } from './email/engagement/email-interactions.ts';
import { forwardInteractions } from './email/forwards/forward-interactions.ts';
import { deliveryInteractions } from './email/sends/send-interactions.ts';
import { checkInInteractions } from './events/check-in/check-in-interactions.ts';
import { registrationInteractions } from './events/registration-interactions.ts';
import { submissionInteractions } from './forms/submission-interactions.ts';
import { consentInteractions } from './lists/consent-interactions.ts';
import { offerInteractions } from './offers/offer-interactions.ts';
import { InteractionRegistry } from './platform/interactions/registry.ts';
import { scoringInteractions } from './scoring/scoring-interactions.ts';
import { visitInteractions } from './tracking/visit-interactions.ts';

export function createInteractionFeed(): InteractionRegistry {
  return new InteractionRegistry()
    .register(visitInteractions)
    .register(submissionInteractions)
    .register(emailInteractions)
    .register(deliveryInteractions)
    .register(outcomeInteractions)
    .register(consentInteractions)
    .register(offerInteractions)
    .register(forwardInteractions)
    .register(registrationInteractions)
    .register(checkInInteractions)
    .register(contactChangeInteractions)
    .register(scoringInteractions);
}
