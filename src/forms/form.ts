// A stored form: its definition plus identity and the website it belongs to.
import type { FormDefinition } from './form-definition.ts';

export interface Form {
  id: string;
  name: string;
  /** The website whose allowed origins may embed the form and whose tracking runs on its page. */
  websiteId: string | null;
  definition: FormDefinition;
  createdAt: string;
  updatedAt: string;
}
