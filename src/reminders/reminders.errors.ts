import { AppError } from '../common/errors/app-error';
import { CalendarDate } from '../common/calendar-date';

/**
 * A run for a day that has not come yet is refused: it would send reminders early and, each
 * being sent once, take the place of the ones due on the right day.
 */
export class ReminderRunInFutureError extends AppError {
  constructor(date: CalendarDate, today: CalendarDate) {
    super(
      422,
      'reminder-run-in-future',
      'Reminders cannot be sent for a future day',
      `date: ${date} is after today (${today}); reminders are sent as of today or an earlier day.`,
      [{ field: 'date', rule: 'notInFuture', reason: `must be today (${today}) or earlier` }],
    );
  }
}
