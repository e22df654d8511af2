import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Mailer } from '../mail/mailer';

/** What announcing alerts needs: the app's services object (consoleUrl is read when an email is written). */
export interface AlertServices {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  /** The browser console's address, for links in emails; null on the desktop. */
  consoleUrl: string | null;
}
