import { z } from 'zod';
import { changeContactConsent, changeContactConsentInput } from '../../contacts/change-contact-consent';
import { createContact, createContactInput } from '../../contacts/create-contact';
import { deleteContacts, deleteContactsInput } from '../../contacts/delete-contacts';
import { exportContactsPage, exportContactsInput } from '../../contacts/export-contacts';
import { getContact } from '../../contacts/get-contact';
import { importContacts, importContactsInput } from '../../contacts/import-contacts';
import { listContactAssignees } from '../../contacts/list-contact-assignees';
import { listContactTags } from '../../contacts/list-contact-tags';
import { listContacts, listContactsInput } from '../../contacts/list-contacts';
import { previewContactImport, previewContactImportInput } from '../../contacts/preview-contact-import';
import { tagContacts, tagContactsInput } from '../../contacts/tag-contacts';
import { updateContact, updateContactInput } from '../../contacts/update-contact';
import { orgProcedure, router } from '../trpc';

// Every role with contacts has contacts:manage_own; which contacts each sees and changes (read_team,
// read_all, manage_team, manage_all and the organization's sharing setting) is decided in
// server/contacts/contact-scope.ts.
const contactsProcedure = orgProcedure('contacts:manage_own');

export const contactsRouter = router({
  list: contactsProcedure.input(listContactsInput).query(({ ctx, input }) => listContacts(ctx.db, ctx.actor, input)),
  get: contactsProcedure.input(z.object({ id: z.uuid() })).query(({ ctx, input }) => getContact(ctx.db, ctx.actor, input.id)),
  tags: contactsProcedure.query(({ ctx }) => listContactTags(ctx.db, ctx.actor)),
  assignees: contactsProcedure.query(({ ctx }) => listContactAssignees(ctx.db, ctx.actor)),
  create: contactsProcedure.input(createContactInput).mutation(({ ctx, input }) => createContact(ctx.db, ctx.actor, input, ctx.clock)),
  update: contactsProcedure.input(updateContactInput).mutation(({ ctx, input }) => updateContact(ctx.db, ctx.actor, input, ctx.clock)),
  delete: contactsProcedure.input(deleteContactsInput).mutation(({ ctx, input }) => deleteContacts(ctx.db, ctx.actor, input)),
  tag: contactsProcedure.input(tagContactsInput).mutation(({ ctx, input }) => tagContacts(ctx.db, ctx.actor, input)),
  changeConsent: contactsProcedure.input(changeContactConsentInput).mutation(({ ctx, input }) => changeContactConsent(ctx.db, ctx.actor, input, ctx.clock)),
  /** Checks the first rows of a CSV as they would be imported; writes nothing. */
  previewImport: contactsProcedure.input(previewContactImportInput).mutation(({ ctx, input }) => previewContactImport(ctx.db, ctx.actor, input)),
  /** Imports one upload (≤ 2,000 rows) of a CSV. */
  importRows: contactsProcedure.input(importContactsInput).mutation(({ ctx, input }) => importContacts(ctx.db, ctx.actor, input, ctx.clock)),
  /** One page (≤ 5,000 contacts) of the CSV export of the contacts the caller sees; the console joins the pages into one download. */
  exportCsv: contactsProcedure.input(exportContactsInput).mutation(({ ctx, input }) => exportContactsPage(ctx.db, ctx.actor, input)),
});
